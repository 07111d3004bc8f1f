"""AO3 (Archive of Our Own): new fan works per fandom, character or relationship tag.

Users name tags as AO3 shows them ("Nick Nelson/Charlie Spring"). AO3 serves Atom feeds
only by numeric tag id, so the first poll reads the tag's works page once for its feed link
and keeps that link in the channel's state; later polls are conditional GETs of the feed.
Each work is a post of kind ``fanwork`` with id ``ao3:<work id>``. AO3 asks for gentle
polling: its 429 + Retry-After is obeyed by the shared client and the runner.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import quote, urljoin

from pydantic import Field

from analytics.core.models import Post, SourceState
from collector.http import Fetcher
from collector.sources.base import (
    Collected,
    Source,
    SourceError,
    SourceSettings,
    explain_status,
)
from collector.sources.rss import FeedParser, fetch_feed, parse_feed

KIND = "ao3"
_FEED_LINK = re.compile(r'href="(/tags/\d+/feed\.atom)"')
_WORK_ID = re.compile(r"Work/(\d+)$")
_FEED_CURSOR = "feed:"


class Ao3Settings(SourceSettings):
    base_url: str = "https://archiveofourown.org"
    tags: list[str] = Field(min_length=1)


class Ao3Source(Source):
    kind = KIND
    settings_model = Ao3Settings
    settings: Ao3Settings

    def channels(self) -> list[str]:
        return list(self.settings.tags)

    async def collect(self, fetcher: Fetcher, channel: str, state: SourceState) -> Collected:
        base = self.settings.base_url.rstrip("/")
        if state.cursor and state.cursor.startswith(_FEED_CURSOR):
            feed_path = state.cursor.removeprefix(_FEED_CURSOR)
        else:
            feed_path = await self._find_feed(fetcher, base, channel)
            state = replace(state, cursor=_FEED_CURSOR + feed_path, etag=None, last_modified=None)
        feed_url = urljoin(base + "/", feed_path.lstrip("/"))
        return await fetch_feed(fetcher, feed_url, state, self._parser(channel))

    def _parser(self, channel: str) -> FeedParser:
        def parse(content: bytes, _headers: Mapping[str, str]) -> list[Post]:
            return parse_works(
                content, channel=channel, source_name=self.name, now=datetime.now(UTC)
            )

        return parse

    async def _find_feed(self, fetcher: Fetcher, base: str, tag: str) -> str:
        # AO3 escapes these characters in tag URLs: "/" → "*s*", "&" → "*a*", "." → "*d*".
        escaped = tag.replace("/", "*s*").replace("&", "*a*").replace(".", "*d*")
        page_url = f"{base}/tags/{quote(escaped, safe='*')}/works"
        with explain_status((404,), lambda _: f"AO3 has no tag {tag!r} (check its exact spelling)"):
            page = await fetcher.get(page_url, headers={"Accept": "text/html"})
        match = _FEED_LINK.search(page.content.decode("utf-8", "replace"))
        if not match:
            raise SourceError(
                f"AO3 tag {tag!r} has no feed (only canonical tags have one; "
                "use the tag AO3 shows as the fandom, character or relationship)"
            )
        return match.group(1)


def parse_works(content: bytes, *, channel: str, source_name: str, now: datetime) -> list[Post]:
    """Fan works of an AO3 tag feed (pure)."""
    posts = parse_feed(
        content,
        channel=channel,
        source_name=source_name,
        now=now,
        source=KIND,
        post_kind="fanwork",
    )
    return [replace(post, post_id=_work_id(post)) for post in posts]


def _work_id(post: Post) -> str:
    match = _WORK_ID.search(post.post_id)
    return f"{KIND}:{match.group(1)}" if match else post.post_id
