"""Every source kind at once through the installed `fanpulse` command, against loopback."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.collector.sources.test_wikipedia import ARTICLE_PATH, pageviews_for
from tests.e2e.test_cli import FANPULSE
from tests.support.feedserver import FIXTURES, FeedServer, Reply

ENV = {
    "REDDIT_CLIENT_ID": "cid",
    "REDDIT_CLIENT_SECRET": "csecret",
    "REDDIT_USER_AGENT": "linux:fanpulse-test:0.1 (by /u/fanpulse)",
    "BLUESKY_HANDLE": "fanpulse.bsky.social",
    "BLUESKY_APP_PASSWORD": "app-password",
    "YOUTUBE_API_KEY": "yt-key",
}


def json_file(path: str) -> Reply:
    return Reply(body=(FIXTURES / path).read_bytes(), content_type="application/json")


def serve_everything(server: FeedServer) -> list[dict[str, object]]:
    base = server.base_url
    server.route("/api/v1/access_token", json_file("reddit/token.json"))
    server.route("/r/Heartstopper/new", json_file("reddit/new_page2.json"))
    server.route("/r/Heartstopper/comments", json_file("reddit/comments.json"))
    server.route(
        "/api/v1/timelines/tag/heartstopper", json_file("mastodon/tag_heartstopper_newest.json")
    )
    server.route("/xrpc/com.atproto.server.createSession", json_file("bluesky/createSession.json"))
    server.route("/xrpc/app.bsky.feed.searchPosts", json_file("bluesky/searchPosts_page2.json"))
    server.route("/feeds/videos.xml", Reply.file("youtube/channel_feed.xml"))
    server.route("/commentThreads", json_file("youtube/comment_threads_page2.json"))
    server.route(
        "/tags/Heartstopper%20%28Webcomic%29/works",
        Reply.file("ao3/tag_works_page.html", content_type="text/html"),
    )
    server.route("/tags/17300423/feed.atom", Reply.file("ao3/tag_feed.atom"))
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    days = [yesterday - timedelta(days=i) for i in range(2, -1, -1)]
    server.route(
        ARTICLE_PATH + f"{days[0]:%Y%m%d}/{yesterday:%Y%m%d}",
        Reply(body=pageviews_for(days, 1234), content_type="application/json"),
    )
    server.route("/news", Reply.file("feeds/rss2_news.xml"))
    reddit = {"base_url": base, "auth_url": server.url("/api/v1/access_token")}
    comments = {"api_url": base, "video_ids": ["hS3fOrEvEr01"], "show": "heartstopper"}
    articles = {"show:heartstopper": "Heartstopper (TV series)"}
    return [
        {"kind": "rss", "name": "news", "url": server.url("/news")},
        {"kind": "reddit", "name": "reddit", "subreddits": ["Heartstopper"]}
        | reddit
        | {"show": "heartstopper"},
        {"kind": "mastodon", "name": "mastodon", "base_url": base, "tags": ["heartstopper"]},
        {"kind": "bluesky", "name": "bluesky", "base_url": base, "queries": ["heartstopper"]},
        {"kind": "youtube", "name": "youtube", "base_url": base}
        | {"channel_ids": ["UCWOA1ZGywLbqmigxE4Qlvuw"]},
        {"kind": "youtube", "name": "youtube-comments"} | comments,
        {"kind": "ao3", "name": "ao3", "base_url": base, "tags": ["Heartstopper (Webcomic)"]}
        | {"show": "heartstopper"},
        {"kind": "wikipedia", "name": "wikipedia", "base_url": base, "backfill_days": 3}
        | {"articles": articles},
    ]


def run(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **ENV, "COLUMNS": "220", "FANPULSE_CONFIG": str(config)}
    return subprocess.run([FANPULSE, *args], capture_output=True, text=True, timeout=120, env=env)


def test_collect_once_stores_every_kind_with_engagement(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    config = make_config(serve_everything(feed_server))
    collected = run(config, "collect", "--once")
    assert collected.returncode == 0, collected.stdout + collected.stderr

    per_kind = run(
        config,
        "query",
        "--csv",
        "SELECT source, post_kind, count(*) AS posts, sum(likes) AS likes, "
        "sum(shares) AS shares, sum(replies) AS replies, max(score) AS top_score, "
        "max(views) AS top_views FROM posts GROUP BY ALL ORDER BY ALL",
    )
    rows = {(r["source"], r["post_kind"]): r for r in csv.DictReader(io.StringIO(per_kind.stdout))}
    assert set(rows) == {
        ("rss", "article"), ("reddit", "post"), ("reddit", "comment"), ("mastodon", "post"),
        ("bluesky", "post"), ("youtube", "video"), ("youtube", "comment"), ("ao3", "fanwork"),
    }  # fmt: skip
    assert rows[("reddit", "post")]["top_score"] == "88"
    assert rows[("mastodon", "post")]["likes"] == str(41 + 230 + 2)
    assert rows[("bluesky", "post")]["shares"] == "3"
    assert rows[("youtube", "video")]["top_views"] == "3120544"
    assert rows[("rss", "article")]["likes"] == ""  # feeds carry no engagement: NULL, not 0

    attention = run(
        config, "query", "--csv", "SELECT entity_id, count(*), sum(value) FROM attention GROUP BY 1"
    )
    assert attention.stdout.splitlines()[1] == "show:heartstopper,3,3702.0"

    listing = run(config, "sources")
    assert listing.returncode == 0
    for expected in (
        "OAuth app-only (REDDIT_CLIENT_ID)",
        "app password for fanpulse.bsky.social",
        "API key (YOUTUBE_API_KEY)",
    ):
        assert expected in listing.stdout
    assert "never" not in listing.stdout  # every source has a last success
