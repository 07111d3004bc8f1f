"""The DuckDB file: migrations, idempotent batches, lock waits, and the released CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from analytics.core.models import (
    Entity,
    Mention,
    Post,
    RunBatch,
    RunRecord,
    ScoredPost,
    Sentiment,
    SourceState,
)
from analytics.store import (
    DatabaseBusy,
    DatabaseMissing,
    connect,
    load_states,
    prepare_database,
    run_query,
    save_batches,
)
from analytics.store.schema import LATEST_VERSION, MIGRATIONS

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ENTITIES = [
    Entity("show:heartstopper", "show", "Heartstopper", None),
    Entity("person:kit-connor", "person", "Kit Connor", "heartstopper"),
]


def scored(n: int, *, prefix: str = "rss:item") -> list[ScoredPost]:
    posts = []
    for i in range(n):
        post = Post(
            post_id=f"{prefix}-{i}",
            source="rss",
            source_name="test-feed",
            channel="http://127.0.0.1/feed",
            url=f"https://example.com/{i}",
            author="Fan",
            title=f"Heartstopper post {i}",
            text="Kit Connor is wonderful",
            lang="en",
            created_at=NOW - timedelta(hours=i),
        )
        posts.append(
            ScoredPost(
                post=post,
                sentiment=Sentiment(0.5, 0.5, "positive", "test"),
                content_hash=f"hash{i}",
                mentions=[
                    Mention(post.post_id, "show:heartstopper", "Heartstopper"),
                    Mention(post.post_id, "person:kit-connor", "Kit Connor"),
                ],
            )
        )
    return posts


def batch(posts: list[ScoredPost], etag: str = '"v1"') -> RunBatch:
    run = RunRecord("test-feed", "rss", "http://127.0.0.1/feed", NOW, NOW, "ok", len(posts), 0)
    state = SourceState("test-feed", "http://127.0.0.1/feed", "rss", etag=etag, last_success_at=NOW)
    return RunBatch(run=run, posts=posts, states=[state])


def count(path: Path, table: str) -> int:
    with connect(path, read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_new_file_gets_every_table_view_and_version(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    with connect(db, read_only=True) as con:
        names = {
            row[0]
            for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        version = con.execute("SELECT max(version) FROM schema_version").fetchone()[0]
    assert {
        "posts", "entities", "mentions", "attention", "collection_runs", "source_state",
        "schema_version", "daily_mentions", "daily_sentiment", "post_mentions", "source_health",
    } <= names  # fmt: skip
    assert version == LATEST_VERSION
    assert count(db, "entities") == 2


def test_prepare_twice_is_harmless_and_updates_entity_names(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    renamed = [Entity("show:heartstopper", "show", "Heartstopper (Netflix)", None)]
    prepare_database(db, renamed)
    _, rows = run_query(db, "SELECT name FROM entities WHERE entity_id = 'show:heartstopper'")
    assert rows == [("Heartstopper (Netflix)",)]
    assert count(db, "schema_version") == len(MIGRATIONS)


def test_saving_the_same_posts_twice_inserts_nothing_new(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    first = save_batches(db, [batch(scored(5))])
    second = save_batches(db, [batch(scored(5))])
    assert first == [5] and second == [0]
    assert count(db, "posts") == 5
    assert count(db, "mentions") == 10
    assert count(db, "collection_runs") == 2
    _, rows = run_query(db, "SELECT inserted FROM collection_runs ORDER BY run_id")
    assert rows == [(5,), (0,)]


def test_stored_posts_keep_their_fields(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    save_batches(db, [batch(scored(1))], collected_at=NOW)
    _, rows = run_query(
        db,
        "SELECT post_id, title, created_at, collected_at, sentiment_label, content_hash FROM posts",
    )
    assert rows == [("rss:item-0", "Heartstopper post 0", NOW, NOW, "positive", "hash0")]


def test_state_is_upserted_per_channel(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    save_batches(db, [batch([], etag='"v1"')])
    save_batches(db, [batch([], etag='"v2"')])
    states = load_states(db)
    assert list(states) == [("test-feed", "http://127.0.0.1/feed")]
    assert states[("test-feed", "http://127.0.0.1/feed")].etag == '"v2"'


def test_a_failing_batch_leaves_nothing_behind(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    good = batch(scored(3))
    broken = batch(scored(2, prefix="rss:other"))
    broken.run.status = None  # type: ignore[assignment]  # violates NOT NULL mid-transaction
    with pytest.raises(duckdb.ConstraintException):
        save_batches(db, [good, broken])
    assert count(db, "posts") == 0
    assert count(db, "collection_runs") == 0


def test_reader_of_missing_file_gets_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseMissing, match="collect --once"):
        run_query(tmp_path / "none.duckdb", "SELECT 1")


def test_user_sql_is_read_only_and_sandboxed(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    with pytest.raises(duckdb.Error, match="read-only|read only"):
        run_query(db, "DELETE FROM posts")
    with pytest.raises(duckdb.Error, match="disabled"):
        run_query(db, f"COPY posts TO '{tmp_path / 'leak.csv'}'")
    with pytest.raises(duckdb.Error, match="disabled"):
        run_query(db, "SELECT * FROM read_csv('/etc/hostname')")
    assert not (tmp_path / "leak.csv").exists()


HOLD_SCRIPT = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def hold_file(db: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_SCRIPT, str(db), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    return holder


def test_writer_waits_for_a_reader_in_another_process(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    holder = hold_file(db, 1.5)
    started = time.monotonic()
    assert save_batches(db, [batch(scored(3))], lock_timeout=20) == [3]
    assert time.monotonic() - started >= 0.5  # it really had to wait for the lock
    holder.wait(timeout=10)
    assert count(db, "posts") == 3


def test_writer_gives_up_with_a_clear_error_when_held_too_long(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    holder = hold_file(db, 3)
    with pytest.raises(DatabaseBusy, match="stayed locked"):
        save_batches(db, [batch(scored(1))], lock_timeout=0.5)
    holder.wait(timeout=10)
    assert count(db, "posts") == 0


def test_released_duckdb_cli_reads_the_file(tmp_path: Path) -> None:
    cli = shutil.which("duckdb", path=str(Path(sys.executable).parent))
    if cli is None:
        pytest.skip("duckdb CLI not installed (it comes with the test extras)")
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    save_batches(db, [batch(scored(4))])
    result = subprocess.run(
        [cli, "-readonly", "-csv", str(db), "-c", "SELECT count(*) AS n FROM posts"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["n", "4"]


def test_a_version_1_file_with_data_upgrades_in_place(tmp_path: Path) -> None:
    from analytics.store.schema import migrate

    db = tmp_path / "old.duckdb"
    with connect(db) as con:
        migrate(con, upto=1)
        con.execute(
            "INSERT INTO posts (post_id, source, source_name, channel, text, created_at, "
            "collected_at, vader_compound, sentiment, sentiment_label, sentiment_version, "
            "content_hash) VALUES ('rss:old', 'rss', 'feed', 'c', 'Heartstopper', now(), now(), "
            "0, 0, 'neutral', 'vader-3.3.2', 'h')"
        )
    prepare_database(db, ENTITIES)
    _, rows = run_query(db, "SELECT post_id, post_kind FROM posts")
    # "old" is a guid unique only in its feed: version 8 qualifies it by the feed.
    assert rows == [("rss:c#old", "article")]
    _, versions = run_query(db, "SELECT version FROM schema_version ORDER BY version")
    assert [v for (v,) in versions] == [m.version for m in MIGRATIONS]
    save_batches(db, [batch(scored(1))])
    _, kinds = run_query(db, "SELECT post_kind FROM posts WHERE post_id = 'rss:item-0'")
    assert kinds == [("post",)]


def test_a_post_seen_again_refreshes_only_its_engagement(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    first = scored(1)
    first[0].post.likes, first[0].post.views = 10, 500
    save_batches(db, [batch(first)])
    again = scored(1)
    again[0].post.likes, again[0].post.views = 25, None  # views missing this time
    again[0].post.text = "edited text"
    assert save_batches(db, [batch(again)]) == [0]
    _, rows = run_query(db, "SELECT likes, views, text FROM posts")
    assert rows == [(25, 500, "Kit Connor is wonderful")]


def test_batches_stored_together_count_a_shared_post_once(tmp_path: Path) -> None:
    """Two channels found the same post; they are stored in one group commit."""
    db = tmp_path / "f.duckdb"
    prepare_database(db, ENTITIES)
    first, second = scored(3), scored(2, prefix="rss:other")
    shared = scored(1)[0]  # rss:item-0, also in the first batch
    shared.post.likes = 99
    second.append(shared)
    one, two = batch(first, etag='"a"'), batch(second, etag='"b"')
    two.run.channel = two.states[0].channel = "http://127.0.0.1/other"
    assert save_batches(db, [one, two]) == [3, 2]
    assert (one.run.inserted, two.run.inserted) == (3, 2)
    _, rows = run_query(db, "SELECT likes FROM posts WHERE post_id = 'rss:item-0'")
    assert rows == [(99,)]  # the later batch's counts
    assert count(db, "posts") == 5 and count(db, "collection_runs") == 2
    _, states = run_query(db, "SELECT channel, etag FROM source_state ORDER BY channel")
    assert states == [("http://127.0.0.1/feed", '"a"'), ("http://127.0.0.1/other", '"b"')]
    _, mentions = run_query(db, "SELECT count(*) FROM mentions WHERE post_id = 'rss:item-0'")
    assert mentions == [(2,)]
