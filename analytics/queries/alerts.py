"""Alerts: new spikes and sources going silent or failing, each recorded once.

An alert's id is derived from what it is about (``spike:show:heartstopper:2026-11-24``,
``silent:pinknews:2026-11-23T08``), so finding the same spike on every check records it
once and sends it once. Delivery is the collector's job; this module builds alerts and
reads the ``alerts`` table, which :mod:`analytics.store.alerts` writes (what was found, when,
and whether it reached the webhooks).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from analytics.queries.health import SourceHealth
from analytics.store import Connection

MAX_DELIVERY_ATTEMPTS = 5


class SpikeLike(Protocol):
    entity_id: str
    name: str
    bucket: datetime
    posts: int
    baseline: float
    z: float
    top_terms: Sequence[object]
    top_posts: Sequence[object]


@dataclass(frozen=True, slots=True)
class Alert:
    alert_id: str
    kind: str  # spike | silent | failing
    happened_at: datetime
    title: str
    message: str
    entity_id: str | None = None
    source_name: str | None = None

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.message}"


def _term_text(term: object) -> str:
    return str(getattr(term, "term", term))


def _post_text(post: object) -> str:
    text = str(
        getattr(post, "title", None)
        or getattr(post, "snippet", None)
        or getattr(post, "text", None)
        or ""
    )
    text = " ".join(text.split())
    return text[:140] + ("…" if len(text) > 140 else "")


def first_of_episodes(spikes: Iterable[SpikeLike], step: timedelta) -> list[SpikeLike]:
    """Only the first bucket of each run of consecutive spike buckets per entity: a buzz
    that lasts four days is one alert, not four."""
    by_entity: dict[str, set[datetime]] = {}
    for spike in spikes:
        by_entity.setdefault(spike.entity_id, set()).add(spike.bucket)
    return [s for s in spikes if s.bucket - step not in by_entity.get(s.entity_id, set())]


def drop_continuations(
    con: Connection, spikes: Sequence[SpikeLike], quiet: timedelta
) -> list[SpikeLike]:
    """Spikes of an entity that already had a spike alert within ``quiet`` before them are
    the same buzz going on, not news."""
    if not spikes:
        return []
    rows = con.execute(
        "SELECT entity_id, happened_at FROM alerts WHERE kind = 'spike' AND happened_at >= ?",
        [min(s.bucket for s in spikes) - quiet],
    ).fetchall()
    earlier: dict[str, list[datetime]] = {}
    for entity_id, happened_at in rows:
        earlier.setdefault(entity_id, []).append(happened_at)
    return [
        s
        for s in spikes
        if not any(s.bucket - quiet <= t < s.bucket for t in earlier.get(s.entity_id, []))
    ]


def spike_alert(spike: SpikeLike) -> Alert:
    terms = ", ".join(_term_text(t) for t in list(spike.top_terms)[:5]) or "no single term"
    lines = [
        f"{spike.posts} posts vs a usual {spike.baseline:.0f} (robust z {spike.z:.1f}).",
        f"Driven by: {terms}.",
    ]
    for post in list(spike.top_posts)[:3]:
        snippet = _post_text(post)
        url = getattr(post, "url", None)
        if snippet:
            lines.append(f"• {snippet}" + (f" <{url}>" if url else ""))
    return Alert(
        alert_id=f"spike:{spike.entity_id}:{spike.bucket.isoformat()}",
        kind="spike",
        happened_at=spike.bucket,
        title=f"📈 Spike in mentions of {spike.name} ({spike.bucket:%Y-%m-%d %H:%M} UTC)",
        message="\n".join(lines),
        entity_id=spike.entity_id,
    )


def health_alerts(sources: Iterable[SourceHealth]) -> list[Alert]:
    """A source that went silent or started failing; once per episode."""
    alerts = []
    for source in sources:
        if source.status == "silent" and source.last_new_at is not None:
            since = source.last_new_at
            title = f"🔇 Source {source.name} has gone silent"
        elif source.status == "failing":
            since = source.last_success_at or datetime(1970, 1, 1, tzinfo=UTC)
            title = f"⚠️ Source {source.name} is failing"
        else:
            continue
        alerts.append(
            Alert(
                # One episode = one start time: the last new post, or the last success.
                alert_id=f"{source.status}:{source.name}:{since.isoformat(timespec='seconds')}",
                kind=source.status,
                happened_at=since,
                title=title,
                message=source.detail + (f": {source.last_error}" if source.last_error else ""),
                source_name=source.name,
            )
        )
    return alerts


def undelivered(con: Connection) -> list[tuple[Alert, list[str] | None]]:
    """Alerts still to send, each with the webhook keys it still owes (None: all of them)."""
    rows = con.execute(
        """
        SELECT alert_id, kind, happened_at, title, message, entity_id, source_name,
               undelivered_to
        FROM alerts WHERE delivered_at IS NULL AND delivery_attempts < ?
        ORDER BY detected_at, alert_id
        """,
        [MAX_DELIVERY_ATTEMPTS],
    ).fetchall()
    return [(Alert(*row[:7]), row[7]) for row in rows]


def recent_alerts(con: Connection, limit: int = 20) -> list[tuple]:
    """The latest alerts for display: (detected_at, kind, title, message, delivered_at)."""
    return con.execute(
        """
        SELECT detected_at, kind, title, message, delivered_at FROM alerts
        -- Newest first; among alerts found together, shows before the people in them.
        ORDER BY date_trunc('minute', detected_at) DESC,
                 coalesce(entity_id LIKE 'show:%', false) DESC,
                 happened_at DESC, alert_id
        LIMIT ?
        """,
        [limit],
    ).fetchall()
