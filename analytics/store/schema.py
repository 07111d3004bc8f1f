"""Ordered schema migrations: an old database file upgrades in place.

Each migration is a numbered list of steps (SQL statements, or functions of the connection
for a rewrite SQL cannot express) applied once, in one transaction, and recorded in
``schema_version``. Never edit a released migration: append a new one.
Analyst views are defined once, in :mod:`analytics.store.views`, and re-created in the
transaction of the latest migration; a migration that only changes views has no steps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from analytics.core.post_ids import UNQUALIFIED_BEFORE, upgrade_stored_id
from analytics.store.stories import CREATE_STORY_KEYS, GROUPED_STORY_KEYS, backfill_stories
from analytics.store.views import apply_views


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str | Callable[[duckdb.DuckDBPyConnection], None], ...]


_CORE_TABLES = (
    """
    CREATE TABLE posts (
        post_id VARCHAR PRIMARY KEY,
        source VARCHAR NOT NULL,
        source_name VARCHAR NOT NULL,
        channel VARCHAR NOT NULL,
        url VARCHAR,
        author VARCHAR,
        title VARCHAR,
        text VARCHAR NOT NULL,
        lang VARCHAR,
        created_at TIMESTAMPTZ NOT NULL,
        collected_at TIMESTAMPTZ NOT NULL,
        likes BIGINT,
        shares BIGINT,
        replies BIGINT,
        score BIGINT,
        vader_compound DOUBLE NOT NULL,
        sentiment DOUBLE NOT NULL,
        sentiment_label VARCHAR NOT NULL,
        sentiment_version VARCHAR NOT NULL,
        content_hash VARCHAR NOT NULL
    )
    """,
    """
    CREATE TABLE entities (
        entity_id VARCHAR PRIMARY KEY,
        kind VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        show_id VARCHAR
    )
    """,
    """
    CREATE TABLE mentions (
        post_id VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        matched VARCHAR NOT NULL,
        PRIMARY KEY (post_id, entity_id)
    )
    """,
    """
    CREATE TABLE attention (
        entity_id VARCHAR NOT NULL,
        metric VARCHAR NOT NULL,
        day DATE NOT NULL,
        value DOUBLE NOT NULL,
        source_name VARCHAR NOT NULL,
        collected_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (entity_id, metric, day)
    )
    """,
    "CREATE SEQUENCE collection_run_ids START 1",
    """
    CREATE TABLE collection_runs (
        run_id BIGINT PRIMARY KEY DEFAULT nextval('collection_run_ids'),
        source_name VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        channel VARCHAR NOT NULL,
        started_at TIMESTAMPTZ NOT NULL,
        finished_at TIMESTAMPTZ NOT NULL,
        status VARCHAR NOT NULL,
        fetched INTEGER NOT NULL,
        inserted INTEGER NOT NULL,
        off_topic INTEGER NOT NULL,
        http_status INTEGER,
        error VARCHAR
    )
    """,
    """
    CREATE TABLE source_state (
        source_name VARCHAR NOT NULL,
        channel VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        etag VARCHAR,
        last_modified VARCHAR,
        cursor VARCHAR,
        next_due_at TIMESTAMPTZ,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        last_error VARCHAR,
        last_attempt_at TIMESTAMPTZ,
        last_success_at TIMESTAMPTZ,
        PRIMARY KEY (source_name, channel)
    )
    """,
    "CREATE INDEX posts_created_at ON posts (created_at)",
    "CREATE INDEX mentions_entity ON mentions (entity_id)",
)

_POST_KIND = (
    "ALTER TABLE posts ADD COLUMN post_kind VARCHAR DEFAULT 'post'",
    # Until now only feeds were collected, and feeds carry articles.
    "UPDATE posts SET post_kind = 'article' WHERE source = 'rss'",
)

_ALERTS = (
    """
    CREATE TABLE alerts (
        alert_id VARCHAR PRIMARY KEY,
        kind VARCHAR NOT NULL,
        entity_id VARCHAR,
        source_name VARCHAR,
        happened_at TIMESTAMPTZ NOT NULL,
        detected_at TIMESTAMPTZ NOT NULL,
        title VARCHAR NOT NULL,
        message VARCHAR NOT NULL,
        delivered_at TIMESTAMPTZ,
        delivery_attempts INTEGER NOT NULL DEFAULT 0,
        delivery_error VARCHAR,
        undelivered_to VARCHAR[]
    )
    """,
)

# Which shows each person, character and ship is listed under (a person may be in
# several); synced from the watchlist by analytics.store.hierarchy. Shows are slugs, as in
# entities.show_id. Filled for existing files when the collector next starts.
_ENTITY_SHOWS = """
    CREATE TABLE entity_shows (
        entity_id VARCHAR NOT NULL,
        show_id VARCHAR NOT NULL,
        PRIMARY KEY (entity_id, show_id)
    )
"""


def _qualify_feed_ids(con: duckdb.DuckDBPyConnection) -> None:
    """Give stored feed posts the ids the current rule gives them (analytics.core.post_ids).

    Mentions follow their post. An id whose new form is already taken stays as it was:
    nothing is merged or dropped.
    """
    rows = con.execute(
        "SELECT post_id, channel FROM posts WHERE source = ?", [UNQUALIFIED_BEFORE]
    ).fetchall()
    pairs = [(old, upgrade_stored_id(old, UNQUALIFIED_BEFORE, channel)) for old, channel in rows]
    changed = [(old, new) for old, new in pairs if new != old]
    if not changed:
        return
    con.execute(
        """
        CREATE TEMP TABLE post_id_map AS
        SELECT old_id, new_id
        FROM (SELECT unnest($old_ids::VARCHAR[]) AS old_id,
                     unnest($new_ids::VARCHAR[]) AS new_id) c
        WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.post_id = c.new_id)
        QUALIFY row_number() OVER (PARTITION BY new_id ORDER BY old_id) = 1
        """,
        {"old_ids": [o for o, _ in changed], "new_ids": [n for _, n in changed]},
    )
    con.execute(
        "UPDATE mentions SET post_id = m.new_id FROM post_id_map m "
        "WHERE mentions.post_id = m.old_id"
    )
    con.execute(
        "UPDATE posts SET post_id = m.new_id FROM post_id_map m WHERE posts.post_id = m.old_id"
    )
    con.execute("DROP TABLE post_id_map")


_ENGAGEMENT = (
    # One row per post and moment its counts were seen to change (first sight included).
    """
    CREATE TABLE engagement_history (
        post_id VARCHAR NOT NULL,
        observed_at TIMESTAMPTZ NOT NULL,
        likes BIGINT,
        shares BIGINT,
        replies BIGINT,
        score BIGINT,
        views BIGINT,
        PRIMARY KEY (post_id, observed_at)
    )
    """,
    # What the counts refresh needs per post: the platform's id for it when post_id does not
    # say it, when it was last asked for, and when the platform stopped returning it.
    """
    CREATE TABLE engagement_refresh (
        post_id VARCHAR PRIMARY KEY,
        ref VARCHAR,
        checked_at TIMESTAMPTZ,
        gone_at TIMESTAMPTZ
    )
    """,
    # Counts as first stored: the start of each post's history.
    """
    INSERT INTO engagement_history
    SELECT post_id, collected_at, likes, shares, replies, score, views FROM posts
    WHERE coalesce(likes, shares, replies, score, views) IS NOT NULL
    """,
)

# Schema version 15: ART indexes are most of a file's size and no query plan uses them.
# Pages filter dates and entities by scanning (zone maps skip what is out of range), and
# each post is stored once because the one write path checks what is stored inside its
# transaction (analytics.store.write), not by a unique index. DuckDB cannot drop a primary
# key, so the four tables that carried one on post ids are rebuilt without it.
_LEAN_POSTS = """
    CREATE TABLE posts_lean (
        post_id VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        source_name VARCHAR NOT NULL,
        channel VARCHAR NOT NULL,
        url VARCHAR,
        author VARCHAR,
        title VARCHAR,
        text VARCHAR NOT NULL,
        lang VARCHAR,
        created_at TIMESTAMPTZ NOT NULL,
        collected_at TIMESTAMPTZ NOT NULL,
        likes BIGINT,
        shares BIGINT,
        replies BIGINT,
        score BIGINT,
        vader_compound DOUBLE NOT NULL,
        sentiment DOUBLE NOT NULL,
        sentiment_label VARCHAR NOT NULL,
        sentiment_version VARCHAR NOT NULL,
        content_hash VARCHAR NOT NULL,
        post_kind VARCHAR DEFAULT 'post',
        views BIGINT,
        story_id VARCHAR
    )
"""
_LEAN_MENTIONS = """
    CREATE TABLE mentions_lean (
        post_id VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        matched VARCHAR NOT NULL
    )
"""
_LEAN_HISTORY = """
    CREATE TABLE engagement_history_lean (
        post_id VARCHAR NOT NULL,
        observed_at TIMESTAMPTZ NOT NULL,
        likes BIGINT,
        shares BIGINT,
        replies BIGINT,
        score BIGINT,
        views BIGINT
    )
"""
_LEAN_REFRESH = """
    CREATE TABLE engagement_refresh_lean (
        post_id VARCHAR NOT NULL,
        ref VARCHAR,
        checked_at TIMESTAMPTZ,
        gone_at TIMESTAMPTZ
    )
"""


_LEAN = (
    "DROP INDEX IF EXISTS posts_created_at",
    "DROP INDEX IF EXISTS mentions_entity",
    # Posts go in by publication time, so each block holds one stretch of days and a date
    # filter skips the others.
    _LEAN_POSTS,
    "INSERT INTO posts_lean SELECT * FROM posts ORDER BY created_at, post_id",
    "DROP TABLE posts",
    "ALTER TABLE posts_lean RENAME TO posts",
    _LEAN_MENTIONS,
    "INSERT INTO mentions_lean SELECT * FROM mentions ORDER BY post_id, entity_id",
    "DROP TABLE mentions",
    "ALTER TABLE mentions_lean RENAME TO mentions",
    _LEAN_HISTORY,
    "INSERT INTO engagement_history_lean SELECT * FROM engagement_history "
    "ORDER BY observed_at, post_id",
    "DROP TABLE engagement_history",
    "ALTER TABLE engagement_history_lean RENAME TO engagement_history",
    _LEAN_REFRESH,
    "INSERT INTO engagement_refresh_lean SELECT * FROM engagement_refresh ORDER BY post_id",
    "DROP TABLE engagement_refresh",
    "ALTER TABLE engagement_refresh_lean RENAME TO engagement_refresh",
    # Story keys: a row per post with its keys, not a row per key repeating the ids.
    *GROUPED_STORY_KEYS,
)

# One row per digest sent or attempted (analytics.store.digests). It reads no other new
# table, so it applies after any migration numbered before it.
_DIGESTS = (
    """
    CREATE TABLE digest_deliveries (
        digest_id VARCHAR PRIMARY KEY,
        trigger VARCHAR NOT NULL,
        period_first DATE NOT NULL,
        period_last DATE NOT NULL,
        recipients VARCHAR[] NOT NULL,
        attempts INTEGER NOT NULL,
        first_attempt_at TIMESTAMPTZ NOT NULL,
        last_attempt_at TIMESTAMPTZ NOT NULL,
        sent_at TIMESTAMPTZ,
        error VARCHAR
    )
    """,
)

# Notes a reader adds to a day ("influencer campaign went live"), drawn on the time charts.
# IF NOT EXISTS: the table stands on its own, whatever the migrations before it did.
_ANNOTATIONS = (
    """
    CREATE TABLE IF NOT EXISTS annotations (
        annotation_id VARCHAR PRIMARY KEY,
        day DATE NOT NULL,
        note VARCHAR NOT NULL,
        added_at TIMESTAMPTZ NOT NULL
    )
    """,
)

MIGRATIONS: tuple[Migration, ...] = (
    # Versions 1, 6 and 7 created analyst views; the views now come from views.py (see above).
    Migration(1, "core tables and analyst views", _CORE_TABLES),
    Migration(2, "posts.post_kind: article, post, comment, fanwork, video", _POST_KIND),
    Migration(3, "posts.views for video sources", ("ALTER TABLE posts ADD COLUMN views BIGINT",)),
    Migration(
        4,
        "collection_runs.batch_id: a spooled batch is stored once",
        ("ALTER TABLE collection_runs ADD COLUMN batch_id VARCHAR",),
    ),
    Migration(5, "alerts: spikes and silent or failing sources, sent once", _ALERTS),
    Migration(
        6,
        "views: post_engagement, daily_themes, daily_attention; daily views on UTC days",
        (),
    ),
    Migration(
        7,
        "views: hourly and weekly mentions, daily share of voice, daily source volume",
        (),
    ),
    Migration(
        8,
        "feed post ids: a guid unique only within its feed is qualified by the feed's URL",
        (_qualify_feed_ids,),
    ),
    Migration(9, "views: source_health counts each channel's own posts", ()),
    Migration(
        10,
        "posts.story_id: copies of one story share the id of its first stored copy",
        (
            "ALTER TABLE posts ADD COLUMN story_id VARCHAR",
            "UPDATE posts SET story_id = post_id",
        ),
    ),
    Migration(
        11,
        "entity_shows and show_posts: show figures include cast, characters and ships; "
        "views count stories beside posts",
        (
            _ENTITY_SHOWS,
            # Until the collector next syncs the watchlist, each member's first show.
            "INSERT INTO entity_shows SELECT entity_id, show_id FROM entities "
            "WHERE show_id IS NOT NULL AND kind <> 'show'",
        ),
    ),
    Migration(
        12,
        "engagement_history and engagement_refresh: counts of recent posts refreshed and kept",
        _ENGAGEMENT,
    ),
    Migration(
        13,
        "alerts: one spike alert names every co-spiking entity of a show and links its posts",
        (
            "ALTER TABLE alerts ADD COLUMN entity_ids VARCHAR[]",
            "ALTER TABLE alerts ADD COLUMN bucket VARCHAR",
            "ALTER TABLE alerts ADD COLUMN links STRUCT(title VARCHAR, url VARCHAR)[]",
            # Spike alerts so far were daily and about one entity each.
            "UPDATE alerts SET entity_ids = [entity_id], bucket = 'day' WHERE kind = 'spike'",
        ),
    ),
    Migration(
        14,
        "story_keys: copies of one story (same link, headline and day, or text) are linked",
        (*CREATE_STORY_KEYS, backfill_stories),
    ),
    Migration(
        15,
        "lean storage: no indexes on the big tables; story keys grouped per post",
        _LEAN,
    ),
    Migration(16, "annotations: notes added to a day, drawn on the time charts", _ANNOTATIONS),
    Migration(17, "digest_deliveries: each emailed brief, its attempts and outcome", _DIGESTS),
)

LATEST_VERSION = MIGRATIONS[-1].version


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection, upto: int = LATEST_VERSION) -> list[Migration]:
    """Apply every migration newer than the file (up to ``upto``); return those applied."""
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER PRIMARY KEY,
            name VARCHAR NOT NULL,
            applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )
        """
    )
    version = current_version(con)
    if version > LATEST_VERSION:
        raise RuntimeError(
            f"this database is at schema version {version}, newer than this fanpulse "
            f"({LATEST_VERSION}); upgrade fanpulse before writing to it"
        )
    applied = []
    for migration in MIGRATIONS:
        if migration.version <= version or migration.version > upto:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in migration.statements:
                if callable(statement):
                    statement(con)
                else:
                    con.execute(statement)
            if migration.version == LATEST_VERSION:
                apply_views(con)
            con.execute(
                "INSERT INTO schema_version (version, name) VALUES (?, ?)",
                [migration.version, migration.name],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        applied.append(migration)
    return applied
