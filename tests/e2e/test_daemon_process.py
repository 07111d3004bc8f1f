"""The daemon as a real process on a real file: readers, a held file, kill -9, SIGTERM."""

from __future__ import annotations

import errno
import json
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from analytics.core.config import load_config
from analytics.store import run_query
from tests.e2e.test_cli import fanpulse
from tests.support.daemon_harness import (
    GrowingFeed,
    Reader,
    hold_read_write,
    kill_and_recover,
    release,
    start_daemon,
    stop_daemon,
    stored_post_ids,
    stored_titles,
    wait_until,
)
from tests.support.feedserver import FeedServer, Reply

pytestmark = pytest.mark.timeout(240)


def growing_sources(
    server: FeedServer, feeds: list[GrowingFeed], interval: str = "2s"
) -> list[dict[str, str]]:
    return [
        {"kind": "rss", "name": feed.name, "url": feed.route(server), "interval": interval}
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


def served_titles(feeds: list[GrowingFeed]) -> set[str]:
    return set().union(*(feed.expected_titles() for feed in feeds))


def assert_served_stored_once(db: Path, feeds: list[GrowingFeed]) -> int:
    """Every served item stored, exactly once, and nothing else (by title, not by key)."""
    stored = stored_titles(db)
    duplicates = {title for title in stored if stored.count(title) > 1}
    assert not duplicates, sorted(duplicates)[:5]
    expected = served_titles(feeds)
    assert set(stored) == expected, (sorted(expected - set(stored))[:5], len(expected))
    return len(stored)


def test_a_store_slower_than_the_interval_never_drops_a_channel(
    feed_server: FeedServer, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    """Another process holds the file read-write for many intervals, so each write waits
    longer than the channels' interval; afterwards every channel is still polled."""
    feeds = [GrowingFeed(f"feed-{i}", period=0.5) for i in range(3)]
    config = make_config(
        growing_sources(feed_server, feeds, interval="1s"),
        database_options={"spool_after": "3s"},
    )
    db = load_config(config).database_path
    log = tmp_path / "daemon.log"
    daemon = start_daemon(config, log)
    try:
        assert wait_until(lambda: db.exists() and len(stored_titles(db)) > 0, 30), log.read_text()
        holder = hold_read_write(db, 10)
        holder.wait(timeout=30)
        released = {feed.name: len(feed_server.hits(feed.path)) for feed in feeds}
        time.sleep(8)
        after = {f.name: len(feed_server.hits(f.path)) - released[f.name] for f in feeds}
        for feed in feeds:
            feed.freeze()
        assert wait_until(lambda: served_titles(feeds) <= set(stored_titles(db)), 60), (
            log.read_text()[-3000:]
        )
    finally:
        code, _ = stop_daemon(daemon)
    # Interval 1 s: about 8 polls each in 8 s; a channel dropped from the schedule has 0.
    assert all(polls >= 4 for polls in after.values()), (after, log.read_text()[-3000:])
    assert code == 0
    assert "spooled" in log.read_text()
    assert assert_served_stored_once(db, feeds) > 3 * 20


def test_the_daemon_starts_and_collects_while_the_file_is_held_read_write(
    feed_server: FeedServer, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    """The file is held read-write by another process when the daemon starts: it starts
    anyway, polls into the spool, and stores everything once the file frees."""
    feeds = [GrowingFeed(f"feed-{i}", period=0.5) for i in range(2)]
    config = make_config(
        growing_sources(feed_server, feeds, interval="1s"),
        database_options={"spool_after": "1s", "lock_timeout": "30s"},
    )
    loaded = load_config(config)
    db = loaded.database_path
    log = tmp_path / "daemon.log"
    # Held until the spooling was seen: start-up on a loaded machine takes a while.
    holder = hold_read_write(db, 60, until_released=True)
    daemon = start_daemon(config, log)
    try:
        assert wait_until(lambda: "scheduled" in log.read_text(), 20), log.read_text()
        spool = loaded.database.spool
        assert wait_until(lambda: len(list(spool.glob("*.json"))) >= 4, 10), log.read_text()
        assert holder.poll() is None  # all of that while the file was still held
        polled_while_held = {f.name: len(feed_server.hits(f.path)) for f in feeds}
        release(holder)
        holder.wait(timeout=30)
        for feed in feeds:
            feed.freeze()
        # The holder created an empty file: there are tables to read once the daemon has
        # prepared it and stored the spool.
        assert wait_until(lambda: "spooled batches" in log.read_text(), 30), log.read_text()
        assert wait_until(lambda: served_titles(feeds) <= set(stored_titles(db)), 60), (
            log.read_text()[-3000:]
        )
    finally:
        code, _ = stop_daemon(daemon)
    assert all(polls >= 2 for polls in polled_while_held.values()), polled_while_held
    assert code == 0
    assert assert_served_stored_once(db, feeds) > 2 * 20
    assert not list(loaded.database.spool.glob("*.json"))


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


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MB tmpfs mounted for the test, to be filled up for real."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)


def fill(directory: Path) -> Path:
    """Write a file until the file system says ENOSPC; return it (delete it to free space)."""
    filler = directory / "filler"
    block = b"\0" * 65536
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(block)
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
    return filler


def test_a_real_disk_full_spools_says_so_and_loses_nothing(
    feed_server: FeedServer, make_config: Callable[..., Path], tmp_path: Path, small_disk: Path
) -> None:
    feeds = [GrowingFeed(f"rotating-{i}", period=0.4, keep=8) for i in range(2)]
    config = make_config(
        growing_sources(feed_server, feeds, interval="1s"),
        database=small_disk / "fanpulse.duckdb",
        database_options={"spool_after": "1s", "spool_dir": str(tmp_path / "spool")},
    )
    loaded = load_config(config)
    db = loaded.database_path
    log = tmp_path / "daemon.log"
    daemon = start_daemon(config, log)
    try:
        assert wait_until(lambda: db.exists() and len(stored_titles(db)) > 0, 30), log.read_text()
        filler = fill(small_disk)
        spool = loaded.database.spool
        assert wait_until(lambda: len(list(spool.glob("*.json"))) >= 4, 20), log.read_text()
        time.sleep(4)  # 10 items per feed published meanwhile: more than a feed lists
        during = fanpulse(config, "status", "--json")
        filler.unlink()
        for feed in feeds:
            feed.freeze()
        assert wait_until(lambda: served_titles(feeds) <= set(stored_titles(db)), 60), (
            log.read_text()[-3000:]
        )
        assert wait_until(lambda: not list(spool.glob("*.json")), 20)
        time.sleep(2)
        after = fanpulse(config, "status", "--json")
    finally:
        code, _ = stop_daemon(daemon)
    assert during.returncode == 1, during.stdout + during.stderr
    storage = json.loads(during.stdout)["storage"]
    assert storage["failing"] and "space" in storage["reason"].lower(), storage
    assert not json.loads(after.stdout)["storage"]["failing"], after.stdout
    assert code == 0
    assert assert_served_stored_once(db, feeds) > 2 * 8 + 10  # more than the feeds list


def test_a_snapshot_on_a_full_disk_says_so_in_one_line_and_the_next_one_is_taken(
    feed_server: FeedServer, make_config: Callable[..., Path], tmp_path: Path, small_disk: Path
) -> None:
    """The snapshots' disk is full: each attempt is one line in the log (no traceback),
    collection goes on, and once there is room again the next snapshot is written."""
    feeds = [GrowingFeed("feed-0", period=0.5)]
    snapshot = small_disk / "fanpulse-snapshot.duckdb"
    config = make_config(
        growing_sources(feed_server, feeds, interval="1s"),
        database_options={"snapshot_every": "1s", "snapshot_path": str(snapshot)},
    )
    db = load_config(config).database_path
    log = tmp_path / "daemon.log"
    filler = fill(small_disk)
    daemon = start_daemon(config, log)
    try:
        assert wait_until(lambda: log.read_text().count("snapshot not written") >= 2, 30), (
            log.read_text()[-3000:]
        )
        filler.unlink()
        assert wait_until(snapshot.exists, 15), log.read_text()[-3000:]
        for feed in feeds:
            feed.freeze()
        assert wait_until(lambda: served_titles(feeds) <= set(stored_titles(db)), 30)
    finally:
        code, _ = stop_daemon(daemon)
    text = log.read_text()
    assert "Traceback" not in text, text[-3000:]
    failures = [line for line in text.splitlines() if "snapshot not written" in line]
    assert all("No space left on device" in line for line in failures), failures[:3]
    assert not [p for p in small_disk.iterdir() if p.name.endswith(".tmp")]
    assert code == 0
    assert assert_served_stored_once(db, feeds) > 2  # more than the feed started with
