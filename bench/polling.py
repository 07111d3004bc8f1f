"""Polling cost: a cycle over 200 feeds on loopback, and what a second, unchanged cycle
transfers (conditional GET should make it ~0 body bytes).

Compared in the same run with a bare ``httpx`` gather of the same URLs: the floor for
fetching them, with no parsing, matching, scoring or storing.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from analytics.core.config import load_config
from collector.once import collect_once
from tests.conftest import write_config
from tests.support.feedserver import FeedServer, Reply

FEEDS = 200
ITEMS_PER_FEED = 20


def _feed(index: int) -> bytes:
    items = "".join(
        f"<item><guid>urn:bench:{index}:{i}</guid>"
        f"<title>Heartstopper news {index}-{i}</title>"
        f"<description>Kit Connor and Joe Locke talk about season {i % 3 + 1}</description>"
        f"<pubDate>Mon, 0{i % 9 + 1} Sep 2025 10:00:00 GMT</pubDate></item>"
        for i in range(ITEMS_PER_FEED)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>feed {index}</title>'
        f"{items}</channel></rss>"
    ).encode()


async def _bare_gather(urls: list[str]) -> float:
    started = time.perf_counter()
    async with httpx.AsyncClient() as client:
        responses = await asyncio.gather(*(client.get(url) for url in urls))
    assert all(r.status_code == 200 for r in responses)
    return time.perf_counter() - started


def run() -> dict[str, Any]:
    server = FeedServer().start()
    try:
        urls = [server.route(f"/f{i}", Reply(body=_feed(i), etag=f'"f{i}"')) for i in range(FEEDS)]
        with tempfile.TemporaryDirectory() as tmp:
            sources = [{"kind": "rss", "name": f"feed-{i}", "url": u} for i, u in enumerate(urls)]
            config = load_config(
                write_config(
                    Path(tmp),
                    sources,
                    # Every loopback feed is on one host; real feeds are on many.
                    collector={"timeout": "20s", "retries": 0, "per_host_concurrency": 8},
                )
            )
            bare = asyncio.run(_bare_gather(urls))
            started = time.perf_counter()
            first = asyncio.run(collect_once(config))
            first_seconds = time.perf_counter() - started
            bytes_before = server.body_bytes
            started = time.perf_counter()
            second = asyncio.run(collect_once(config))
            second_seconds = time.perf_counter() - started
            second_bytes = server.body_bytes - bytes_before
    finally:
        server.stop()
    assert all(r.status == "ok" for r in first), [r.error for r in first if r.error]
    return {
        "feeds": FEEDS,
        "first_cycle_s": round(first_seconds, 3),
        "second_cycle_s": round(second_seconds, 3),
        "bare_httpx_gather_s": round(bare, 3),
        "cycle_vs_bare_gather": round(first_seconds / bare, 2),
        "second_cycle_body_bytes": second_bytes,
        "second_cycle_not_modified": sum(r.status == "not_modified" for r in second),
        "posts_stored": sum(r.inserted for r in first),
    }


if __name__ == "__main__":
    print(run())
