"""Reddit: app-only token, listings paged to the cursor, comments, rate limits, RSS fallback."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from analytics.core.config import load_config
from analytics.store import run_query
from collector.once import collect_once
from collector.sources.reddit import parse_listing_page, parse_things
from tests.support.feedserver import FIXTURES, FeedServer, Reply

DIR = FIXTURES / "reddit"
TOKEN, NEW, COMMENTS = "/api/v1/access_token", "/r/Heartstopper/new", "/r/Heartstopper/comments"
AGENT = "linux:fanpulse-test:0.1 (by /u/fanpulse)"


def reply(name: str, **headers: str) -> Reply:
    return Reply(
        body=(DIR / f"{name}.json").read_bytes(), content_type="application/json", headers=headers
    )


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDDIT_CLIENT_ID", "client-id")
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", "client-secret")
    monkeypatch.setenv("REDDIT_USER_AGENT", AGENT)


def config_for(make_config: Callable[..., Path], server: FeedServer) -> Path:
    source = {"kind": "reddit", "name": "reddit", "base_url": server.base_url}
    source |= {"auth_url": server.url(TOKEN), "rss_url": server.base_url}
    return make_config([source | {"subreddits": ["r/Heartstopper"], "show": "heartstopper"}])


def test_listing_parses_posts_and_comments_with_scores() -> None:
    things, after = parse_listing_page(json.loads((DIR / "new_page1.json").read_text("utf-8")))
    posts = parse_things(things, channel="r/Heartstopper", source_name="r")
    assert after == "t3_1h9yb02"
    first = posts[0]
    assert first.post_id == "reddit:t3_1h9zc01" and first.post_kind == "post"
    assert (first.score, first.likes, first.replies) == (1840, 1840, 212)
    assert first.text == "Nick & Charlie at the station... I'm not okay 😭"
    assert first.url == "https://www.reddit.com/r/Heartstopper/comments/1h9zc01/slug/"
    comments, _ = parse_listing_page(json.loads((DIR / "comments.json").read_text("utf-8")))
    (comment,) = parse_things(comments, channel="c", source_name="r")
    assert comment.post_kind == "comment" and comment.title is None and comment.score == 95


def test_token_then_pages_until_the_cursor(
    feed_server: FeedServer, make_config: Callable[..., Path], credentials: None
) -> None:
    feed_server.route(TOKEN, reply("token"))
    feed_server.route(
        NEW,
        reply("new_page1"),
        reply("new_page2"),
        reply("new_newer", **{"x-ratelimit-remaining": "590"}),
    )
    feed_server.route(COMMENTS, reply("comments"))
    config = config_for(make_config, feed_server)
    first = {r.channel: r for r in asyncio.run(collect_once(load_config(config)))}
    assert first["r/Heartstopper"].inserted == 3 and first["r/Heartstopper/comments"].inserted == 1

    token_request = feed_server.hits(TOKEN)[0]
    expected = base64.b64encode(b"client-id:client-secret").decode()
    assert token_request.headers["Authorization"] == f"Basic {expected}"
    assert token_request.body == b"grant_type=client_credentials"
    listing = feed_server.hits(NEW)
    assert all(r.headers["Authorization"] == "bearer reddit-token-1" for r in listing)
    assert all(r.headers["User-Agent"] == AGENT for r in listing)
    assert "raw_json=1" in listing[0].path and "after=t3_1h9yb02" in listing[1].path

    second = {r.channel: r for r in asyncio.run(collect_once(load_config(config)))}
    assert (
        second["r/Heartstopper"].inserted == 1
    )  # only the newer post; paging stopped at the cursor
    assert len(feed_server.hits(NEW)) == 3
    db = load_config(config).database_path
    _, scores = run_query(
        db, "SELECT score, replies FROM posts WHERE post_id = 'reddit:t3_1h9zc01'"
    )
    assert scores == [(1999, 240)]  # engagement refreshed on the second sight


def test_low_rate_limit_stops_paging(
    feed_server: FeedServer, make_config: Callable[..., Path], credentials: None
) -> None:
    feed_server.route(TOKEN, reply("token"))
    feed_server.route(
        NEW, reply("new_page1", **{"x-ratelimit-remaining": "2", "x-ratelimit-reset": "300"})
    )
    feed_server.route(COMMENTS, reply("comments"))
    asyncio.run(collect_once(load_config(config_for(make_config, feed_server))))
    assert len(feed_server.hits(NEW)) == 1  # page 2 waits for the next poll


def test_rejected_credentials_are_reported_and_do_not_stop_others(
    feed_server: FeedServer, make_config: Callable[..., Path], credentials: None
) -> None:
    feed_server.route(TOKEN, Reply(status=401, body=b'{"message": "Unauthorized", "error": 401}'))
    news = feed_server.route("/news", Reply.file("feeds/rss2_news.xml"))
    config = config_for(make_config, feed_server)
    config.write_text(
        config.read_text() + f'[[sources]]\nkind = "rss"\nname = "news"\nurl = "{news}"\n'
    )
    runs = {r.source_name: r for r in asyncio.run(collect_once(load_config(config)))}
    assert "Reddit rejected the app credentials (HTTP 401)" in (runs["reddit"].error or "")
    assert "client-secret" not in (runs["reddit"].error or "")
    assert runs["news"].status == "ok" and runs["news"].inserted > 0


def test_without_credentials_the_rss_fallback_has_no_scores(
    feed_server: FeedServer, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET", "REDDIT_USER_AGENT"):
        monkeypatch.delenv(name, raising=False)
    feed_server.route("/r/Heartstopper/new/.rss", Reply.file("reddit/new.rss"))
    config = config_for(make_config, feed_server)
    (run,) = asyncio.run(collect_once(load_config(config)))
    assert (run.channel, run.inserted) == ("r/Heartstopper", 1)
    db = load_config(config).database_path
    _, rows = run_query(db, "SELECT post_id, score, post_kind, text FROM posts")
    assert rows == [
        ("reddit:t3_1h9zc01", None, "post", "Nick & Charlie at the station... I'm not okay 😭")
    ]
    from collector.sources import build_sources

    assert "RSS fallback, no scores" in build_sources(load_config(config))[0].auth_status()
    assert not feed_server.hits(TOKEN)
