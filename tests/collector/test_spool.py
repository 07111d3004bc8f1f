"""Nothing is lost while a reader holds the file: batches wait in the on-disk spool."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from analytics.core.config import AppConfig, load_config
from analytics.store import run_query
from collector.http import Fetcher
from collector.runner import Collector
from collector.settings import collector_settings
from collector.sources import build_sources
from collector.spool import Spool, decode_batch, encode_batch
from collector.storage_health import read_storage_health
from tests.analytics.store.test_store import hold_file
from tests.support.feedserver import FeedServer, Reply

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
        async with Fetcher(collector_settings(config)) as fetcher:
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
        async with Fetcher(collector_settings(config)) as fetcher:
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
        async with Fetcher(collector_settings(config)) as fetcher:
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
        async with Fetcher(collector_settings(config)) as fetcher:
            collector = Collector(config, fetcher, build_sources(config))
            collector.prepare()
            holder = hold_file(config.database_path, 1.5)
            run = await collector.run(collector.jobs()[0])
            holder.wait(timeout=10)
            return run.fetched - run.off_topic

    fetched = asyncio.run(spool_one())  # the process ends with the batch still spooled
    assert len(Spool(config.database.spool).pending()) == 1

    async def restart() -> str | None:
        async with Fetcher(collector_settings(config)) as fetcher:
            collector = Collector(config, fetcher, build_sources(config))
            collector.prepare()
            return collector.state_for(collector.jobs()[0]).etag

    assert asyncio.run(restart()) == '"n1"'
    assert count(config, "SELECT count(*) FROM posts") == fetched
    assert Spool(config.database.spool).pending() == []


def test_when_neither_store_nor_spool_works_the_batch_waits_in_memory(
    feed_server: FeedServer, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    """A held file and an unwritable spool: the batch waits in memory (never dropped), the
    recorded storage health says why, and it is stored once the file frees."""
    url = feed_server.route("/news", Reply.file(NEWS, etag='"n1"'))
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    config = quick_spool(
        load_config(make_config([{"kind": "rss", "name": "news", "url": url}])),
        spool_dir=blocker / "spool",
    )

    async def scenario():  # type: ignore[no-untyped-def]
        async with Fetcher(collector_settings(config)) as fetcher:
            collector = Collector(config, fetcher, build_sources(config))
            collector.prepare()
            job = collector.jobs()[0]
            holder = hold_file(config.database_path, 2)
            first = await collector.run(job)
            waiting = len(collector.backlog)
            during = read_storage_health(config.database)
            paused = collector.polling_paused
            holder.wait(timeout=10)
            second = await collector.run(job)
            return first, waiting, during, paused, second, len(collector.backlog)

    first, waiting, during, paused, second, left = asyncio.run(scenario())
    assert waiting == 1 and not paused
    assert during.failing and during.memory_batches == 1
    assert "stayed locked" in (during.reason or "") and "Not a directory" in (during.reason or "")
    # The batch in memory carried the channel's new ETag: the second poll is a 304, and
    # the write that follows stores the waiting batch first.
    assert second.status == "not_modified"
    assert left == 0
    titles = [row[0] for row in run_query(config.database_path, "SELECT title FROM posts")[1]]
    assert len(titles) == len(set(titles)) == first.fetched - first.off_topic > 0
    assert not read_storage_health(config.database).failing


def test_a_full_memory_backlog_pauses_polling(
    feed_server: FeedServer, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    url = feed_server.route("/news", Reply.file(NEWS))
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    config = quick_spool(
        load_config(make_config([{"kind": "rss", "name": "news", "url": url}])),
        spool_dir=blocker / "spool",
        memory_backlog_posts=1,
    )

    async def scenario() -> tuple[bool, bool]:
        async with Fetcher(collector_settings(config)) as fetcher:
            collector = Collector(config, fetcher, build_sources(config))
            collector.prepare()
            holder = hold_file(config.database_path, 1.5)
            await collector.run(collector.jobs()[0])
            paused_while_held = collector.polling_paused
            holder.wait(timeout=10)
            await collector.catch_up()
            return paused_while_held, collector.polling_paused

    paused_while_held, paused_after = asyncio.run(scenario())
    assert paused_while_held and not paused_after
    assert read_storage_health(config.database).polling_paused is False
    assert count(config, "SELECT count(*) FROM posts") > 1
