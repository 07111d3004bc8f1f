"""The long soak (`make soak`): the daemon against changing, failing and slow feeds while a
reader hammers the file and once holds it for 10 s. Every served post must be stored
exactly once. Prints the counts and the daemon's peak memory.

Length: FANPULSE_SOAK_SECONDS (default 600).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from analytics.core.config import load_config
from analytics.store import run_query
from tests.conftest import REPO
from tests.support.daemon_harness import (
    GrowingFeed,
    Reader,
    peak_rss_mb,
    start_daemon,
    stop_daemon,
    stored_post_ids,
    wait_until,
)
from tests.support.feedserver import FeedServer, Reply

SOAK_SECONDS = float(os.environ.get("FANPULSE_SOAK_SECONDS", "600"))

pytestmark = [pytest.mark.soak, pytest.mark.timeout(int(SOAK_SECONDS) + 600)]


def test_soak_every_served_post_is_stored_exactly_once(
    feed_server: FeedServer, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    feeds = [GrowingFeed(f"feed-{i}", period=2.0 + i * 0.5) for i in range(8)]
    sources = [
        {"kind": "rss", "name": feed.name, "url": feed.route(feed_server), "interval": "5s"}
        for feed in feeds
    ]
    broken = Reply(status=503, body=b"maintenance", content_type="text/plain")
    sources.append(
        {"kind": "rss", "name": "down", "url": feed_server.route("/down", broken), "interval": "5s"}
    )
    slow = Reply.file("feeds/rss2_news.xml", trickle=1.0)  # never finishes within the timeout
    sources.append(
        {"kind": "rss", "name": "slow", "url": feed_server.route("/slow", slow), "interval": "5s"}
    )
    config = make_config(sources, database_options={"spool_after": "2s", "snapshot_every": "1m"})
    loaded = load_config(config)
    db = loaded.database_path
    log = tmp_path / "daemon.log"
    daemon = start_daemon(config, log)
    peak = 0.0
    try:
        assert wait_until(db.exists, 30)
        hammer = Reader(db, tmp_path)
        started = time.monotonic()
        held = False
        while time.monotonic() - started < SOAK_SECONDS:
            time.sleep(5)
            peak = max(peak, peak_rss_mb(daemon.pid))
            if not held and time.monotonic() - started > SOAK_SECONDS / 2:
                holder = Reader(db, tmp_path, hold_first=10)
                holder.wait_holding()
                holder.finish()
                held = True
        opened, failed, output = hammer.finish()
        for feed in feeds:
            feed.freeze()
        caught_up = wait_until(
            lambda: (
                set().union(*(f.expected_post_ids() for f in feeds)) <= set(stored_post_ids(db))
            ),
            120,
        )
        peak = max(peak, peak_rss_mb(daemon.pid))
    finally:
        code, took = stop_daemon(daemon)
    assert caught_up, log.read_text()[-5000:]
    expected = set().union(*(f.expected_post_ids() for f in feeds))
    stored = stored_post_ids(db)
    runs = dict(run_query(db, "SELECT status, count(*) FROM collection_runs GROUP BY status")[1])
    result = {
        "seconds": SOAK_SECONDS,
        "served_posts": len(expected),
        "stored_posts": len(stored),
        "distinct_stored": len(set(stored)),
        "missing": len(expected - set(stored)),
        "unexpected": len(set(stored) - expected),
        "runs_by_status": runs,
        "reader_opens": opened,
        "reader_gave_up": failed,
        "spooled_batches": log.read_text().count("; spooled "),
        "daemon_peak_rss_mb": round(peak, 1),
        "exit_code": code,
        "stop_seconds": round(took, 2),
    }
    artefacts = REPO / "tests" / "artifacts"
    artefacts.mkdir(parents=True, exist_ok=True)
    (artefacts / "soak.json").write_text(json.dumps(result, indent=2))
    print("\nsoak result:", json.dumps(result, indent=2))
    assert result["missing"] == 0 and result["unexpected"] == 0
    assert len(stored) == len(set(stored))
    assert failed == 0, output
    assert code == 0
    assert runs.get("error", 0) > 0  # the broken sources really failed, and were recorded
    assert "Traceback" not in log.read_text()
