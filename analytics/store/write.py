"""Writing collected data: one transaction per group of batches, bulk rows as Arrow tables.

Rows go in as registered Arrow tables (``INSERT … SELECT``), which is ~100x faster than
``executemany``. :mod:`.writer` opens the file and keeps it across group commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from analytics.core.models import Entity, RunBatch, RunRecord, ScoredPost, SourceState
from analytics.store.connection import DEFAULT_LOCK_TIMEOUT, connect, transaction
from analytics.store.engagement import COUNT_COLUMNS, record_engagement
from analytics.store.hierarchy import sync_entity_shows
from analytics.store.schema import migrate
from analytics.store.stories import Copy, link_copies


def prepare_database(
    path: Path | str, entities: Sequence[Entity], lock_timeout: float = DEFAULT_LOCK_TIMEOUT
) -> None:
    """Create or upgrade the schema and bring ``entities`` (and the shows each is listed
    under, ``entity_shows``) in line with the watchlist.

    Entities no longer in the watchlist stay (old mentions keep their names).
    """
    with connect(path, lock_timeout=lock_timeout) as con:
        migrate(con)
        table = pa.table(
            {
                "entity_id": [e.entity_id for e in entities],
                "kind": [e.kind for e in entities],
                "name": [e.name for e in entities],
                "show_id": pa.array([e.show_id for e in entities], pa.string()),
            }
        )
        with transaction(con):
            con.register("incoming_entities", table)
            con.execute(
                """
                INSERT INTO entities SELECT * FROM incoming_entities
                ON CONFLICT (entity_id) DO UPDATE
                SET kind = excluded.kind, name = excluded.name, show_id = excluded.show_id
                """
            )
            con.unregister("incoming_entities")
            sync_entity_shows(con, entities)


_POST_SCHEMA = pa.schema(
    [
        ("post_id", pa.string()),
        ("source", pa.string()),
        ("source_name", pa.string()),
        ("channel", pa.string()),
        ("url", pa.string()),
        ("author", pa.string()),
        ("title", pa.string()),
        ("text", pa.string()),
        ("lang", pa.string()),
        ("created_at", pa.timestamp("us", tz="UTC")),
        ("collected_at", pa.timestamp("us", tz="UTC")),
        ("likes", pa.int64()),
        ("shares", pa.int64()),
        ("replies", pa.int64()),
        ("score", pa.int64()),
        ("vader_compound", pa.float64()),
        ("sentiment", pa.float64()),
        ("sentiment_label", pa.string()),
        ("sentiment_version", pa.string()),
        ("content_hash", pa.string()),
        ("post_kind", pa.string()),
        ("views", pa.int64()),
        ("story_id", pa.string()),
    ]
)
POST_COLUMNS: tuple[str, ...] = tuple(_POST_SCHEMA.names)


def posts_table(
    scored: Sequence[ScoredPost],
    collected_at: datetime,
    story_of: dict[str, str] | None = None,
) -> pa.Table:
    """Scored posts as one Arrow table in the ``posts`` column order.

    ``story_of`` maps a new post to the story it joins; any other post is its own story.
    """
    story_of = story_of or {}
    columns: dict[str, list[Any]] = {name: [] for name in _POST_SCHEMA.names}
    for item in scored:
        post, sentiment = item.post, item.sentiment
        for name in ("post_id", "source", "source_name", "channel", "url", "author", "title"):
            columns[name].append(getattr(post, name))
        columns["text"].append(post.text)
        columns["lang"].append(post.lang)
        columns["created_at"].append(post.created_at)
        columns["collected_at"].append(collected_at)
        for name in ("likes", "shares", "replies", "score"):
            columns[name].append(getattr(post, name))
        columns["vader_compound"].append(sentiment.vader_compound)
        columns["sentiment"].append(sentiment.sentiment)
        columns["sentiment_label"].append(sentiment.label)
        columns["sentiment_version"].append(sentiment.version)
        columns["content_hash"].append(item.content_hash)
        columns["post_kind"].append(post.post_kind)
        columns["views"].append(post.views)
        columns["story_id"].append(story_of.get(post.post_id, post.post_id))
    return pa.table(columns, schema=_POST_SCHEMA)


def mentions_table(scored: Sequence[ScoredPost]) -> pa.Table:
    rows = [m for item in scored for m in item.mentions]
    return pa.table(
        {
            "post_id": pa.array([m.post_id for m in rows], pa.string()),
            "entity_id": pa.array([m.entity_id for m in rows], pa.string()),
            "matched": pa.array([m.matched for m in rows], pa.string()),
        }
    )


def store_batches(
    con: duckdb.DuckDBPyConnection,
    batches: Sequence[RunBatch],
    collected_at: datetime | None = None,
) -> list[int]:
    """``save_batches`` (:mod:`.writer`) on an open connection, in the caller's transaction.

    All batches go in together: one statement each for posts, mentions, runs and states,
    whatever the number of batches (per-batch statements cost ~10 ms each). A batch whose
    ``batch_id`` is already recorded (stored from the spool once, then the process died
    before the spool file was removed) is skipped: storing is idempotent.
    """
    collected_at = collected_at or datetime.now(UTC)
    known = _stored_batch_ids(con, [b.run.batch_id for b in batches if b.run.batch_id])
    fresh = [b for b in batches if not (b.run.batch_id and b.run.batch_id in known)]
    new_posts = _insert_posts(con, fresh, collected_at)
    for index, batch in enumerate(fresh):
        batch.run.inserted = new_posts.get(index, 0)
        if batch.attention:
            batch.run.inserted += _upsert_attention(con, batch, collected_at)
    insert_runs(con, [b.run for b in fresh])
    upsert_states(con, [state for b in fresh for state in b.states])
    stored = {id(b) for b in fresh}
    return [b.run.inserted if id(b) in stored else 0 for b in batches]


def _stored_batch_ids(con: duckdb.DuckDBPyConnection, batch_ids: list[str]) -> set[str]:
    if not batch_ids:
        return set()
    rows = con.execute(
        "SELECT batch_id FROM collection_runs WHERE list_contains(?, batch_id)", [batch_ids]
    ).fetchall()
    return {row[0] for row in rows}


def _insert_posts(
    con: duckdb.DuckDBPyConnection, batches: Sequence[RunBatch], collected_at: datetime
) -> dict[int, int]:
    """Store every batch's posts and mentions at once; new posts per batch index.

    A post in several batches (two channels found it) counts as new for the first only.
    Posts carry no unique index (it would be most of the file): which are stored is looked
    up once here, inside the transaction, and only the others are inserted. Writers take
    turns (one process holds the file; ``analytics.store.connection.WRITE_LOCK`` within
    it), so no other transaction can store the same post in between.
    """
    scored = [post for batch in batches for post in batch.posts]
    if not scored:
        return {}
    # The latest batch's copy of a post found twice is the one offered; the first batch
    # that found it is the one it counts for.
    latest: dict[str, ScoredPost] = {}
    first_batch: dict[str, int] = {}
    for batch_no, batch in enumerate(batches):
        for item in batch.posts:
            latest[item.post.post_id] = item
            first_batch.setdefault(item.post.post_id, batch_no)
    stored = stored_post_ids(con, list(latest))
    fresh = [item for post_id, item in latest.items() if post_id not in stored]
    seen = [item for post_id, item in latest.items() if post_id in stored]
    story_of = link_copies(con, [Copy.of(item.post) for item in fresh])
    if fresh:
        con.register("incoming_posts", posts_table(fresh, collected_at, story_of))
        con.execute("INSERT INTO posts BY NAME SELECT * FROM incoming_posts")
        con.unregister("incoming_posts")
    if seen:
        _refresh_counts(con, seen)
    record_engagement(con, scored, collected_at)
    _insert_mentions(con, scored, stored)
    new: dict[int, int] = {}
    for item in fresh:
        batch_no = first_batch[item.post.post_id]
        new[batch_no] = new.get(batch_no, 0) + 1
    return new


def stored_post_ids(con: duckdb.DuckDBPyConnection, post_ids: Sequence[str]) -> set[str]:
    """Which of ``post_ids`` are stored (one join against the stored ids)."""
    if not post_ids:
        return set()
    con.register("lookup_post_ids", pa.table({"post_id": pa.array(post_ids, pa.string())}))
    try:
        rows = con.execute(
            "SELECT p.post_id FROM posts p SEMI JOIN lookup_post_ids i ON p.post_id = i.post_id"
        ).fetchall()
    finally:
        con.unregister("lookup_post_ids")
    return {row[0] for row in rows}


_COUNTS_SCHEMA = pa.schema(
    [("post_id", pa.string())] + [(name, pa.int64()) for name in COUNT_COLUMNS]
)


def _refresh_counts(con: duckdb.DuckDBPyConnection, seen: Sequence[ScoredPost]) -> None:
    """A post seen again keeps its text, time and sentiment as first stored; only its
    engagement moves on (likes and views grow), and a missing count never erases one."""
    columns: dict[str, list[Any]] = {name: [] for name in _COUNTS_SCHEMA.names}
    for item in seen:
        columns["post_id"].append(item.post.post_id)
        for name in COUNT_COLUMNS:
            columns[name].append(getattr(item.post, name))
    if all(value is None for name in COUNT_COLUMNS for value in columns[name]):
        return  # feeds carry no counts: nothing to move on
    con.register("incoming_counts", pa.table(columns, schema=_COUNTS_SCHEMA))
    con.execute(
        """
        UPDATE posts
        SET likes = coalesce(c.likes, posts.likes), shares = coalesce(c.shares, posts.shares),
            replies = coalesce(c.replies, posts.replies), score = coalesce(c.score, posts.score),
            views = coalesce(c.views, posts.views)
        FROM incoming_counts c
        WHERE posts.post_id = c.post_id
        """
    )
    con.unregister("incoming_counts")


def _insert_mentions(
    con: duckdb.DuckDBPyConnection, scored: Sequence[ScoredPost], stored: set[str]
) -> None:
    """Each (post, entity) once: a new post's mentions go straight in; those of a post
    stored before only when not stored yet (the watchlist may have grown since)."""
    mentions = mentions_table(scored)
    if not mentions.num_rows:
        return
    was_stored = pa.array([m in stored for m in mentions.column("post_id").to_pylist()])
    con.register("incoming_mentions", mentions.append_column("was_stored", was_stored))
    con.execute(
        """
        INSERT INTO mentions (post_id, entity_id, matched)
        SELECT DISTINCT ON (post_id, entity_id) post_id, entity_id, matched
        FROM incoming_mentions i
        WHERE NOT i.was_stored
           OR NOT EXISTS (SELECT 1 FROM mentions m
                          WHERE m.post_id = i.post_id AND m.entity_id = i.entity_id)
        """
    )
    con.unregister("incoming_mentions")


def _upsert_attention(
    con: duckdb.DuckDBPyConnection, batch: RunBatch, collected_at: datetime
) -> int:
    """Upsert daily values (a source may revise a recent day); returns the new days."""
    rows = batch.attention
    incoming = pa.table(
        {
            "entity_id": pa.array([r.entity_id for r in rows], pa.string()),
            "metric": pa.array([r.metric for r in rows], pa.string()),
            "day": pa.array([r.day for r in rows], pa.date32()),
            "value": pa.array([r.value for r in rows], pa.float64()),
            "source_name": pa.array([r.source_name for r in rows], pa.string()),
            "collected_at": pa.array([collected_at] * len(rows), pa.timestamp("us", tz="UTC")),
        }
    )
    con.register("incoming_attention", incoming)
    row = con.execute(
        """
        SELECT count(*) FROM incoming_attention i
        WHERE NOT EXISTS (SELECT 1 FROM attention a WHERE a.entity_id = i.entity_id
                          AND a.metric = i.metric AND a.day = i.day)
        """
    ).fetchone()
    con.execute(
        """
        INSERT INTO attention SELECT * FROM incoming_attention
        ON CONFLICT (entity_id, metric, day) DO UPDATE
        SET value = excluded.value, source_name = excluded.source_name,
            collected_at = excluded.collected_at
        """
    )
    con.unregister("incoming_attention")
    return int(row[0]) if row else 0


def _records_table(
    records: Sequence[object], names: Sequence[str], types: dict[str, pa.DataType]
) -> pa.Table:
    """Dataclass records as an Arrow table: one column per field, strings unless typed."""
    return pa.table(
        {
            name: pa.array([getattr(r, name) for r in records], types.get(name, pa.string()))
            for name in names
        }
    )


RUN_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(RunRecord))
_RUN_TYPES = {
    "started_at": pa.timestamp("us", tz="UTC"),
    "finished_at": pa.timestamp("us", tz="UTC"),
    "fetched": pa.int32(),
    "off_topic": pa.int32(),
    "inserted": pa.int32(),
    "http_status": pa.int32(),
}


def insert_runs(con: duckdb.DuckDBPyConnection, runs: Sequence[RunRecord]) -> None:
    """Record runs (``run_id`` comes from the file's sequence)."""
    if not runs:
        return
    con.register("incoming_runs", _records_table(runs, RUN_FIELDS, _RUN_TYPES))
    con.execute("INSERT INTO collection_runs BY NAME SELECT * FROM incoming_runs")
    con.unregister("incoming_runs")


STATE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(SourceState))
STATE_KEY = ("source_name", "channel")
_STATE_TYPES = {
    "next_due_at": pa.timestamp("us", tz="UTC"),
    "last_attempt_at": pa.timestamp("us", tz="UTC"),
    "last_success_at": pa.timestamp("us", tz="UTC"),
    "consecutive_failures": pa.int32(),
}
# Every column but the key (a test holds this list to the SourceState fields).
UPSERT_STATES_SQL = """
    INSERT INTO source_state BY NAME SELECT * FROM incoming_states
    ON CONFLICT (source_name, channel) DO UPDATE
    SET source = excluded.source, etag = excluded.etag, last_modified = excluded.last_modified,
        cursor = excluded.cursor, next_due_at = excluded.next_due_at,
        consecutive_failures = excluded.consecutive_failures, last_error = excluded.last_error,
        last_attempt_at = excluded.last_attempt_at, last_success_at = excluded.last_success_at
"""


def upsert_states(con: duckdb.DuckDBPyConnection, states: Sequence[SourceState]) -> None:
    """Save channel states; of two states for one channel, the later in the list wins."""
    latest = list({(s.source_name, s.channel): s for s in states}.values())
    if not latest:
        return
    con.register("incoming_states", _records_table(latest, STATE_FIELDS, _STATE_TYPES))
    con.execute(UPSERT_STATES_SQL)
    con.unregister("incoming_states")


# Bulk loads of rows built inside DuckDB (the demo's generator): plain inserts into a new
# file, no conflict handling, so millions of rows go in at the speed of one INSERT … SELECT.

ATTENTION_COLUMNS = ("entity_id", "metric", "day", "value", "source_name", "collected_at")
MENTION_COLUMNS = ("post_id", "entity_id", "matched")


def insert_posts_from(con: duckdb.DuckDBPyConnection, rows: duckdb.DuckDBPyRelation) -> None:
    """Insert ``rows`` (a relation with exactly :data:`POST_COLUMNS`) into ``posts``."""
    _insert_relation(con, rows, POST_COLUMNS, "INSERT INTO posts BY NAME SELECT * FROM incoming")


def insert_mentions_from(con: duckdb.DuckDBPyConnection, rows: duckdb.DuckDBPyRelation) -> None:
    """Insert ``rows`` (a relation with exactly :data:`MENTION_COLUMNS`) into ``mentions``."""
    _insert_relation(
        con, rows, MENTION_COLUMNS, "INSERT INTO mentions BY NAME SELECT * FROM incoming"
    )


def insert_attention_from(con: duckdb.DuckDBPyConnection, rows: duckdb.DuckDBPyRelation) -> None:
    """Insert ``rows`` (a relation with exactly :data:`ATTENTION_COLUMNS`) into ``attention``."""
    _insert_relation(
        con, rows, ATTENTION_COLUMNS, "INSERT INTO attention BY NAME SELECT * FROM incoming"
    )


def _insert_relation(
    con: duckdb.DuckDBPyConnection,
    rows: duckdb.DuckDBPyRelation,
    columns: Sequence[str],
    statement: str,
) -> None:
    if tuple(rows.columns) != tuple(columns):
        raise ValueError(f"expected the columns {list(columns)}, got {rows.columns}")
    con.register("incoming", rows)
    con.execute(statement)
    con.unregister("incoming")
