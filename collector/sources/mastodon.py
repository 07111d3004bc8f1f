"""Mastodon hashtag timelines (``/api/v1/timelines/tag/<tag>``), keyless on most instances.

One channel per instance and tag. The cursor is the newest status id seen there: later polls
ask for ``min_id=<cursor>`` and walk newer pages through the ``Link: rel="prev"`` header, so
nothing is fetched twice. Status ids differ per instance, so a post's id is its ActivityPub
``uri``: the same toot seen on two instances is stored once.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any
from urllib.parse import quote, urlsplit

from pydantic import Field, field_validator

from analytics.core.models import Counts, Post, RefreshResult, RefreshTarget, SourceState
from collector.http import Fetcher
from collector.sources.base import (
    Collected,
    Origin,
    Source,
    SourceError,
    SourceSettings,
    explain_status,
    make_post,
    off_loop,
)
from collector.sources.refresh import ask_in_batches
from collector.sources.values import count, mapping, string, timestamp
from collector.text import MAX_TITLE_CHARS, html_to_text, one_line

KIND = "mastodon"
_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?([a-z]+)"?')
# GET /api/v1/statuses?id[]=… answers at most this many statuses a call.
STATUSES_PER_CALL = 20
_LOCAL_STATUS = re.compile(r"/users/[^/]+/statuses/(\d+)")


class MastodonSettings(SourceSettings):
    base_url: str = "https://mastodon.social"
    tags: list[str] = Field(min_length=1)
    page_size: int = Field(default=40, ge=1, le=40)
    max_pages: int = Field(default=5, ge=1, le=50)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+$", value.rstrip("/")):
            raise ValueError(f"{value!r} must be an instance URL such as https://mastodon.social")
        return value.rstrip("/")

    @field_validator("tags")
    @classmethod
    def _bare_tags(cls, tags: list[str]) -> list[str]:
        # Hashtags are case-insensitive: one channel (and one saved cursor) per tag.
        cleaned = list(dict.fromkeys(tag.lstrip("#").casefold() for tag in tags))
        for tag in cleaned:
            if not re.fullmatch(r"\w+", tag):
                raise ValueError(f"tag {tag!r} must be letters, digits or '_' (no '#')")
        return cleaned


class MastodonSource(Source):
    kind = KIND
    settings_model = MastodonSettings
    settings: MastodonSettings

    def channels(self) -> list[str]:
        return [f"{self.settings.base_url}/tags/{tag}" for tag in self.settings.tags]

    async def collect(self, fetcher: Fetcher, channel: str, state: SourceState) -> Collected:
        tag = channel.rsplit("/tags/", 1)[1]
        url: str | None = f"{self.settings.base_url}/api/v1/timelines/tag/{quote(tag)}"
        params: dict[str, Any] | None = {"limit": self.settings.page_size}
        if state.cursor:
            params = {**params, "min_id": state.cursor}
        statuses: list[dict[str, Any]] = []
        pages = 0
        status_code = None
        while url and pages < self.settings.max_pages:
            with explain_status(
                (401, 403),
                lambda status: (
                    f"{self.settings.base_url} does not serve #{tag} without login "
                    f"(HTTP {status}); use another instance for this tag"
                ),
            ):
                response = await fetcher.get(url, params=params)
            status_code = response.status
            page = response.json()
            if not isinstance(page, list):
                raise SourceError(f"unexpected answer from {url}: not a list of statuses")
            pages += 1
            statuses.extend(page)
            if not page or not state.cursor:
                break  # first poll: the newest page is enough; later polls walk forward
            url, params = page_links(response.headers.get("Link", "")).get("prev"), None
        posts = await off_loop(parse_statuses, statuses, channel=channel, source_name=self.name)
        ids = (string(mapping(s).get("id")) for s in statuses)
        newest = max(filter(None, ids), key=_id_order, default=None)
        cursor = max(filter(None, [state.cursor, newest]), key=_id_order, default=None)
        return Collected(posts, replace(state, cursor=cursor), http_status=status_code)

    def can_refresh_counts(self) -> bool:
        return True

    async def refresh_counts(
        self, fetcher: Fetcher, targets: list[RefreshTarget], max_calls: int
    ) -> RefreshResult:
        """``GET /api/v1/statuses?id[]=…`` on this instance, by the ids it gave the statuses."""
        ids = {
            t.post_id: t.ref or local_status_id(t.post_id, self.settings.base_url) for t in targets
        }
        url = f"{self.settings.base_url}/api/v1/statuses"

        async def ask(chunk: list[RefreshTarget]) -> tuple[list[Counts], bool]:
            post_by_id = {ids[t.post_id]: t.post_id for t in chunk}
            response = await fetcher.get(url, params={"id[]": list(post_by_id)})
            statuses = response.json()
            if not isinstance(statuses, list):
                raise SourceError(f"unexpected answer from {url}: not a list of statuses")
            return parse_status_counts(statuses, post_by_id), True

        askable = [t for t in targets if ids[t.post_id]]
        unaskable = [t for t in targets if not ids[t.post_id]]
        return await ask_in_batches(askable, STATUSES_PER_CALL, max_calls, ask, unaskable)


def local_status_id(post_id: str, base_url: str) -> str | None:
    """A status's id on ``base_url`` when its uri says it (it was posted there)."""
    uri = post_id.removeprefix(f"{KIND}:")
    parts = urlsplit(uri)
    match = _LOCAL_STATUS.fullmatch(parts.path)
    return match.group(1) if match and parts.netloc == urlsplit(base_url).netloc else None


def parse_status_counts(statuses: list[Any], post_by_id: dict[str, str]) -> list[Counts]:
    """Counts of the statuses asked for by id (pure); others in the answer are ignored."""
    found = []
    for raw in statuses:
        status = mapping(raw)
        post_id = post_by_id.get(string(status.get("id")) or "")
        if post_id is None:
            continue
        found.append(
            Counts(
                post_id,
                likes=count(status.get("favourites_count")),
                shares=count(status.get("reblogs_count")),
                replies=count(status.get("replies_count")),
            )
        )
    return found


def _id_order(status_id: str) -> tuple[int, str]:
    """Mastodon ids are snowflake numbers in strings: compare by length, then text."""
    return (len(status_id), status_id)


def page_links(header: str) -> dict[str, str]:
    """``Link: <…>; rel="next", <…>; rel="prev"`` → {rel: url}."""
    return {rel: url for url, rel in _LINK.findall(header)}


def parse_statuses(statuses: list[dict[str, Any]], *, channel: str, source_name: str) -> list[Post]:
    """Posts of a tag timeline page (pure); reblogs count as the original status."""
    origin = Origin(KIND, source_name, channel)
    posts = []
    for raw in statuses:
        status = mapping(mapping(raw).get("reblog")) or mapping(raw)
        uri = string(status.get("uri"))
        created = timestamp(status.get("created_at"))
        if not uri or created is None:
            continue  # no stable id or date: not a usable status
        account = mapping(status.get("account"))
        posts.append(
            make_post(
                origin,
                uri,
                url=one_line(string(status.get("url")) or uri, 2000),
                author=one_line(string(account.get("acct"))),
                title=one_line(string(status.get("spoiler_text")), MAX_TITLE_CHARS),
                text=html_to_text(string(status.get("content")) or ""),
                lang=one_line(string(status.get("language")), 10),
                created_at=created,
                likes=count(status.get("favourites_count")),
                shares=count(status.get("reblogs_count")),
                replies=count(status.get("replies_count")),
                ref=string(status.get("id")),  # its id here, for refreshing its counts
            )
        )
    return posts
