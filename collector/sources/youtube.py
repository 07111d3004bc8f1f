"""YouTube channel feeds (keyless): the 15 newest videos of each channel, with views and likes.

Each channel's Atom feed carries its videos' view counts (``media:statistics``) and like
counts (``media:starRating count``), refreshed in the database on every poll. Broad channels
(a network's official channel) keep only videos that mention the watchlist, like every broad
feed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from pydantic import Field, field_validator

from analytics.models import Post, SourceState
from collector.http import Fetcher
from collector.sources.base import Collected, Source, SourceSettings
from collector.sources.rss import Origin, entry_post, fetch_feed, read_feed

KIND = "youtube"


class YoutubeSettings(SourceSettings):
    base_url: str = "https://www.youtube.com"
    channel_ids: list[str] = Field(min_length=1)

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

    def channels(self) -> list[str]:
        return list(self.settings.channel_ids)

    async def collect(self, fetcher: Fetcher, channel: str, state: SourceState) -> Collected:
        def parse(content: bytes, _headers: Mapping[str, str]) -> list[Post]:
            return parse_videos(
                content, channel=channel, source_name=self.name, now=datetime.now(UTC)
            )

        url = f"{self.settings.base_url.rstrip('/')}/feeds/videos.xml"
        return await fetch_feed(fetcher, url, state, parse, params={"channel_id": channel})


def parse_videos(content: bytes, *, channel: str, source_name: str, now: datetime) -> list[Post]:
    """Videos of a channel feed with their views and likes (pure)."""
    entries, feed_lang = read_feed(content, headers=None, channel=channel)
    origin = Origin(KIND, source_name, channel, "video", feed_lang)
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
