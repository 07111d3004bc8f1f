"""The daemon's scheduling decisions, in-process on a real database file: the dispatcher
starts due channels within its slots, a failed run is retried, and the watchdog re-arms a
stuck poll."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from analytics.core.config import load_config
from analytics.core.models import RunBatch
from collector.daemon import FIRST_SNAPSHOT_DELAY, STORE_RETRY, Daemon
from collector.http import Fetcher
from collector.runner import ChannelJob
from collector.settings import collector_settings
from tests.support.feedserver import FeedServer, Reply

NEWS = "feeds/rss2_news.xml"


def news_sources(server: FeedServer, count: int) -> list[dict[str, str]]:
    return [
        {
            "kind": "rss",
            "name": f"news-{i}",
            "url": server.route(f"/news/{i}", Reply.file(NEWS)),
            "interval": "1h",
        }
        for i in range(count)
    ]


def test_a_run_that_fails_unexpectedly_is_retried_not_dropped(
    feed_server: FeedServer, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(make_config(news_sources(feed_server, 1)))

    async def scenario() -> tuple[datetime, int]:
        async with Fetcher(collector_settings(config)) as fetcher:
            daemon = Daemon(config, fetcher)
            daemon.collector.prepare()
            daemon.arm(datetime.now(UTC) - timedelta(hours=1))
            (job,) = daemon.jobs.values()

            async def broken(_job: ChannelJob, on_fetched: object = None) -> None:
                raise RuntimeError("a bug in a parser")

            monkeypatch.setattr(daemon.collector, "run", broken)
            await daemon._dispatch()
            await asyncio.gather(*daemon.polls.values())
            return daemon.due[job.key], len(daemon.jobs)

    before = datetime.now(UTC)
    due, channels = asyncio.run(scenario())
    assert channels == 1
    assert before + timedelta(seconds=STORE_RETRY) <= due
    assert due <= datetime.now(UTC) + timedelta(seconds=STORE_RETRY * 1.1 + 1)


def first_snapshot_delay(config_path: Path, snapshot_taken: datetime | None) -> timedelta:
    config = load_config(config_path)
    every = config.database.snapshot_every
    assert every is not None
    if snapshot_taken is not None:
        config.database.snapshot.parent.mkdir(parents=True, exist_ok=True)
        config.database.snapshot.write_bytes(b"")
        stamp = snapshot_taken.timestamp()
        os.utime(config.database.snapshot, (stamp, stamp))

    async def scenario() -> timedelta:
        async with Fetcher(collector_settings(config)) as fetcher:
            now = datetime.now(UTC)
            return Daemon(config, fetcher)._first_snapshot(now, every) - now

    return asyncio.run(scenario())


def test_a_restarted_daemon_snapshots_within_snapshot_every(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    """A daemon restarted more often than the start-up delay (a crash loop, kill -9s) must
    still take its snapshots when they are due more often than that delay."""
    sources = news_sources(feed_server, 1)
    every_10s = make_config(sources, database_options={"snapshot_every": "10s"})
    assert first_snapshot_delay(every_10s, None) <= timedelta(seconds=10)
    stale = datetime.now(UTC) - timedelta(hours=1)
    assert first_snapshot_delay(every_10s, stale) <= timedelta(seconds=10)
    fresh = datetime.now(UTC) - timedelta(seconds=4)
    assert timedelta(seconds=5) <= first_snapshot_delay(every_10s, fresh) <= timedelta(seconds=6)
    # A long period still lets the first collections land before the first snapshot.
    every_6h = make_config(sources, database_options={"snapshot_every": "6h"})
    older = datetime.now(UTC) - timedelta(hours=7)
    assert first_snapshot_delay(every_6h, older) == FIRST_SNAPSHOT_DELAY


def test_the_dispatcher_starts_due_channels_within_its_slots_and_moves_them_on(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    config = load_config(make_config(news_sources(feed_server, 5), collector={"concurrency": 2}))

    async def scenario() -> tuple[int, int, list[datetime]]:
        async with Fetcher(collector_settings(config)) as fetcher:
            daemon = Daemon(config, fetcher)
            daemon.collector.prepare()
            daemon.arm(datetime.now(UTC) - timedelta(minutes=1))
            await daemon._dispatch()
            started_first = len(daemon.polls)
            while daemon.polls or any(
                key not in daemon.polls and when <= datetime.now(UTC)
                for key, when in daemon.due.items()
            ):
                await asyncio.gather(*daemon.polls.values())
                await daemon._dispatch()
            return started_first, len(feed_server.requests), list(daemon.due.values())

    started_first, requests, due = asyncio.run(scenario())
    assert started_first == 2  # concurrency = 2
    assert requests == 5  # then the other three, once each
    # A finished run moves its channel on by its interval (1 h, up to 10 % jitter).
    now = datetime.now(UTC)
    assert all(now + timedelta(minutes=55) < when < now + timedelta(minutes=67) for when in due)


def test_the_watchdog_re_arms_a_stuck_poll_and_warns(
    feed_server: FeedServer,
    make_config: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = load_config(make_config(news_sources(feed_server, 1)))

    async def scenario() -> tuple[bool, int]:
        async with Fetcher(collector_settings(config)) as fetcher:
            daemon = Daemon(config, fetcher)
            daemon.collector.prepare()
            daemon.arm(datetime.now(UTC) - timedelta(minutes=1))
            real_fetch = daemon.collector.fetch
            hang = asyncio.Event()

            async def stuck_once(job: ChannelJob) -> RunBatch:
                if not hang.is_set():
                    hang.set()
                    await asyncio.Event().wait()  # never returns: a poll stuck for good
                return await real_fetch(job)

            monkeypatch.setattr(daemon.collector, "fetch", stuck_once)
            await daemon._dispatch()
            (task,) = daemon.polls.values()
            await asyncio.sleep(0.1)
            daemon._fetch_budget = 0  # as if it had been fetching for longer than any retry
            daemon._watchdog(datetime.now(UTC) + timedelta(hours=3))  # 3 h late, interval 1 h
            await asyncio.gather(task, return_exceptions=True)
            cancelled = task.cancelled()
            await daemon._dispatch()  # re-armed: due now, so it runs again
            await asyncio.gather(*daemon.polls.values())
            return cancelled, len(feed_server.requests)

    with caplog.at_level(logging.WARNING, logger="collector.daemon"):
        cancelled, requests = asyncio.run(scenario())
    assert cancelled
    assert requests == 1  # the stuck poll never reached the server; the re-armed one did
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("stalled: news-0" in r.getMessage() for r in warnings), caplog.text


def test_polling_waits_while_the_memory_backlog_is_full(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    config = load_config(
        make_config(news_sources(feed_server, 2), database_options={"memory_backlog_posts": 1})
    )

    async def scenario() -> int:
        async with Fetcher(collector_settings(config)) as fetcher:
            daemon = Daemon(config, fetcher)
            daemon.collector.prepare()
            daemon.arm(datetime.now(UTC) - timedelta(minutes=1))
            (job, _) = daemon.jobs.values()
            batch = await daemon.collector.fetch(job)
            daemon.collector.backlog.extend([batch, batch])  # as if nothing could be written
            await daemon._dispatch()
            return len(daemon.polls)

    assert asyncio.run(scenario()) == 0
    assert len(feed_server.requests) == 1  # only the fetch above
