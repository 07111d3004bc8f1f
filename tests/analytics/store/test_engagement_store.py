"""The engagement tables on a real file: an old file upgraded in place starts every post's
history with the counts it already had."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from analytics.store import connect, prepare_database, run_query
from analytics.store.schema import migrate
from analytics.store.write import INSERT_POSTS_SQL, post_columns
from tests.analytics.store.test_store import ENTITIES, NOW, scored


def test_an_upgraded_file_starts_each_history_with_the_counts_it_had(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    posts = scored(3)
    posts[0].post = replace(posts[0].post, likes=7, shares=2)
    posts[1].post = replace(posts[1].post, views=900)  # posts[2]: a feed item, no counts
    collected = NOW - timedelta(minutes=5)
    with connect(db) as con:
        migrate(con, upto=10)  # a file of the version before the engagement tables
        con.execute(INSERT_POSTS_SQL, post_columns(posts, collected))
    prepare_database(db, ENTITIES)
    _, rows = run_query(
        db, "SELECT post_id, observed_at, likes, shares, views FROM engagement_history ORDER BY 1"
    )
    assert rows == [
        ("rss:item-0", collected, 7, 2, None),
        ("rss:item-1", collected, None, None, 900),
    ]
