"""The daemon as a real process on a real file: readers, a held file, kill -9, SIGTERM."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from analytics.config import load_config
from analytics.store import run_query
from tests.daemon_harness import (
    GrowingFeed,
    Reader,
    kill_and_recover,
    start_daemon,
    stop_daemon,
    stored_post_ids,
    wait_until,
)
from tests.feedserver import FeedServer, Reply

pytestmark = pytest.mark.timeout(240)


def growing_sources(server: FeedServer, feeds: list[GrowingFeed]) -> list[dict[str, str]]:
    return [
        {"kind": "rss", "name": feed.name, "url": feed.route(server), "interval": "2s"}
        for feed in feeds
    ]


def all_stored(db: Path, feeds: list[GrowingFeed]) -> bool:
    if not db.exists():
        return False
    expected = set().union(*(feed.expected_post_ids() for feed in feeds))
    return expected <= set(stored_post_ids(db))


def assert_exactly_once(db: Path, feeds: list[GrowingFeed]) -> int:
    expected = set().union(*(feed.expected_post_ids() for feed in feeds))
    stored = stored_post_ids(db)
    assert len(stored) == len(set(stored))  # no post twice
    assert set(stored) == expected  # every served post, and nothing else
    return len(stored)


def test_readers_always_get_in_while_the_daemon_writes(
    feed_server: FeedServer, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    feeds = [GrowingFeed(f"feed-{i}", period=0.7) for i in range(3)]
    config = make_config(
        growing_sources(feed_server, feeds), database_options={"spool_after": "2s"}
    )
    db = load_config(config).database_path
    daemon = start_daemon(config, tmp_path / "daemon.log")
    try:
        assert wait_until(db.exists, 30)
        reader = Reader(db, tmp_path)
        time.sleep(12)
        opened, failed, output = reader.finish()
        for feed in feeds:
            feed.freeze()
        assert wait_until(lambda: all_stored(db, feeds), 40), (tmp_path / "daemon.log").read_text()
    finally:
        code, took = stop_daemon(daemon)
    assert failed == 0, output
    assert opened > 20  # it really kept opening the file while the daemon wrote
    assert code == 0 and took < 12
    assert assert_exactly_once(db, feeds) >= 3 * 15


def test_a_reader_holding_the_file_for_10s_loses_nothing(
    feed_server: FeedServer, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    feeds = [GrowingFeed(f"feed-{i}", period=0.5) for i in range(2)]
    config = make_config(
        growing_sources(feed_server, feeds), database_options={"spool_after": "1s"}
    )
    loaded = load_config(config)
    db = loaded.database_path
    log = tmp_path / "daemon.log"
    daemon = start_daemon(config, log)
    try:
        assert wait_until(lambda: all_stored(db, feeds) and len(stored_post_ids(db)) > 0, 30)
        holder = Reader(db, tmp_path, hold_first=10)
        holder.wait_holding()
        # While the file is held, batches go to the spool instead of being dropped.
        assert wait_until(lambda: any(loaded.database.spool.glob("*.json")), 15), log.read_text()
        holder.finish()
        for feed in feeds:
            feed.freeze()
        assert wait_until(lambda: all_stored(db, feeds), 60), log.read_text()
    finally:
        code, _ = stop_daemon(daemon)
    assert code == 0
    assert "spooled" in log.read_text()
    assert assert_exactly_once(db, feeds) > 2 * 20
    assert not list(loaded.database.spool.glob("*.json"))


def test_kill_9_at_random_points_loses_and_duplicates_nothing(
    feed_server: FeedServer, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    feeds = [GrowingFeed(f"feed-{i}", period=0.3) for i in range(4)]
    config = make_config(
        growing_sources(feed_server, feeds), database_options={"spool_after": "1s"}
    )
    db = load_config(config).database_path
    code, stored = kill_and_recover(config, feeds, db, tmp_path / "daemon.log", kills=6, seed=4)
    assert code == 0
    assert assert_exactly_once(db, feeds) == len(stored) > 4 * 20
    runs = run_query(db, "SELECT count(*), count(DISTINCT batch_id) FROM collection_runs")[1][0]
    assert runs[0] == runs[1]  # no batch recorded twice


def test_sigterm_mid_batch_exits_0_promptly(
    feed_server: FeedServer, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    slow = feed_server.route("/slow", Reply.file("feeds/rss2_news.xml", trickle=0.5))
    config = make_config([{"kind": "rss", "name": "slow", "url": slow, "interval": "2s"}])
    daemon = start_daemon(config, tmp_path / "daemon.log")
    assert wait_until(lambda: len(feed_server.hits("/slow")) > 0, 30)
    code, took = stop_daemon(daemon)
    assert code == 0
    assert took < 12  # the 10 s grace for running batches, then out
    log = (tmp_path / "daemon.log").read_text()
    assert "Traceback" not in log
    assert "stopped" in log


def test_a_failing_source_backs_off_and_recovers(
    feed_server: FeedServer, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    failing = [Reply(status=503, body=b"down", content_type="text/plain")] * 3
    url = feed_server.route("/flaky", *failing, Reply.file("feeds/rss2_news.xml"))
    config = make_config(
        [{"kind": "rss", "name": "flaky", "url": url, "interval": "1s"}],
        collector={"retries": 0},
    )
    db = load_config(config).database_path
    daemon = start_daemon(config, tmp_path / "daemon.log")
    try:
        assert wait_until(lambda: db.exists() and _posts(db) > 0, 60)
    finally:
        stop_daemon(daemon)
    hits = [time.monotonic() for _ in feed_server.hits("/flaky")]
    assert len(hits) >= 4
    runs = run_query(db, "SELECT status, started_at FROM collection_runs ORDER BY started_at")[1]
    statuses = [status for status, _ in runs]
    assert statuses[:4] == ["error", "error", "error", "ok"]
    gaps = [(b[1] - a[1]).total_seconds() for a, b in zip(runs, runs[1:4], strict=False)]
    # Each consecutive failure doubles the wait (1 s, 2 s, 4 s), jitter aside.
    assert gaps[1] > gaps[0] * 1.5 and gaps[2] > gaps[1] * 1.5, gaps
    state = run_query(db, "SELECT consecutive_failures, last_error FROM source_state")[1]
    assert state == [(0, None)]


def _posts(db: Path) -> int:
    return int(run_query(db, "SELECT count(*) FROM posts", lock_timeout=30)[1][0][0])
