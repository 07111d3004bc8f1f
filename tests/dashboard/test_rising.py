"""The Conversation page's "Fastest-growing posts": posts collected and refreshed through
the real collector from a loopback API, ranked by what they gained."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from analytics.core.config import load_config
from collector.once import collect_once
from tests.collector.test_engagement import Bluesky, bluesky_source, refresh
from tests.dashboard.test_pages import open_app, texts
from tests.support.feedserver import FeedServer


def test_conversation_lists_the_fastest_growing_posts(
    feed_server: FeedServer, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = Bluesky(feed_server, [timedelta(hours=n + 1) for n in range(3)])
    path = make_config([bluesky_source(feed_server)])
    config = load_config(path)
    asyncio.run(collect_once(config))
    refresh(config)  # every post gains 100 likes

    app = open_app(path, monkeypatch, "conversation")
    assert "Fastest-growing posts" in texts(app)
    (table,) = [d.value for d in app.dataframe if "per hour" in d.value.columns]
    assert sorted(table["gained"]) == [100, 100, 100]
    assert sorted(table["engagement"]) == sorted(
        site.likes(v["uri"]) + 2 * v["repostCount"] + v["replyCount"] for v in site.views
    )
    assert all("Heartstopper rewatch number" in post for post in table["post"])
