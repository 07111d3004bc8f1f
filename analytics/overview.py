"""Headline figures of a database, for the dashboard's first page and `fanpulse status`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from analytics.store import connect


@dataclass(frozen=True, slots=True)
class Overview:
    posts: int
    posts_last_24h: int
    sources: int
    first_post_at: datetime | None
    last_collected_at: datetime | None
    avg_sentiment: float | None


@dataclass(frozen=True, slots=True)
class EntityCount:
    entity_id: str
    name: str
    kind: str
    posts: int
    avg_sentiment: float | None


def load_overview(path: Path, lock_timeout: float = 10.0) -> Overview:
    with connect(path, read_only=True, lock_timeout=lock_timeout) as con:
        row = con.execute(
            """
            SELECT count(*),
                   count(*) FILTER (WHERE created_at >= now() - INTERVAL 1 DAY),
                   count(DISTINCT source_name),
                   min(created_at), max(collected_at), avg(sentiment)
            FROM posts
            """
        ).fetchone()
    assert row is not None
    return Overview(*row)


def top_entities(path: Path, limit: int = 15, lock_timeout: float = 10.0) -> list[EntityCount]:
    with connect(path, read_only=True, lock_timeout=lock_timeout) as con:
        rows = con.execute(
            """
            SELECT e.entity_id, e.name, e.kind, count(*) AS posts, avg(p.sentiment)
            FROM mentions m JOIN posts p USING (post_id) JOIN entities e USING (entity_id)
            WHERE e.kind <> 'theme'
            GROUP BY ALL ORDER BY posts DESC, e.entity_id LIMIT ?
            """,
            [limit],
        ).fetchall()
    return [EntityCount(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class CollectionStatus:
    channels: int
    failing: int
    never_succeeded: int
    latest_errors: list[tuple[str, str, str]]  # (source name, channel, error), newest first


def load_collection_status(path: Path, lock_timeout: float = 10.0) -> CollectionStatus:
    with connect(path, read_only=True, lock_timeout=lock_timeout) as con:
        row = con.execute(
            """
            SELECT count(*),
                   count(*) FILTER (WHERE consecutive_failures > 0),
                   count(*) FILTER (WHERE last_success_at IS NULL)
            FROM source_state
            """
        ).fetchone()
        errors = con.execute(
            """
            SELECT source_name, channel, last_error FROM source_state
            WHERE last_error IS NOT NULL ORDER BY last_attempt_at DESC LIMIT 10
            """
        ).fetchall()
    assert row is not None
    return CollectionStatus(row[0], row[1], row[2], [tuple(e) for e in errors])
