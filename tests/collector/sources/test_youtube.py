"""YouTube channel feeds: videos with views and likes; broad channels keep watchlist matches."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from analytics.core.config import ConfigError, load_config
from analytics.store import run_query
from collector.once import collect_once
from collector.sources import build_sources
from collector.sources.youtube import parse_videos
from tests.support.feedserver import FIXTURES, FeedServer, Reply

FEED = FIXTURES / "youtube" / "channel_feed.xml"
NETFLIX = "UCWOA1ZGywLbqmigxE4Qlvuw"


def test_videos_parse_with_views_and_likes() -> None:
    posts = parse_videos(
        FEED.read_bytes(), channel=NETFLIX, source_name="yt", now=datetime(2026, 11, 25, tzinfo=UTC)
    )
    first = posts[0]
    assert first.post_id == "youtube:hS3fOrEvEr01"
    assert (first.views, first.likes, first.post_kind) == (3120544, 48211, "video")
    assert first.url == "https://www.youtube.com/watch?v=hS3fOrEvEr01"
    assert "Kit Connor and Joe Locke return" in first.text
    assert first.created_at == datetime(2026, 11, 20, 16, 0, 4, tzinfo=UTC)


def test_channel_poll_keeps_watchlist_videos_and_refreshes_counts(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    grown = FEED.read_bytes().replace(b'views="3120544"', b'views="3500000"')
    feed_server.route("/feeds/videos.xml", Reply(body=FEED.read_bytes()), Reply(body=grown))
    config = make_config(
        [
            {
                "kind": "youtube",
                "name": "yt",
                "base_url": feed_server.base_url,
                "channel_ids": [NETFLIX],
            }
        ]
    )
    first = asyncio.run(collect_once(load_config(config)))[0]
    assert (first.fetched, first.inserted, first.off_topic) == (3, 2, 1)
    assert feed_server.hits("/feeds/videos.xml")[0].path.endswith(f"channel_id={NETFLIX}")
    second = asyncio.run(collect_once(load_config(config)))[0]
    assert second.inserted == 0
    db = load_config(config).database_path
    _, rows = run_query(db, "SELECT views FROM posts WHERE post_id = 'youtube:hS3fOrEvEr01'")
    assert rows == [(3500000,)]


def test_channel_ids_are_validated(make_config: Callable[..., Path]) -> None:
    config = make_config([{"kind": "youtube", "name": "yt", "channel_ids": ["netflix"]}])
    with pytest.raises(ConfigError, match="'netflix' is not a channel id"):
        build_sources(load_config(config))


COMMENTS = "/commentThreads"
KEY = "yt-secret-key-123"


def json_reply(name: str, status: int = 200) -> Reply:
    body = (FIXTURES / "youtube" / f"{name}.json").read_bytes()
    return Reply(status=status, body=body, content_type="application/json")


def comments_config(make_config: Callable[..., Path], server: FeedServer, **extra: object) -> Path:
    source = {"kind": "youtube", "name": "yt", "api_url": server.base_url, "show": "heartstopper"}
    return make_config([source | {"video_ids": ["hS3fOrEvEr01"]} | extra])


def test_comments_page_to_the_cursor_and_never_store_the_key(
    feed_server: FeedServer, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YOUTUBE_API_KEY", KEY)
    feed_server.route(
        COMMENTS,
        json_reply("comment_threads_page1"),
        json_reply("comment_threads_page2"),
        json_reply("comment_threads_page1"),
    )
    config = comments_config(make_config, feed_server)
    first = asyncio.run(collect_once(load_config(config)))[0]
    assert (first.channel, first.inserted) == ("comments:hS3fOrEvEr01", 3)
    hits = feed_server.hits(COMMENTS)
    assert f"key={KEY}" in hits[0].path and "pageToken=NEXT1" in hits[1].path
    second = asyncio.run(collect_once(load_config(config)))[0]
    assert second.inserted == 0 and len(feed_server.hits(COMMENTS)) == 3  # stopped at the cursor
    db = load_config(config).database_path
    _, rows = run_query(db, "SELECT post_kind, likes, replies, url FROM posts ORDER BY likes DESC")
    assert rows[0] == (
        "comment",
        320,
        12,
        "https://www.youtube.com/watch?v=hS3fOrEvEr01&lc=UgzAAA1",
    )
    dump = str(run_query(db, "SELECT * FROM source_state")[1])
    dump += str(run_query(db, "SELECT * FROM collection_runs")[1])
    assert KEY not in dump


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("error_comments_disabled", "comments are disabled on video hS3fOrEvEr01"),
        ("error_quota_exceeded", "quota for YOUTUBE_API_KEY is exhausted (quotaExceeded)"),
    ],
)
def test_disabled_comments_and_exhausted_quota_are_told_apart(
    feed_server: FeedServer,
    make_config: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    fixture: str,
    message: str,
) -> None:
    monkeypatch.setenv("YOUTUBE_API_KEY", KEY)
    feed_server.route(COMMENTS, json_reply(fixture, status=403))
    run = asyncio.run(collect_once(load_config(comments_config(make_config, feed_server))))[0]
    assert run.status == "error" and message in (run.error or "")
    assert KEY not in (run.error or "")


def test_quota_budget_stops_before_exhaustion(
    feed_server: FeedServer, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YOUTUBE_API_KEY", KEY)
    feed_server.route(COMMENTS, json_reply("comment_threads_page1"))  # always another page
    config = comments_config(make_config, feed_server, daily_quota_budget=2)
    run = asyncio.run(collect_once(load_config(config)))[0]
    assert run.status == "error" and "quota budget of 2 units used today" in (run.error or "")
    assert len(feed_server.hits(COMMENTS)) == 2


def test_without_a_key_comments_are_off_and_said_so(
    make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("YOUTUBE_API_KEY", raising=False)
    config = make_config([{"kind": "youtube", "name": "yt", "video_ids": ["hS3fOrEvEr01"]}])
    (source,) = build_sources(load_config(config))
    assert source.channels() == []
    assert "comments off: set YOUTUBE_API_KEY" in source.auth_status()
