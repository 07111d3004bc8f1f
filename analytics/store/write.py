"""Writing collected data: one transaction per group of batches, bulk rows as list parameters.

Rows go in as one list parameter per column, unnested into rows by DuckDB (:mod:`.rows`):
one ``INSERT … SELECT`` per table, far faster than ``executemany``. :mod:`.writer` opens
the file and keeps it across group commits.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from analytics.core.models import Entity, RunBatch, RunRecord, ScoredPost, SourceState
from analytics.store.connection import DEFAULT_LOCK_TIMEOUT, connect, transaction
from analytics.store.engagement import COUNT_COLUMNS, record_engagement
from analytics.store.hierarchy import sync_entity_shows
from analytics.store.rows import Columns
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
        with transaction(con):
            con.execute(
                f"""
                INSERT INTO entities {_ENTITY_ROWS.select}
                ON CONFLICT (entity_id) DO UPDATE
                SET kind = excluded.kind, name = excluded.name, show_id = excluded.show_id
                """,  # noqa: S608 - only fixed column names and types go in
                _ENTITY_ROWS.params(_ENTITY_ROWS.of(entities)),
            )
            sync_entity_shows(con, entities)


_ENTITY_ROWS = Columns(
    {"entity_id": "VARCHAR", "kind": "VARCHAR", "name": "VARCHAR", "show_id": "VARCHAR"}
)
POST_ROWS = Columns(
    {
        "post_id": "VARCHAR",
        "source": "VARCHAR",
        "source_name": "VARCHAR",
        "channel": "VARCHAR",
        "url": "VARCHAR",
        "author": "VARCHAR",
        "title": "VARCHAR",
        "text": "VARCHAR",
        "lang": "VARCHAR",
        "created_at": "TIMESTAMPTZ",
        "collected_at": "TIMESTAMPTZ",
        "likes": "BIGINT",
        "shares": "BIGINT",
        "replies": "BIGINT",
        "score": "BIGINT",
        "vader_compound": "DOUBLE",
        "sentiment": "DOUBLE",
        "sentiment_label": "VARCHAR",
        "sentiment_version": "VARCHAR",
        "content_hash": "VARCHAR",
        "post_kind": "VARCHAR",
        "views": "BIGINT",
        "story_id": "VARCHAR",
    }
)
POST_COLUMNS: tuple[str, ...] = POST_ROWS.names
INSERT_POSTS_SQL = f"INSERT INTO posts BY NAME {POST_ROWS.select}"


def post_columns(
    scored: Sequence[ScoredPost],
    collected_at: datetime,
    story_of: dict[str, str] | None = None,
) -> dict[str, Sequence[Any]]:
    """Scored posts, column by column in the ``posts`` order: the parameters of
    :data:`INSERT_POSTS_SQL`.

    ``story_of`` maps a new post to the story it joins; any other post is its own story.
    """
    story_of = story_of or {}
    columns: dict[str, list[Any]] = {name: [] for name in POST_COLUMNS}
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
    return POST_ROWS.params(columns)


MENTION_ROWS = Columns(
    {"post_id": "VARCHAR", "entity_id": "VARCHAR", "matched": "VARCHAR", "was_stored": "BOOLEAN"}
)


def mention_columns(
    scored: Sequence[ScoredPost], stored: Container[str] = frozenset()
) -> dict[str, Sequence[Any]]:
    """Every mention of ``scored``, column by column, with whether its post was ``stored``
    before this write."""
    rows = [m for item in scored for m in item.mentions]
    return MENTION_ROWS.params(
        {
            "post_id": [m.post_id for m in rows],
            "entity_id": [m.entity_id for m in rows],
            "matched": [m.matched for m in rows],
            "was_stored": [m.post_id in stored for m in rows],
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
        con.execute(INSERT_POSTS_SQL, post_columns(fresh, collected_at, story_of))
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
    rows = con.execute(
        "SELECT p.post_id FROM posts p "
        "SEMI JOIN (SELECT unnest($post_ids::VARCHAR[]) AS post_id) i ON p.post_id = i.post_id",
        {"post_ids": list(post_ids)},
    ).fetchall()
    return {row[0] for row in rows}


_COUNT_ROWS = Columns({"post_id": "VARCHAR"} | {name: "BIGINT" for name in COUNT_COLUMNS})


def _refresh_counts(con: duckdb.DuckDBPyConnection, seen: Sequence[ScoredPost]) -> None:
    """A post seen again keeps its text, time and sentiment as first stored; only its
    engagement moves on (likes and views grow), and a missing count never erases one."""
    columns: dict[str, list[Any]] = {name: [] for name in _COUNT_ROWS.names}
    for item in seen:
        columns["post_id"].append(item.post.post_id)
        for name in COUNT_COLUMNS:
            columns[name].append(getattr(item.post, name))
    if all(value is None for name in COUNT_COLUMNS for value in columns[name]):
        return  # feeds carry no counts: nothing to move on
    con.execute(
        f"""
        UPDATE posts
        SET likes = coalesce(c.likes, posts.likes), shares = coalesce(c.shares, posts.shares),
            replies = coalesce(c.replies, posts.replies), score = coalesce(c.score, posts.score),
            views = coalesce(c.views, posts.views)
        FROM ({_COUNT_ROWS.select}) c
        WHERE posts.post_id = c.post_id
        """,  # noqa: S608 - only fixed column names and types go in
        _COUNT_ROWS.params(columns),
    )


def _insert_mentions(
    con: duckdb.DuckDBPyConnection, scored: Sequence[ScoredPost], stored: set[str]
) -> None:
    """Each (post, entity) once: a new post's mentions go straight in; those of a post
    stored before only when not stored yet (the watchlist may have grown since)."""
    mentions = mention_columns(scored, stored)
    if not mentions["post_id"]:
        return
    con.execute(
        f"""
        INSERT INTO mentions (post_id, entity_id, matched)
        SELECT DISTINCT ON (post_id, entity_id) post_id, entity_id, matched
        FROM ({MENTION_ROWS.select}) i
        WHERE NOT i.was_stored
           OR NOT EXISTS (SELECT 1 FROM mentions m
                          WHERE m.post_id = i.post_id AND m.entity_id = i.entity_id)
        """,  # noqa: S608 - only fixed column names and types go in
        mentions,
    )


def _upsert_attention(
    con: duckdb.DuckDBPyConnection, batch: RunBatch, collected_at: datetime
) -> int:
    """Upsert daily values (a source may revise a recent day); returns the new days."""
    rows = batch.attention
    incoming = _ATTENTION_ROWS.params(
        {
            "entity_id": [r.entity_id for r in rows],
            "metric": [r.metric for r in rows],
            "day": [r.day for r in rows],
            "value": [r.value for r in rows],
            "source_name": [r.source_name for r in rows],
            "collected_at": [collected_at] * len(rows),
        }
    )
    row = con.execute(
        f"""
        SELECT count(*) FROM ({_ATTENTION_ROWS.select}) i
        WHERE NOT EXISTS (SELECT 1 FROM attention a WHERE a.entity_id = i.entity_id
                          AND a.metric = i.metric AND a.day = i.day)
        """,  # noqa: S608 - only fixed column names and types go in
        incoming,
    ).fetchone()
    con.execute(
        f"""
        INSERT INTO attention {_ATTENTION_ROWS.select}
        ON CONFLICT (entity_id, metric, day) DO UPDATE
        SET value = excluded.value, source_name = excluded.source_name,
            collected_at = excluded.collected_at
        """,  # noqa: S608 - only fixed column names and types go in
        incoming,
    )
    return int(row[0]) if row else 0


_ATTENTION_ROWS = Columns(
    {
        "entity_id": "VARCHAR",
        "metric": "VARCHAR",
        "day": "DATE",
        "value": "DOUBLE",
        "source_name": "VARCHAR",
        "collected_at": "TIMESTAMPTZ",
    }
)


def _typed(names: Sequence[str], types: dict[str, str]) -> Columns:
    """Columns for dataclass fields: strings unless typed."""
    return Columns({name: types.get(name, "VARCHAR") for name in names})


RUN_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(RunRecord))
_RUN_ROWS = _typed(
    RUN_FIELDS,
    {
        "started_at": "TIMESTAMPTZ",
        "finished_at": "TIMESTAMPTZ",
        "fetched": "INTEGER",
        "off_topic": "INTEGER",
        "inserted": "INTEGER",
        "http_status": "INTEGER",
    },
)


def insert_runs(con: duckdb.DuckDBPyConnection, runs: Sequence[RunRecord]) -> None:
    """Record runs (``run_id`` comes from the file's sequence)."""
    if not runs:
        return
    con.execute(
        f"INSERT INTO collection_runs BY NAME {_RUN_ROWS.select}",
        _RUN_ROWS.params(_RUN_ROWS.of(runs)),
    )


STATE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(SourceState))
STATE_KEY = ("source_name", "channel")
_STATE_ROWS = _typed(
    STATE_FIELDS,
    {
        "next_due_at": "TIMESTAMPTZ",
        "last_attempt_at": "TIMESTAMPTZ",
        "last_success_at": "TIMESTAMPTZ",
        "consecutive_failures": "INTEGER",
    },
)
# Every column but the key (a test holds this list to the SourceState fields).
UPSERT_STATES_SQL = f"""
    INSERT INTO source_state BY NAME {_STATE_ROWS.select}
    ON CONFLICT (source_name, channel) DO UPDATE
    SET source = excluded.source, etag = excluded.etag, last_modified = excluded.last_modified,
        cursor = excluded.cursor, next_due_at = excluded.next_due_at,
        consecutive_failures = excluded.consecutive_failures, last_error = excluded.last_error,
        last_attempt_at = excluded.last_attempt_at, last_success_at = excluded.last_success_at
"""  # noqa: S608 - only fixed column names and types go in


def upsert_states(con: duckdb.DuckDBPyConnection, states: Sequence[SourceState]) -> None:
    """Save channel states; of two states for one channel, the later in the list wins."""
    latest = list({(s.source_name, s.channel): s for s in states}.values())
    if not latest:
        return
    con.execute(UPSERT_STATES_SQL, _STATE_ROWS.params(_STATE_ROWS.of(latest)))


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
