"""Is each source healthy? The one judgement behind `fanpulse status`, the dashboard's
collection-health page and the "source went silent" alerts.

A source is unhealthy when it is:
- **failing**: a channel has failed ``FAILING_AFTER`` times in a row (one or two failures
  are "retrying": networks blink, and the backoff policy handles that quietly);
- **silent**: its polls succeed but it has brought nothing new for far longer than usual —
  the silent zero that an error count never shows (a feed that changed address and now
  serves an empty page, a search that stopped matching). "Usual" is the source's own
  history: the 90th percentile of the gaps between its productive runs in the last 30 days;
- **stalled**: a channel is more than twice its interval past its due time (and at least
  ``STALL_MIN``): the collector is not running, or it is stuck. Due times live in
  ``source_state``; batches waiting in the spool carry newer ones, which count too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from analytics.core.models import SourceSpec, SourceState
from analytics.store import Connection

FAILING_AFTER = 3
# Silent when quiet for longer than this many usual gaps, and never sooner than SILENT_MIN.
SILENT_FACTOR = 3.0
SILENT_MIN = timedelta(hours=6)
# A usual gap needs this many productive runs to be measured at all.
MIN_PRODUCTIVE_RUNS = 4
# Stalled when the due time passed more than this many intervals ago, and never sooner than
# STALL_MIN (a poll with its retries may legitimately take a minute before it is stored).
STALL_FACTOR = 2
STALL_MIN = timedelta(minutes=1)

UNHEALTHY = frozenset({"failing", "silent", "stalled"})


def stall_limit(interval: timedelta) -> timedelta:
    """How far past its due time a channel may be before it counts as stalled: the one
    rule behind the collector's watchdog and `fanpulse status`."""
    return max(interval * STALL_FACTOR, STALL_MIN)


@dataclass(frozen=True, slots=True)
class SourceHealth:
    name: str
    kind: str
    status: str  # ok | pending | retrying | failing | silent | stalled
    detail: str
    channels: int
    failing_channels: int
    last_success_at: datetime | None
    last_error: str | None
    new_last_24h: int
    usual_daily: float | None  # median new items per day over the previous 14 days
    last_new_at: datetime | None
    next_due_at: datetime | None

    @property
    def healthy(self) -> bool:
        return self.status not in UNHEALTHY


_STATE_SQL = """
SELECT source_name, count(*) AS channels,
       count(*) FILTER (WHERE consecutive_failures >= ?) AS failing,
       count(*) FILTER (WHERE consecutive_failures > 0) AS retrying,
       max(last_success_at), min(next_due_at),
       arg_max(last_error, last_attempt_at) FILTER (WHERE last_error IS NOT NULL)
FROM source_state GROUP BY source_name
"""

_DUE_SQL = "SELECT source_name, channel, next_due_at FROM source_state"

# New items per source: in the last 24 h, per day over the 14 days before, and the gaps
# between productive runs (runs that stored anything new) over the history window.
_VOLUME_SQL = """
WITH runs AS (
    SELECT source_name, channel, finished_at, inserted FROM collection_runs
    WHERE finished_at >= CAST(? AS TIMESTAMPTZ) - INTERVAL 30 DAY
),
recent AS (
    SELECT source_name, sum(inserted) AS new_24h FROM runs
    WHERE finished_at >= CAST(? AS TIMESTAMPTZ) - INTERVAL 1 DAY GROUP BY source_name
),
days AS (
    SELECT source_name,
           floor(epoch(CAST(? AS TIMESTAMPTZ) - finished_at) / 86400) AS days_ago,
           sum(inserted) AS new_items
    FROM runs GROUP BY ALL
),
usual AS (
    SELECT source_name, median(new_items) AS usual_daily FROM days
    WHERE days_ago BETWEEN 1 AND 14 GROUP BY source_name
),
productive AS (
    -- Gaps per channel: twelve Wikipedia articles updated together once a day have a
    -- usual gap of a day, not of the minutes between their twelve runs.
    SELECT source_name, finished_at,
           epoch(finished_at - lag(finished_at) OVER (
               PARTITION BY source_name, channel ORDER BY finished_at)) AS gap
    FROM runs WHERE inserted > 0
),
gaps AS (
    SELECT source_name, count(*) AS productive_runs, max(finished_at) AS last_new_at,
           quantile_cont(gap, 0.9) AS usual_gap
    FROM productive GROUP BY source_name
)
SELECT g.source_name, coalesce(r.new_24h, 0), u.usual_daily, g.productive_runs,
       g.last_new_at, g.usual_gap
FROM gaps g FULL JOIN recent r USING (source_name) FULL JOIN usual u USING (source_name)
"""


def source_health(
    con: Connection,
    specs: list[SourceSpec],
    now: datetime | None = None,
    pending_states: Mapping[tuple[str, str], SourceState] | None = None,
) -> list[SourceHealth]:
    """Judge every configured source from ``source_state`` and ``collection_runs``.

    ``pending_states`` are channel states not stored yet (they wait in the spool with
    their batches); a channel's due time is the later of the two.
    """
    now = now or datetime.now(UTC)
    states = {row[0]: row[1:] for row in con.execute(_STATE_SQL, [FAILING_AFTER]).fetchall()}
    volumes = {row[0]: row[1:] for row in con.execute(_VOLUME_SQL, [now, now, now]).fetchall()}
    stalled = _stalled_channels(con, specs, now, pending_states or {})
    return [
        _judge(spec, states.get(spec.name), volumes.get(spec.name), now, stalled.get(spec.name))
        for spec in specs
    ]


def _stalled_channels(
    con: Connection,
    specs: list[SourceSpec],
    now: datetime,
    pending: Mapping[tuple[str, str], SourceState],
) -> dict[str, tuple[int, datetime]]:
    """Per source: how many channels are stalled, and the earliest of their due times."""
    due: dict[tuple[str, str], datetime | None] = {
        (name, channel): next_due for name, channel, next_due in con.execute(_DUE_SQL).fetchall()
    }
    for key, state in pending.items():
        stored = due.get(key)
        if state.next_due_at is not None and (stored is None or state.next_due_at > stored):
            due[key] = state.next_due_at
    limits = {spec.name: stall_limit(spec.interval) for spec in specs}
    stalled: dict[str, tuple[int, datetime]] = {}
    for (name, _), next_due in due.items():
        if name in limits and next_due is not None and now - next_due > limits[name]:
            count, earliest = stalled.get(name, (0, next_due))
            stalled[name] = (count + 1, min(earliest, next_due))
    return stalled


def _judge(
    spec: SourceSpec,
    state: tuple | None,
    volume: tuple | None,
    now: datetime,
    stalled: tuple[int, datetime] | None = None,
) -> SourceHealth:
    if state is None:
        return SourceHealth(
            spec.name, spec.kind, "pending", "not polled yet", 0, 0, None, None, 0, None, None, None
        )
    channels, failing, retrying, last_success, next_due, last_error = state
    new_24h, usual_daily, productive_runs, last_new_at, usual_gap = volume or (
        0,
        None,
        0,
        None,
        None,
    )
    status, detail = _status(
        spec,
        channels,
        failing,
        retrying,
        last_success,
        now,
        stalled,
        quiet=(
            _quiet_limit(spec.interval, productive_runs or 0, usual_gap),
            last_new_at,
            usual_gap,
        ),
    )
    return SourceHealth(
        name=spec.name,
        kind=spec.kind,
        status=status,
        detail=detail,
        channels=channels,
        failing_channels=failing,
        last_success_at=last_success,
        last_error=last_error if (failing or retrying) else None,
        new_last_24h=int(new_24h or 0),
        usual_daily=float(usual_daily) if usual_daily is not None else None,
        last_new_at=last_new_at,
        next_due_at=next_due,
    )


def _status(
    spec: SourceSpec,
    channels: int,
    failing: int,
    retrying: int,
    last_success: datetime | None,
    now: datetime,
    stalled: tuple[int, datetime] | None,
    quiet: tuple[timedelta | None, datetime | None, float | None],
) -> tuple[str, str]:
    """The status and its one-line detail; the first rule that applies wins."""
    quiet_limit, last_new_at, usual_gap = quiet
    if failing:
        since = f"since {last_success:%Y-%m-%d %H:%M} UTC" if last_success else "never succeeded"
        return "failing", f"{failing}/{channels} channels failing, {since}"
    if stalled is not None:
        count, due = stalled
        return "stalled", (
            f"{count}/{channels} channels due since {due:%Y-%m-%d %H:%M:%S} UTC, more than "
            f"{_human(stall_limit(spec.interval))} late: is `fanpulse run` running?"
        )
    if quiet_limit is not None and last_new_at is not None and now - last_new_at > quiet_limit:
        return "silent", (
            f"nothing new for {_human(now - last_new_at)} "
            f"(usually every {_human(timedelta(seconds=float(usual_gap or 0)))})"
        )
    if retrying:
        return "retrying", f"{retrying}/{channels} channels failed recently; backing off"
    return "ok", ""


def _quiet_limit(
    interval: timedelta, productive_runs: int, usual_gap: float | None
) -> timedelta | None:
    """How long a source may bring nothing new before it counts as silent."""
    if productive_runs < MIN_PRODUCTIVE_RUNS or usual_gap is None:
        return None  # not enough history to know what is usual
    return max(timedelta(seconds=float(usual_gap)) * SILENT_FACTOR, interval * 2, SILENT_MIN)


def _human(delta: timedelta) -> str:
    seconds = delta.total_seconds()
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.0f} days"
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:.0f} h"
    return f"{max(1, round(seconds / 60))} min"
