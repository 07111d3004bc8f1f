"""The long soak (`make soak`): the real daemon collects growing loopback feeds through a
series of episodes while a reader hammers the file, one source is down and one too slow:

- read-write holds of the file by another process (an analyst's duckdb session), with
  channels polled every 20-30 s and a snapshot due every 10 s;
- a real disk-full: the database (and its spool, where it lives by default) on a small
  tmpfs filled until ENOSPC, then freed;
- ``kill -9`` of the daemon, restarted at once, some of them during the other episodes;
- a reader holding the file read-only for 10 s.

After each episode every healthy channel must be polled, as the feed server saw it, within
twice its interval. At the end every item served is stored exactly once (compared by
title, which the test controls), ``fanpulse check`` passes on the file and ``fanpulse
status`` exits 0. The figures are printed and written to tests/artifacts/soak.json.

Length: FANPULSE_SOAK_SECONDS (default 600). At 600 s and more the episodes are three 90 s
read-write holds, one disk-full and ten kill -9s; a shorter run scales holds, disk-full and
kills down but keeps every kind.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from analytics.core.config import load_config
from analytics.store import run_query
from tests.conftest import REPO
from tests.e2e.test_cli import fanpulse
from tests.e2e.test_daemon_process import fill
from tests.support.daemon_harness import (
    GrowingFeed,
    Reader,
    hold_read_write,
    peak_rss_mb,
    start_daemon,
    stop_daemon,
    stored_titles,
    wait_until,
)
from tests.support.feedserver import FeedServer, Reply

SOAK_SECONDS = float(os.environ.get("FANPULSE_SOAK_SECONDS", "600"))
SCALE = min(1.0, SOAK_SECONDS / 600)
HOLDS = 3
HOLD_SECONDS = max(20.0, 90 * SCALE)
KILLS = max(3, round(10 * SCALE))
DISK_FULL_SECONDS = max(15.0, 45 * SCALE)
READ_ONLY_HOLD_SECONDS = 10.0
# Up to two kills fit in a hold while still leaving time to see every channel polled after
# each; a short hold takes one.
KILLS_PER_HOLD = 2 if HOLD_SECONDS >= 60 else 1
SNAPSHOT_EVERY = "10s"
TMPFS_SIZE = "256m"  # the database, 3 snapshots, a check's scratch copy, the spool: room to spare

# Channel intervals (seconds): three as a production install would poll (the hold
# scenario) and five faster ones for traffic.
SLOW_INTERVALS = (20, 25, 30)
FAST_INTERVAL = 10

pytestmark = [pytest.mark.soak, pytest.mark.timeout(int(SOAK_SECONDS) + 900)]


@dataclass
class Episode:
    kind: str
    started: float
    ended: float = 0.0
    kills: int = 0
    note: str = ""
    # For each healthy channel: seconds from the end of the episode (a kill: the restart)
    # to the first request the feed server saw, or None when it never came.
    first_poll: dict[str, float | None] = field(default_factory=dict)


@dataclass
class Outage:
    """A growing feed behind a fault (503, or a body trickled slower than the timeout)
    until :meth:`heal`: what it lists once healed is served, and must then be stored."""

    feed: GrowingFeed
    fault: Reply
    healed: bool = False

    def reply(self) -> Reply:
        return self.feed.reply() if self.healed else self.fault

    def heal(self) -> None:
        self.healed = True


class Soak:
    """The daemon process across kills and restarts, and what the run measured."""

    def __init__(self, config: Path, log: Path, checked: dict[GrowingFeed, int]) -> None:
        self.config = config
        self.log = log
        self.checked = checked  # the healthy feeds and their intervals in seconds
        self.daemon = start_daemon(config, log)
        self.peak_rss = 0.0
        self.kills = 0
        self.episodes: list[Episode] = []
        self.rng = random.Random(12)

    def sample(self) -> None:
        if self.daemon.poll() is not None:
            return
        try:
            self.peak_rss = max(self.peak_rss, peak_rss_mb(self.daemon.pid))
        except FileNotFoundError:  # it exited between the two calls; the next one counts
            return

    def idle(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.sample()
            time.sleep(min(1.0, left))

    def kill_and_restart(self) -> float:
        """``kill -9`` the daemon at a random moment, start it again; return when."""
        self.idle(self.rng.uniform(0.0, 2.0))
        self.sample()
        self.daemon.send_signal(signal.SIGKILL)
        self.daemon.wait(timeout=10)
        self.kills += 1
        restarted = time.monotonic()
        self.daemon = start_daemon(self.config, self.log)
        return restarted

    def wait_polled(self, since: float) -> dict[str, float | None]:
        """Wait until every healthy channel has been requested since ``since`` (or twice
        its interval, and a little, has passed); return each one's delay."""
        limit = 2 * max(self.checked.values()) + 5
        deadline = since + limit
        while time.monotonic() < deadline:
            if all(feed.first_poll_after(since) is not None for feed in self.checked):
                break
            self.sample()
            time.sleep(0.5)
        delays: dict[str, float | None] = {}
        for feed in self.checked:
            first = feed.first_poll_after(since)
            delays[feed.name] = None if first is None else round(first - since, 1)
        return delays

    def kill_episode(self, note: str = "") -> Episode:
        episode = Episode("kill", time.monotonic(), kills=1, note=note)
        episode.ended = self.kill_and_restart()
        episode.first_poll = self.wait_polled(episode.ended)
        self.episodes.append(episode)
        return episode

    def kills_during(self, started: float, length: float, kills: int, kind: str) -> None:
        """``kills`` kill -9s spread over an episode that began at ``started``."""
        for index in range(kills):
            self.idle(started + length * (index + 1) / (kills + 2) - time.monotonic())
            self.kill_episode(note=f"during {kind}")

    def stop(self) -> int:
        self.sample()
        code, _ = stop_daemon(self.daemon, timeout=30)
        return code

    def stopped(self) -> bool:
        return self.daemon.poll() is not None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def episode_plan(kills: int) -> list[tuple[str, int]]:
    """The episodes in order, each with the kill -9s made inside it; kills that do not fit
    inside another episode are episodes of their own, spread between the others."""
    blocks = [["hold", 0], ["read-only hold", 0], ["disk-full", 0], ["hold", 0], ["hold", 0]]
    capacity = {"hold": KILLS_PER_HOLD, "disk-full": 1, "read-only hold": 0}
    left = kills
    for level in range(max(capacity.values())):
        for block in blocks:
            if left and block[1] == level < capacity[str(block[0])]:
                block[1] = int(block[1]) + 1
                left -= 1
    plan: list[tuple[str, int]] = []
    for index, (kind, inside) in enumerate(blocks):
        plan.append((str(kind), int(inside)))
        if left and index < len(blocks) - 1:
            plan.append(("kill", 1))
            left -= 1
    plan.extend([("kill", 1)] * left)
    return plan


@contextmanager
def small_disk(directory: Path) -> Iterator[tuple[Path, str]]:
    """A tmpfs to fill for real; (the directory, "") or (a plain directory, why not)."""
    directory.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", str(directory)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        yield directory, f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}"
        return
    try:
        yield directory, ""
    finally:
        subprocess.run(["umount", "-l", str(directory)], check=True)


def test_soak_every_served_post_is_stored_exactly_once(
    feed_server: FeedServer, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    assert sum(kills for _, kills in episode_plan(KILLS)) == KILLS
    with small_disk(tmp_path / "small-disk") as (disk, no_disk_full):
        run_soak(feed_server, make_config, tmp_path, disk, no_disk_full)


def run_soak(
    feed_server: FeedServer,
    make_config: Callable[..., Path],
    tmp_path: Path,
    disk: Path,
    no_disk_full: str,
) -> None:
    fast = [GrowingFeed(f"feed-{i}", period=2.0 + i * 0.5) for i in range(5)]
    slow = [GrowingFeed(f"hourly-{s}", period=3.0) for s in SLOW_INTERVALS]
    checked = {feed: FAST_INTERVAL for feed in fast} | dict(zip(slow, SLOW_INTERVALS, strict=True))
    sources = [
        {"kind": "rss", "name": feed.name, "url": feed.route(feed_server), "interval": f"{s}s"}
        for feed, s in checked.items()
    ]
    outages = {
        "down": Outage(
            GrowingFeed("down", period=4.0),
            Reply(status=503, body=b"maintenance", content_type="text/plain"),
        ),
        # Never finishes within the 2 s timeout.
        "slow": Outage(
            GrowingFeed("slow", period=4.0), Reply.file("feeds/rss2_news.xml", trickle=1.0)
        ),
    }
    for name, outage in outages.items():
        url = feed_server.route_dynamic(outage.feed.path, outage.reply)
        sources.append({"kind": "rss", "name": name, "url": url, "interval": "3s"})
    feeds = [*checked, *(outage.feed for outage in outages.values())]
    config = make_config(
        sources,
        database=disk / "fanpulse.duckdb",
        database_options={"spool_after": "2s", "snapshot_every": SNAPSHOT_EVERY},
    )
    loaded = load_config(config)
    db = loaded.database_path
    log = tmp_path / "daemon.log"
    soak = Soak(config, log, checked)
    started = time.monotonic()
    reader_totals = [0, 0]
    reader_output: list[str] = []
    during_disk_full: subprocess.CompletedProcess[str] | None = None
    in_memory_before_disk = 0

    def stop_hammer(hammer: Reader) -> None:
        opened, failed, output = hammer.finish()
        reader_totals[0] += opened
        reader_totals[1] += failed
        if failed:
            reader_output.append(output)

    try:
        assert wait_until(lambda: db.exists() and len(stored_titles(db)) > 0, 60), log.read_text()
        # Snapshots then follow every 10 s across restarts (a new daemon waits two minutes
        # for its first one only when there is none yet).
        snapshot = fanpulse(config, "snapshot")
        assert snapshot.returncode == 0, snapshot.stdout + snapshot.stderr
        hammer = Reader(db, tmp_path)
        for kind, kills in episode_plan(KILLS):
            if kind == "kill":
                soak.kill_episode()
                continue
            episode = Episode(kind, time.monotonic(), kills=kills)
            if kind == "hold":
                stop_hammer(hammer)  # a read-write hold keeps every reader out: by design
                holder = hold_read_write(db, HOLD_SECONDS)
                episode.started = time.monotonic()
                soak.kills_during(episode.started, HOLD_SECONDS, kills, kind)
                while holder.poll() is None:
                    soak.idle(0.5)
                assert holder.returncode == 0, holder.communicate()[0]
                episode.ended = time.monotonic()
                hammer = Reader(db, tmp_path)
            elif kind == "read-only hold":
                holder_ro = Reader(db, tmp_path, hold_first=READ_ONLY_HOLD_SECONDS)
                holder_ro.wait_holding()
                soak.idle(READ_ONLY_HOLD_SECONDS)
                opened, failed, output = holder_ro.finish()
                assert failed == 0, output
                episode.ended = time.monotonic()
            elif kind == "disk-full":
                if no_disk_full:
                    print(f"\nsoak: disk-full episode skipped: {no_disk_full}")
                    episode.note = f"skipped: {no_disk_full}"
                    soak.episodes.append(episode)
                    for _ in range(kills):
                        soak.kill_episode(note="in place of the disk-full")
                    continue
                in_memory_before_disk = soak.log_text().count("keeping it in memory")
                filler = fill(disk)
                soak.kills_during(episode.started, DISK_FULL_SECONDS, kills, kind)
                soak.idle(episode.started + DISK_FULL_SECONDS / 2 - time.monotonic())
                during_disk_full = fanpulse(config, "status", "--json")
                soak.idle(episode.started + DISK_FULL_SECONDS - time.monotonic())
                filler.unlink()
                episode.ended = time.monotonic()
            episode.first_poll = soak.wait_polled(episode.ended)
            soak.episodes.append(episode)
        soak.idle(started + SOAK_SECONDS - time.monotonic())
        stop_hammer(hammer)
        for outage in outages.values():
            outage.heal()
        for feed in feeds:
            feed.freeze()
        served = set().union(*(feed.expected_titles() for feed in feeds))
        caught_up = wait_until(lambda: served <= set(stored_titles(db)), 180)
        spool_empty = wait_until(lambda: not list(loaded.database.spool.glob("*.json")), 60)
        healed = wait_until(
            lambda: (
                run_query(
                    db,
                    "SELECT count(*) FROM source_state WHERE consecutive_failures > 0",
                    lock_timeout=60,
                )[1][0][0]
                == 0
            ),
            120,
        )
        soak.sample()
    finally:
        code = soak.stop() if not soak.stopped() else soak.daemon.returncode
    log_text = soak.log_text()
    assert caught_up, log_text[-5000:]
    served = set().union(*(feed.expected_titles() for feed in feeds))
    stored = stored_titles(db)
    duplicates = sorted({title for title in stored if stored.count(title) > 1})
    check = fanpulse(config, "check")
    status = fanpulse(config, "status")
    runs = dict(run_query(db, "SELECT status, count(*) FROM collection_runs GROUP BY status")[1])
    gaps = []
    late = []
    for episode in sorted(soak.episodes, key=lambda e: e.started):
        worst = max(
            (
                (delay if delay is not None else float("inf")) / (2 * checked_interval(checked, n))
                for n, delay in episode.first_poll.items()
            ),
            default=0.0,
        )
        gaps.append(
            {
                "episode": episode.kind,
                "note": episode.note,
                "at_s": round(episode.started - started, 1),
                "length_s": round(episode.ended - episode.started, 1) if episode.ended else 0,
                "kills_inside": episode.kills if episode.kind != "kill" else 0,
                "first_poll_after_s": episode.first_poll,
                "worst_share_of_limit": round(worst, 2),
            }
        )
        late += [
            (episode.kind, round(episode.started - started), name, delay)
            for name, delay in episode.first_poll.items()
            if delay is None or delay > 2 * checked_interval(checked, name)
        ]
    result = {
        "seconds": SOAK_SECONDS,
        "ran_seconds": round(time.monotonic() - started, 1),
        "served_items": len(served),
        "stored_posts": len(stored),
        "missing": len(served - set(stored)),
        "unexpected": len(set(stored) - served),
        "stored_twice": len(duplicates),
        "kills": soak.kills,
        "holds_read_write": sum(e.kind == "hold" for e in soak.episodes),
        "hold_seconds": HOLD_SECONDS,
        "disk_full": no_disk_full or f"{DISK_FULL_SECONDS:g}s on a {TMPFS_SIZE} tmpfs",
        "poll_limit": "2 x interval: "
        + ", ".join(f"{f.name} {2 * s}s" for f, s in checked.items()),
        "episodes": gaps,
        "late_polls": late,
        "spooled_batches": log_text.count("storage failing; spooled "),
        "in_memory_batches": log_text.count("keeping it in memory"),
        "snapshots_taken": log_text.count("INFO collector.daemon: snapshot "),
        "snapshots_skipped": log_text.count("snapshot skipped"),
        "stalled_warnings": log_text.count("stalled:"),
        # What a crash may leave behind on the database's disk (temporary files).
        "files_beside_database": sorted(p.name for p in disk.iterdir() if p.is_file()),
        "runs_by_status": runs,
        "reader_opens": reader_totals[0],
        "reader_gave_up": reader_totals[1],
        "daemon_peak_rss_mb": round(soak.peak_rss, 1),
        "exit_code": code,
        "check_exit": check.returncode,
        "status_exit": status.returncode,
    }
    artefacts = REPO / "tests" / "artifacts"
    artefacts.mkdir(parents=True, exist_ok=True)
    (artefacts / "soak.json").write_text(json.dumps(result, indent=2))
    print("\nsoak result:", json.dumps(result, indent=2))
    assert result["missing"] == 0 and result["unexpected"] == 0, sorted(served - set(stored))[:5]
    assert not duplicates, duplicates[:5]
    assert not late, late
    assert spool_empty and healed, log_text[-5000:]
    assert soak.kills == KILLS
    assert result["holds_read_write"] == HOLDS
    assert result["spooled_batches"] > 0  # the holds really made writes wait
    if not no_disk_full:
        assert during_disk_full is not None and during_disk_full.returncode == 1
        storage = json.loads(during_disk_full.stdout)["storage"]
        assert storage["failing"] and "space" in storage["reason"].lower(), storage
        # The spool shares the full disk: batches waited in memory, then were stored.
        assert result["in_memory_batches"] > in_memory_before_disk
    assert result["snapshots_taken"] > 0
    assert reader_totals[1] == 0, reader_output
    assert code == 0
    assert check.returncode == 0, check.stdout + check.stderr
    assert status.returncode == 0, status.stdout + status.stderr
    assert runs.get("error", 0) > 0  # the broken sources really failed, and were recorded
    assert "Traceback" not in log_text


def checked_interval(checked: dict[GrowingFeed, int], name: str) -> int:
    return next(seconds for feed, seconds in checked.items() if feed.name == name)
