"""Top posts and authors by engagement, and the source and language mix of the posts.

Engagement score (also the ``post_engagement`` view)::

    coalesce(likes, score, 0) + 2 * coalesce(shares, 0) + coalesce(replies, 0)

- Likes, or the score where a source reports no likes. Reddit fills both with about the
  same number (``ups`` and ``score``), so adding them would count Reddit votes twice.
- Shares (reblogs, reposts) weigh double: each one carries the post to a new audience.
- Replies count once. YouTube views are left out: they are a different order of
  magnitude and would rank every video above every post.
- A missing count is 0, so feeds (which report none) score 0 and rank by recency.
Counts are not comparable across platforms of very different size; filter by source for a
fair ranking within one.

Every function takes an open connection (``connect(path, read_only=True)``).
"""

from __future__ import annotations

from typing import Literal

import duckdb
import pandas as pd

from analytics.core.engagement import ENGAGEMENT_SQL, engagement
from analytics.core.filters import Filters

__all__ = ["ENGAGEMENT_SQL", "engagement"]  # re-exported: callers read it from here too

SNIPPET_CHARS = 280


def top_posts(
    con: duckdb.DuckDBPyConnection, filters: Filters | None = None, limit: int = 20
) -> pd.DataFrame:
    """The ``limit`` most engaging posts; ties go to the newer post.

    Columns: ``post_id``, ``created_at``, ``source``, ``source_name``, ``author``, ``title``,
    ``snippet`` (first 280 characters of the text), ``url``, ``likes``, ``shares``,
    ``replies``, ``score``, ``engagement``, ``sentiment``.
    """
    where, params = (filters or Filters()).where("p")
    # Formatted in: the fixed engagement expression and the Filters condition (fixed text
    # with "?" placeholders); every value is a parameter.
    sql = f"""
        SELECT p.post_id, p.created_at, p.source, p.source_name, p.author, p.title,
               left(p.text, ?) AS snippet, p.url, p.likes, p.shares, p.replies, p.score,
               {engagement("p")} AS engagement, p.sentiment
        FROM posts p
        WHERE {where}
        ORDER BY engagement DESC, p.created_at DESC, p.post_id
        LIMIT ?
    """  # noqa: S608
    return con.execute(sql, [SNIPPET_CHARS, *params, limit]).df()


AuthorOrder = Literal["posts", "engagement"]
_AUTHOR_ORDER = {
    "posts": "posts DESC, engagement DESC",
    "engagement": "engagement DESC, posts DESC",
}


def top_authors(
    con: duckdb.DuckDBPyConnection,
    filters: Filters | None = None,
    limit: int = 20,
    order_by: AuthorOrder = "posts",
) -> pd.DataFrame:
    """The most active (or most engaging) authors; posts without an author are left out.

    An author is a name on one kind of source: the same handle on Reddit and on Bluesky may
    be two people. For news sources the author is the publisher.
    Columns: ``source``, ``author``, ``posts``, ``engagement`` (total), ``avg_sentiment``.
    """
    if order_by not in _AUTHOR_ORDER:
        raise ValueError(f"order_by must be one of {sorted(_AUTHOR_ORDER)}, not {order_by!r}")
    where, params = (filters or Filters()).where("p")
    # Formatted in: the fixed engagement expression, an ORDER BY from the fixed table above
    # and the Filters condition (fixed text with "?" placeholders).
    sql = f"""
        SELECT p.source, p.author, count(*) AS posts,
               sum({engagement("p")}) AS engagement,
               avg(p.sentiment) AS avg_sentiment
        FROM posts p
        WHERE {where} AND p.author IS NOT NULL
        GROUP BY p.source, p.author
        ORDER BY {_AUTHOR_ORDER[order_by]}, p.source, p.author
        LIMIT ?
    """  # noqa: S608
    return con.execute(sql, [*params, limit]).df()


MixColumn = Literal["source", "source_name", "lang", "post_kind"]
_MIX_COLUMNS = ("source", "source_name", "lang", "post_kind")


def mix(
    con: duckdb.DuckDBPyConnection, column: MixColumn, filters: Filters | None = None
) -> pd.DataFrame:
    """Posts per value of ``column`` with their share in percent, largest first.

    Columns: ``value`` (NULL for posts without one, e.g. no declared language), ``posts``,
    ``pct`` (0–100, of all selected posts).
    """
    if column not in _MIX_COLUMNS:
        raise ValueError(f"column must be one of {_MIX_COLUMNS}, not {column!r}")
    where, params = (filters or Filters()).where("p")
    # Formatted in: a column name from the fixed tuple above and the Filters condition.
    sql = f"""
        SELECT p.{column} AS value, count(*) AS posts,
               100.0 * count(*) / sum(count(*)) OVER () AS pct
        FROM posts p
        WHERE {where}
        GROUP BY p.{column}
        ORDER BY posts DESC, value NULLS LAST
    """  # noqa: S608
    return con.execute(sql, params).df()


def source_mix(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pd.DataFrame:
    """Posts per kind of source (rss, reddit, …): ``value``, ``posts``, ``pct``."""
    return mix(con, "source", filters)


def language_mix(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pd.DataFrame:
    """Posts per declared language (NULL: none declared): ``value``, ``posts``, ``pct``."""
    return mix(con, "lang", filters)
