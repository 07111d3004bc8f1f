"""The daemon's scheduling decisions, in-process on a real database file."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from analytics.config import load_config
from analytics.store import DatabaseBusy
from collector.daemon import STORE_RETRY, Daemon
from collector.http import Fetcher
from tests.feedserver import FeedServer, Reply


def test_a_channel_whose_write_failed_is_rearmed_not_dropped(
    feed_server: FeedServer, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = feed_server.route("/news", Reply.file("feeds/rss2_news.xml"))
    config = load_config(make_config([{"kind": "rss", "name": "news", "url": url}]))

    async def scenario() -> datetime:
        async with Fetcher(config.collector) as fetcher:
            daemon = Daemon(config, fetcher)
            daemon.collector.prepare()
            daemon.scheduler.start(paused=True)
            (job,) = daemon.collector.jobs()

            async def busy(_job: object) -> None:
                raise DatabaseBusy("held by an analyst")

            monkeypatch.setattr(daemon.collector, "run", busy)
            await daemon._run(job)
            (scheduled,) = daemon.scheduler.get_jobs()
            daemon.scheduler.shutdown(wait=False)
            return scheduled.next_run_time

    before = datetime.now(UTC)
    next_run = asyncio.run(scenario())
    assert before + timedelta(seconds=STORE_RETRY) <= next_run
    assert next_run <= datetime.now(UTC) + timedelta(seconds=STORE_RETRY * 1.2 + 1)
