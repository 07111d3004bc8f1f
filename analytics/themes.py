"""How much of the conversation each theme takes up, and in what mood.

Themes are entities of kind ``theme`` (``theme:<id>``); a post belongs to a theme through
``mentions``, like any entity. Shares are of all posts the :class:`Filters` select, so they
do not add up to 1: a post can touch several themes, or none.

Every function takes an open connection (``connect(path, read_only=True)``).
"""

from __future__ import annotations

from typing import Literal

import duckdb
import pandas as pd

from analytics.filters import Filters

Bucket = Literal["day", "week"]

# UTC calendar day/week whatever the session time zone; weeks start on Monday (ISO).
_BUCKETS: dict[str, str] = {
    "day": "CAST(timezone('UTC', p.created_at) AS DATE)",
    "week": "CAST(date_trunc('week', timezone('UTC', p.created_at)) AS DATE)",
}


def theme_shares(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pd.DataFrame:
    """One row per theme entity (themes without posts included, with 0).

    Columns: ``entity_id``, ``name``, ``posts``, ``share`` (of all selected posts),
    ``share_of_themed`` (of selected posts with at least one theme), ``avg_sentiment``,
    ``positive_share`` (of the theme's posts labelled positive). Busiest theme first.
    """
    where, params = (filters or Filters()).where("p")
    # Only the Filters condition (fixed text with "?" placeholders) is formatted in.
    sql = f"""
        WITH scoped AS (
            SELECT p.post_id, p.sentiment, p.sentiment_label FROM posts p WHERE {where}
        ),
        themes AS (SELECT entity_id, name FROM entities WHERE kind = 'theme'),
        themed AS (
            SELECT m.entity_id, s.post_id, s.sentiment, s.sentiment_label
            FROM scoped s JOIN mentions m USING (post_id)
            WHERE m.entity_id IN (SELECT entity_id FROM themes)
        ),
        totals AS (
            SELECT (SELECT count(*) FROM scoped) AS posts,
                   (SELECT count(DISTINCT post_id) FROM themed) AS themed_posts
        ),
        counts AS (
            SELECT entity_id, count(*) AS posts, avg(sentiment) AS avg_sentiment,
                   count(*) FILTER (WHERE sentiment_label = 'positive') AS positive
            FROM themed GROUP BY entity_id
        )
        SELECT t.entity_id, t.name, coalesce(c.posts, 0) AS posts,
               coalesce(c.posts, 0) / nullif(totals.posts, 0) AS share,
               coalesce(c.posts, 0) / nullif(totals.themed_posts, 0) AS share_of_themed,
               c.avg_sentiment,
               c.positive / c.posts AS positive_share
        FROM themes t CROSS JOIN totals LEFT JOIN counts c USING (entity_id)
        ORDER BY posts DESC, t.entity_id
    """  # noqa: S608
    return con.execute(sql, params).df()


def theme_shares_by_bucket(
    con: duckdb.DuckDBPyConnection, filters: Filters | None = None, bucket: Bucket = "day"
) -> pd.DataFrame:
    """Theme shares per UTC day or ISO week, for a trend chart.

    Every bucket that has selected posts appears once per theme (0 where the theme had
    none); buckets without any post are left out, as their share is undefined.
    Columns: ``bucket`` (first day), ``entity_id``, ``name``, ``bucket_posts``, ``posts``,
    ``share``, ``avg_sentiment``, ``positive_share``.
    """
    if bucket not in _BUCKETS:
        raise ValueError(f"bucket must be one of {sorted(_BUCKETS)}, not {bucket!r}")
    where, params = (filters or Filters()).where("p")
    # Formatted in: a bucket expression from the fixed table above and the Filters
    # condition (fixed text with "?" placeholders); every value is a parameter.
    sql = f"""
        WITH scoped AS (
            SELECT p.post_id, p.sentiment, p.sentiment_label, {_BUCKETS[bucket]} AS bucket
            FROM posts p WHERE {where}
        ),
        themes AS (SELECT entity_id, name FROM entities WHERE kind = 'theme'),
        totals AS (SELECT bucket, count(*) AS bucket_posts FROM scoped GROUP BY bucket),
        counts AS (
            SELECT s.bucket, m.entity_id, count(*) AS posts, avg(s.sentiment) AS avg_sentiment,
                   count(*) FILTER (WHERE s.sentiment_label = 'positive') AS positive
            FROM scoped s JOIN mentions m USING (post_id)
            WHERE m.entity_id IN (SELECT entity_id FROM themes)
            GROUP BY ALL
        )
        SELECT b.bucket, t.entity_id, t.name, b.bucket_posts, coalesce(c.posts, 0) AS posts,
               coalesce(c.posts, 0) / b.bucket_posts AS share,
               c.avg_sentiment,
               c.positive / c.posts AS positive_share
        FROM totals b CROSS JOIN themes t
        LEFT JOIN counts c ON c.bucket = b.bucket AND c.entity_id = t.entity_id
        ORDER BY b.bucket, t.entity_id
    """  # noqa: S608
    return con.execute(sql, params).df()
