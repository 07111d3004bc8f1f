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

import duckdb
import pandas as pd

from analytics.core.filters import Filters
from analytics.queries.top import engagement

TEXT_CHARS = 1000
SENTIMENT_LABELS = ("positive", "neutral", "negative")
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


def _where(filters: Filters, text: str | None, labels: Sequence[str]) -> tuple[str, list[object]]:
    where, params = filters.where("p")
    clauses = [where]
    if text and text.strip():
        pattern = like_pattern(text.strip())
        clauses.append("(p.title ILIKE ? ESCAPE '\\' OR p.text ILIKE ? ESCAPE '\\')")
        params += [pattern, pattern]
    if labels:
        unknown = set(labels) - set(SENTIMENT_LABELS)
        if unknown:
            raise ValueError(f"unknown sentiment labels: {sorted(unknown)}")
        clauses.append(f"p.sentiment_label IN ({', '.join('?' for _ in labels)})")
        params += list(labels)
    return " AND ".join(clauses), params


def search_posts(
    con: duckdb.DuckDBPyConnection,
    filters: Filters | None = None,
    *,
    text: str | None = None,
    labels: Sequence[str] = (),
    limit: int = 1000,
) -> pd.DataFrame:
    """The newest ``limit`` posts the filters, ``text`` and sentiment ``labels`` select.

    Columns: :data:`POST_COLUMNS`; ``text`` is cut to ``TEXT_CHARS`` characters and
    ``entities`` lists the names of everything the post mentions (``;``-separated).
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    where, params = _where(filters or Filters(), text, labels)
    # Formatted in: the fixed engagement expression and conditions built from fixed text
    # with "?" placeholders; every value is a parameter. Names are gathered only for the
    # rows kept, after the limit.
    sql = f"""
        WITH chosen AS (
            SELECT p.post_id, p.created_at, p.source, p.source_name, p.author, p.title,
                   left(p.text, ?) AS text, p.lang, p.sentiment, p.sentiment_label,
                   p.likes, p.shares, p.replies, {engagement("p")} AS engagement, p.url
            FROM posts p
            WHERE {where}
            ORDER BY p.created_at DESC, p.post_id
            LIMIT ?
        ),
        names AS (
            SELECT m.post_id, string_agg(e.name, '; ' ORDER BY e.kind, e.name) AS entities
            FROM mentions m JOIN entities e USING (entity_id)
            WHERE m.post_id IN (SELECT post_id FROM chosen)
            GROUP BY m.post_id
        )
        SELECT c.*, n.entities FROM chosen c LEFT JOIN names n USING (post_id)
        ORDER BY c.created_at DESC, c.post_id
    """  # noqa: S608
    frame = con.execute(sql, [TEXT_CHARS, *params, limit]).df()
    return frame[POST_COLUMNS]


def count_posts(
    con: duckdb.DuckDBPyConnection,
    filters: Filters | None = None,
    *,
    text: str | None = None,
    labels: Sequence[str] = (),
) -> int:
    """How many posts :func:`search_posts` would list without its limit."""
    where, params = _where(filters or Filters(), text, labels)
    # Formatted in: conditions built from fixed text with "?" placeholders.
    row = con.execute(f"SELECT count(*) FROM posts p WHERE {where}", params).fetchall()  # noqa: S608
    return int(row[0][0])


_KIND_ORDER = {"show": 0, "person": 1, "character": 2, "ship": 3, "theme": 4}


def facets(con: duckdb.DuckDBPyConnection) -> Facets:
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
