"""Reposts, boosts and crossposts are engagement of the original, never posts of their own.

Each test serves an original and a repost of it over loopback and compares what it served
(ids, links, counts it wrote) with what the real DuckDB file holds.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from analytics.core.config import load_config
from analytics.store import run_query
from collector.once import collect_once
from tests.support.feedserver import FeedServer, Reply

ORIGINAL_PERMALINK = "/r/HeartstopperFans/comments/1hq0001/season_three_finale_thread/"


def json_reply(payload: Any) -> Reply:
    return Reply(body=json.dumps(payload).encode("utf-8"), content_type="application/json")


def stored(config: Path, sql: str) -> list[tuple[Any, ...]]:
    return run_query(load_config(config).database_path, sql)[1]


def reddit_link(name: str, permalink: str, title: str, ups: int, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "created_utc": 1795000000.0,
        "permalink": permalink,
        "title": title,
        "selftext": "",
        "author": extra.pop("author", "fan_a"),
        "ups": ups,
        "score": ups,
        "num_comments": extra.pop("num_comments", 3),
        **extra,
    }


def test_a_reddit_crosspost_is_stored_as_its_original_with_the_originals_counts(
    feed_server: FeedServer, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in (("ID", "id"), ("SECRET", "secret"), ("USER_AGENT", "linux:t:0.1")):
        monkeypatch.setenv(f"REDDIT_CLIENT_{name}" if name != "USER_AGENT" else "REDDIT_USER_AGENT",
                           value)  # fmt: skip
    original = reddit_link(
        "t3_1hq0001",
        ORIGINAL_PERMALINK,
        "Heartstopper season three finale thread",
        4200,
        num_comments=610,
        num_crossposts=2,
    )
    crosspost = reddit_link(
        "t3_1hq0777",
        "/r/Heartstopper/comments/1hq0777/season_three_finale_thread/",
        "Heartstopper season three finale thread",
        12,
        author="reposter",
        crosspost_parent="t3_1hq0001",
        crosspost_parent_list=[original],
    )
    listing = {"kind": "Listing", "data": {"children": [{"kind": "t3", "data": crosspost}]}}
    feed_server.route("/api/v1/access_token", json_reply({"access_token": "t", "expires_in": 3600}))
    feed_server.route("/r/Heartstopper/new", json_reply(listing))
    no_comments = {"kind": "Listing", "data": {"children": []}}
    feed_server.route("/r/Heartstopper/comments", json_reply(no_comments))
    source = {"kind": "reddit", "name": "reddit", "base_url": feed_server.base_url}
    source |= {"auth_url": feed_server.url("/api/v1/access_token")}
    config = make_config([source | {"subreddits": ["r/Heartstopper"], "show": "heartstopper"}])

    runs = asyncio.run(collect_once(load_config(config)))

    assert {r.status for r in runs} == {"ok"}, [r.error for r in runs]
    assert stored(config, "SELECT post_id, url, author, likes, shares, replies FROM posts") == [
        (
            "reddit:t3_1hq0001",
            f"https://www.reddit.com{ORIGINAL_PERMALINK}",
            "fan_a",
            4200,
            2,
            610,
        )
    ]


def bluesky_view(rkey: str, handle: str, text: str, likes: int, reposts: int) -> dict[str, Any]:
    return {
        "uri": f"at://did:plc:{handle}/app.bsky.feed.post/{rkey}",
        "author": {"did": f"did:plc:{handle}", "handle": f"{handle}.bsky.social"},
        "record": {"text": text, "createdAt": "2026-11-22T12:00:00.000Z", "langs": ["en"]},
        "replyCount": 5,
        "repostCount": reposts,
        "likeCount": likes,
        "indexedAt": "2026-11-22T12:00:01.000Z",
    }


def test_a_bluesky_repost_in_an_author_feed_is_the_original_post(
    feed_server: FeedServer, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BLUESKY_HANDLE", raising=False)
    monkeypatch.delenv("BLUESKY_APP_PASSWORD", raising=False)
    reposted = bluesky_view("3orig", "netflix", "The Heartstopper Forever trailer is here", 900, 40)
    own = bluesky_view("3own", "kitconnor", "Heartstopper fans, thank you", 300, 7)
    by = {"did": "did:plc:kitconnor", "handle": "kitconnor.bsky.social"}
    feed = {
        "feed": [
            {"post": reposted, "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": by}},
            {"post": own},
        ]
    }
    feed_server.route("/xrpc/app.bsky.feed.getAuthorFeed", json_reply(feed))
    source = {"kind": "bluesky", "name": "bsky", "base_url": feed_server.base_url}
    source |= {"public_url": feed_server.base_url, "authors": ["kitconnor.bsky.social"]}
    config = make_config([source])

    asyncio.run(collect_once(load_config(config)))

    assert stored(config, "SELECT post_id, author, likes, shares FROM posts ORDER BY 1") == [
        ("bluesky:at://did:plc:kitconnor/app.bsky.feed.post/3own", "kitconnor.bsky.social", 300, 7),
        ("bluesky:at://did:plc:netflix/app.bsky.feed.post/3orig", "netflix.bsky.social", 900, 40),
    ]


def test_a_mastodon_boost_is_the_boosted_status(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    status = {
        "id": "111",
        "uri": "https://mastodon.example/users/alice/statuses/111",
        "url": "https://mastodon.example/@alice/111",
        "created_at": "2026-11-22T12:00:00.000Z",
        "account": {"acct": "alice@mastodon.example"},
        "content": "<p>Heartstopper forever</p>",
        "favourites_count": 50,
        "reblogs_count": 9,
        "replies_count": 2,
    }
    boost = {
        **status,
        "id": "222",
        "uri": "https://other.example/users/bob/statuses/222/activity",
        "url": None,
        "account": {"acct": "bob@other.example"},
        "content": "",
        "favourites_count": 0,
        "reblogs_count": 0,
        "reblog": status,
    }
    feed_server.route("/api/v1/timelines/tag/heartstopper", json_reply([boost]))
    source = {"kind": "mastodon", "name": "masto", "base_url": feed_server.base_url}
    config = make_config([source | {"tags": ["heartstopper"]}])

    asyncio.run(collect_once(load_config(config)))

    assert stored(config, "SELECT post_id, author, likes, shares FROM posts") == [
        ("mastodon:https://mastodon.example/users/alice/statuses/111", "alice@mastodon.example",
         50, 9)
    ]  # fmt: skip
