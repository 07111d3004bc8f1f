"""Browsing the posts themselves: a filtered, searchable list and what there is to filter by.

The dashboard's Explore page and its global filters read through here. Text search is a
case-insensitive substring match on title and text (``ILIKE`` with ``%`` and ``_`` in the
search escaped, so they match themselves). Text is cut to ``TEXT_CHARS`` characters:
enough to read a post, bounded for a table and a CSV download.

Every function takes an open connection (``connect(path, read_only=True)``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from analytics.core.filters import Filters
from analytics.queries.sql import load
from analytics.store import Connection

TEXT_CHARS = 1000
SENTIMENT_LABELS = ("positive", "neutral", "negative")
ORDERS = ("newest", "engagement")  # search_posts: newest first, or most engaging first
POST_COLUMNS = [
    "created_at",
    "source",
    "source_name",
    "author",
    "title",
    "text",
    "lang",
    "sentiment",
    "sentiment_label",
    "likes",
    "shares",
    "replies",
    "engagement",
    "entities",
    "url",
    "post_id",
]


@dataclass(frozen=True, slots=True)
class EntityOption:
    entity_id: str
    kind: str
    name: str
    show_id: str | None


@dataclass(frozen=True, slots=True)
class Facets:
    """What the posts can be filtered by, and the period they cover."""

    first_post_at: datetime | None
    last_post_at: datetime | None
    entities: tuple[EntityOption, ...]  # shows first, then each show's members, then themes
    sources: tuple[str, ...]  # source kinds with posts
    source_names: tuple[str, ...]
    langs: tuple[str, ...]  # declared languages with posts (no NULL)


def like_pattern(text: str) -> str:
    """A ``LIKE`` pattern matching ``text`` anywhere, its wildcards escaped with ``\\``."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search_params(text: str | None, labels: Sequence[str]) -> dict[str, object]:
    unknown = set(labels) - set(SENTIMENT_LABELS)
    if unknown:
        raise ValueError(f"unknown sentiment labels: {sorted(unknown)}")
    pattern = like_pattern(text.strip()) if text and text.strip() else None
    return {"pattern": pattern, "labels": list(labels)}


def search_posts(
    con: Connection,
    filters: Filters | None = None,
    *,
    text: str | None = None,
    labels: Sequence[str] = (),
    limit: int = 1000,
    order: str = "newest",
) -> pd.DataFrame:
    """The first ``limit`` posts the filters, ``text`` and sentiment ``labels`` select:
    the newest, or (``order="engagement"``) the most engaging, newest first among equals.

    Columns: :data:`POST_COLUMNS`; ``text`` is cut to ``TEXT_CHARS`` characters and
    ``entities`` lists the names of everything the post mentions (``;``-separated).
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
    filters = filters or Filters()
    sql = load("explore_search", filters=filters.active(), post_order=order)
    bound = sql.bind(
        filters.params(), _search_params(text, labels), text_chars=TEXT_CHARS, limit=limit
    )
    frame = con.execute(sql.text, bound).df()
    return frame[POST_COLUMNS]


def count_posts(
    con: Connection,
    filters: Filters | None = None,
    *,
    text: str | None = None,
    labels: Sequence[str] = (),
) -> int:
    """How many posts :func:`search_posts` would list without its limit."""
    filters = filters or Filters()
    sql = load("explore_count", filters=filters.active())
    row = con.execute(sql.text, sql.bind(filters.params(), _search_params(text, labels))).fetchall()
    return int(row[0][0])


_KIND_ORDER = {"show": 0, "person": 1, "character": 2, "ship": 3, "theme": 4}


def facets(con: Connection) -> Facets:
    """The posts' time span, the watched entities and the sources and languages seen."""
    span = con.execute("SELECT min(created_at), max(created_at) FROM posts").fetchall()[0]
    entity_rows = con.execute("SELECT entity_id, kind, name, show_id FROM entities").fetchall()
    show_names = {r[0].removeprefix("show:"): r[2] for r in entity_rows if r[1] == "show"}

    def order(row: tuple) -> tuple:
        entity_id, kind, name, show_id = row
        if kind == "show":
            return (0, name.lower(), 0, "")
        if kind == "theme" or show_id is None:
            return (2, "", _KIND_ORDER.get(kind, 9), name.lower())
        # Members sit under their show, in the order the shows are listed.
        return (1, show_names.get(show_id, show_id).lower(), _KIND_ORDER.get(kind, 9), name)

    entities = tuple(EntityOption(*row) for row in sorted(entity_rows, key=order))
    values = con.execute(
        """
        SELECT 'source', source FROM posts GROUP BY source
        UNION ALL SELECT 'source_name', source_name FROM posts GROUP BY source_name
        UNION ALL SELECT 'lang', lang FROM posts WHERE lang IS NOT NULL GROUP BY lang
        """
    ).fetchall()

    def listed(column: str) -> tuple[str, ...]:
        return tuple(sorted(str(v) for c, v in values if c == column and v is not None))

    return Facets(
        first_post_at=span[0],
        last_post_at=span[1],
        entities=entities,
        sources=listed("source"),
        source_names=listed("source_name"),
        langs=listed("lang"),
    )
