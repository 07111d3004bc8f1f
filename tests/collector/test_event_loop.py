"""One huge feed must not hold up the other channels: parsing happens off the event loop."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from analytics.core.config import load_config
from analytics.core.models import RunRecord
from analytics.store import run_query
from collector.once import collect_once
from collector.runner import ChannelJob
from tests.support.feedserver import FeedServer, Reply

HUGE_ITEMS = 100_000
TICK = 0.05
MAX_LAG = 2.0
FAST_DELAY = 1.0  # the fast channel answers while the huge feed is being parsed


def rss(items: str) -> bytes:
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    ).encode()


def huge_feed() -> bytes:
    # Off-topic items: the feed is parsed and matched in full, and nothing of it is stored.
    return rss(
        "".join(
            f"<item><guid>https://weather.example/{i}</guid><title>Rain {i}</title></item>"
            for i in range(HUGE_ITEMS)
        )
    )


FAST_TITLE = "Heartstopper season 4 first look"
FAST_FEED = rss(f"<item><guid>https://news.example/1</guid><title>{FAST_TITLE}</title></item>")


def test_a_huge_feed_does_not_stall_the_loop_or_a_fast_channel(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    body = huge_feed()
    sources = [
        {"kind": "rss", "name": "huge", "url": feed_server.route("/huge", Reply(body=body))},
        {
            "kind": "rss",
            "name": "fast",
            "url": feed_server.route("/fast", Reply(body=FAST_FEED, delay=FAST_DELAY)),
        },
    ]
    # The default 5 MB response cap would refuse the huge feed before it is parsed.
    config_path = make_config(sources, collector={"max_response_size": "50MB", "timeout": "60s"})
    config = load_config(config_path)
    assert len(body) > 5_000_000

    async def scenario() -> tuple[float, dict[str, float], list[RunRecord]]:
        worst_lag = 0.0
        started = 0.0
        finished: dict[str, float] = {}

        async def ticker() -> None:
            nonlocal worst_lag
            last = time.monotonic()
            while True:
                await asyncio.sleep(TICK)
                now = time.monotonic()
                worst_lag = max(worst_lag, now - last - TICK)
                last = now

        def on_start(_jobs: list[ChannelJob]) -> None:
            nonlocal started
            started = time.monotonic()

        def on_done(run: RunRecord) -> None:
            finished[run.source_name] = time.monotonic() - started

        ticking = asyncio.create_task(ticker())
        runs = await collect_once(config, on_start=on_start, on_done=on_done)
        ticking.cancel()
        return worst_lag, finished, runs

    worst_lag, finished, runs = asyncio.run(scenario())

    by_name = {run.source_name: run for run in runs}
    assert {n: (r.status, r.error) for n, r in by_name.items()} == {
        "huge": ("ok", None),
        "fast": ("ok", None),
    }
    assert (by_name["huge"].fetched, by_name["huge"].off_topic) == (HUGE_ITEMS, HUGE_ITEMS)
    _, stored = run_query(config.database_path, "SELECT source_name, title FROM posts")
    assert stored == [("fast", FAST_TITLE)]
    # The huge feed was still being parsed when the fast channel was done with.
    assert finished["fast"] < finished["huge"]
    assert finished["fast"] < FAST_DELAY + MAX_LAG, finished
    assert worst_lag < MAX_LAG, f"the event loop stalled for {worst_lag:.1f}s"
