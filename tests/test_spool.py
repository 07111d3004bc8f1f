"""Nothing is lost while a reader holds the file: batches wait in the on-disk spool."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from analytics.config import AppConfig, load_config
from analytics.store import run_query
from collector.http import Fetcher
from collector.runner import Collector
from collector.sources import build_sources
from collector.spool import Spool, decode_batch, encode_batch
from tests.feedserver import FeedServer, Reply
from tests.test_store import hold_file

NEWS = "feeds/rss2_news.xml"


def quick_spool(config: AppConfig, **database: object) -> AppConfig:
    update = {"spool_after": timedelta(milliseconds=300), **database}
    return config.model_copy(update={"database": config.database.model_copy(update=update)})


def count(config: AppConfig, sql: str) -> int:
    return int(run_query(config.database_path, sql)[1][0][0])


def test_a_batch_round_trips_through_the_spool_format(
    feed_server: FeedServer, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    url = feed_server.route("/news", Reply.file(NEWS))
    config = load_config(make_config([{"kind": "rss", "name": "news", "url": url}]))

    async def fetch_one():
        async with Fetcher(config.collector) as fetcher:
            collector = Collector(config, fetcher, build_sources(config))
            return await collector.fetch(collector.jobs()[0])

    batch = asyncio.run(fetch_one())
    assert batch.posts and batch.posts[0].mentions
    spool = Spool(tmp_path / "spool")
    path = spool.put(batch)
    assert spool.pending() == [path]
    assert spool.load(path) == batch
    assert decode_batch(encode_batch(batch)) == batch


def test_a_held_file_spools_the_batch_and_stores_it_later(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    url = feed_server.route("/news", Reply.file(NEWS, etag='"n1"'))
    config = quick_spool(load_config(make_config([{"kind": "rss", "name": "news", "url": url}])))

    async def scenario() -> tuple[int, int, int]:
        async with Fetcher(config.collector) as fetcher:
            collector = Collector(config, fetcher, build_sources(config))
            collector.prepare()
            job = collector.jobs()[0]
            holder = hold_file(config.database_path, 2)  # an analyst holds the file
            first = await collector.run(job)
            spooled = len(collector.spool.pending())
            holder.wait(timeout=10)
            # The spooled batch carried the channel's new ETag: the next poll is a 304,
            # and the write that follows stores the spooled batch first.
            second = await collector.run(job)
            return first.fetched - first.off_topic, spooled, second.http_status or 0

    fetched, spooled, second_status = asyncio.run(scenario())
    assert spooled == 1
    assert second_status == 304
    assert feed_server.hits("/news")[-1].headers.get("If-None-Match") == '"n1"'
    assert count(config, "SELECT count(*) FROM posts") == fetched > 0
    assert count(config, "SELECT count(*) FROM collection_runs") == 2
    assert count(config, "SELECT count(DISTINCT batch_id) FROM collection_runs") == 2
    assert Spool(config.database.spool).pending() == []


def test_a_spooled_batch_stored_twice_counts_once(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    """A crash after the commit but before the spool file is removed must not duplicate."""
    url = feed_server.route("/news", Reply.file(NEWS))
    config = load_config(make_config([{"kind": "rss", "name": "news", "url": url}]))

    async def scenario() -> None:
        async with Fetcher(config.collector) as fetcher:
            collector = Collector(config, fetcher, build_sources(config))
            collector.prepare()
            batch = await collector.fetch(collector.jobs()[0])
            collector.spool.put(batch)
            collector.spool.put(batch)  # the same batch again, as if its removal was lost
            assert collector.flush_spool() == 2

    asyncio.run(scenario())
    assert count(config, "SELECT count(*) FROM collection_runs") == 1
    assert count(config, "SELECT count(*) FROM posts") > 0


def test_a_restart_stores_what_was_spooled_and_resumes_its_state(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    url = feed_server.route("/news", Reply.file(NEWS, etag='"n1"'))
    config = quick_spool(load_config(make_config([{"kind": "rss", "name": "news", "url": url}])))

    async def spool_one() -> int:
        async with Fetcher(config.collector) as fetcher:
            collector = Collector(config, fetcher, build_sources(config))
            collector.prepare()
            holder = hold_file(config.database_path, 1.5)
            run = await collector.run(collector.jobs()[0])
            holder.wait(timeout=10)
            return run.fetched - run.off_topic

    fetched = asyncio.run(spool_one())  # the process ends with the batch still spooled
    assert len(Spool(config.database.spool).pending()) == 1

    async def restart() -> str | None:
        async with Fetcher(config.collector) as fetcher:
            collector = Collector(config, fetcher, build_sources(config))
            collector.prepare()
            return collector.state_for(collector.jobs()[0]).etag

    assert asyncio.run(restart()) == '"n1"'
    assert count(config, "SELECT count(*) FROM posts") == fetched
    assert Spool(config.database.spool).pending() == []


def test_when_neither_store_nor_spool_works_the_state_does_not_advance(
    feed_server: FeedServer, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    """The next poll must fetch the same posts again, not get a 304 for them."""
    url = feed_server.route("/news", Reply.file(NEWS, etag='"n1"'))
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    config = quick_spool(
        load_config(make_config([{"kind": "rss", "name": "news", "url": url}])),
        spool_dir=blocker / "spool",
    )

    async def scenario() -> int:
        async with Fetcher(config.collector) as fetcher:
            collector = Collector(config, fetcher, build_sources(config))
            collector.prepare()
            job = collector.jobs()[0]
            holder = hold_file(config.database_path, 2)
            try:
                await collector.run(job)
            except OSError:
                pass
            else:
                raise AssertionError("storing should have failed: file held, spool unwritable")
            holder.wait(timeout=10)
            return (await collector.run(job)).inserted

    inserted = asyncio.run(scenario())
    assert len(feed_server.hits("/news")) == 2
    assert feed_server.hits("/news")[-1].headers.get("If-None-Match") is None
    assert inserted > 0
    assert count(config, "SELECT count(*) FROM posts") == inserted
