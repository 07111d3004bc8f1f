"""Engagement over time: which recent posts to refresh, their new counts, and their history.

``engagement_history`` keeps one row per post and moment its counts were seen to change:
the counts as first stored, then each change a poll or a refresh brings. A count the
platform did not give (NULL) never erases one already stored. ``engagement_refresh``
remembers, per post, the id the platform's lookup takes when ``post_id`` does not say it
(a Mastodon status's id on its instance), when it was last asked for, and when the
platform stopped returning it (deleted or hidden: it is not asked for again; its last
counts stay).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import duckdb

from analytics.core.models import RefreshResult, RefreshTarget, ScoredPost
from analytics.store.connection import (
    DEFAULT_LOCK_TIMEOUT,
    WRITE_LOCK,
    connect,
    transaction,
)
from analytics.store.rows import Columns

COUNT_COLUMNS = ("likes", "shares", "replies", "score", "views")
_REF_ROWS = Columns({"post_id": "VARCHAR", "ref": "VARCHAR"})
_COUNT_ROWS = Columns({"post_id": "VARCHAR"} | {name: "BIGINT" for name in COUNT_COLUMNS})
_CHECKED_ROWS = Columns(
    {"post_id": "VARCHAR", "checked_at": "TIMESTAMPTZ", "gone_at": "TIMESTAMPTZ"}
)


def record_engagement(
    con: duckdb.DuckDBPyConnection, scored: Sequence[ScoredPost], observed_at: datetime
) -> None:
    """After posts were stored: remember their platform ids, and add the history rows of
    those whose counts are new or changed (inside the caller's transaction)."""
    refs = [(s.post.post_id, s.post.ref) for s in scored if s.post.ref]
    if refs:
        con.execute(
            f"""
            INSERT INTO engagement_refresh (post_id, ref)
            SELECT DISTINCT ON (post_id) post_id, ref FROM ({_REF_ROWS.select}) i
            -- One row per post (the table has no unique index): a known post keeps its row.
            WHERE NOT EXISTS (SELECT 1 FROM engagement_refresh r WHERE r.post_id = i.post_id)
            """,  # noqa: S608 - only fixed column names and types go in
            _REF_ROWS.params({"post_id": [p for p, _ in refs], "ref": [r for _, r in refs]}),
        )
    _record_history(con, [s.post.post_id for s in scored], observed_at)


def _record_history(
    con: duckdb.DuckDBPyConnection, post_ids: Sequence[str], observed_at: datetime
) -> int:
    """Add a history row for each of ``post_ids`` whose stored counts differ from its latest
    history row (or that has none yet and has a count); returns how many were added."""
    if not post_ids:
        return 0
    row = con.execute(
        """
            WITH history_ids AS (SELECT unnest($post_ids::VARCHAR[]) AS post_id)
            INSERT INTO engagement_history
            SELECT p.post_id, $observed_at, p.likes, p.shares, p.replies, p.score, p.views
            FROM posts p
            SEMI JOIN (SELECT DISTINCT post_id FROM history_ids) i ON i.post_id = p.post_id
            LEFT JOIN (
                SELECT post_id,
                       arg_max(struct_pack(likes := likes, shares := shares,
                                           replies := replies, score := score,
                                           views := views), observed_at) AS last,
                       bool_or(observed_at = $observed_at) AS recorded_now
                FROM engagement_history
                WHERE post_id IN (SELECT post_id FROM history_ids)
                GROUP BY post_id
            ) h ON h.post_id = p.post_id
            WHERE coalesce(p.likes, p.shares, p.replies, p.score, p.views) IS NOT NULL
              AND (h.last IS NULL
                   OR struct_pack(likes := p.likes, shares := p.shares, replies := p.replies,
                                  score := p.score, views := p.views) IS DISTINCT FROM h.last)
              -- One row per post and moment (the table has no unique index): a moment
              -- already recorded keeps its row.
              AND h.recorded_now IS NOT TRUE
        """,
        {"post_ids": list(post_ids), "observed_at": observed_at},
    ).fetchone()
    return int(row[0]) if row else 0


def refresh_targets(
    path: Path | str,
    source_name: str,
    since: datetime,
    limit: int,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> list[RefreshTarget]:
    """Up to ``limit`` posts of ``source_name`` created since ``since`` and not gone, those
    asked for longest ago (never first), then the newest."""
    with connect(path, read_only=True, lock_timeout=lock_timeout) as con:
        rows = con.execute(
            """
            SELECT p.post_id, p.channel, p.post_kind, r.ref
            FROM posts p LEFT JOIN engagement_refresh r ON r.post_id = p.post_id
            WHERE p.source_name = $source_name AND p.created_at >= $since
              AND r.gone_at IS NULL
            ORDER BY r.checked_at ASC NULLS FIRST, p.created_at DESC, p.post_id
            LIMIT $limit
            """,
            {"source_name": source_name, "since": since, "limit": limit},
        ).fetchall()
    return [RefreshTarget(*row) for row in rows]


def last_refresh(path: Path | str, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> datetime | None:
    """When counts were last refreshed (for the first refresh after a restart)."""
    with connect(path, read_only=True, lock_timeout=lock_timeout) as con:
        row = con.execute("SELECT max(checked_at) FROM engagement_refresh").fetchone()
    return row[0] if row else None


def save_refresh(
    path: Path | str,
    results: Sequence[RefreshResult],
    observed_at: datetime,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> int:
    """Store refreshed counts in one transaction; returns how many history rows were added.

    A count the platform did not give keeps the stored one. Posts asked for are marked
    checked; those not returned are marked gone.
    """
    counts = [c for result in results for c in result.counts]
    asked = [p for result in results for p in result.asked]
    gone = [p for result in results for p in result.gone]
    # Writers within the process take turns (no unique index keeps one row per post).
    with WRITE_LOCK, connect(path, lock_timeout=lock_timeout) as con, transaction(con):
        if counts:
            con.execute(
                f"""
                UPDATE posts SET
                    likes = coalesce(c.likes, posts.likes),
                    shares = coalesce(c.shares, posts.shares),
                    replies = coalesce(c.replies, posts.replies),
                    score = coalesce(c.score, posts.score),
                    views = coalesce(c.views, posts.views)
                FROM (SELECT DISTINCT ON (post_id) * FROM ({_COUNT_ROWS.select})) c
                WHERE posts.post_id = c.post_id
                """,  # noqa: S608 - only fixed column names and types go in
                _COUNT_ROWS.params(_COUNT_ROWS.of(counts)),
            )
        if asked:
            _mark(con, asked, set(gone), observed_at)
        return _record_history(con, [c.post_id for c in counts], observed_at)


def _mark(con: duckdb.DuckDBPyConnection, asked: list[str], gone: set[str], at: datetime) -> None:
    checked = _CHECKED_ROWS.params(
        {
            "post_id": asked,
            "checked_at": [at] * len(asked),
            "gone_at": [at if p in gone else None for p in asked],
        }
    )
    # One row per post (no unique index): a known post's row is updated, a new one added.
    con.execute(
        f"""
        UPDATE engagement_refresh SET checked_at = c.checked_at, gone_at = c.gone_at
        FROM (SELECT DISTINCT ON (post_id) * FROM ({_CHECKED_ROWS.select})) c
        WHERE engagement_refresh.post_id = c.post_id
        """,  # noqa: S608 - only fixed column names and types go in
        checked,
    )
    con.execute(
        f"""
        INSERT INTO engagement_refresh (post_id, checked_at, gone_at)
        SELECT DISTINCT ON (post_id) post_id, checked_at, gone_at
        FROM ({_CHECKED_ROWS.select}) c
        WHERE NOT EXISTS (SELECT 1 FROM engagement_refresh r WHERE r.post_id = c.post_id)
        """,  # noqa: S608 - only fixed column names and types go in
        checked,
    )


HISTORY_COLUMNS = ("post_id", "observed_at", *COUNT_COLUMNS)


def insert_history_from(con: duckdb.DuckDBPyConnection, rows: duckdb.DuckDBPyRelation) -> None:
    """Bulk load of history rows built inside DuckDB (the demo's generator): ``rows`` has
    exactly :data:`HISTORY_COLUMNS`; a (post, time) already recorded is kept as it was."""
    if tuple(rows.columns) != HISTORY_COLUMNS:
        raise ValueError(f"expected the columns {list(HISTORY_COLUMNS)}, got {rows.columns}")
    con.register("incoming_history", rows)
    con.execute(
        """
        INSERT INTO engagement_history BY NAME
        SELECT DISTINCT ON (post_id, observed_at) * FROM incoming_history i
        WHERE NOT EXISTS (SELECT 1 FROM engagement_history h
                          WHERE h.post_id = i.post_id AND h.observed_at = i.observed_at)
        """
    )
    con.unregister("incoming_history")
