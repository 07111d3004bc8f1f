"""Feed post ids: a guid unique only within its feed is qualified by the feed; old files upgrade."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from analytics.core.config import load_config
from analytics.core.models import RunBatch
from analytics.core.post_ids import feed_post_id, is_global_id
from analytics.store import connect, run_query
from analytics.store.schema import migrate
from collector.http import Fetcher
from collector.once import collect_once
from collector.runner import Collector
from collector.settings import collector_settings
from collector.sources import build_sources
from collector.sources.rss import parse_feed
from collector.spool import encode_batch
from tests.support.feedserver import FIXTURES, FeedServer, Reply

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def feed(items: list[tuple[str, str, str]]) -> bytes:
    """An RSS document of (guid, title, link) items."""
    body = "".join(
        f'<item><guid isPermaLink="false">{guid}</guid><title>{title}</title>'
        f"<link>{link}</link></item>"
        for guid, title, link in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'
    ).encode()


def numbered(site: str) -> list[tuple[str, str, str]]:
    return [
        (str(i), f"Heartstopper news from {site} no. {i}", f"https://{site}.example/story/{i}")
        for i in range(1, 6)
    ]


def collect(config_path: Path) -> dict[str, int]:
    runs = asyncio.run(collect_once(load_config(config_path)))
    assert all(r.status == "ok" for r in runs), [(r.source_name, r.error) for r in runs]
    return {r.source_name: r.inserted for r in runs}


def stored(config_path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    return run_query(load_config(config_path).database_path, sql, params)[1]


@pytest.mark.parametrize(
    "native",
    [
        "https://site.example/2026/11/story",
        "http://site.example/?p=3311",
        "at://did:plc:abc/app.bsky.feed.post/3k",
        "tag:archiveofourown.org,2005:Work/80011122",
        "tag:blog.example,2026-11-20:post-1",
        "urn:uuid:6c1e0a52-5b7e-4a8e-9d3f-2f6f1c4e0002",
        "yt:video:hS3fOrEvEr01",
        "sha1-" + "0123456789abcdef" * 2 + "01234567",
    ],
)
def test_globally_unique_ids_are_kept_as_they_are(native: str) -> None:
    assert is_global_id(native)
    assert feed_post_id("rss", "https://feed.example/rss", native) == f"rss:{native}"


@pytest.mark.parametrize(
    "native",
    ["1", "post-17", "cineseries-20261118-001", "/story/1", "file:///story/1", "tag:1", "urn:x"],
)
def test_ids_unique_only_in_their_feed_are_qualified_by_it(native: str) -> None:
    assert not is_global_id(native)
    assert feed_post_id("rss", "https://feed.example/rss", native) == (
        f"rss:https://feed.example/rss#{native}"
    )


def test_google_news_guids_stay_shared_across_its_search_feeds() -> None:
    body = (FIXTURES / "feeds" / "google_news_search.xml").read_bytes()
    ids = []
    for query in ("Heartstopper", "Kit+Connor"):
        channel = f"https://news.google.com/rss/search?q={query}"
        posts = parse_feed(body, channel=channel, source_name="g", now=NOW)
        ids.append([p.post_id for p in posts])
    assert ids[0] == ids[1]
    assert all(i.startswith("rss:CBMi") for i in ids[0])


def test_two_feeds_sharing_guids_keep_every_item_under_its_own_feed(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    urls = {
        site: feed_server.route(f"/{site}", Reply(body=feed(numbered(site))))
        for site in ("alpha", "beta")
    }
    config = make_config([{"kind": "rss", "name": site, "url": url} for site, url in urls.items()])

    first = collect(config)

    served = sorted(
        (site, urls[site], title, link) for site in urls for _, title, link in numbered(site)
    )
    assert sorted(stored(config, "SELECT source_name, channel, title, url FROM posts")) == served
    assert first == {"alpha": 5, "beta": 5}
    assert collect(config) == {"alpha": 0, "beta": 0}
    assert sorted(stored(config, "SELECT source_name, channel, title, url FROM posts")) == served


def _old_post(con: duckdb.DuckDBPyConnection, post_id: str, *values: str) -> None:
    """A post and its mention as a version-7 file holds them; values: source, name, channel,
    title, url."""
    source, name, channel, title, url = values
    con.execute(
        "INSERT INTO posts (post_id, source, source_name, channel, url, title, text, created_at, "
        "collected_at, vader_compound, sentiment, sentiment_label, sentiment_version, "
        "content_hash) VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, 0, 0, 'neutral', 'v', ?)",
        [post_id, source, name, channel, url, title, NOW, NOW, title],
    )
    con.execute("INSERT INTO mentions VALUES (?, 'show:heartstopper', 'Heartstopper')", [post_id])


def test_an_old_file_gets_qualified_ids_and_a_repoll_stores_nothing_new(
    feed_server: FeedServer, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    items = [
        ("1", "Heartstopper news no. 1", "https://alpha.example/story/1"),
        ("2", "Heartstopper news no. 2", "https://alpha.example/story/2"),
        ("https://alpha.example/story/3", "Heartstopper news no. 3", "https://alpha.example/3"),
        ("tag:alpha.example,2026:4", "Heartstopper news no. 4", "https://alpha.example/story/4"),
    ]
    url = feed_server.route("/alpha", Reply(body=feed(items)))
    config = make_config([{"kind": "rss", "name": "alpha", "url": url}])
    db = load_config(config).database_path
    gnews = "https://news.google.com/rss/search?q=Heartstopper"
    with connect(db) as con:
        migrate(con, upto=7)
        for guid, title, link in items:  # as the old code stored them: rss:<guid>
            _old_post(con, f"rss:{guid}", "rss", "alpha", url, title, link)
        _old_post(con, "rss:CBMiAbc", "rss", "gnews", gnews, "Heartstopper on GN", "https://g/1")
        _old_post(con, "ao3:80011122", "ao3", "ao3", "Heartstopper", "A fic", "https://a/w/1")
        _old_post(con, "youtube:hS3fOrEvEr01", "youtube", "yt", "UCx", "A video", "https://y/1")

    inserted = collect(config)  # upgrades the file, then polls the feed again

    ids = dict(stored(config, "SELECT title, post_id FROM posts"))
    assert ids == {
        "Heartstopper news no. 1": f"rss:{url}#1",
        "Heartstopper news no. 2": f"rss:{url}#2",
        "Heartstopper news no. 3": "rss:https://alpha.example/story/3",
        "Heartstopper news no. 4": "rss:tag:alpha.example,2026:4",
        "Heartstopper on GN": "rss:CBMiAbc",
        "A fic": "ao3:80011122",
        "A video": "youtube:hS3fOrEvEr01",
    }
    # Mentions followed their posts: each post keeps exactly its one mention.
    assert sorted(stored(config, "SELECT post_id FROM mentions")) == sorted(
        (i,) for i in ids.values()
    )
    assert inserted == {"alpha": 0}
    served = sorted((title, link) for _, title, link in items)
    assert sorted(stored(config, "SELECT title, url FROM posts WHERE channel = ?", url)) == served


def test_a_batch_spooled_by_the_previous_version_is_stored_under_the_new_ids(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    url = feed_server.route("/alpha", Reply(body=feed(numbered("alpha"))))
    config_path = make_config([{"kind": "rss", "name": "alpha", "url": url}])
    config = load_config(config_path)

    async def fetch_one() -> RunBatch:
        async with Fetcher(collector_settings(config)) as fetcher:
            collector = Collector(config, fetcher, build_sources(config))
            return await collector.fetch(collector.jobs()[0])

    # What the previous version spooled: format 1, posts and mentions under rss:<guid>.
    data = encode_batch(asyncio.run(fetch_one()))
    data["format"] = 1
    for item in data["posts"]:
        guid = item["post"]["post_id"].rsplit("#", 1)[1]
        item["post"]["post_id"] = f"rss:{guid}"
        for mention in item["mentions"]:
            mention["post_id"] = f"rss:{guid}"
    assert len(data["posts"]) == 5
    config.database.spool.mkdir(parents=True)
    (config.database.spool / "00000000000000000001-1-000001.json").write_text(json.dumps(data))

    assert collect(config_path) == {"alpha": 0}  # the spooled batch went first

    served = sorted((title, link) for _, title, link in numbered("alpha"))
    assert sorted(stored(config_path, "SELECT title, url FROM posts")) == served
    assert sorted(stored(config_path, "SELECT post_id FROM mentions")) == sorted(
        stored(config_path, "SELECT post_id FROM posts")
    )
    assert all(
        i.startswith(f"rss:{url}#") for (i,) in stored(config_path, "SELECT post_id FROM posts")
    )
