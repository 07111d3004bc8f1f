"""Bluesky: search with an app-password session (reused, refreshed once), keyless author feeds."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from analytics.core.config import load_config
from analytics.store import run_query
from collector.once import collect_once
from collector.sources.bluesky import parse_post_views
from tests.conftest import SHARED
from tests.support.feedserver import FIXTURES, FeedServer, Reply

DIR = FIXTURES / "bluesky"
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
LOGIN = "/xrpc/com.atproto.server.createSession"
REFRESH = "/xrpc/com.atproto.server.refreshSession"
AUTHOR = "/xrpc/app.bsky.feed.getAuthorFeed"
PASSWORD = "app-pass-word-1234"


def reply(name: str, status: int = 200) -> Reply:
    return Reply(
        status=status, body=(DIR / f"{name}.json").read_bytes(), content_type="application/json"
    )


def expired() -> Reply:
    body = b'{"error":"ExpiredToken","message":"Token has expired"}'
    return Reply(status=400, body=body, content_type="application/json")


def config_for(make_config: Callable[..., Path], server: FeedServer) -> Path:
    source = {"kind": "bluesky", "name": "bsky", "base_url": server.base_url}
    source |= {"public_url": server.base_url, "queries": ["heartstopper"]}
    return make_config([source | {"authors": ["kitconnor.bsky.social"]}])


def test_post_views_parse_with_engagement_and_language() -> None:
    views = json.loads((DIR / "searchPosts_page1.json").read_text("utf-8"))["posts"]
    posts = parse_post_views(views, "search:heartstopper", "bsky")
    first = posts[0]
    assert first.post_id == "bluesky:at://did:plc:aaaa1111/app.bsky.feed.post/3lzkq2a1b2c3d"
    assert first.url == "https://bsky.app/profile/nickcharlie.bsky.social/post/3lzkq2a1b2c3d"
    assert (first.likes, first.shares, first.replies, first.lang) == (812, 140, 33, "en")


@pytest.mark.skipif(not (SHARED / "fixtures").is_dir(), reason="../shared/fixtures not present")
def test_real_search_recording_parses() -> None:
    views = json.loads((SHARED / "fixtures" / "bluesky_searchPosts.json").read_text("utf-8"))[
        "posts"
    ]
    posts = parse_post_views(views, "search:x", "bsky")
    assert len(posts) == len(views) and all(p.text and p.author for p in posts)


def test_without_credentials_search_is_skipped_with_a_note_and_author_feeds_work(
    feed_server: FeedServer,
    make_config: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.delenv("BLUESKY_HANDLE", raising=False)
    monkeypatch.delenv("BLUESKY_APP_PASSWORD", raising=False)
    feed_server.route(AUTHOR, reply("getAuthorFeed"))
    config = load_config(config_for(make_config, feed_server))
    with caplog.at_level(logging.WARNING):
        runs = asyncio.run(collect_once(config))
    assert [(r.channel, r.status, r.inserted) for r in runs] == [
        ("author:kitconnor.bsky.social", "ok", 1)
    ]
    assert "search skipped: set BLUESKY_HANDLE and BLUESKY_APP_PASSWORD" in caplog.text
    assert not feed_server.hits(LOGIN) and not feed_server.hits(SEARCH)
    from collector.sources import build_sources

    assert "search off: set BLUESKY_HANDLE" in build_sources(config)[0].auth_status()


def test_search_logs_in_once_pages_and_never_stores_secrets(
    feed_server: FeedServer,
    make_config: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("BLUESKY_HANDLE", "fanpulse.bsky.social")
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", PASSWORD)
    feed_server.route(LOGIN, reply("createSession"))
    feed_server.route(SEARCH, reply("searchPosts_page1"), reply("searchPosts_page2"))
    feed_server.route(AUTHOR, reply("getAuthorFeed"))
    config = config_for(make_config, feed_server)
    with caplog.at_level(logging.DEBUG):
        runs = {r.channel: r for r in asyncio.run(collect_once(load_config(config)))}
    assert runs["search:heartstopper"].inserted == 3
    assert len(feed_server.hits(LOGIN)) == 1
    searches = feed_server.hits(SEARCH)
    assert all(r.headers["Authorization"] == "Bearer access-1" for r in searches)
    assert "cursor=page2token" in searches[1].path
    db = load_config(config).database_path
    assert run_query(db, "SELECT cursor FROM source_state WHERE channel = 'search:heartstopper'")[
        1
    ] == [("2026-11-24T20:01:11.000Z",)]
    dump = json.dumps(run_query(db, "SELECT * FROM source_state")[1], default=str)
    dump += json.dumps(run_query(db, "SELECT * FROM collection_runs")[1], default=str)
    for secret in (PASSWORD, "access-1", "refresh-1"):
        assert secret not in dump and secret not in caplog.text


def test_an_expired_session_is_refreshed_once(
    feed_server: FeedServer, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BLUESKY_HANDLE", "fanpulse.bsky.social")
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", PASSWORD)
    feed_server.route(LOGIN, reply("createSession"))
    feed_server.route(REFRESH, reply("refreshSession"))
    feed_server.route(SEARCH, expired(), reply("searchPosts_page2"))
    feed_server.route(AUTHOR, reply("getAuthorFeed"))
    runs = {
        r.channel: r
        for r in asyncio.run(collect_once(load_config(config_for(make_config, feed_server))))
    }
    assert runs["search:heartstopper"].status == "ok"
    assert len(feed_server.hits(LOGIN)) == 1 and len(feed_server.hits(REFRESH)) == 1
    assert feed_server.hits(REFRESH)[0].headers["Authorization"] == "Bearer refresh-1"
    assert feed_server.hits(SEARCH)[-1].headers["Authorization"] == "Bearer access-2"


def test_a_wrong_password_is_a_credentials_error(
    feed_server: FeedServer, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BLUESKY_HANDLE", "fanpulse.bsky.social")
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "wrong")
    feed_server.route(LOGIN, Reply(status=401, body=b'{"error":"AuthenticationRequired"}'))
    feed_server.route(AUTHOR, reply("getAuthorFeed"))
    runs = {
        r.channel: r
        for r in asyncio.run(collect_once(load_config(config_for(make_config, feed_server))))
    }
    error = runs["search:heartstopper"].error or ""
    assert "login for fanpulse.bsky.social failed (HTTP 401)" in error and "wrong" not in error
    assert runs["author:kitconnor.bsky.social"].status == "ok"
