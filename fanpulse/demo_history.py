"""The demo's side tables: page views, three days of collection runs, source states and the
alerts the collector would have raised, all written through the store.

Called by :func:`fanpulse.demo.build_demo` once the posts and mentions are in.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pyarrow as pa

from analytics.core.config import AppConfig, SourceEntry
from analytics.core.filters import Filters
from analytics.core.models import RunRecord, SourceState
from analytics.queries.alerts import spike_group_alert
from analytics.queries.spike_groups import plan_spike_alerts, show_memberships
from analytics.queries.spikes import detect_spikes
from analytics.store import Connection, transaction
from analytics.store.alerts import record_new
from analytics.store.write import insert_attention_from, insert_runs, upsert_states

# One source failing for the last few hours, one with a gap yesterday.
_FAILING = "variety"
_FAILURE = "HTTP 503 from variety.com (server error)"
_GAP = "mastodon-online"

# Steady public interest plus a share of the day's chatter, with noise.
_ATTENTION_SQL = """
WITH days AS (
    SELECT CAST(d AS DATE) AS day FROM range(CAST(? AS DATE), CAST(? AS DATE),
                                              INTERVAL 1 DAY) r(d)
),
chatter AS (
    SELECT m.entity_id, CAST(timezone('UTC', p.created_at) AS DATE) AS day,
           count(*) AS n
    FROM mentions m JOIN posts p USING (post_id)
    WHERE m.entity_id IN (SELECT entity_id FROM demo_articles)
    GROUP BY ALL
)
SELECT a.entity_id, 'wikipedia_pageviews' AS metric, d.day,
       round((400 + 55 * coalesce(c.n, 0))
             * (0.8 + 0.4 * ((hash(a.entity_id, d.day) % 1000) / 1000.0))) AS value,
       'wikipedia-pageviews' AS source_name,
       CAST(d.day AS TIMESTAMPTZ) + INTERVAL 1 DAY AS collected_at
FROM demo_articles a CROSS JOIN days d
LEFT JOIN chatter c ON c.entity_id = a.entity_id AND c.day = d.day
"""


def write_history(con: Connection, config: AppConfig, start: date, end: datetime) -> None:
    """Page views, runs and states; alerts come after (:func:`write_alerts`)."""
    _attention(con, config, start, end)
    runs: list[RunRecord] = []
    states: list[SourceState] = []
    for entry in (e for e in config.sources if e.enabled):
        interval = entry.interval or config.collector.default_interval
        entry_runs, state = _history_of(entry, end, interval)
        runs.extend(entry_runs)
        states.append(state)
    insert_runs(con, runs)
    upsert_states(con, states)


def _attention(con: Connection, config: AppConfig, start: date, end: datetime) -> None:
    """Daily Wikipedia page views for the articles the config watches."""
    articles = next(
        (
            dict(entry.options.get("articles", {}))
            for entry in config.sources
            if entry.kind == "wikipedia"
        ),
        {},
    )
    if not articles:
        return
    con.register("demo_articles", pa.table({"entity_id": list(articles)}))
    insert_attention_from(con, con.sql(_ATTENTION_SQL, params=[start, end.date()]))


def _history_of(
    entry: SourceEntry, end: datetime, interval: timedelta
) -> tuple[list[RunRecord], SourceState]:
    """Runs every ``interval`` over the three days before ``end``, and the state they leave."""
    channel = f"demo://{entry.name}"
    runs: list[RunRecord] = []
    at = end - timedelta(days=3)
    last_ok = None
    failures = 0
    while at < end:
        hours_ago = (end - at).total_seconds() / 3600
        if not (entry.name == _GAP and 20 <= hours_ago < 26):
            failed = entry.name == _FAILING and hours_ago < 4
            runs.append(_run(entry, channel, at, failed))
            failures = failures + 1 if failed else 0
            last_ok = last_ok if failed else at
        at += interval
    state = SourceState(
        source_name=entry.name,
        channel=channel,
        source=entry.kind,
        next_due_at=at,
        consecutive_failures=failures,
        last_error=_FAILURE if failures else None,
        last_attempt_at=at - interval,
        last_success_at=last_ok,
    )
    return runs, state


def _run(entry: SourceEntry, channel: str, at: datetime, failed: bool) -> RunRecord:
    return RunRecord(
        source_name=entry.name,
        source=entry.kind,
        channel=channel,
        started_at=at,
        finished_at=at + timedelta(seconds=2),
        status="error" if failed else "ok",
        fetched=0 if failed else 20,
        off_topic=0 if failed else 12,
        inserted=0 if failed else 3,
        http_status=503 if failed else 200,
        error=_FAILURE if failed else None,
    )


def write_alerts(con: Connection, config: AppConfig, end: datetime) -> None:
    """The spikes of the last month, as the collector's alert check would have recorded."""
    recent = Filters(start=end - timedelta(days=30), end=end)
    spikes = detect_spikes(con, recent, bucket="day", threshold=4.0, min_posts=20, limit=None)
    memberships = show_memberships(config.watchlist)
    plan = plan_spike_alerts([("day", spikes)], memberships, [])
    with transaction(con):
        record_new(con, [spike_group_alert(group) for group in plan.new], end)
