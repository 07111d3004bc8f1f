"""Counts that keep growing: posts collected through the real pipeline, then refreshed from
loopback APIs that answer in the platforms' recorded shapes with counts that grow on every
lookup; stored counts and their history are compared with what was served."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from analytics.core.config import AppConfig, load_config
from analytics.store import run_query
from collector.engagement import EngagementRefresher, RefreshReport
from collector.http import Fetcher
from collector.once import collect_once
from collector.settings import collector_settings
from collector.sources import build_sources
from tests.support.daemon_harness import hold_read_write
from tests.support.feedserver import FeedServer, Reply, SeenRequest

GET_POSTS = "/xrpc/app.bsky.feed.getPosts"
AUTHOR_FEED = "/xrpc/app.bsky.feed.getAuthorFeed"
STATUSES = "/api/v1/statuses"
TAG = "/api/v1/timelines/tag/heartstopper"
TOKEN, NEW, INFO = "/api/v1/access_token", "/r/Heartstopper/new", "/api/info"
VIDEOS, CHANNEL_FEED = "/videos", "/feeds/videos.xml"
NETFLIX = "UCWOA1ZGywLbqmigxE4Qlvuw"


def json_reply(payload: Any, status: int = 200, **headers: str) -> Reply:
    return Reply(
        status=status,
        body=json.dumps(payload).encode(),
        content_type="application/json",
        headers=headers,
    )


def query(request: SeenRequest) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.path).query)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def stored(config: AppConfig, sql: str) -> list[tuple[Any, ...]]:
    return run_query(config.database_path, sql)[1]


def refresh(config: AppConfig, refresher_now: datetime | None = None) -> RefreshReport:
    """One refresh of every configured source, as the daemon runs it."""

    async def run() -> RefreshReport:
        async with Fetcher(collector_settings(config)) as fetcher:
            refresher = EngagementRefresher(config, fetcher, build_sources(config))
            return await refresher.refresh(refresher_now or datetime.now(UTC), asyncio.Lock())

    return asyncio.run(run())


# ---- Bluesky ----------------------------------------------------------------------------


def post_view(n: int, created: datetime, likes: int) -> dict[str, Any]:
    """An ``app.bsky.feed.defs#postView`` as getAuthorFeed and getPosts give it."""
    return {
        "uri": f"at://did:plc:fan{n:04d}/app.bsky.feed.post/3post{n:04d}",
        "cid": f"bafyrei{n:04d}",
        "author": {"did": f"did:plc:fan{n:04d}", "handle": f"fan{n}.bsky.social"},
        "record": {
            "$type": "app.bsky.feed.post",
            "text": f"Heartstopper rewatch number {n}",
            "createdAt": iso(created),
            "langs": ["en"],
        },
        "replyCount": n,
        "repostCount": 2 * n,
        "likeCount": likes,
        "quoteCount": 0,
        "indexedAt": iso(created),
    }


class Bluesky:
    """Author feed of ``count`` posts, and getPosts answering with likes that grow by 100 on
    every lookup of a post (post ``n`` starts at ``n`` likes)."""

    def __init__(self, server: FeedServer, ages: list[timedelta]) -> None:
        now = datetime.now(UTC)
        self.views = [post_view(n, now - age, n) for n, age in enumerate(ages)]
        self.lookups: dict[str, int] = {}
        server.route(AUTHOR_FEED, json_reply({"feed": [{"post": v} for v in self.views]}))
        server.route_answer(GET_POSTS, self.answer)

    def answer(self, request: SeenRequest) -> Reply:
        uris = query(request).get("uris", [])
        found = []
        for view in self.views:
            if view["uri"] in uris:
                self.lookups[view["uri"]] = self.lookups.get(view["uri"], 0) + 1
                found.append(view | {"likeCount": self.likes(view["uri"])})
        return json_reply({"posts": found})

    def likes(self, uri: str) -> int:
        n = int(uri[-4:])
        return n + 100 * self.lookups.get(uri, 0)


def bluesky_source(server: FeedServer) -> dict[str, Any]:
    return {
        "kind": "bluesky",
        "name": "bsky",
        "public_url": server.base_url,
        "authors": ["fans.bsky.social"],
        "show": "heartstopper",
    }


def engagement(**settings: Any) -> dict[str, Any]:
    return {"engagement": {"refresh_for": "7d", "max_calls": 20} | settings}


def test_bluesky_counts_grow_in_batches_of_25_and_each_change_is_history(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    site = Bluesky(feed_server, [timedelta(hours=n + 1) for n in range(60)])
    config = load_config(make_config([bluesky_source(feed_server)], collector=engagement()))
    asyncio.run(collect_once(config))
    assert stored(config, "SELECT count(*) FROM engagement_history") == [(60,)]  # first sight

    report = refresh(config)
    calls = [query(r)["uris"] for r in feed_server.hits(GET_POSTS)]
    assert sorted(len(uris) for uris in calls) == [10, 25, 25]
    assert sorted(u for uris in calls for u in uris) == sorted(v["uri"] for v in site.views)
    assert report.stored and report.results["bsky"].calls == 3

    refresh(config)  # the counts grow again
    likes = dict(stored(config, "SELECT post_id, likes FROM posts"))
    assert likes == {f"bluesky:{v['uri']}": site.likes(v["uri"]) for v in site.views}
    assert min(likes.values()) >= 200
    history = stored(
        config,
        "SELECT post_id, list(likes ORDER BY observed_at) FROM engagement_history GROUP BY 1",
    )
    first = {f"bluesky:{v['uri']}": v["likeCount"] for v in site.views}
    assert {post: seen for post, seen in history} == {
        post: [n, n + 100, n + 200] for post, n in first.items()
    }


def test_posts_older_than_refresh_for_are_not_asked_for(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    ages = [timedelta(days=1), timedelta(days=3), timedelta(days=9), timedelta(days=20)]
    site = Bluesky(feed_server, ages)
    config = load_config(make_config([bluesky_source(feed_server)], collector=engagement()))
    asyncio.run(collect_once(config))
    refresh(config)
    (call,) = feed_server.hits(GET_POSTS)
    assert sorted(query(call)["uris"]) == sorted(v["uri"] for v in site.views[:2])
    rows = stored(config, "SELECT likes FROM posts ORDER BY created_at")
    assert rows == [(3,), (2,), (101,), (100,)]  # the old ones keep their first-seen counts


def test_storage_held_by_another_process_drops_the_refresh_and_asks_again(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    site = Bluesky(feed_server, [timedelta(hours=1), timedelta(hours=2)])
    config = load_config(
        make_config(
            [bluesky_source(feed_server)],
            collector=engagement() | {"timeout": "10s"},
            database_options={"spool_after": "1s"},
        )
    )
    asyncio.run(collect_once(config))
    holders = []

    def answer_then_hold(request: SeenRequest) -> Reply:
        reply = site.answer(request)
        if not holders:  # an analyst opens the file while the answer is on its way
            holders.append(hold_read_write(config.database_path, 3))
        return reply

    feed_server.route_answer(GET_POSTS, answer_then_hold)
    report = refresh(config)
    holders[0].wait(timeout=20)
    assert not report.stored and report.storage_error
    assert stored(config, "SELECT likes FROM posts ORDER BY likes") == [(0,), (1,)]
    assert stored(config, "SELECT count(*) FROM engagement_refresh") == [(0,)]

    feed_server.route_answer(GET_POSTS, site.answer)
    assert refresh(config).stored  # not marked as asked: the next refresh asks again
    assert stored(config, "SELECT likes FROM posts ORDER BY likes") == [(200,), (201,)]


# ---- Mastodon ---------------------------------------------------------------------------


def status(local_id: str, uri: str, favourites: int | None, reblog: Any = None) -> dict[str, Any]:
    """A Mastodon Status entity (as tag timelines and statuses?id[]= give it)."""
    body: dict[str, Any] = {
        "id": local_id,
        "created_at": iso(datetime.now(UTC) - timedelta(hours=2)),
        "uri": uri,
        "url": uri,
        "language": "en",
        "spoiler_text": "",
        "content": f"<p>{uri} <a href='x'>#Heartstopper</a></p>",
        "replies_count": 1,
        "reblogs_count": 2,
        "account": {"acct": "fan"},
        "reblog": reblog,
    }
    if favourites is not None:
        body["favourites_count"] = favourites
    return body


def test_mastodon_asks_by_the_instance_ids_keeps_counts_and_leaves_deleted_posts(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    here = feed_server.base_url
    remote = status("9001", "https://queer.party/users/leafy/statuses/555", 10)
    local = status("9002", f"{here}/users/tvdesk/statuses/9002", 20)
    deleted = status("9003", "https://elsewhere.social/users/x/statuses/777", 30)
    original = status("9004", "https://other.example/users/y/statuses/888", 40)
    boost = status("9005", f"{here}/users/z/statuses/9005", None, reblog=original)
    feed_server.route(TAG, json_reply([remote, local, deleted, boost]))
    grown = {"9001": 15, "9002": None, "9004": 45}  # 9003 was deleted; 9002 lost its count

    def lookup(request: SeenRequest) -> Reply:
        ids = query(request)["id[]"]
        return json_reply(
            [
                status(i, f"https://whatever/{i}", grown[i]) | {"reblogs_count": 7}
                for i in ids
                if i in grown
            ]
        )

    feed_server.route_answer(STATUSES, lookup)
    source = {"kind": "mastodon", "name": "masto", "base_url": here, "tags": ["heartstopper"]}
    config = load_config(make_config([source], collector=engagement()))
    asyncio.run(collect_once(config))
    report = refresh(config)

    (call,) = feed_server.hits(STATUSES)
    assert sorted(query(call)["id[]"]) == ["9001", "9002", "9003", "9004"]
    assert report.results["masto"].gone == [
        "mastodon:https://elsewhere.social/users/x/statuses/777"
    ]
    rows = stored(config, "SELECT url, likes, shares FROM posts ORDER BY url")
    assert rows == [
        (f"{here}/users/tvdesk/statuses/9002", 20, 7),  # no count given: the old one stays
        ("https://elsewhere.social/users/x/statuses/777", 30, 2),  # gone: last counts kept
        ("https://other.example/users/y/statuses/888", 45, 7),
        ("https://queer.party/users/leafy/statuses/555", 15, 7),
    ]
    refresh(config, datetime.now(UTC) + timedelta(minutes=1))
    second = feed_server.hits(STATUSES)[1]
    assert sorted(query(second)["id[]"]) == ["9001", "9002", "9004"]  # the deleted one: never


# ---- Reddit -----------------------------------------------------------------------------


def thing(n: int, ups: int) -> dict[str, Any]:
    """A t3 link in a Listing, as /new and /api/info give it."""
    created = datetime.now(UTC) - timedelta(minutes=n + 1)
    return {
        "kind": "t3",
        "data": {
            "name": f"t3_z{n:05d}",
            "id": f"z{n:05d}",
            "title": f"Heartstopper thread {n}",
            "selftext": "",
            "author": "leaf",
            "permalink": f"/r/Heartstopper/comments/z{n:05d}/slug/",
            "created_utc": created.timestamp(),
            "ups": ups,
            "score": ups,
            "num_comments": n,
        },
    }


def listing(children: list[dict[str, Any]]) -> dict[str, Any]:
    return {"kind": "Listing", "data": {"after": None, "children": children}}


@pytest.fixture
def reddit_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDDIT_CLIENT_ID", "client-id")
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", "client-secret")
    monkeypatch.setenv("REDDIT_USER_AGENT", "linux:fanpulse-test:0.1 (by /u/fanpulse)")


def test_reddit_honours_a_429_retry_after_then_refreshes_100_a_call(
    feed_server: FeedServer, make_config: Callable[..., Path], reddit_credentials: None
) -> None:
    feed_server.route(TOKEN, json_reply({"access_token": "tok", "expires_in": 3600}))
    feed_server.route(NEW, json_reply(listing([thing(n, 1) for n in range(150)])))
    answers: list[float] = []

    def info(request: SeenRequest) -> Reply:
        answers.append(time.monotonic())
        if len(answers) == 1:
            return json_reply({"message": "Too Many Requests"}, 429, **{"Retry-After": "1"})
        names = query(request)["id"][0].split(",")
        return json_reply(listing([thing(int(name[4:]), 500 + int(name[4:])) for name in names]))

    feed_server.route_answer(INFO, info)
    source = {"kind": "reddit", "name": "reddit", "base_url": feed_server.base_url}
    source |= {"auth_url": feed_server.url(TOKEN), "subreddits": ["Heartstopper"]}
    source |= {"comments": False, "show": "heartstopper"}
    config = load_config(make_config([source], collector=engagement()))
    asyncio.run(collect_once(config))
    report = refresh(config)

    sizes = [len(query(r)["id"][0].split(",")) for r in feed_server.hits(INFO)]
    assert sizes == [100, 100, 50]  # refused, asked again after the wait, then the rest
    assert answers[1] - answers[0] >= 1.0
    assert report.results["reddit"].error is None
    rows = stored(config, "SELECT post_id, likes, score FROM posts")
    assert {post: (likes, score) for post, likes, score in rows} == {
        f"reddit:t3_z{n:05d}": (500 + n, 500 + n) for n in range(150)
    }


# ---- A long Retry-After puts one source off; the others carry on -------------------------


def test_a_long_retry_after_puts_that_source_off_and_the_rest_keeps_working(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    Bluesky(feed_server, [timedelta(hours=1)])
    limited = json_reply({"error": "RateLimitExceeded"}, 429, **{"Retry-After": "3600"})
    feed_server.route_answer(GET_POSTS, lambda request: limited)
    here = feed_server.base_url
    feed_server.route(TAG, json_reply([status("41", f"{here}/users/a/statuses/41", 5)]))
    likes = iter(range(6, 100))
    feed_server.route_answer(
        STATUSES,
        lambda request: json_reply([status("41", f"{here}/users/a/statuses/41", next(likes))]),
    )
    masto = {"kind": "mastodon", "name": "masto", "base_url": here, "tags": ["heartstopper"]}
    config = load_config(make_config([bluesky_source(feed_server), masto], collector=engagement()))
    asyncio.run(collect_once(config))

    async def twice() -> tuple[RefreshReport, RefreshReport]:
        async with Fetcher(collector_settings(config)) as fetcher:
            refresher = EngagementRefresher(config, fetcher, build_sources(config))
            now, lock = datetime.now(UTC), asyncio.Lock()
            first = await refresher.refresh(now, lock)
            return first, await refresher.refresh(now + timedelta(minutes=5), lock)

    first, second = asyncio.run(twice())
    assert first.results["bsky"].retry_after == 3600 and "429" in (
        first.results["bsky"].error or ""
    )
    assert len(feed_server.hits(GET_POSTS)) == 1  # not asked again within the hour
    assert "bsky" in second.skipped and "bsky" not in second.results
    assert len(feed_server.hits(STATUSES)) == 2
    rows = stored(config, "SELECT source, likes FROM posts ORDER BY source")
    assert rows == [("bluesky", 0), ("mastodon", 7)]


# ---- YouTube ----------------------------------------------------------------------------


def test_youtube_videos_refresh_by_id_within_the_daily_quota_budget(
    feed_server: FeedServer, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YOUTUBE_API_KEY", "test-key")
    feed_server.route(CHANNEL_FEED, Reply.file("youtube/channel_feed.xml"))

    def videos(request: SeenRequest) -> Reply:
        ids = query(request)["id"][0].split(",")
        items = [
            {
                "kind": "youtube#video",
                "id": video_id,
                "statistics": {"viewCount": "9000000", "likeCount": "250000", "commentCount": "77"},
            }
            for video_id in ids
        ]
        return json_reply({"kind": "youtube#videoListResponse", "items": items})

    feed_server.route_answer(VIDEOS, videos)
    source = {"kind": "youtube", "name": "yt", "base_url": feed_server.base_url}
    source |= {"api_url": feed_server.base_url, "channel_ids": [NETFLIX], "daily_quota_budget": 1}
    config = load_config(make_config([source], collector=engagement(refresh_for="60d")))
    asyncio.run(collect_once(config))

    async def twice() -> tuple[RefreshReport, RefreshReport]:
        async with Fetcher(collector_settings(config)) as fetcher:
            refresher = EngagementRefresher(config, fetcher, build_sources(config))
            now, lock = datetime.now(UTC), asyncio.Lock()
            first = await refresher.refresh(now, lock)
            return first, await refresher.refresh(now + timedelta(hours=1), lock)

    first, second = asyncio.run(twice())
    (call,) = feed_server.hits(VIDEOS)  # the budget of one unit allows one call a day
    assert query(call)["key"] == ["test-key"] and query(call)["part"] == ["statistics"]
    assert "quota budget" in (second.results["yt"].error or "")
    rows = stored(config, "SELECT views, likes, replies FROM posts")
    assert rows and set(rows) == {(9000000, 250000, 77)}
    assert first.results["yt"].calls == 1


def test_engagement_settings_are_checked_with_one_clear_line(
    make_config: Callable[..., Path],
) -> None:
    from analytics.core.errors import ConfigError
    from collector.settings import CollectorConfig

    path = make_config([], collector=engagement(refresh_for="0s"))
    with pytest.raises(ConfigError) as caught:
        load_config(path, collector=CollectorConfig)
    assert "collector.engagement.refresh_for" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_youtube_comments_refresh_their_likes_by_id(
    feed_server: FeedServer, make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YOUTUBE_API_KEY", "test-key")
    feed_server.route(
        "/commentThreads",
        Reply.file("youtube/comment_threads_page1.json", content_type="application/json"),
        Reply.file("youtube/comment_threads_page2.json", content_type="application/json"),
    )

    def comments(request: SeenRequest) -> Reply:
        ids = query(request)["id"][0].split(",")
        items = [
            {"kind": "youtube#comment", "id": cid, "snippet": {"likeCount": 1000 + n}}
            for n, cid in enumerate(sorted(ids))
        ]
        return json_reply({"kind": "youtube#commentListResponse", "items": items})

    feed_server.route_answer("/comments", comments)
    source = {"kind": "youtube", "name": "yt", "api_url": feed_server.base_url}
    source |= {"video_ids": ["hS3fOrEvEr01"], "show": "heartstopper"}
    config = load_config(make_config([source], collector=engagement(refresh_for="60d")))
    asyncio.run(collect_once(config))
    refresh(config)

    (call,) = feed_server.hits("/comments")
    assert query(call)["part"] == ["snippet"] and not feed_server.hits(VIDEOS)
    rows = stored(config, "SELECT post_id, likes FROM posts ORDER BY post_id")
    assert rows == [
        ("youtube:comment:UgzAAA1", 1000),
        ("youtube:comment:UgzAAA2", 1001),
        ("youtube:comment:UgzAAA3", 1002),
    ]


def test_sources_that_cannot_look_posts_up_are_left_alone(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    # Reddit without OAuth reads RSS (no counts); feeds have none either.
    feed_server.route("/r/Heartstopper/new/.rss", Reply.file("reddit/new.rss"))
    news = feed_server.route("/news", Reply.file("feeds/rss2_news.xml"))
    reddit = {"kind": "reddit", "name": "reddit", "base_url": feed_server.base_url}
    reddit |= {"rss_url": feed_server.base_url, "subreddits": ["Heartstopper"]}
    reddit |= {"show": "heartstopper"}
    sources = [reddit, {"kind": "rss", "name": "news", "url": news}]
    config = load_config(make_config(sources, collector=engagement()))
    asyncio.run(collect_once(config))
    assert stored(config, "SELECT count(*) > 0 FROM posts WHERE source = 'reddit'") == [(True,)]
    before = len(feed_server.requests)
    report = refresh(config)
    assert report.results == {} and report.skipped == {}
    assert len(feed_server.requests) == before
