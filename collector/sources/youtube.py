"""YouTube: channel feeds (keyless) and, with an API key, comments on watched videos.

Each channel's Atom feed carries its 15 newest videos with view counts
(``media:statistics``) and like counts (``media:starRating count``), refreshed on every
poll. Broad channels (a network's official channel) keep only videos that mention the
watchlist, like every broad feed.

With ``YOUTUBE_API_KEY``, ``video_ids`` are read for comments through the Data API's
``commentThreads`` (1 quota unit a page). The API's default quota is 10,000 units a day;
fanpulse spends at most ``daily_quota_budget`` units a day (default 5,000), counted in
memory, so even a restart mid-day cannot exhaust the key. Disabled comments and an
exhausted quota are told apart in the error. Comments seldom name the show, so give a
comments source the video's ``show`` (and keep broad channel feeds in a source of their own).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from pydantic import Field, field_validator

from analytics.core.models import Counts, Post, RefreshResult, RefreshTarget, SourceState
from collector.http import Fetcher, FetchError
from collector.sources.base import (
    Collected,
    Origin,
    Source,
    SourceError,
    SourceSettings,
    make_post,
    off_loop,
)
from collector.sources.refresh import AskBatch, ask_in_batches, combine
from collector.sources.rss import entry_post, fetch_feed, read_feed
from collector.sources.values import count, mapping, string, timestamp
from collector.text import clean_text, one_line

KIND = "youtube"
KEY_ENV = "YOUTUBE_API_KEY"
# videos.list and comments.list take at most this many ids a call (1 quota unit each).
IDS_PER_CALL = 50
_VIDEO_ID = re.compile(r"[\w-]{1,64}")
_COMMENT = f"{KIND}:comment:"


class YoutubeSettings(SourceSettings):
    base_url: str = "https://www.youtube.com"
    api_url: str = "https://www.googleapis.com/youtube/v3"
    channel_ids: list[str] = []
    video_ids: list[str] = []  # comments are read for these (needs YOUTUBE_API_KEY)
    daily_quota_budget: int = Field(default=5000, ge=1, le=1_000_000)
    max_pages: int = Field(default=5, ge=1, le=50)

    @field_validator("channel_ids")
    @classmethod
    def _channel_ids(cls, ids: list[str]) -> list[str]:
        for channel_id in ids:
            if not re.fullmatch(r"UC[\w-]{22}", channel_id):
                raise ValueError(
                    f"{channel_id!r} is not a channel id (UC followed by 22 characters)"
                )
        return ids


class YoutubeSource(Source):
    kind = KIND
    settings_model = YoutubeSettings
    settings: YoutubeSettings

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._quota_day = ""
        self._quota_used = 0

    def channels(self) -> list[str]:
        comments = [f"comments:{v}" for v in self.settings.video_ids] if _api_key() else []
        return list(self.settings.channel_ids) + comments

    def auth_status(self) -> str:
        if not self.settings.video_ids:
            return "keyless (channel feeds)"
        if _api_key():
            return f"API key ({KEY_ENV}), ≤ {self.settings.daily_quota_budget} units a day"
        return f"comments off: set {KEY_ENV}; channel feeds keyless"

    async def collect(self, fetcher: Fetcher, channel: str, state: SourceState) -> Collected:
        if channel.startswith("comments:"):
            return await self._comments(fetcher, channel, state)

        def parse(content: bytes, _headers: Mapping[str, str]) -> list[Post]:
            return parse_videos(
                content, channel=channel, source_name=self.name, now=datetime.now(UTC)
            )

        url = f"{self.settings.base_url.rstrip('/')}/feeds/videos.xml"
        return await fetch_feed(fetcher, url, state, parse, params={"channel_id": channel})

    async def _comments(self, fetcher: Fetcher, channel: str, state: SourceState) -> Collected:
        video_id = channel.removeprefix("comments:")
        params: dict[str, Any] = {
            "part": "snippet",
            "videoId": video_id,
            "maxResults": 100,
            "order": "time",
            "textFormat": "plainText",
            "key": _api_key(),
        }
        items: list[dict[str, Any]] = []
        status = None
        for _ in range(self.settings.max_pages):
            self._spend_quota()
            try:
                response = await fetcher.get(
                    f"{self.settings.api_url}/commentThreads", params=params
                )
            except FetchError as exc:
                raise _api_error(exc, video_id) from None
            status = response.status
            payload = response.json()
            page = payload.get("items") if isinstance(payload, dict) else None
            if not isinstance(page, list):
                raise SourceError("unexpected YouTube answer: no 'items' list")
            items.extend(i for i in page if isinstance(i, dict))
            token = payload.get("nextPageToken")
            oldest = min((_published(i) or "" for i in page), default="")
            if not token or (state.cursor and oldest <= state.cursor):
                break  # the rest was read on an earlier poll
            params = {**params, "pageToken": token}
        posts = await off_loop(
            parse_comments, items, video_id=video_id, channel=channel, source_name=self.name
        )
        newest = max((p for p in map(_published, items) if p), default=None)
        cursor = max(filter(None, [state.cursor, newest]), default=None)
        return Collected(posts, replace(state, cursor=cursor), http_status=status)

    def can_refresh_counts(self) -> bool:
        return _api_key() is not None  # channel feeds refresh their 15 newest videos each poll

    async def refresh_counts(
        self, fetcher: Fetcher, targets: list[RefreshTarget], max_calls: int
    ) -> RefreshResult:
        """``videos.list`` (views, likes, comments) and ``comments.list`` (likes) by id,
        each call spending one unit of the daily quota budget (needs the API key)."""
        native = {t.post_id: _native_id(t.post_id) for t in targets}
        videos = [t for t in targets if not t.post_id.startswith(_COMMENT) and native[t.post_id]]
        comments = [t for t in targets if t.post_id.startswith(_COMMENT) and native[t.post_id]]
        unaskable = [t for t in targets if not native[t.post_id]]

        def lookup(resource: str, part: str, read: Callable[[dict[str, Any]], Counts]) -> AskBatch:
            async def ask(chunk: list[RefreshTarget]) -> tuple[list[Counts], bool]:
                self._spend_quota()
                params = {
                    "part": part,
                    "id": ",".join(native[t.post_id] or "" for t in chunk),
                    "maxResults": IDS_PER_CALL,
                    "key": _api_key(),
                }
                try:
                    response = await fetcher.get(
                        f"{self.settings.api_url}/{resource}", params=params
                    )
                except FetchError as exc:
                    raise _api_error(exc, resource) from None
                items = mapping(response.json()).get("items")
                if not isinstance(items, list):
                    raise SourceError("unexpected YouTube answer: no 'items' list")
                return [
                    read(mapping(item)) for item in items if string(mapping(item).get("id"))
                ], True

            return ask

        first = await ask_in_batches(
            videos,
            IDS_PER_CALL,
            max_calls,
            lookup("videos", "statistics", _video_counts),
            unaskable,
        )
        if first.error or first.calls >= max_calls or not comments:
            return first
        second = await ask_in_batches(
            comments,
            IDS_PER_CALL,
            max_calls - first.calls,
            lookup("comments", "snippet", _comment_counts),
        )
        return combine(first, second)

    def _spend_quota(self) -> None:
        today = datetime.now(UTC).strftime("%Y-%m-%d")
        if today != self._quota_day:
            self._quota_day, self._quota_used = today, 0
        if self._quota_used >= self.settings.daily_quota_budget:
            raise SourceError(
                f"YouTube quota budget of {self.settings.daily_quota_budget} units used today; "
                "comments resume tomorrow (raise daily_quota_budget if the key allows)"
            )
        self._quota_used += 1


def _api_key() -> str | None:
    return os.environ.get(KEY_ENV) or None


def _api_error(exc: FetchError, video_id: str) -> Exception:
    """The Data API's reason (commentsDisabled, quotaExceeded, …) as a clear error."""
    try:
        errors = json.loads(exc.body or b"{}").get("error", {}).get("errors") or [{}]
        reason = errors[0].get("reason")
    except (ValueError, AttributeError):
        reason = None
    if reason == "commentsDisabled":
        return SourceError(f"comments are disabled on video {video_id}; remove it from video_ids")
    if reason in ("quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded"):
        return SourceError(f"the YouTube API quota for {KEY_ENV} is exhausted ({reason})")
    if reason in ("keyInvalid", "forbidden") or exc.status in (400, 401):
        return SourceError(f"YouTube refused the API key (HTTP {exc.status}); check {KEY_ENV}")
    if exc.status == 404:
        return SourceError(f"no YouTube video {video_id}")
    return exc


def _native_id(post_id: str) -> str | None:
    """The id videos.list or comments.list takes, when the post id carries one."""
    if post_id.startswith(_COMMENT):
        return post_id.removeprefix(_COMMENT) or None
    video_id = post_id.removeprefix(f"{KIND}:")
    return video_id if _VIDEO_ID.fullmatch(video_id) else None


def _video_counts(item: dict[str, Any]) -> Counts:
    statistics = mapping(item.get("statistics"))
    return Counts(
        f"{KIND}:{item['id']}",
        likes=_number(statistics.get("likeCount")),
        replies=_number(statistics.get("commentCount")),
        views=_number(statistics.get("viewCount")),
    )


def _comment_counts(item: dict[str, Any]) -> Counts:
    return Counts(
        f"{_COMMENT}{item['id']}", likes=count(mapping(item.get("snippet")).get("likeCount"))
    )


def _published(item: dict[str, Any]) -> str | None:
    snippet = ((item.get("snippet") or {}).get("topLevelComment") or {}).get("snippet") or {}
    value = snippet.get("publishedAt")
    return value if isinstance(value, str) else None


def parse_comments(
    items: list[dict[str, Any]], *, video_id: str, channel: str, source_name: str
) -> list[Post]:
    """``commentThreads`` items (top-level comments) as posts (pure)."""
    origin = Origin(KIND, source_name, channel, "comment")
    posts = []
    for item in items:
        thread = mapping(mapping(item).get("snippet"))
        top = mapping(thread.get("topLevelComment"))
        snippet = mapping(top.get("snippet"))
        comment_id, created = string(top.get("id")), timestamp(snippet.get("publishedAt"))
        if comment_id is None or created is None:
            continue
        posts.append(
            make_post(
                origin,
                f"comment:{comment_id}",
                url=f"https://www.youtube.com/watch?v={video_id}&lc={comment_id}",
                author=one_line(string(snippet.get("authorDisplayName"))),
                text=clean_text(
                    string(snippet.get("textOriginal")) or string(snippet.get("textDisplay")) or ""
                ),
                created_at=created,
                likes=count(snippet.get("likeCount")),
                replies=count(thread.get("totalReplyCount")),
            )
        )
    return posts


def parse_videos(content: bytes, *, channel: str, source_name: str, now: datetime) -> list[Post]:
    """Videos of a channel feed with their views and likes (pure)."""
    entries, feed_lang = read_feed(content, headers=None, channel=channel)
    origin = Origin(KIND, source_name, channel, "video", feed_lang, feed_ids=True)
    posts = []
    for entry in entries:
        post = entry_post(entry, origin, now)
        video_id = entry.get("yt_videoid")
        posts.append(
            replace(
                post,
                post_id=f"{KIND}:{video_id}" if video_id else post.post_id,
                views=_number((entry.get("media_statistics") or {}).get("views")),
                likes=_number((entry.get("media_starrating") or {}).get("count")),
            )
        )
    return posts


def _number(value: Any) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None
