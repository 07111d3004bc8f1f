"""The daemon refreshes the counts of recent posts on its own schedule, a platform that
fails its lookups stops neither that nor polling, and `fanpulse rising` ranks the growth."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from tests.collector.test_engagement import (
    AUTHOR_FEED,
    GET_POSTS,
    STATUSES,
    TAG,
    Bluesky,
    bluesky_source,
    json_reply,
    status,
)
from tests.e2e.test_cli import FANPULSE, fanpulse
from tests.support.feedserver import FeedServer, Reply


def test_the_daemon_refreshes_counts_on_schedule_and_rising_ranks_them(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    site = Bluesky(feed_server, [timedelta(hours=n + 1) for n in range(3)])
    # Polled once with the posts, then nothing new: counts move only through the refresh.
    feed_server.route(
        AUTHOR_FEED,
        json_reply({"feed": [{"post": v} for v in site.views]}),
        json_reply({"feed": []}),
    )
    here = feed_server.base_url
    feed_server.route(TAG, json_reply([status("7", f"{here}/users/a/statuses/7", 3)]))
    feed_server.route(STATUSES, Reply(status=500, body=b"down", content_type="text/plain"))
    masto = {"kind": "mastodon", "name": "masto", "base_url": here, "tags": ["heartstopper"]}
    engagement = {"refresh_for": "7d", "refresh_every": "1s", "max_calls": 5}
    config = make_config(
        [bluesky_source(feed_server) | {"interval": "1s"}, masto | {"interval": "1s"}],
        collector={"engagement": engagement},
    )
    env = {**os.environ, "FANPULSE_CONFIG": str(config)}
    daemon = subprocess.Popen(
        [FANPULSE, "--log-level", "info", "run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 40
        while len(feed_server.hits(GET_POSTS)) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=30)
    assert daemon.returncode == 0, err
    assert len(feed_server.hits(GET_POSTS)) >= 3, "the daemon did not refresh on schedule"
    assert len(feed_server.hits(STATUSES)) >= 2  # failing lookups are tried again later
    assert len(feed_server.hits(AUTHOR_FEED)) >= 3  # and polling went on all along
    assert "engagement refresh of masto stopped" in err and "Traceback" not in err

    counts = fanpulse(
        config,
        "query",
        "--csv",
        "SELECT min(likes), min(n) FROM (SELECT p.post_id, any_value(p.likes) AS likes, "
        "count(*) AS n FROM posts p JOIN engagement_history h USING (post_id) "
        "WHERE p.source = 'bluesky' GROUP BY 1)",
    )
    low_likes, low_history = (int(v) for v in counts.stdout.split()[1].split(","))
    assert low_likes >= 200 and low_history >= 3  # first sight and at least two refreshes

    rising = fanpulse(config, "rising", "--hours", "1")
    assert rising.returncode == 0, rising.stderr
    for n in range(3):
        assert f"Heartstopper rewatch number {n}" in rising.stdout
