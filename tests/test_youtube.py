"""YouTube channel feeds: videos with views and likes; broad channels keep watchlist matches."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from analytics.config import ConfigError, load_config
from analytics.store import run_query
from collector.runner import collect_once
from collector.sources import build_sources
from collector.sources.youtube import parse_videos
from tests.feedserver import FIXTURES, FeedServer, Reply

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
