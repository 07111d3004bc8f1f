"""Alerts: new spikes and sources going silent or failing, each recorded once.

An alert's id is derived from what it is about (``spike:show:heartstopper:2026-11-24``,
``silent:pinknews:2026-11-23T08``), so finding the same spike on every check records it
once and sends it once. Co-spiking entities of one show are one alert
(:mod:`analytics.queries.spike_groups`), which names them all and links the posts behind
it. Delivery is the collector's job; this module builds alerts and reads the ``alerts``
table, which :mod:`analytics.store.alerts` writes (what was found, when, and whether it
reached the webhooks).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from analytics.queries.health import SourceHealth
from analytics.queries.spike_groups import KnownSpikeAlert, SpikeGroup, SpikeLike
from analytics.queries.timeseries import BUCKET_DELTAS, Bucket
from analytics.store import Connection

MAX_DELIVERY_ATTEMPTS = 5
MAX_LINKS = 5  # posts linked from one spike alert
MAX_TERMS = 5


@dataclass(frozen=True, slots=True)
class AlertLink:
    """A post behind an alert: its title or opening words, and its web address."""

    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Alert:
    alert_id: str
    kind: str  # spike | silent | failing
    happened_at: datetime
    title: str
    message: str
    entity_id: str | None = None  # a spike's show (or its one entity of no show)
    source_name: str | None = None
    entity_ids: tuple[str, ...] = ()  # every entity a spike alert names
    bucket: str | None = None  # day | hour, for spikes
    links: tuple[AlertLink, ...] = ()

    @property
    def text(self) -> str:
        """Plain text: title, explanation, one line per linked post."""
        return "\n".join([self.title, self.message, *link_lines(self.links)])


def link_lines(links: Iterable[AlertLink]) -> list[str]:
    return [f"• {link.title} <{link.url}>" for link in links]


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


def _web_url(value: object) -> str | None:
    """An http(s) address to link, or None: post URLs are untrusted."""
    if not isinstance(value, str):
        return None
    parts = urlsplit(value.strip())
    return value.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _names(spikes: Sequence[SpikeLike]) -> str:
    names = [s.name for s in spikes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def spike_group_alert(group: SpikeGroup) -> Alert:
    """One alert for a group: every member with its figures, shared terms, linked posts."""
    spikes = group.spikes
    if len(spikes) == 1:
        s = spikes[0]
        lines = [f"{s.posts} posts vs a usual {s.baseline:.0f} (robust z {s.z:.1f})."]
    else:
        lines = [
            f"{s.name}: {s.posts} posts vs a usual {s.baseline:.0f} (robust z {s.z:.1f})."
            for s in spikes
        ]
    terms = list(dict.fromkeys(_term_text(t) for s in spikes for t in s.top_terms))
    lines.append(f"Driven by: {', '.join(terms[:MAX_TERMS]) or 'no single term'}.")
    posts = {getattr(p, "post_id", id(p)): p for s in spikes for p in s.top_posts}
    ranked = sorted(posts.values(), key=lambda p: -int(getattr(p, "engagement", 0) or 0))
    links: list[AlertLink] = []
    for post in ranked[:MAX_LINKS]:
        snippet, url = _post_text(post), _web_url(getattr(post, "url", None))
        if url:
            links.append(AlertLink(snippet or url, url))
        elif snippet:
            lines.append(f"• {snippet}")  # nothing to link to: quoted in the message
    hourly = "Hourly spike" if group.bucket == "hour" else "Spike"
    return Alert(
        alert_id=group.alert_id,
        kind="spike",
        happened_at=group.start,
        title=f"📈 {hourly} in mentions of {_names(spikes)} ({group.start:%Y-%m-%d %H:%M} UTC)",
        message="\n".join(lines),
        entity_id=group.key,
        entity_ids=group.entity_ids,
        bucket=group.bucket,
        links=tuple(links),
    )


def spike_alert(spike: SpikeLike, bucket: Bucket = "day") -> Alert:
    """The alert of one spike on its own (a group of one, keyed by its entity)."""
    return spike_group_alert(SpikeGroup(spike.entity_id, bucket, spike.bucket, (spike,)))


def known_spike_alerts(con: Connection, since: datetime) -> list[KnownSpikeAlert]:
    """Spike alerts recorded for buckets from ``since`` on, for the planner."""
    rows = con.execute(
        """
        SELECT alert_id, entity_id, happened_at, coalesce(bucket, 'day'),
               coalesce(entity_ids, [entity_id])
        FROM alerts WHERE kind = 'spike' AND happened_at >= ?
        ORDER BY happened_at, alert_id
        """,
        [since],
    ).fetchall()
    return [
        KnownSpikeAlert(alert_id, key, start, BUCKET_DELTAS.get(bucket, timedelta(days=1)), members)
        for alert_id, key, start, bucket, members in rows
    ]


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
               coalesce(entity_ids, []), bucket, coalesce(links, []), undelivered_to
        FROM alerts WHERE delivered_at IS NULL AND delivery_attempts < ?
        ORDER BY detected_at, alert_id
        """,
        [MAX_DELIVERY_ATTEMPTS],
    ).fetchall()
    return [(_alert(row[:10]), row[10]) for row in rows]


def _alert(row: Sequence) -> Alert:
    *fields, entity_ids, bucket, links = row
    return Alert(
        *fields,
        entity_ids=tuple(entity_ids),
        bucket=bucket,
        links=tuple(_links(links)),
    )


# Newest first; among alerts found together, shows before the people in them.
_NEWEST_FIRST = """
    ORDER BY date_trunc('minute', detected_at) DESC,
             coalesce(entity_id LIKE 'show:%', false) DESC,
             happened_at DESC, alert_id
"""


def recent_alerts(con: Connection, limit: int = 20) -> list[tuple]:
    """The latest alerts for display: (detected_at, kind, title, message, delivered_at); the
    message ends with the linked posts, one line each."""
    rows = con.execute(
        f"""
        SELECT detected_at, kind, title, message, delivered_at, coalesce(links, [])
        FROM alerts
        {_NEWEST_FIRST}
        LIMIT ?
        """,  # noqa: S608 - only a fixed ORDER BY goes in
        [limit],
    ).fetchall()
    return [
        (detected, kind, title, "\n".join([message, *link_lines(_links(links))]), delivered)
        for detected, kind, title, message, delivered, links in rows
    ]


def _links(rows: Iterable[dict]) -> list[AlertLink]:
    return [AlertLink(row["title"], row["url"]) for row in rows]


@dataclass(frozen=True, slots=True)
class SpikeShown:
    """A recorded spike as a reader drills into it: the bucket it happened in, what it is
    about and the posts it linked."""

    detected_at: datetime
    happened_at: datetime  # the start of the spiking bucket
    bucket: Bucket
    title: str
    message: str  # the explanation, without the link lines
    entity_ids: tuple[str, ...]
    links: tuple[AlertLink, ...]

    @property
    def ends_at(self) -> datetime:
        return self.happened_at + BUCKET_DELTAS[self.bucket]


def recent_spikes(con: Connection, limit: int = 5) -> list[SpikeShown]:
    """The latest spike alerts, newest first (shows before the people found with them)."""
    rows = con.execute(
        f"""
        SELECT detected_at, happened_at, coalesce(bucket, 'day'), title, message,
               coalesce(entity_ids, CASE WHEN entity_id IS NULL THEN [] ELSE [entity_id] END),
               coalesce(links, [])
        FROM alerts
        WHERE kind = 'spike'
        {_NEWEST_FIRST}
        LIMIT ?
        """,  # noqa: S608 - only a fixed ORDER BY goes in
        [limit],
    ).fetchall()
    return [
        SpikeShown(
            detected_at=detected,
            happened_at=happened,
            bucket=bucket if bucket in BUCKET_DELTAS else "day",
            title=title,
            message=message,
            entity_ids=tuple(entity_ids),
            links=tuple(_links(links)),
        )
        for detected, happened, bucket, title, message, entity_ids, links in rows
    ]
