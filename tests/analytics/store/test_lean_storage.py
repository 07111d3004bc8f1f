"""Schema version 15 (no indexes on the big tables) and the kept writer connection.

Posts, mentions and engagement history carry no unique index: each is stored once because
the one write path looks up what is stored inside its transaction, with writers taking
turns. These tests hold that, the upgrade of an older file, and the writer's hold cap.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from analytics.store import Writer, connect, prepare_database, run_query, save_batches
from analytics.store.schema import LATEST_VERSION, migrate
from tests.analytics.store.test_store import ENTITIES, NOW, batch, count, scored

BIG_TABLES = ("posts", "mentions", "engagement_history", "engagement_refresh", "story_keys")


def art_indexes(path: Path) -> list[str]:
    """The file's ART indexes on the big tables: explicit ones and those behind keys."""
    with connect(path, read_only=True) as con:
        explicit = con.execute(
            "SELECT table_name FROM duckdb_indexes() WHERE list_contains(?, table_name)",
            [list(BIG_TABLES)],
        ).fetchall()
        keys = con.execute(
            "SELECT table_name FROM duckdb_constraints() "
            "WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE') "
            "AND list_contains(?, table_name)",
            [list(BIG_TABLES)],
        ).fetchall()
    return sorted(name for (name,) in explicit + keys)


def with_counts(n: int, likes: int, *, prefix: str = "mastodon:item") -> list:
    posts = scored(n, prefix=prefix)
    for item in posts:
        item.post.likes = likes
        item.post.ref = f"status-{item.post.post_id}"  # the platform's id, for the refresh
    return posts


def test_a_new_file_has_no_index_on_the_big_tables(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    assert art_indexes(db) == []


LONG_TEXT = (
    "Heartstopper season four was confirmed today and the cast shared a long message "
    "thanking every fan who wrote letters, drew fan art, shared clips and kept asking "
    "for more of Nick and Charlie on screen over the last two years of waiting"
)


def _version_14_file(db: Path) -> None:
    """A file as schema version 14 left it: 30 posts (three copies of one article among
    them, two of its texts long enough for text keys), their mentions, counts history and
    refresh ids, and story keys stored a row per key by migration 14's linking."""
    with connect(db) as con:
        migrate(con, upto=13)
        for i in range(30):
            copy = i < 3
            con.execute(
                """
                INSERT INTO posts (post_id, source, source_name, channel, url, author, title,
                    text, lang, created_at, collected_at, likes, vader_compound, sentiment,
                    sentiment_label, sentiment_version, content_hash, post_kind, story_id)
                VALUES (?, 'rss', 'feed', 'c', ?, 'Fan', ?, ?, 'en', ?, ?, ?, 0.5, 0.5,
                        'positive', 'v', ?, 'article', ?)
                """,
                [
                    f"mastodon:item-{i}",
                    "https://news.example/s4" if copy else f"https://example.com/{i}",
                    "Heartstopper season four confirmed" if copy else f"Post {i}",
                    f"{LONG_TEXT} {i}" if i in (0, 1, 7) else f"Kit Connor is wonderful {i}",
                    NOW - timedelta(hours=i),
                    NOW,
                    i,
                    f"hash{i}",
                    f"mastodon:item-{i}",
                ],
            )
        con.execute("INSERT INTO mentions SELECT post_id, 'show:heartstopper', 'x' FROM posts")
        con.execute(
            "INSERT INTO engagement_history (post_id, observed_at, likes) "
            "SELECT post_id, collected_at, likes FROM posts"
        )
        con.execute(
            "INSERT INTO engagement_refresh (post_id, ref) "
            "SELECT post_id, 'status-' || post_id FROM posts"
        )
        migrate(con, upto=14)


def test_a_version_14_file_upgrades_in_place_and_keeps_its_data(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    _version_14_file(db)
    assert art_indexes(db) != []  # version 14 had keys and indexes on them
    snapshot = (
        "SELECT p.*, (SELECT list(m.entity_id ORDER BY m.entity_id) FROM mentions m "
        "WHERE m.post_id = p.post_id) AS mentioned, (SELECT list(h.likes ORDER BY "
        "h.observed_at) FROM engagement_history h WHERE h.post_id = p.post_id) AS history, "
        "(SELECT list(r.ref) FROM engagement_refresh r WHERE r.post_id = p.post_id) AS refs "
        "FROM posts p ORDER BY post_id"
    )
    _, before = run_query(db, snapshot)
    _, keys_before = run_query(
        db, "SELECT post_id, list(key ORDER BY key) FROM story_keys GROUP BY ALL ORDER BY ALL"
    )
    _, stories = run_query(
        db,
        "SELECT DISTINCT story_id FROM posts WHERE list_contains(?, post_id)",
        [["mastodon:item-0", "mastodon:item-1", "mastodon:item-2"]],
    )
    assert stories == [("mastodon:item-2",)]  # migration 14 linked the three copies
    assert len(keys_before) == 30

    prepare_database(db, ENTITIES)

    _, version = run_query(db, "SELECT max(version) FROM schema_version")
    assert version == [(LATEST_VERSION,)]
    assert art_indexes(db) == []
    _, after = run_query(db, snapshot)
    assert len(after) == 30 and after == before
    _, views_after = run_query(db, "SELECT * FROM daily_mentions ORDER BY ALL")
    assert views_after  # the analyst views work on the rebuilt tables
    # Each post keeps exactly the keys it had, now in one row.
    _, keys_after = run_query(db, "SELECT post_id, list_sort(keys) FROM story_keys ORDER BY ALL")
    assert keys_after == keys_before
    # The converted keys go on linking: a new copy of the article by its link, and a copy
    # of a long text under another link and title by its text.
    by_link, by_text = scored(2, prefix="rss:new")
    by_link.post.url = "https://news.example/s4/?utm_source=feed"
    by_text.post.text = f"{LONG_TEXT} 7"
    by_text.post.created_at = NOW - timedelta(hours=7)
    assert save_batches(db, [batch([by_link, by_text])]) == [2]
    _, linked = run_query(
        db, "SELECT post_id, story_id FROM posts WHERE post_id LIKE 'rss:new%' ORDER BY 1"
    )
    assert linked == [("rss:new-0", "mastodon:item-2"), ("rss:new-1", "mastodon:item-7")]
    # The upgraded file goes on storing each post once.
    assert save_batches(db, [batch(with_counts(31, 12))]) == [1]
    # Each stored post gains its second mention once; the three new posts have two each.
    assert count(db, "posts") == 33 and count(db, "mentions") == 30 + 30 + 3 * 2
    _, dupes = run_query(db, "SELECT count(*) - count(DISTINCT (post_id, entity_id)) FROM mentions")
    assert dupes == [(0,)]


def test_a_batch_stored_again_changes_nothing(tmp_path: Path) -> None:
    """A spooled batch replayed under a new id (or polled twice) adds no row anywhere."""
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    save_batches(db, [batch(with_counts(20, 3))], collected_at=NOW)
    tables = ("posts", "mentions", "engagement_history", "engagement_refresh", "story_keys")
    before = {table: count(db, table) for table in tables}
    assert save_batches(db, [batch(with_counts(20, 3))], collected_at=NOW) == [0]
    assert save_batches(db, [batch(with_counts(20, 3))]) == [0]
    assert {table: count(db, table) for table in tables} == before


def test_same_moment_keeps_one_history_row(tmp_path: Path) -> None:
    """Counts seen twice at one moment: the first stays, as with a key on (post, moment)."""
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    save_batches(db, [batch(with_counts(1, 3))], collected_at=NOW)
    save_batches(db, [batch(with_counts(1, 8))], collected_at=NOW)
    _, rows = run_query(db, "SELECT likes FROM engagement_history")
    assert rows == [(3,)]
    _, posts = run_query(db, "SELECT likes FROM posts")
    assert posts == [(8,)]


def test_threads_storing_the_same_posts_store_each_once(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    writers = [Writer(db) for _ in range(4)]
    results: list[list[int]] = []
    errors: list[BaseException] = []

    def store(writer: Writer) -> None:
        try:
            for _ in range(3):
                results.append(writer.save([batch(with_counts(25, 1))]))
        except BaseException as exc:
            errors.append(exc)
        finally:
            writer.close()

    threads = [threading.Thread(target=store, args=(w,)) for w in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(sum(r) for r in results) == [0] * 11 + [25]
    _, dupes = run_query(db, "SELECT count(*) - count(DISTINCT post_id) FROM posts")
    assert count(db, "posts") == 25 and dupes == [(0,)]
    _, mention_dupes = run_query(
        db, "SELECT count(*) - count(DISTINCT (post_id, entity_id)) FROM mentions"
    )
    assert count(db, "mentions") == 50 and mention_dupes == [(0,)]


def test_a_writer_keeps_its_connection_across_groups_and_lets_go(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    with Writer(db) as writer:
        assert writer.save([batch(scored(3))]) == [3]
        assert writer.is_open
        assert writer.save([batch(scored(5, prefix="rss:more"))]) == [5]
        assert writer.is_open
    assert not writer.is_open
    # Closed: another process reads the file at once.
    assert _count_in_another_process(db) == 8


def test_a_writer_held_past_its_cap_reopens(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    writer = Writer(db, max_hold=0.2)
    writer.save([batch(scored(1))])
    opened = writer._opened_at
    time.sleep(0.3)
    assert writer.expired()
    writer.save([batch(scored(2, prefix="rss:later"))])
    # Reopened by this save, after the wait (whether the new connection is past its cap
    # again by now depends on the machine's load).
    assert writer._opened_at - opened >= 0.3
    writer.close()
    assert count(db, "posts") == 3


def test_a_failed_save_closes_the_connection_and_stores_nothing(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    broken = batch(scored(2, prefix="rss:broken"))
    broken.posts[1].post.text = None  # type: ignore[assignment]  # NOT NULL refuses it
    with Writer(db) as writer:
        writer.save([batch(scored(1))])
        try:
            writer.save([broken])
        except Exception as exc:
            refused = exc
        assert "NOT NULL" in str(refused)
        assert not writer.is_open
        assert writer.save([batch(scored(2, prefix="rss:after"))]) == [2]
    assert count(db, "posts") == 3


def _count_in_another_process(db: Path) -> int:
    script = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
        "print(con.execute('SELECT count(*) FROM posts').fetchall()[0][0])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(db)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


def test_refresh_rows_stay_one_per_post(tmp_path: Path) -> None:
    """Posts asked for twice, one of them gone the second time: one refresh row each, with
    its platform id, the latest check and the moment it went."""
    from analytics.core.models import RefreshResult
    from analytics.store.engagement import save_refresh

    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    save_batches(db, [batch(with_counts(3, 1))], collected_at=NOW)
    asked = ["mastodon:item-0", "mastodon:item-1"]
    save_refresh(db, [RefreshResult(asked=asked, counts=[], gone=[])], NOW)
    later = NOW + timedelta(hours=1)
    save_refresh(db, [RefreshResult(asked=asked, counts=[], gone=[asked[1]])], later)
    _, rows = run_query(
        db, "SELECT post_id, ref, checked_at, gone_at FROM engagement_refresh ORDER BY post_id"
    )
    assert rows == [
        ("mastodon:item-0", "status-mastodon:item-0", later, None),
        ("mastodon:item-1", "status-mastodon:item-1", later, later),
        ("mastodon:item-2", "status-mastodon:item-2", None, None),
    ]
