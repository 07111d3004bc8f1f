"""Volume and sentiment over time, per entity or per source, with empty buckets filled in.

Buckets are UTC hours, UTC days or ISO weeks (starting Monday 00:00 UTC), whatever the
session time zone. A bucket is returned as its start, a ``TIMESTAMPTZ``. The grid runs
from the bucket holding ``Filters.start`` to the last bucket starting before
``Filters.end``; an open end of the period is closed by the first/last selected post.
Every series gets every bucket of the grid, with ``posts = 0`` where it had none, so a
chart shows a quiet day as zero instead of drawing a line across it.

The bucket helpers here are shared by share of voice and spike detection.
Every function takes an open connection (``connect(path, read_only=True)``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Literal

import duckdb
import pandas as pd

from analytics.core.filters import Filters

Bucket = Literal["hour", "day", "week"]
SeriesBy = Literal["entity", "source"]

# The interval between bucket starts; date_trunc('week') gives ISO weeks (Monday).
BUCKET_STEPS: dict[str, str] = {
    "hour": "INTERVAL 1 HOUR",
    "day": "INTERVAL 1 DAY",
    "week": "INTERVAL 7 DAY",
}

BUCKET_DELTAS: dict[str, timedelta] = {
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(days=7),
}


def check_bucket(bucket: str) -> None:
    if bucket not in BUCKET_STEPS:
        raise ValueError(f"bucket must be one of {sorted(BUCKET_STEPS)}, not {bucket!r}")


def bucket_start(bucket: Bucket, column: str = "p.created_at") -> str:
    """SQL for the UTC bucket start of a TIMESTAMPTZ column, as a plain UTC TIMESTAMP.

    Plain timestamps keep the arithmetic in UTC whatever the session time zone;
    ``timezone('UTC', …)`` turns a result back into a TIMESTAMPTZ.
    """
    check_bucket(bucket)
    return f"date_trunc('{bucket}', timezone('UTC', {column}))"


def truncate(moment: datetime, bucket: Bucket) -> datetime:
    """The start of the UTC bucket holding ``moment`` (a naive time is taken as UTC)."""
    check_bucket(bucket)
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    start = utc.replace(minute=0, second=0, microsecond=0)
    if bucket == "hour":
        return start
    start = start.replace(hour=0)
    return start - timedelta(days=start.weekday()) if bucket == "week" else start


def grid_sql(bucket: Bucket, counts: str) -> str:
    """SQL for a ``grid(b)`` CTE body: every bucket start of the period, in UTC.

    Takes two parameters, the period's start and end (TIMESTAMPTZ or NULL); an open side
    is closed by the first/last bucket ``b`` found in the CTE named ``counts``.
    """
    if not counts.isidentifier():
        raise ValueError(f"{counts!r} is not a CTE name")
    step = BUCKET_STEPS[bucket]
    start = bucket_start(bucket, "?::TIMESTAMPTZ")
    # Formatted in: a CTE name, and SQL from the fixed bucket tables; no values.
    return f"""
        SELECT unnest(range(
            coalesce({start}, (SELECT min(b) FROM {counts})),
            coalesce(timezone('UTC', ?::TIMESTAMPTZ), (SELECT max(b) FROM {counts}) + {step}),
            {step}
        )) AS b
    """  # noqa: S608


def grid_params(filters: Filters) -> list[object]:
    return [filters.start, filters.end]


def without_entities(filters: Filters) -> Filters:
    """The same filters minus the entity condition, for queries that split by entity."""
    return dataclasses.replace(filters, entity_ids=())


def placeholders(values: Sequence[object]) -> str:
    return "(" + ", ".join("?" for _ in values) + ")"


def volume_over_time(
    con: duckdb.DuckDBPyConnection,
    filters: Filters | None = None,
    bucket: Bucket = "day",
    by: SeriesBy = "entity",
    *,
    kinds: Sequence[str] = (),
    top: int | None = None,
) -> pd.DataFrame:
    """Posts and sentiment per bucket and series, gaps filled with zero posts.

    ``by="entity"``: a series per entity, for ``filters.entity_ids`` when given (each
    counts the posts that mention it; entities without posts still get a zero series),
    else for every entity with posts in the period, optionally only ``kinds``.
    ``by="source"``: a series per configured source name with posts in the period.
    ``top`` keeps the busiest series.

    Columns: ``bucket`` (TIMESTAMPTZ, UTC), ``entity_id`` and ``name`` (or
    ``source_name``), ``posts``, ``avg_sentiment`` (NULL without posts), ``positive``,
    ``neutral``, ``negative``. Ordered by series, then bucket.
    """
    check_bucket(bucket)
    if by not in ("entity", "source"):
        raise ValueError(f"by must be 'entity' or 'source', not {by!r}")
    filters = filters or Filters()
    if by == "entity":
        return _entity_volume(con, filters, bucket, kinds, top)
    return _source_volume(con, filters, bucket, top)


_MEASURES = """
    count(*) AS posts,
    avg(s.sentiment) AS avg_sentiment,
    count(*) FILTER (WHERE s.sentiment_label = 'positive') AS positive,
    count(*) FILTER (WHERE s.sentiment_label = 'neutral') AS neutral,
    count(*) FILTER (WHERE s.sentiment_label = 'negative') AS negative
"""
_FILLED = """
    coalesce(c.posts, 0) AS posts, c.avg_sentiment,
    coalesce(c.positive, 0) AS positive,
    coalesce(c.neutral, 0) AS neutral,
    coalesce(c.negative, 0) AS negative
"""


def _entity_volume(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    bucket: Bucket,
    kinds: Sequence[str],
    top: int | None,
) -> pd.DataFrame:
    # Series are restricted to the chosen entities directly on mentions; the Filters'
    # own entity condition (a post mentioning any of them) would add nothing but work.
    where, params = without_entities(filters).where("p")
    if filters.entity_ids:
        series_where, series_params = (
            f"entity_id IN {placeholders(filters.entity_ids)}",
            list(filters.entity_ids),
        )
        keep_empty = "TRUE"
    elif kinds:
        series_where, series_params = f"kind IN {placeholders(kinds)}", list(kinds)
        keep_empty = "FALSE"
    else:
        series_where, series_params, keep_empty = "TRUE", [], "FALSE"
    # Formatted in: fixed SQL from this module (bucket expressions chosen from a fixed
    # table, "?" placeholders) and the Filters condition; every value is a parameter.
    sql = f"""
        WITH series AS (SELECT entity_id, name FROM entities WHERE {series_where}),
        scoped AS (
            SELECT p.post_id, {bucket_start(bucket)} AS b, p.sentiment, p.sentiment_label
            FROM posts p WHERE {where}
        ),
        counts AS (
            SELECT m.entity_id, s.b, {_MEASURES}
            FROM scoped s JOIN mentions m USING (post_id)
            WHERE m.entity_id IN (SELECT entity_id FROM series)
            GROUP BY ALL
        ),
        keys AS (
            SELECT k.entity_id, k.name, coalesce(sum(c.posts), 0) AS total
            FROM series k LEFT JOIN counts c USING (entity_id)
            GROUP BY ALL
            HAVING {keep_empty} OR total > 0
            ORDER BY total DESC, k.entity_id
            LIMIT ?
        ),
        grid AS ({grid_sql(bucket, "counts")})
        SELECT timezone('UTC', g.b) AS bucket, k.entity_id, k.name, {_FILLED}
        FROM keys k CROSS JOIN grid g
        LEFT JOIN counts c ON c.entity_id = k.entity_id AND c.b = g.b
        ORDER BY k.entity_id, bucket
    """  # noqa: S608
    all_params = [*series_params, *params, top, *grid_params(filters)]
    return con.execute(sql, all_params).df()


def _source_volume(
    con: duckdb.DuckDBPyConnection, filters: Filters, bucket: Bucket, top: int | None
) -> pd.DataFrame:
    where, params = filters.where("p")
    # Formatted in: fixed SQL from this module and the Filters condition (see above).
    sql = f"""
        WITH counts AS (
            SELECT s.source_name, s.b, {_MEASURES}
            FROM (
                SELECT p.source_name, {bucket_start(bucket)} AS b, p.sentiment,
                       p.sentiment_label
                FROM posts p WHERE {where}
            ) s
            GROUP BY ALL
        ),
        keys AS (
            SELECT source_name, sum(posts) AS total FROM counts
            GROUP BY ALL ORDER BY total DESC, source_name LIMIT ?
        ),
        grid AS ({grid_sql(bucket, "counts")})
        SELECT timezone('UTC', g.b) AS bucket, k.source_name, {_FILLED}
        FROM keys k CROSS JOIN grid g
        LEFT JOIN counts c ON c.source_name = k.source_name AND c.b = g.b
        ORDER BY k.source_name, bucket
    """  # noqa: S608
    return con.execute(sql, [*params, top, *grid_params(filters)]).df()
