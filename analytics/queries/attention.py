"""Attention (Wikipedia page views) beside chatter (posts mentioning the entity), per day.

Both series share one calendar: every UTC day of the period appears for every entity.
Days without posts have 0 mentions; days without a measurement keep ``pageviews`` NULL,
because a missing day means "not collected", and a 0 would draw a false collapse.

Filters: the period and sources/languages apply as everywhere; ``entity_ids`` chooses the
entities to show (default: every entity with page views in the period). Without a start
or end, the period is the span of the page-view data.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pandas as pd

from analytics.core.filters import Filters
from analytics.queries.sql import load
from analytics.store import Connection

PAGEVIEWS = "wikipedia_pageviews"
MIN_CORRELATION_DAYS = 7
DAILY_COLUMNS = ["day", "entity_id", "entity_name", "pageviews", "mentions"]
CORRELATION_COLUMNS = ["entity_id", "entity_name", "days", "correlation"]


def _utc_day(moment: datetime | None, *, exclusive: bool = False) -> date | None:
    """The UTC day of a filter bound; an exclusive end belongs to the day before it."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # as the UTC session compares it with created_at
    if exclusive:
        moment -= timedelta(microseconds=1)
    return moment.astimezone(UTC).date()


def _days(con: Connection, filters: Filters, metric: str) -> tuple[date, date] | None:
    """First and last day shown: the filter's period, else the span of the measurements."""
    first, last = _utc_day(filters.start), _utc_day(filters.end, exclusive=True)
    if first is None or last is None:
        sql = load("attention_days")
        row = con.execute(sql.text, sql.bind(metric=metric)).fetchone()
        first = first or (row[0] if row else None)
        last = last or (row[1] if row else None)
    if first is None or last is None or first > last:
        return None
    return first, last


def _entities(
    con: Connection, filters: Filters, metric: str, first: date, last: date
) -> list[tuple[str, str]]:
    """(entity id, name) to show: the filter's entities, else those measured in the period."""
    sql = load("attention_entities")
    bound = sql.bind(filters.params(), metric=metric, first=first, last=last)
    rows = con.execute(sql.text, bound).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


def attention_vs_chatter(
    con: Connection, filters: Filters | None = None, metric: str = PAGEVIEWS
) -> pd.DataFrame:
    """Daily ``pageviews`` (NULL when not measured) and ``mentions`` per entity.

    Columns: :data:`DAILY_COLUMNS`; sorted by entity, then day.
    """
    filters = filters or Filters()
    days = _days(con, filters, metric)
    chosen = _entities(con, filters, metric, *days) if days else []
    if not days or not chosen:
        return pd.DataFrame(columns=DAILY_COLUMNS)
    ids = [entity_id for entity_id, _ in chosen]
    sql = load("attention_vs_chatter", filters=replace(filters, entity_ids=()).active())
    first, last = days
    bound = sql.bind(filters.params(), first=first, last=last, ids=ids, metric=metric)
    return con.execute(sql.text, bound).df()


def attention_correlation(
    daily: pd.DataFrame, min_days: int = MIN_CORRELATION_DAYS
) -> pd.DataFrame:
    """Pearson correlation of page views and mentions per entity, from
    :func:`attention_vs_chatter`'s result (so a page runs the heavy query once).

    Only days with a measurement count (``days``). ``correlation`` is NaN with fewer than
    ``min_days`` such days, or when either series is flat (no variation to correlate).
    Columns: :data:`CORRELATION_COLUMNS`.
    """
    rows = []
    for (entity_id, name), group in daily.groupby(["entity_id", "entity_name"], sort=True):
        paired = group.dropna(subset=["pageviews"])
        views = paired["pageviews"].astype("float64")
        mentions = paired["mentions"].astype("float64")
        # pandas gives NaN for a flat series (no variation to correlate).
        enough = len(paired) >= min_days
        correlation = float(views.corr(mentions)) if enough else float("nan")
        rows.append((entity_id, name, len(paired), correlation))
    return pd.DataFrame(rows, columns=CORRELATION_COLUMNS)
