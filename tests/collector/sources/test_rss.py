"""RSS/Atom/RDF parsing on recorded-style feeds, each paired with its expected output."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from collector.sources.base import SourceError
from collector.sources.rss import parse_feed
from tests.conftest import SHARED
from tests.support.feedserver import FIXTURES

FEEDS = FIXTURES / "feeds"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
CASES = sorted(p for p in FEEDS.iterdir() if (p.parent / f"{p.name}.expected.json").exists())


def parse(path: Path, **kwargs: object):
    return parse_feed(
        path.read_bytes(), channel="http://127.0.0.1/feed", source_name="test", now=NOW, **kwargs
    )


def test_there_are_feed_cases() -> None:
    assert len(CASES) >= 8


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_feed_parses_to_expected_posts(path: Path) -> None:
    expected = json.loads((path.parent / f"{path.name}.expected.json").read_text("utf-8"))
    posts = parse(path)
    assert len(posts) == len(expected)
    for post, want in zip(posts, expected, strict=True):
        if want["post_id"]:
            assert post.post_id == want["post_id"]
        else:
            assert post.post_id.startswith("rss:sha1-")
        assert post.title == want["title"]
        assert post.url == want["url"]
        assert post.author == want["author"]
        assert post.lang == want["lang"]
        want_time = datetime.fromisoformat(want["created_at"]) if want["created_at"] else NOW
        assert post.created_at == want_time
        assert post.created_at.tzinfo is not None
        for fragment in want["text_contains"]:
            assert fragment in post.text
        for fragment in want["text_excludes"]:
            assert fragment not in post.text
        assert post.source == "rss" and post.source_name == "test"


def test_ids_are_stable_between_parses() -> None:
    for path in CASES:
        assert [p.post_id for p in parse(path)] == [p.post_id for p in parse(path)]


def test_an_html_page_is_not_a_feed() -> None:
    with pytest.raises(SourceError, match="not an RSS or Atom feed"):
        parse(FEEDS / "not_a_feed.html")


def test_empty_body_is_not_a_feed() -> None:
    with pytest.raises(SourceError):
        parse_feed(b"", channel="c", source_name="t", now=NOW)


def test_empty_but_valid_feed_has_no_posts() -> None:
    empty = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    assert parse_feed(empty, channel="c", source_name="t", now=NOW) == []


def test_charset_from_the_http_header_is_honoured() -> None:
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        "<item><guid>1</guid><title>Fête à Paris</title></item></channel></rss>"
    ).encode("iso-8859-1")
    posts = parse_feed(
        body,
        headers={"Content-Type": "application/rss+xml; charset=iso-8859-1"},
        channel="c",
        source_name="t",
        now=NOW,
    )
    assert posts[0].title == "Fête à Paris"


def test_absurd_dates_fall_back_to_collection_time() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><guid>old</guid><title>a</title>"
        b"<pubDate>Mon, 01 Jan 1900 00:00:00 GMT</pubDate></item>"
        b"<item><guid>future</guid><title>b</title>"
        b"<pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate></item>"
        b"</channel></rss>"
    )
    posts = parse_feed(body, channel="c", source_name="t", now=NOW)
    assert [p.created_at for p in posts] == [NOW, NOW]


@pytest.mark.skipif(not (SHARED / "fixtures").is_dir(), reason="../shared/fixtures not present")
def test_real_ao3_tag_feed_recording_parses() -> None:
    posts = parse(SHARED / "fixtures" / "ao3_tag_feed.atom")
    assert posts
    for post in posts:
        assert post.post_id.startswith("rss:") and post.title and post.url
        assert post.author and post.text
        assert "<" not in post.title
        assert post.created_at < NOW


def test_rss_author_keeps_the_name_and_never_a_bare_email() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><guid>1</guid><title>a</title><author>desk@news.example (TV Desk)</author></item>"
        b"<item><guid>2</guid><title>b</title><author>Jane Doe</author></item>"
        b"<item><guid>3</guid><title>c</title><author>jane@news.example</author></item>"
        b"</channel></rss>"
    )
    posts = parse_feed(body, channel="c", source_name="t", now=NOW)
    assert [p.author for p in posts] == ["TV Desk", "Jane Doe", None]
