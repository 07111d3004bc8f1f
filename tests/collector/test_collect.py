"""Collection end to end in-process: loopback feeds → matching → sentiment → a real DuckDB file."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analytics.core.config import load_config
from analytics.store import run_query
from collector.once import collect_once
from collector.spool import Spool
from tests.e2e.test_cli import fanpulse
from tests.support.daemon_harness import hold_read_write
from tests.support.feedserver import FeedServer, Reply

NEWS = "feeds/rss2_news.xml"
GNEWS = "feeds/google_news_search.xml"
ATOM = "feeds/atom_blog.atom"


def sources(server: FeedServer) -> list[dict[str, str]]:
    return [
        {
            "kind": "rss",
            "name": "news",
            "url": server.route("/news", Reply.file(NEWS, etag='"n1"')),
        },
        {"kind": "rss", "name": "gnews", "url": server.route("/gnews", Reply.file(GNEWS))},
        {"kind": "rss", "name": "blog", "url": server.route("/blog", Reply.file(ATOM))},
        {"kind": "rss", "name": "broken", "url": server.route("/broken", Reply(status=500))},
        {"kind": "rss", "name": "slow", "url": server.route("/slow", Reply.file(NEWS, delay=5))},
        {
            "kind": "rss",
            "name": "html",
            "url": server.route(
                "/html", Reply.file("feeds/not_a_feed.html", content_type="text/html")
            ),
        },
    ]


def collect(config_path: Path):
    return {r.source_name: r for r in asyncio.run(collect_once(load_config(config_path)))}


def rows(config_path: Path, sql: str):
    return run_query(load_config(config_path).database_path, sql)[1]


def test_collects_matches_scores_and_records(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    config = make_config(sources(feed_server))
    runs = collect(config)

    assert {name: r.status for name, r in runs.items()} == {
        "news": "ok", "gnews": "ok", "blog": "ok",
        "broken": "error", "slow": "error", "html": "error",
    }  # fmt: skip
    assert "HTTP 500" in (runs["broken"].error or "")
    assert "timeout" in (runs["slow"].error or "")
    assert "not an RSS or Atom feed" in (runs["html"].error or "")
    for name in ("news", "gnews", "blog"):
        assert runs[name].inserted > 0
        assert runs[name].fetched == runs[name].inserted + runs[name].off_topic

    total = sum(r.inserted for r in runs.values())
    assert rows(config, "SELECT count(*) FROM posts") == [(total,)]
    # every stored post is linked to something watched; nothing is orphaned
    assert rows(
        config, "SELECT count(*) FROM posts WHERE post_id NOT IN (SELECT post_id FROM mentions)"
    ) == [(0,)]
    assert rows(
        config,
        "SELECT count(*) FROM mentions WHERE entity_id NOT IN (SELECT entity_id FROM entities)",
    ) == [(0,)]

    vader = SentimentIntensityAnalyzer()
    for title, text, compound in rows(config, "SELECT title, text, vader_compound FROM posts"):
        joined = f"{title}\n{text}" if title else text
        assert compound == vader.polarity_scores(joined[:1500])["compound"]

    runs_table = rows(
        config, "SELECT source_name, status, inserted FROM collection_runs ORDER BY source_name"
    )
    assert {(n, s) for n, s, _ in runs_table} == {(n, r.status) for n, r in runs.items()}
    failing = rows(
        config,
        "SELECT consecutive_failures, last_error IS NOT NULL FROM source_state "
        "WHERE source_name = 'broken'",
    )
    assert failing == [(1, True)]


def test_second_run_is_idempotent_and_uses_conditional_get(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    config = make_config(sources(feed_server)[:3])
    first = collect(config)
    stored = rows(config, "SELECT count(*) FROM posts")[0][0]
    second = collect(config)

    assert stored == sum(r.inserted for r in first.values()) > 0
    assert rows(config, "SELECT count(*) FROM posts") == [(stored,)]
    assert all(r.inserted == 0 for r in second.values())
    assert second["news"].status == "not_modified"
    assert feed_server.hits("/news")[-1].headers.get("If-None-Match") == '"n1"'
    assert rows(config, "SELECT etag FROM source_state WHERE source_name = 'news'") == [('"n1"',)]


def test_off_topic_posts_are_counted_not_stored(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Sport</title>'
        b'<item><guid isPermaLink="false">a</guid>'
        b"<title>Nick scores twice as United win</title></item>"
        b'<item><guid isPermaLink="false">b</guid><title>Kit Connor joins new film</title></item>'
        b"</channel></rss>"
    )
    config = make_config(
        [{"kind": "rss", "name": "sport", "url": feed_server.route("/s", Reply(body=body))}]
    )
    runs = collect(config)
    assert (runs["sport"].fetched, runs["sport"].inserted, runs["sport"].off_topic) == (2, 1, 1)
    assert rows(config, "SELECT title FROM posts") == [("Kit Connor joins new film",)]


def test_a_fan_channel_gives_its_show_as_context(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>r/Heartstopper</title>'
        b"<item><guid>p1</guid><title>Nick's face in ep 3 when Charlie smiled</title></item>"
        b"</channel></rss>"
    )
    url = feed_server.route("/r", Reply(body=body))
    config = make_config([{"kind": "rss", "name": "fans", "url": url, "show": "heartstopper"}])
    collect(config)
    mentioned = {r[0] for r in rows(config, "SELECT entity_id FROM mentions")}
    assert mentioned == {"show:heartstopper", "character:nick-nelson", "character:charlie-spring"}


def test_collect_once_on_a_file_held_read_write_spools_and_exits_0(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    """Another process has the file open read-write for the whole run: the batches go to
    the spool, the command says so and exits 0, and the next run stores them, once."""
    config = make_config(
        sources(feed_server)[:3], database_options={"spool_after": "1s", "lock_timeout": "30s"}
    )
    loaded = load_config(config)
    holder = hold_read_write(loaded.database_path, 60)
    try:
        started = time.monotonic()
        held = fanpulse(config, "collect", "--once")
        took = time.monotonic() - started
    finally:
        holder.terminate()
        holder.wait(timeout=10)
    assert held.returncode == 0, held.stdout + held.stderr
    assert "3 batches spooled; they will be stored by the next run" in held.stdout
    assert took < 25  # not the 30 s lock timeout: it spools after spool_after
    spool = Spool(loaded.database.spool)
    spooled = {item.post.title for file in spool.pending() for item in spool.load(file).posts}
    assert len(spool.pending()) == 3 and len(spooled) > 10

    again = fanpulse(config, "collect", "--once")
    assert again.returncode == 0, again.stdout + again.stderr
    assert not spool.pending()
    stored = [row[0] for row in rows(config, "SELECT title FROM posts")]
    assert len(stored) == len(set(stored))  # nothing stored twice
    assert set(stored) == spooled  # what the held run fetched, no more and no less
    assert rows(config, "SELECT count(DISTINCT batch_id), count(*) FROM collection_runs") == [
        (6, 6)
    ]
