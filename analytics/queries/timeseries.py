"""Volume and sentiment over time, per entity or per source, with empty buckets filled in.

Buckets are UTC hours, UTC days or ISO weeks (starting Monday 00:00 UTC), whatever the
session time zone. A bucket is returned as its start, a ``TIMESTAMPTZ``. The grid runs
from the bucket holding ``Filters.start`` to the last bucket starting before
``Filters.end``; an open end of the period is closed by the first/last selected post.
Every series gets every bucket of the grid, with ``posts = 0`` where it had none, so a
chart shows a quiet day as zero instead of drawing a line across it.

The bucket helpers here are shared by share of voice and spike detection; the SQL is in
sql/timeseries_*.sql.
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

BUCKET_DELTAS: dict[str, timedelta] = {
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(days=7),
}


def check_bucket(bucket: str) -> None:
    if bucket not in BUCKET_DELTAS:
        raise ValueError(f"bucket must be one of {sorted(BUCKET_DELTAS)}, not {bucket!r}")


def truncate(moment: datetime, bucket: Bucket) -> datetime:
    """The start of the UTC bucket holding ``moment`` (a naive time is taken as UTC)."""
    check_bucket(bucket)
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    start = utc.replace(minute=0, second=0, microsecond=0)
    if bucket == "hour":
        return start
    start = start.replace(hour=0)
    return start - timedelta(days=start.weekday()) if bucket == "week" else start


def without_entities(filters: Filters) -> Filters:
    """The same filters minus the entity condition, for queries that split by entity."""
    return dataclasses.replace(filters, entity_ids=())


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
