"""Dated events (premieres, trailers, …): event lift and day-N curves.

Method: docs/events.md; the events themselves come from :mod:`analytics.core.events`.
An event fixes its own period and entities, so from the shared :class:`Filters` these
functions use only the sources, source names and languages; the period and entity choice
of the page do not apply.

Every function takes an open connection (``connect(path, read_only=True)``), so one page
can run several queries on one short-lived connection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import pandas as pd

from analytics.core.events import Event
from analytics.core.filters import Filters
from analytics.queries.sql import load
from analytics.store import Connection

_EPOCH = date(1970, 1, 1)


def _event_posts(
    events: Sequence[Event], first_day: int, end_day: int, filters: Filters | None
) -> tuple[tuple[str, ...], dict[str, object]]:
    """The active filters and the parameters of ``_events_hits.sql``: each post about an
    event in its days ``[first_day, end_day)``, once per event, with ``day`` since day 0."""
    pairs = [(e, entity) for e in events for entity in e.entities]
    scope = replace(filters or Filters(), start=None, end=None, entity_ids=())
    params = {
        **scope.params(),
        "event_ids": [e.id for e, _ in pairs],
        "event_names": [e.name for e, _ in pairs],
        "event_dates": [e.date for e, _ in pairs],
        "event_starts": [e.starts_at for e, _ in pairs],
        "event_entities": [entity for _, entity in pairs],
        "entity_ids": sorted({entity for _, entity in pairs}),
        "window_days": sorted(
            {_day_number(e.date) + day for e in events for day in range(first_day, end_day)}
        ),
        "first_day": first_day,
        "end_day": end_day,
    }
    return scope.active(), params


def _day_number(day: date) -> int:
    return (day - _EPOCH).days


@dataclass(frozen=True, slots=True)
class EventLift:
    """Posts about an event's entities in the N days after the event vs the N days before.

    ``*_pct`` are None when the "before" figure is zero (no base to compare with). The
    sentiment percentage is relative to the size of the "before" average (it can be
    negative); the absolute change, on the −1..1 scale, is usually the clearer figure.
    """

    event_id: str
    days: int
    before_start: datetime
    event_start: datetime
    after_end: datetime
    complete: bool  # False while the "after" window has not ended yet
    posts_before: int
    posts_after: int
    posts_lift: int
    posts_lift_pct: float | None
    sentiment_before: float | None
    sentiment_after: float | None
    sentiment_lift: float | None
    sentiment_lift_pct: float | None


def event_lift(
    con: Connection,
    event: Event,
    days: int = 7,
    filters: Filters | None = None,
    *,
    now: datetime | None = None,
) -> EventLift:
    """Volume and average sentiment in ``[day, day+N)`` vs ``[day−N, day)`` (UTC days).

    A post counts once however many of the event's entities it mentions.
    """
    return _lifts(con, [event], days, filters, now)[0]


def event_lifts(
    con: Connection,
    events: Sequence[Event],
    days: int = 7,
    filters: Filters | None = None,
    *,
    now: datetime | None = None,
) -> pd.DataFrame:
    """:func:`event_lift` for several events in one query: one row each, in the order given,
    with the :class:`EventLift` fields as columns."""
    columns = list(EventLift.__dataclass_fields__)
    rows = _lifts(con, events, days, filters, now) if events else []
    return pd.DataFrame([[getattr(r, c) for c in columns] for r in rows], columns=columns)


def _lifts(
    con: Connection,
    events: Sequence[Event],
    days: int,
    filters: Filters | None,
    now: datetime | None,
) -> list[EventLift]:
    if days < 1:
        raise ValueError("days must be at least 1")
    active, params = _event_posts(events, -days, days, filters)
    sql = load("events_lifts", filters=active)
    rows = con.execute(sql.text, sql.bind(params)).fetchall()
    found = {row[0]: row[1:] for row in rows}
    moment = now or datetime.now(UTC)
    return [_lift(e, days, *found.get(e.id, (0, 0, None, None)), now=moment) for e in events]


def _lift(
    event: Event,
    days: int,
    before: int,
    after: int,
    sentiment_before: float | None,
    sentiment_after: float | None,
    *,
    now: datetime,
) -> EventLift:
    start = event.starts_at
    window = timedelta(days=days)
    sentiment_lift = (
        sentiment_after - sentiment_before
        if sentiment_before is not None and sentiment_after is not None
        else None
    )
    return EventLift(
        event_id=event.id,
        days=days,
        before_start=start - window,
        event_start=start,
        after_end=start + window,
        complete=now >= start + window,
        posts_before=before,
        posts_after=after,
        posts_lift=after - before,
        posts_lift_pct=(after - before) / before * 100 if before else None,
        sentiment_before=sentiment_before,
        sentiment_after=sentiment_after,
        sentiment_lift=sentiment_lift,
        sentiment_lift_pct=(
            sentiment_lift / abs(sentiment_before) * 100
            if sentiment_lift is not None and sentiment_before
            else None
        ),
    )


DAY_CURVE_COLUMNS = [
    "event_id",
    "event_name",
    "event_date",
    "day",
    "posts",
    "cumulative_posts",
    "avg_sentiment",
]


def days_since_release(
    con: Connection,
    events: Sequence[Event],
    max_day: int = 60,
    filters: Filters | None = None,
    *,
    from_day: int = 0,
    now: datetime | None = None,
) -> pd.DataFrame:
    """Posts per "day N since premiere", one curve per premiere event, for comparing seasons.

    Day 0 is the premiere's UTC day; ``from_day`` below 0 shows the run-up. Every day from
    ``from_day`` to ``max_day`` is present (0 posts where none), except days that have not
    begun yet, so a recent premiere's curve stops today instead of dropping to zero.
    Columns: :data:`DAY_CURVE_COLUMNS`; ``avg_sentiment`` is NULL on a day without posts.
    """
    if max_day < from_day:
        raise ValueError("max_day must not be before from_day")
    premieres = sorted((e for e in events if e.kind == "premiere"), key=lambda e: (e.date, e.id))
    if not premieres:
        return pd.DataFrame(columns=DAY_CURVE_COLUMNS)
    active, params = _event_posts(premieres, from_day, max_day + 1, filters)
    sql = load("events_day_curves", filters=active)
    frame = con.execute(sql.text, sql.bind(params, now=now or datetime.now(UTC))).df()
    frame["cumulative_posts"] = frame["cumulative_posts"].astype("int64")
    return frame[DAY_CURVE_COLUMNS]
