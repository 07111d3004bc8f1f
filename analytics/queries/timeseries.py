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

import pandas as pd

from analytics.core.filters import Filters
from analytics.queries.sql import load
from analytics.store import Connection

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
    con: Connection,
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


def _entity_volume(
    con: Connection,
    filters: Filters,
    bucket: Bucket,
    kinds: Sequence[str],
    top: int | None,
) -> pd.DataFrame:
    sql = load(
        "timeseries_entity_volume",
        bucket=bucket,
        step=bucket,
        filters=without_entities(filters).active(),
    )
    return con.execute(sql.text, sql.bind(filters.params(), kinds=list(kinds), top=top)).df()


def _source_volume(
    con: Connection, filters: Filters, bucket: Bucket, top: int | None
) -> pd.DataFrame:
    sql = load("timeseries_source_volume", bucket=bucket, step=bucket, filters=filters.active())
    return con.execute(sql.text, sql.bind(filters.params(), top=top)).df()
