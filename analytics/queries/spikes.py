"""Spikes: buckets where an entity is talked about far more than its recent normal.

Per entity and bucket (UTC day or hour), the posts mentioning it are compared with the
previous ``window`` buckets (zeros included)::

    baseline = median(previous counts)
    mad      = median(|previous counts - baseline|)
    z        = (posts - baseline) / (1.4826 * mad + mad_floor)

1.4826 * MAD estimates the standard deviation of normal data, and unlike a mean and
standard deviation it is not dragged up by the spikes it is meant to find. ``mad_floor``
keeps a flat or mostly-empty history (MAD 0) from turning any post into infinity.
A bucket is a spike when ``z >= threshold`` and ``posts >= min_posts``. Buckets without
``window`` buckets of history (counted from the first post in the database) are not
judged, so the days after collection starts do not look like spikes.

Hourly buckets carry a daily rhythm this baseline ignores: use a window of whole days
(e.g. 168 hours) and a higher threshold. Detection runs in one query; explanations (terms
rising against the window, most engaging posts) are computed only for flagged spikes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb

from analytics.core.filters import Filters
from analytics.queries.terms import TermOptions, TermWindow, rising_terms_by_window
from analytics.queries.timeseries import (
    BUCKET_DELTAS,
    BUCKET_STEPS,
    Bucket,
    bucket_start,
    check_bucket,
    placeholders,
    truncate,
    without_entities,
)
from analytics.queries.top import SNIPPET_CHARS, engagement

MAD_SCALE = 1.4826  # MAD * 1.4826 = standard deviation, for normally distributed counts


@dataclass(frozen=True, slots=True)
class SpikePost:
    post_id: str
    created_at: datetime
    source_name: str
    author: str | None
    title: str | None
    snippet: str
    url: str | None
    engagement: int
    sentiment: float


@dataclass(frozen=True, slots=True)
class Spike:
    entity_id: str
    name: str
    bucket: datetime  # start of the UTC bucket
    posts: int
    baseline: float  # median posts per bucket over the window before
    z: float
    top_terms: tuple[str, ...]  # most over-represented in the bucket vs the window
    top_posts: tuple[SpikePost, ...]  # most engaging posts of the bucket


def detect_spikes(
    con: duckdb.DuckDBPyConnection,
    filters: Filters | None = None,
    bucket: Bucket = "day",
    *,
    window: int = 14,
    threshold: float = 3.5,
    min_posts: int = 10,
    mad_floor: float = 1.0,
    kinds: Sequence[str] = (),
    limit: int | None = 20,
    explain_terms: int = 5,
    explain_posts: int = 3,
    term_min_count: int = 3,
) -> list[Spike]:
    """Spikes in the buckets of ``filters``' period, strongest first (at most ``limit``).

    Entities: ``filters.entity_ids`` when given, else every entity (of ``kinds``, if
    given) with posts. The other filters narrow the posts counted, in the history too.
    Each spike is explained by up to ``explain_terms`` terms (seen at least
    ``term_min_count`` times in the bucket) rising against its window, and its
    ``explain_posts`` most engaging posts (engagement as in :mod:`analytics.queries.top`); 0 skips.
    """
    check_bucket(bucket)
    if window < 2 or min_posts < 1 or mad_floor <= 0:
        raise ValueError("window must be at least 2, min_posts at least 1, mad_floor above 0")
    filters = filters or Filters()
    step = BUCKET_STEPS[bucket]
    delta = BUCKET_DELTAS[bucket]
    period_start = truncate(filters.start, bucket) if filters.start else None
    history_start = period_start - window * delta if period_start else None
    widened = dataclasses.replace(without_entities(filters), start=history_start)
    where, params = widened.where("p")
    if filters.entity_ids:
        series_where, series_params = (
            f"entity_id IN {placeholders(filters.entity_ids)}",
            list(filters.entity_ids),
        )
    elif kinds:
        series_where, series_params = f"kind IN {placeholders(kinds)}", list(kinds)
    else:
        series_where, series_params = "TRUE", []
    # Formatted in: fixed SQL from this module and analytics.queries.timeseries (bucket expressions
    # chosen from a fixed table, "?" placeholders) and the Filters condition (fixed text with
    # "?" placeholders). Every value, the window size included, is a parameter.
    sql = f"""
        WITH series AS (SELECT entity_id, name FROM entities WHERE {series_where}),
        scoped AS (SELECT p.post_id, {bucket_start(bucket)} AS b FROM posts p WHERE {where}),
        counts AS (
            SELECT m.entity_id, s.b, count(*) AS posts
            FROM scoped s JOIN mentions m USING (post_id)
            WHERE m.entity_id IN (SELECT entity_id FROM series)
            GROUP BY ALL
        ),
        first_bucket AS (SELECT {bucket_start(bucket, "min(created_at)")} AS b FROM posts),
        -- From the first post in the database at the earliest: buckets before collection
        -- began are unknown, not quiet.
        grid AS (
            SELECT unnest(range(
                greatest(coalesce({bucket_start(bucket, "?::TIMESTAMPTZ")}, f.b), f.b),
                coalesce(timezone('UTC', ?::TIMESTAMPTZ), (SELECT max(b) FROM counts) + {step}),
                {step}
            )) AS b
            FROM first_bucket f
        ),
        filled AS (
            SELECT k.entity_id, g.b, coalesce(c.posts, 0) AS posts
            FROM (SELECT DISTINCT entity_id FROM counts) k CROSS JOIN grid g
            LEFT JOIN counts c ON c.entity_id = k.entity_id AND c.b = g.b
        ),
        scored AS (
            SELECT entity_id, b, posts,
                   median(posts) OVER w AS baseline,
                   mad(posts) OVER w AS mad,
                   count(*) OVER w AS history
            FROM filled
            WINDOW w AS (PARTITION BY entity_id ORDER BY b ROWS BETWEEN ? PRECEDING AND 1 PRECEDING)
        ),
        judged AS (
            SELECT entity_id, b, posts, baseline, (posts - baseline) / (? * mad + ?) AS z
            FROM scored
            WHERE history = ? AND posts >= ?
              AND b >= coalesce(timezone('UTC', ?::TIMESTAMPTZ), b)
        )
        SELECT j.entity_id, k.name, timezone('UTC', j.b) AS bucket, j.posts, j.baseline, j.z
        FROM judged j JOIN series k USING (entity_id)
        WHERE j.z >= ?
        ORDER BY j.z DESC, bucket DESC, j.entity_id
        LIMIT ?
    """  # noqa: S608
    all_params = [
        *series_params,
        *params,
        history_start,
        filters.end,
        window,
        MAD_SCALE,
        mad_floor,
        window,
        min_posts,
        period_start,
        threshold,
        limit,
    ]
    rows = con.execute(sql, all_params).fetchall()
    windows = [
        TermWindow(entity_id, start - window * delta, start, start + delta)
        for entity_id, _, start, _, _, _ in rows
    ]
    options = TermOptions(limit=explain_terms, min_count=term_min_count)
    # Explanations only for what was flagged: one query for all terms, one for all posts.
    terms = rising_terms_by_window(con, windows, filters, options) if explain_terms else []
    posts = _top_posts(con, windows, filters, explain_posts) if explain_posts and rows else {}
    return [
        Spike(
            entity_id=entity_id,
            name=name,
            bucket=start,
            posts=int(count),
            baseline=float(baseline),
            z=float(z),
            top_terms=tuple(terms[i]["term"]) if terms else (),
            top_posts=posts.get(i, ()),
        )
        for i, (entity_id, name, start, count, baseline, z) in enumerate(rows)
    ]


def _top_posts(
    con: duckdb.DuckDBPyConnection,
    windows: Sequence[TermWindow],
    filters: Filters,
    limit: int,
) -> dict[int, tuple[SpikePost, ...]]:
    """The most engaging posts of each spike bucket, in one query (ranked as top_posts)."""
    span = dataclasses.replace(
        without_entities(filters),
        start=min(w.start for w in windows),
        end=max(w.end for w in windows),
    )
    where, params = span.where("p")
    # Formatted in: the fixed engagement expression from analytics.queries.top and the Filters
    # condition (fixed text with "?" placeholders); windows are parameters.
    sql = f"""
        WITH windows AS (
            SELECT unnest(range(?)) AS grp, unnest(?::VARCHAR[]) AS entity_id,
                   unnest(?::TIMESTAMPTZ[]) AS start, unnest(?::TIMESTAMPTZ[]) AS stop
        ),
        -- Posts of the span first, then their mentions (as in rising_terms_by_window).
        scoped AS (
            SELECT p.post_id, p.created_at, p.source_name, p.author, p.title,
                   left(p.text, ?) AS snippet, p.url,
                   {engagement("p")} AS engagement, p.sentiment
            FROM posts p WHERE {where}
        ),
        linked AS (
            SELECT m.entity_id, s.* FROM scoped s JOIN mentions m USING (post_id)
            WHERE m.entity_id IN (SELECT entity_id FROM windows)
        )
        SELECT w.grp, p.post_id, p.created_at, p.source_name, p.author, p.title, p.snippet,
               p.url, p.engagement, p.sentiment
        FROM linked p
        JOIN windows w ON w.entity_id = p.entity_id
             AND p.created_at >= w.start AND p.created_at < w.stop
        QUALIFY row_number() OVER (
            PARTITION BY w.grp ORDER BY p.engagement DESC, p.created_at DESC, p.post_id
        ) <= ?
        ORDER BY w.grp, p.engagement DESC, p.created_at DESC, p.post_id
    """  # noqa: S608
    all_params = [
        len(windows),
        [w.entity_id for w in windows],
        [w.start for w in windows],
        [w.end for w in windows],
        SNIPPET_CHARS,
        *params,
        limit,
    ]
    found: dict[int, list[SpikePost]] = {}
    for grp, *fields in con.execute(sql, all_params).fetchall():
        found.setdefault(grp, []).append(SpikePost(*fields))
    return {grp: tuple(posts) for grp, posts in found.items()}
