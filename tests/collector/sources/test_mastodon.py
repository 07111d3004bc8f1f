"""Mastodon tag timelines: parsing recorded-shape pages, paging from the cursor, duplicates."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from analytics.core.config import load_config
from analytics.store import run_query
from collector.once import collect_once
from collector.sources.mastodon import page_links, parse_statuses
from tests.support.feedserver import FIXTURES, FeedServer, Reply

NEWEST = FIXTURES / "mastodon" / "tag_heartstopper_newest.json"
NEWER = FIXTURES / "mastodon" / "tag_heartstopper_min_id.json"
TIMELINE = "/api/v1/timelines/tag/heartstopper"


def json_reply(path: Path | None, link: str = "") -> Reply:
    body = path.read_bytes() if path else b"[]"
    headers = {"Link": link} if link else {}
    return Reply(body=body, content_type="application/json; charset=utf-8", headers=headers)


def test_statuses_parse_with_engagement_and_plain_text() -> None:
    posts = parse_statuses(json.loads(NEWEST.read_text("utf-8")), channel="c", source_name="m")
    assert [p.post_id for p in posts] == [
        "mastodon:https://queer.party/users/leafy/statuses/115599990000000001",
        "mastodon:https://mastodon.social/users/tvdesk/statuses/115600000000000200",
        "mastodon:https://mastodon.social/users/grump/statuses/115600000000000100",
    ]
    first = posts[0]
    assert first.text == "Nick and Charlie at the beach?? I am SOBBING #Heartstopper"
    assert (first.likes, first.shares, first.replies) == (41, 12, 3)
    assert first.author == "leafy@queer.party"
    assert first.created_at == datetime(2026, 11, 24, 21, 10, tzinfo=UTC)
    assert posts[1].text.endswith("Kit Connor & Joe Locke return.")
    assert posts[2].title == "S3 spoilers"


def test_malformed_statuses_are_skipped_not_fatal() -> None:
    page = [{"id": "1"}, {"id": "2", "uri": "u", "created_at": "yesterday"}, "junk"]
    page = [s for s in page if isinstance(s, dict)]
    assert parse_statuses(page, channel="c", source_name="m") == []


def test_link_header() -> None:
    header = (
        '<https://m.example/a?max_id=1>; rel="next", <https://m.example/a?min_id=9>; rel="prev"'
    )
    assert page_links(header) == {
        "next": "https://m.example/a?max_id=1",
        "prev": "https://m.example/a?min_id=9",
    }


@pytest.fixture
def second_instance() -> Iterator[FeedServer]:
    server = FeedServer().start()
    yield server
    server.stop()


def test_pages_forward_from_the_saved_cursor(
    feed_server: FeedServer, make_config: Callable[..., Path]
) -> None:
    newer_page_link = f'<{feed_server.url(TIMELINE)}?min_id=115600000000000500>; rel="prev"'
    feed_server.route(
        TIMELINE, json_reply(NEWEST), json_reply(NEWER, newer_page_link), json_reply(None)
    )
    config = make_config(
        [
            {
                "kind": "mastodon",
                "name": "masto",
                "base_url": feed_server.base_url,
                "tags": ["Heartstopper"],
            }
        ]
    )
    first = asyncio.run(collect_once(load_config(config)))[0]
    second = asyncio.run(collect_once(load_config(config)))[0]

    queries = [r.path.split("?", 1)[1] for r in feed_server.hits(TIMELINE)]
    assert queries[0] == "limit=40"
    assert "min_id=115600000000000300" in queries[1]
    assert queries[2] == "min_id=115600000000000500"
    assert (first.inserted, second.inserted) == (3, 2)
    db = load_config(config).database_path
    assert run_query(db, "SELECT cursor FROM source_state")[1] == [("115600000000000500",)]
    _, engagement = run_query(
        db, "SELECT likes, shares, replies FROM posts WHERE author = 'tvdesk' ORDER BY created_at"
    )
    assert engagement == [(230, 88, 14), (90, 30, 4)]


def test_the_same_toot_on_two_instances_is_stored_once(
    feed_server: FeedServer, second_instance: FeedServer, make_config: Callable[..., Path]
) -> None:
    feed_server.route(TIMELINE, json_reply(NEWEST))
    second_instance.route(TIMELINE, json_reply(NEWEST))
    config = make_config(
        [
            {
                "kind": "mastodon",
                "name": "one",
                "base_url": feed_server.base_url,
                "tags": ["heartstopper"],
            },
            {
                "kind": "mastodon",
                "name": "two",
                "base_url": second_instance.base_url,
                "tags": ["heartstopper"],
            },
        ]
    )
    runs = asyncio.run(collect_once(load_config(config)))
    assert sorted(r.inserted for r in runs) == [0, 3]
    assert all(r.fetched == 3 for r in runs)
    db = load_config(config).database_path
    assert run_query(db, "SELECT count(*) FROM posts")[1] == [(3,)]


def test_a_closed_tag_feed_is_reported_and_others_carry_on(
    feed_server: FeedServer, second_instance: FeedServer, make_config: Callable[..., Path]
) -> None:
    feed_server.route(
        TIMELINE, Reply(status=401, body=b'{"error":"This method requires an authenticated user"}')
    )
    second_instance.route(TIMELINE, json_reply(NEWEST))
    config = make_config(
        [
            {
                "kind": "mastodon",
                "name": "closed",
                "base_url": feed_server.base_url,
                "tags": ["heartstopper"],
            },
            {
                "kind": "mastodon",
                "name": "open",
                "base_url": second_instance.base_url,
                "tags": ["heartstopper"],
            },
        ]
    )
    runs = {r.source_name: r for r in asyncio.run(collect_once(load_config(config)))}
    assert runs["closed"].status == "error"
    assert "does not serve #heartstopper without login (HTTP 401)" in (runs["closed"].error or "")
    assert runs["open"].status == "ok" and runs["open"].inserted == 3


def test_mastodon_settings_are_validated(tmp_path: Path, make_config: Callable[..., Path]) -> None:
    from analytics.core.errors import ConfigError
    from collector.sources import build_sources

    config = make_config([{"kind": "mastodon", "name": "m", "tags": ["#ok", "not ok"]}])
    with pytest.raises(ConfigError, match=r"sources\.m\.tags.*'not ok'"):
        build_sources(load_config(config))
