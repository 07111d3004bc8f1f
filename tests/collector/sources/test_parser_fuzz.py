"""Every JSON parser takes recorded items with each field (nested too) replaced by values
of the wrong type: untrusted input may lose the item, never the page."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from collector.sources.bluesky import parse_post_views
from collector.sources.mastodon import parse_statuses
from collector.sources.reddit import parse_listing_page, parse_things
from collector.sources.wikipedia import parse_pageviews
from collector.sources.youtube import parse_comments
from tests.support.feedserver import FIXTURES

WRONG = [None, 7, -1, 1.5, True, "x", "", [], ["a"], {}, {"k": "v"}]


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def mutations(item: Any, depth: int = 3) -> Iterator[Any]:
    """The item with one field at a time (to ``depth`` levels) set to each wrong value."""
    if depth == 0 or not isinstance(item, dict):
        return
    for key, value in item.items():
        for wrong in WRONG:
            mutated = copy.copy(item)
            mutated[key] = wrong
            yield mutated
        for inner in mutations(value, depth - 1):
            mutated = copy.copy(item)
            mutated[key] = inner
            yield mutated


PARSERS: dict[str, tuple[Callable[[list[Any]], list[Any]], list[Any]]] = {
    "mastodon": (
        lambda items: parse_statuses(items, channel="c", source_name="s"),
        load("mastodon/tag_heartstopper_newest.json"),
    ),
    "bluesky": (
        lambda items: parse_post_views(items, "c", "s"),
        load("bluesky/searchPosts_page1.json")["posts"],
    ),
    "reddit": (
        lambda items: parse_things(items, channel="c", source_name="s"),
        parse_listing_page(load("reddit/new_page1.json"))[0],
    ),
    "youtube": (
        lambda items: parse_comments(items, video_id="v", channel="c", source_name="s"),
        load("youtube/comment_threads_page1.json")["items"],
    ),
    "wikipedia": (
        lambda items: parse_pageviews({"items": items}, entity_id="e", source_name="s"),
        load("wikipedia/pageviews_heartstopper.json")["items"],
    ),
}


@pytest.mark.parametrize("kind", sorted(PARSERS))
def test_wrong_types_lose_at_most_their_item(kind: str) -> None:
    parse, items = PARSERS[kind]
    good = parse(items)
    assert good, "the recorded items parse"
    first, rest = items[0], items[1:]
    tried = 0
    for broken in [*WRONG, *mutations(first)]:
        parsed = parse([broken, *rest])
        tried += 1
        # The other items always survive whatever happened to the first one.
        assert len(parsed) >= len(good) - 1, broken
        for post in parsed:
            when = getattr(post, "created_at", None) or getattr(post, "day", None)
            assert when is not None
            if isinstance(when, datetime):
                assert when.tzinfo is not None and when.astimezone(UTC)
            for field in ("text", "title", "author", "url", "lang"):
                value = getattr(post, field, None)
                assert value is None or isinstance(value, str), (field, value, broken)
            for field in ("likes", "shares", "replies", "views"):
                value = getattr(post, field, None)
                assert value is None or (isinstance(value, int) and value >= 0), (field, value)
    assert tried > 50
