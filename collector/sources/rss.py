"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds: news sites, search feeds, fan sites.

Fetching is a conditional GET (ETag / Last-Modified from the saved state, so an unchanged
feed costs a 304 and no body); parsing hands the bytes and the response headers to
feedparser, which sniffs the encoding. A feed feedparser calls "bozo" (ill-formed) but
that still yields entries is data; a body that is not a feed at all is an error.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import field_validator

from analytics.core.models import Post, SourceState
from collector.http import Fetcher
from collector.sources.base import (
    Collected,
    Origin,
    Source,
    SourceError,
    SourceSettings,
    make_post,
    off_loop,
)
from collector.text import MAX_TITLE_CHARS, clean_text, html_to_text, one_line

KIND = "rss"
MAX_ID_CHARS = 500
# Dates outside this window are typos or placeholders: the post is dated when collected.
EARLIEST_PLAUSIBLE = datetime(1995, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=1)
_RSS_AUTHOR = re.compile(r"^[^\s@()]+@[^\s()]+\s*\((?P<name>[^()]+)\)$")
_BARE_EMAIL = re.compile(r"^[^\s@]+@[^\s@]+$")
_LANG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_].*)?$")


class RssSettings(SourceSettings):
    url: str
    # What the feed's entries are: news sites carry articles, a subreddit's feed posts.
    post_kind: Literal["article", "post", "fanwork", "video"] = "article"

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value


class RssSource(Source):
    kind = KIND
    settings_model = RssSettings
    settings: RssSettings

    def channels(self) -> list[str]:
        return [self.settings.url]

    async def collect(self, fetcher: Fetcher, channel: str, state: SourceState) -> Collected:
        def parse(content: bytes, headers: Mapping[str, str]) -> list[Post]:
            return parse_feed(
                content,
                headers=headers,
                channel=channel,
                source_name=self.name,
                now=datetime.now(UTC),
                post_kind=self.settings.post_kind,
            )

        return await fetch_feed(fetcher, channel, state, parse)


FeedParser = Callable[[bytes, Mapping[str, str]], list[Post]]


async def fetch_feed(
    fetcher: Fetcher,
    url: str,
    state: SourceState,
    parse: FeedParser,
    params: dict[str, str] | None = None,
) -> Collected:
    """Conditional GET of a feed: a 304 costs no body; else parse it and keep its validators."""
    response = await fetcher.get(url, params=params, headers=conditional_headers(state))
    if response.not_modified:
        return Collected([], state, http_status=304, not_modified=True)
    posts = await off_loop(parse, response.content, response.headers)
    new_state = replace(
        state,
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
    )
    return Collected(posts, new_state, http_status=response.status)


def conditional_headers(state: SourceState) -> dict[str, str]:
    headers = {
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"
    }
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def parse_feed(
    content: bytes,
    *,
    headers: Mapping[str, str] | None = None,
    channel: str,
    source_name: str,
    now: datetime,
    source: str = KIND,
    post_kind: str = "article",
) -> list[Post]:
    """Posts of an RSS/Atom/RDF document (pure: bytes in, posts out)."""
    entries, feed_lang = read_feed(content, headers=headers, channel=channel)
    origin = Origin(source, source_name, channel, post_kind, feed_lang, feed_ids=True)
    return [entry_post(entry, origin, now) for entry in entries]


def read_feed(
    content: bytes, *, headers: Mapping[str, str] | None, channel: str
) -> tuple[list[Any], str | None]:
    """feedparser's entries and the feed's declared language; SourceError if not a feed."""
    import feedparser  # loaded with the first changed feed: an unchanged poll needs none

    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    response_headers.setdefault("content-location", channel)
    parsed = feedparser.parse(content, response_headers=response_headers)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        detail = f" ({reason})" if reason else ""
        raise SourceError(f"not an RSS or Atom feed{detail}; check the URL in a browser")
    return list(parsed.entries), parsed.feed.get("language")


def entry_post(entry: Any, origin: Origin, now: datetime) -> Post:
    """One feed entry as a post (pure)."""
    title = _plain(entry.get("title_detail"), entry.get("title"))
    text = _body(entry)
    url = one_line(entry.get("link"), 2000)
    return make_post(
        origin,
        _native_id(entry, title, text),
        url=url,
        author=one_line(_author(entry)),
        title=one_line(title, MAX_TITLE_CHARS),
        text=text,
        lang=_language(entry, origin.lang),
        created_at=_created_at(entry, now),
        other_urls=_other_urls(entry, url),
    )


def _other_urls(entry: Any, url: str | None) -> list[str]:
    """Addresses the feed itself gives for this item besides its link.

    ``feedburner:origLink`` is the publisher's URL behind a FeedBurner redirect link. A guid
    that is a URL on the link's own host (WordPress's ``https://site/?p=123``) is that
    site's other name for the same item. A guid on another host is not taken as an address.
    """
    found = []
    original = entry.get("feedburner_origlink")
    if original:
        found.append(one_line(original, 2000))
    guid = (entry.get("id") or "").strip()
    if url and guid != url and _host(guid) and _host(guid) == _host(url):
        found.append(one_line(guid, 2000))
    return [u for u in found if u]


def _host(url: str) -> str | None:
    try:
        host = urlsplit(url).hostname if re.match(r"^https?://", url) else None
    except ValueError:
        return None
    return host.lower().removeprefix("www.") if host else None


def _native_id(entry: Any, title: str, text: str) -> str:
    native = (entry.get("id") or entry.get("link") or "").strip()
    if not native:
        digest_of = f"{title}\n{text}\n{entry.get('published') or entry.get('updated') or ''}"
        native = "sha1-" + hashlib.sha1(digest_of.encode("utf-8")).hexdigest()
    if len(native) > MAX_ID_CHARS:
        native = "sha1-" + hashlib.sha1(native.encode("utf-8")).hexdigest()
    return native


def _plain(detail: Any, value: str | None) -> str:
    if not value:
        return ""
    if detail and detail.get("type") == "text/plain":
        return clean_text(value)
    return html_to_text(value)


def _body(entry: Any) -> str:
    """The longest of the entry's content and summary, as plain text."""
    candidates = [_plain(c, c.get("value")) for c in entry.get("content") or []]
    candidates.append(_plain(entry.get("summary_detail"), entry.get("summary")))
    return max(candidates, key=len)


def _author(entry: Any) -> str | None:
    raw = (entry.get("author") or "").strip()
    # RSS <author> is "email (Name)". feedparser's own split mangles addresses whose
    # top-level domain is long, so the name is taken from the raw text here.
    match = _RSS_AUTHOR.match(raw)
    if match:
        return match.group("name")
    if raw and not _BARE_EMAIL.match(raw):
        return raw
    # Aggregators (Google News) name the publisher in <source>; a bare email is not a name.
    return (entry.get("source") or {}).get("title")


def _language(entry: Any, feed_lang: str | None) -> str | None:
    for detail in (entry.get("summary_detail"), entry.get("title_detail")):
        if detail and detail.get("language"):
            return _primary_subtag(detail["language"])
    for content in entry.get("content") or []:
        if content.get("language"):
            return _primary_subtag(content["language"])
    return _primary_subtag(feed_lang) if feed_lang else None


def _primary_subtag(value: str) -> str | None:
    match = _LANG.match(value.strip())
    return match.group(1).lower() if match else None


def _created_at(entry: Any, now: datetime) -> datetime:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        # dict.get: feedparser's own get() warns and aliases missing date keys.
        parsed = dict.get(entry, key)
        if parsed:
            when = datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            if EARLIEST_PLAUSIBLE <= when <= now + FUTURE_TOLERANCE:
                return when
    return now
