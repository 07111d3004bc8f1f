"""What the daemon tests and the soak share: feeds that keep growing, a reader process that
hammers the database file, and the daemon itself as a real process.

A :class:`GrowingFeed` publishes a new item every ``period`` seconds and lists every item so
far, so an item it has served stays fetchable: any served item missing from the database
afterwards is a real loss, not one that scrolled off the feed.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from analytics.store import run_query
from tests.support.feedserver import FeedServer, Reply


class GrowingFeed:
    def __init__(
        self, name: str, period: float, start_items: int = 2, keep: int | None = None
    ) -> None:
        self.name = name
        self.period = period
        # When set, only the newest ``keep`` items are listed (a feed that rotates old items
        # out): a served item the collector failed to keep cannot be fetched again.
        self.keep = keep
        self.started = time.monotonic()
        self.start_items = start_items
        self.served: set[str] = set()  # guids sent in a 200 response
        self.polled_at: list[float] = []  # monotonic time of every request, as the server saw it
        self.frozen_at: int | None = None
        self._lock = threading.Lock()

    def items(self) -> int:
        if self.frozen_at is not None:
            return self.frozen_at
        return self.start_items + int((time.monotonic() - self.started) / self.period)

    def freeze(self) -> None:
        """Stop publishing (the end of a run), so the collector can catch up."""
        self.frozen_at = self.items()

    def guid(self, index: int) -> str:
        return f"urn:fanpulse-test:{self.name}:{index}"

    def reply(self) -> Reply:
        count = self.items()
        oldest = max(0, count - self.keep) if self.keep is not None else 0
        entries = []
        for index in range(count - 1, oldest - 1, -1):
            published = format_datetime(datetime.fromtimestamp(1_760_000_000 + index * 60, UTC))
            entries.append(
                f"<item><guid>{escape(self.guid(index))}</guid>"
                f"<title>Heartstopper update {index} from {escape(self.name)}</title>"
                f"<description>Nick and Charlie fans react, post {index}</description>"
                f"<pubDate>{published}</pubDate></item>"
            )
        body = (
            '<?xml version="1.0"?><rss version="2.0"><channel>'
            f"<title>{escape(self.name)}</title>{''.join(entries)}</channel></rss>"
        ).encode()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        with self._lock:
            self.polled_at.append(time.monotonic())
            # Counted as served even if the client then gets a 304 for it: a 304 is only
            # sent for an ETag the client already has, i.e. content it was sent before.
            self.served.update(self.guid(i) for i in range(oldest, count))
        return Reply(body=body, etag=etag)

    @property
    def path(self) -> str:
        return f"/feed/{self.name}"

    def route(self, server: FeedServer) -> str:
        return server.route_dynamic(self.path, self.reply)

    def expected_titles(self) -> set[str]:
        """The titles of every item served, as the collector must have stored them."""
        with self._lock:
            guids = set(self.served)
        return {f"Heartstopper update {guid.rsplit(':', 1)[1]} from {self.name}" for guid in guids}

    def first_poll_after(self, moment: float) -> float | None:
        """When the server first saw this feed requested at or after ``moment``."""
        with self._lock:
            return next((at for at in self.polled_at if at >= moment), None)

    def expected_post_ids(self) -> set[str]:
        with self._lock:
            return {f"rss:{guid}" for guid in self.served}


def stored_post_ids(db: Path) -> list[str]:
    return [row[0] for row in run_query(db, "SELECT post_id FROM posts", lock_timeout=60)[1]]


def stored_titles(db: Path) -> list[str]:
    """Every stored post's title, once per row: a title twice means an item stored twice."""
    return [row[0] for row in run_query(db, "SELECT title FROM posts", lock_timeout=60)[1]]


TITLES_SCRIPT = """
import json, sys
from pathlib import Path
from analytics.store import run_query
db = Path(sys.argv[1])
rows = run_query(db, "SELECT title FROM posts", lock_timeout=60)[1] if db.exists() else []
print(json.dumps([row[0] for row in rows]))
"""


def stored_titles_from_another_process(db: Path) -> list[str]:
    """:func:`stored_titles` read by another process, as a dashboard would: a collector
    running in the test's own process holds its connections with another configuration."""
    result = subprocess.run(
        [sys.executable, "-c", TITLES_SCRIPT, str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)


FANPULSE = [sys.executable, "-m", "fanpulse"]


def start_daemon(config: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FANPULSE_CONFIG": str(config), "PYTHONUNBUFFERED": "1"}
    with log.open("ab") as handle:
        return subprocess.Popen(
            [*FANPULSE, "--log-level", "info", "run"],
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_daemon(daemon: subprocess.Popen[bytes], timeout: float = 20) -> tuple[int, float]:
    """SIGTERM; return the exit status and how long it took to exit."""
    started = time.monotonic()
    daemon.send_signal(signal.SIGTERM)
    code = daemon.wait(timeout=timeout)
    return code, time.monotonic() - started


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory so far (Linux ``VmHWM``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc status")


READER_SCRIPT = """
import sys, time
from analytics.store import connect, DatabaseBusy
db, stop_file, hold = sys.argv[1], sys.argv[2], float(sys.argv[3])
opened = failed = 0
import pathlib
while not pathlib.Path(stop_file).exists():
    try:
        with connect(db, read_only=True, lock_timeout=30) as con:
            con.execute("SELECT count(*) FROM posts").fetchall()
            if hold:
                print("holding", flush=True)
                time.sleep(hold)
                hold = 0
        opened += 1
    except DatabaseBusy as exc:
        failed += 1
        print("busy:", exc, flush=True)
    time.sleep(0.02)
print(f"opened={opened} failed={failed}", flush=True)
"""


HOLD_WRITE_SCRIPT = """
import select, sys, time, duckdb
deadline = time.monotonic() + 60
while True:
    try:
        con = duckdb.connect(sys.argv[1])
        break
    except duckdb.IOException:
        # Another process has it open for a moment (the collector writing, a reader):
        # wait for it, as an analyst retrying would.
        if time.monotonic() > deadline:
            raise
        time.sleep(0.05)
print("holding", flush=True)
if sys.argv[3] == "until-released":
    # Kept until the test closes our stdin (or the seconds run out).
    select.select([sys.stdin], [], [], float(sys.argv[2]))
else:
    time.sleep(float(sys.argv[2]))
con.close()
print("released", flush=True)
"""


def hold_read_write(
    db: Path, seconds: float, *, until_released: bool = False
) -> subprocess.Popen[str]:
    """Another process opens the file read-write (an analyst's duckdb session) and keeps it
    for ``seconds``; returns once it holds the file. With ``until_released`` it lets go
    earlier, when :func:`release` is called: a test that must see something happen while
    the file is held does not race a fixed hold on a slow machine."""
    mode = "until-released" if until_released else "timed"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE_SCRIPT, str(db), str(seconds), mode],
        stdin=subprocess.PIPE if until_released else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert holder.stdout is not None
    line = holder.stdout.readline().strip()
    if line != "holding":
        raise AssertionError(f"the holder could not open {db}: {line}{holder.stdout.read()}")
    return holder


def release(holder: subprocess.Popen[str]) -> None:
    """Let a holder started ``until_released`` close the file now."""
    assert holder.stdin is not None
    holder.stdin.close()


class Reader:
    """A separate process opening the file read-only over and over (an eager dashboard)."""

    def __init__(self, db: Path, workdir: Path, hold_first: float = 0.0) -> None:
        self.stop_file = workdir / f"stop-reader-{time.monotonic_ns()}"
        self.process = subprocess.Popen(
            [sys.executable, "-c", READER_SCRIPT, str(db), str(self.stop_file), str(hold_first)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def wait_holding(self, timeout: float = 30) -> None:
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.stdout.readline().strip() == "holding":
                return
        raise AssertionError("the reader never got hold of the file")

    def finish(self) -> tuple[int, int, str]:
        """Stop it; return (opens that succeeded, opens that gave up, its output)."""
        self.stop_file.touch()
        output, _ = self.process.communicate(timeout=60)
        summary = output.strip().splitlines()[-1]
        opened, failed = (int(part.split("=")[1]) for part in summary.split())
        return opened, failed, output


def wait_until(predicate, timeout: float, interval: float = 0.5) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def kill_and_recover(
    config: Path, feeds: list[GrowingFeed], db: Path, log: Path, *, kills: int, seed: int
) -> tuple[int, list[str]]:
    """``kill -9`` the daemon ``kills`` times at random moments, then stop publishing,
    start it once more until every served post is stored, and stop it with SIGTERM.

    Returns the last exit status and the stored post ids.
    """
    rng = random.Random(seed)
    for _ in range(kills):
        daemon = start_daemon(config, log)
        time.sleep(rng.uniform(0.8, 4.0))
        daemon.send_signal(signal.SIGKILL)
        daemon.wait(timeout=10)
    for feed in feeds:
        feed.freeze()
    starts = log.read_text().count("scheduled")
    daemon = start_daemon(config, log)
    try:
        # Stopped only once running (a signal during start-up is Python's default death).
        if not wait_until(lambda: log.read_text().count("scheduled") > starts, 30):
            raise AssertionError("the daemon did not start:\n" + log.read_text()[-3000:])
        expected = set().union(*(f.expected_post_ids() for f in feeds))
        if not wait_until(lambda: expected <= set(stored_post_ids(db)), 90):
            raise AssertionError("served posts were not all stored:\n" + log.read_text()[-3000:])
    finally:
        code, _ = stop_daemon(daemon)
    return code, stored_post_ids(db)
