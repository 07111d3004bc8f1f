"""AO3 tag feeds: tag name → feed link once, works as `fanwork` posts, 429 + Retry-After."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from analytics.core.config import load_config
from analytics.store import run_query
from collector.once import collect_once
from collector.sources.ao3 import parse_works
from tests.conftest import SHARED
from tests.support.feedserver import FIXTURES, FeedServer, Reply

TAG = "Nick Nelson/Charlie Spring"
WORKS_PAGE = "/tags/Nick%20Nelson*s*Charlie%20Spring/works"
FEED = "/tags/17300423/feed.atom"
NOW = datetime(2026, 11, 25, tzinfo=UTC)


def test_works_parse_as_fanworks_with_stable_ids() -> None:
    posts = parse_works(
        (FIXTURES / "ao3" / "tag_feed.atom").read_bytes(), channel=TAG, source_name="a", now=NOW
    )
    assert [p.post_id for p in posts] == ["ao3:80011122", "ao3:80011001"]
    assert {p.post_kind for p in posts} == {"fanwork"} and {p.source for p in posts} == {"ao3"}
    assert posts[0].author == "sunflowerboys" and posts[1].author == "Anonymous"
    assert "Nick and Charlie, one year on." in posts[0].text
    assert "Words: 3120" in posts[0].text and "<p>" not in posts[0].text


@pytest.mark.skipif(not (SHARED / "fixtures").is_dir(), reason="../shared/fixtures not present")
def test_real_ao3_recording_parses_as_fanworks() -> None:
    posts = parse_works(
        (SHARED / "fixtures" / "ao3_tag_feed.atom").read_bytes(),
        channel="t",
        source_name="a",
        now=NOW,
    )
    assert posts and all(p.post_id.removeprefix("ao3:").isdigit() for p in posts)


def ao3_config(make_config: Callable[..., Path], server: FeedServer) -> Path:
    return make_config(
        [
            {
                "kind": "ao3",
                "name": "ao3",
                "base_url": server.base_url,
                "tags": [TAG],
                "show": "heartstopper",
            }
        ]
    )


def test_feed_link_is_found_once_then_polled_conditionally(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    feed_server.route(WORKS_PAGE, Reply.file("ao3/tag_works_page.html", content_type="text/html"))
    feed_server.route(FEED, Reply.file("ao3/tag_feed.atom", etag='"w1"'))
    config = ao3_config(make_config, feed_server)
    first = asyncio.run(collect_once(load_config(config)))[0]
    second = asyncio.run(collect_once(load_config(config)))[0]

    assert (first.status, first.inserted) == ("ok", 2)
    assert second.status == "not_modified"
    assert len(feed_server.hits(WORKS_PAGE)) == 1  # the link is remembered
    assert feed_server.hits(FEED)[-1].headers.get("If-None-Match") == '"w1"'
    db = load_config(config).database_path
    _, rows = run_query(db, "SELECT DISTINCT entity_id FROM mentions ORDER BY 1")
    assert [r[0] for r in rows] == [
        "character:charlie-spring",
        "character:nick-nelson",
        "ship:nick-charlie",
        "show:heartstopper",
    ]


def test_429_with_retry_after_pushes_the_next_poll_later(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    feed_server.route(WORKS_PAGE, Reply(status=429, headers={"Retry-After": "600"}))
    config = ao3_config(make_config, feed_server)
    before = datetime.now(UTC)
    run = asyncio.run(collect_once(load_config(config)))[0]
    assert run.status == "error" and run.http_status == 429
    db = load_config(config).database_path
    (due,) = run_query(db, "SELECT next_due_at FROM source_state")[1][0]
    assert due >= before + timedelta(seconds=600)
    assert len(feed_server.hits(WORKS_PAGE)) == 1  # a long Retry-After is not retried now


def test_unknown_tag_and_non_canonical_tag_are_explained(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    feed_server.route(
        WORKS_PAGE, Reply(body=b"<html><body>no feed link</body></html>", content_type="text/html")
    )
    config = ao3_config(make_config, feed_server)
    run = asyncio.run(collect_once(load_config(config)))[0]
    assert "has no feed (only canonical tags have one" in (run.error or "")
