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

import duckdb
import pandas as pd

from analytics.core.filters import Filters

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


def _days(
    con: duckdb.DuckDBPyConnection, filters: Filters, metric: str
) -> tuple[date, date] | None:
    """First and last day shown: the filter's period, else the span of the measurements."""
    first, last = _utc_day(filters.start), _utc_day(filters.end, exclusive=True)
    if first is None or last is None:
        row = con.execute(
            "SELECT min(day), max(day) FROM attention WHERE metric = ?", [metric]
        ).fetchone()
        first = first or (row[0] if row else None)
        last = last or (row[1] if row else None)
    if first is None or last is None or first > last:
        return None
    return first, last


def _entities(
    con: duckdb.DuckDBPyConnection, filters: Filters, metric: str, first: date, last: date
) -> list[tuple[str, str]]:
    """(entity id, name) to show: the filter's entities, else those measured in the period."""
    if filters.entity_ids:
        rows = con.execute(
            # Only "?" placeholders are formatted in.
            "SELECT entity_id, name FROM entities WHERE entity_id IN "  # noqa: S608
            f"({', '.join('?' for _ in filters.entity_ids)}) ORDER BY entity_id",
            list(filters.entity_ids),
        ).fetchall()
    else:
        rows = con.execute(
            """
            SELECT e.entity_id, e.name FROM entities e
            WHERE e.entity_id IN (SELECT entity_id FROM attention
                                  WHERE metric = ? AND day BETWEEN ? AND ?)
            ORDER BY e.entity_id
            """,
            [metric, first, last],
        ).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


def attention_vs_chatter(
    con: duckdb.DuckDBPyConnection, filters: Filters | None = None, metric: str = PAGEVIEWS
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
    where, where_params = replace(filters, entity_ids=()).where("p")
    id_list = ", ".join("?" for _ in ids)
    # Formatted in: "?" placeholders and the Filters condition (fixed text with "?"
    # placeholders); every value is a parameter.
    sql = f"""
        WITH days AS (
            SELECT CAST(unnest(generate_series(CAST(? AS DATE), CAST(? AS DATE),
                                               INTERVAL 1 DAY)) AS DATE) AS day
        ),
        chosen AS (SELECT entity_id, name FROM entities WHERE entity_id IN ({id_list})),
        chatter AS (
            -- UTC day number since 1970 in integer arithmetic: cheaper per post than a
            -- time-zone conversion, and independent of the session's zone.
            SELECT m.entity_id, epoch_us(p.created_at) // 86400000000 AS day_number,
                   count(*) AS mentions
            FROM posts p JOIN mentions m ON m.post_id = p.post_id
            WHERE m.entity_id IN ({id_list}) AND {where}
            GROUP BY ALL
        )
        SELECT d.day, c.entity_id, c.name AS entity_name, a.value AS pageviews,
               coalesce(ch.mentions, 0) AS mentions
        FROM days d CROSS JOIN chosen c
        LEFT JOIN attention a
               ON a.entity_id = c.entity_id AND a.day = d.day AND a.metric = ?
        LEFT JOIN chatter ch
               ON ch.entity_id = c.entity_id AND ch.day_number = d.day - DATE '1970-01-01'
        ORDER BY c.entity_id, d.day
    """  # noqa: S608
    return con.execute(sql, [*days, *ids, *ids, *where_params, metric]).df()


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
