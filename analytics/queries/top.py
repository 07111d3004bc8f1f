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

import pandas as pd

from analytics.core.filters import Filters
from analytics.queries.sql import load
from analytics.store import Connection

SNIPPET_CHARS = 280


def top_posts(con: Connection, filters: Filters | None = None, limit: int = 20) -> pd.DataFrame:
    """The ``limit`` most engaging posts; ties go to the newer post.

    Columns: ``post_id``, ``created_at``, ``source``, ``source_name``, ``author``, ``title``,
    ``snippet`` (first 280 characters of the text), ``url``, ``likes``, ``shares``,
    ``replies``, ``score``, ``engagement``, ``sentiment``.
    """
    filters = filters or Filters()
    sql = load("top_posts", filters=filters.active())
    bound = sql.bind(filters.params(), snippet_chars=SNIPPET_CHARS, limit=limit)
    return con.execute(sql.text, bound).df()


AuthorOrder = Literal["posts", "engagement"]
_AUTHOR_ORDER = ("posts", "engagement")
AuthorKind = Literal["person", "publisher"]
_AUTHOR_KINDS = ("person", "publisher")


def top_authors(
    con: Connection,
    filters: Filters | None = None,
    limit: int = 20,
    order_by: AuthorOrder = "engagement",
    kind: AuthorKind | None = None,
) -> pd.DataFrame:
    """The most engaging (or most active) accounts; posts without an author are left out.

    An account is an author on one platform (``source``): ``fan_0`` on Reddit and ``fan_0``
    on Bluesky are two rows, as they may be two people. ``kind`` is ``publisher`` for an
    author of articles (news feeds: the author is the outlet) and ``person`` otherwise;
    pass ``kind`` to list only one of them. Publishers report no engagement, so ranking
    them with people by engagement would bury them, and by posts would bury the people.
    Columns: ``source``, ``author``, ``kind``, ``posts``, ``engagement`` (total),
    ``avg_sentiment``.
    """
    if order_by not in _AUTHOR_ORDER:
        raise ValueError(f"order_by must be one of {sorted(_AUTHOR_ORDER)}, not {order_by!r}")
    if kind is not None and kind not in _AUTHOR_KINDS:
        raise ValueError(f"kind must be one of {sorted(_AUTHOR_KINDS)} or None, not {kind!r}")
    filters = filters or Filters()
    sql = load("top_authors", filters=filters.active(), author_order=order_by)
    return con.execute(sql.text, sql.bind(filters.params(), limit=limit, kind=kind)).df()


MixColumn = Literal["source", "source_name", "lang", "post_kind"]
_MIX_COLUMNS = ("source", "source_name", "lang", "post_kind")


def mix(con: Connection, column: MixColumn, filters: Filters | None = None) -> pd.DataFrame:
    """Posts per value of ``column`` with their share in percent, largest first.

    Columns: ``value`` (NULL for posts without one, e.g. no declared language), ``posts``,
    ``pct`` (0–100, of all selected posts).
    """
    if column not in _MIX_COLUMNS:
        raise ValueError(f"column must be one of {_MIX_COLUMNS}, not {column!r}")
    filters = filters or Filters()
    sql = load("top_mix", filters=filters.active(), mix_column=column)
    return con.execute(sql.text, sql.bind(filters.params())).df()


def source_mix(con: Connection, filters: Filters | None = None) -> pd.DataFrame:
    """Posts per kind of source (rss, reddit, …): ``value``, ``posts``, ``pct``."""
    return mix(con, "source", filters)


def language_mix(con: Connection, filters: Filters | None = None) -> pd.DataFrame:
    """Posts per declared language (NULL: none declared): ``value``, ``posts``, ``pct``."""
    return mix(con, "lang", filters)
