"""Reddit: subreddit posts and comments, and searches, through OAuth app-only access.

Reddit refuses unauthenticated JSON, so with ``REDDIT_CLIENT_ID``, ``REDDIT_CLIENT_SECRET``
and ``REDDIT_USER_AGENT`` (``<platform>:<app id>:<version> (by /u/<user>)``) the source gets
an app-only token (cached until it expires) and reads ``oauth.reddit.com`` with
``raw_json=1``. Listings are read newest first, page by page, until the newest item seen on
the previous poll (the cursor), so no page is fetched twice; posts on the last page that
were already stored get their scores refreshed. When ``X-Ratelimit-Remaining``
runs low, paging stops until the next poll. Without credentials each subreddit falls back
to its public RSS feed, which has no scores or comment counts (``fanpulse sources`` says so).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from pydantic import Field, field_validator

from analytics.core.models import Counts, Post, RefreshResult, RefreshTarget, SourceState
from collector.http import Fetcher, FetchResponse
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
from collector.sources.rss import fetch_feed, parse_feed
from collector.sources.values import count, mapping, string
from collector.text import MAX_TITLE_CHARS, clean_text, one_line

log = logging.getLogger(__name__)

KIND = "reddit"
ID_ENV, SECRET_ENV, AGENT_ENV = "REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET", "REDDIT_USER_AGENT"
# Keep a few calls in hand for the other channels sharing the same app's allowance.
MIN_REMAINING = 5
_FULLNAME = re.compile(r"t[13]_[0-9a-z]+")
# /api/info takes at most this many fullnames a call.
THINGS_PER_CALL = 100


class RedditSettings(SourceSettings):
    base_url: str = "https://oauth.reddit.com"
    auth_url: str = "https://www.reddit.com/api/v1/access_token"
    rss_url: str = "https://www.reddit.com"  # keyless fallback
    subreddits: list[str] = []
    searches: list[str] = []
    comments: bool = True
    page_size: int = Field(default=100, ge=1, le=100)
    max_pages: int = Field(default=3, ge=1, le=10)

    @field_validator("subreddits")
    @classmethod
    def _names(cls, names: list[str]) -> list[str]:
        cleaned = [name.removeprefix("/").removeprefix("r/") for name in names]
        for name in cleaned:
            if not name.replace("_", "").isalnum():
                raise ValueError(f"{name!r} is not a subreddit name")
        return cleaned


class RedditSource(Source):
    kind = KIND
    settings_model = RedditSettings
    settings: RedditSettings

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._token: tuple[str, float] | None = None  # (token, monotonic expiry)
        self._token_lock = asyncio.Lock()

    def channels(self) -> list[str]:
        subs = [f"r/{name}" for name in self.settings.subreddits]
        if not _credentials():
            return subs  # RSS fallback: new posts only
        comments = [f"{sub}/comments" for sub in subs] if self.settings.comments else []
        return subs + comments + [f"search:{q}" for q in self.settings.searches]

    def auth_status(self) -> str:
        if _credentials():
            return f"OAuth app-only ({ID_ENV})"
        return f"RSS fallback, no scores/comments/search: set {ID_ENV}, {SECRET_ENV}, {AGENT_ENV}"

    async def collect(self, fetcher: Fetcher, channel: str, state: SourceState) -> Collected:
        if not _credentials():
            return await self._rss(fetcher, channel, state)
        if channel.startswith("search:"):
            path, params = "/search", {"q": channel.removeprefix("search:"), "sort": "new"}
        elif channel.endswith("/comments"):
            path, params = f"/{channel}", {}
        else:
            path, params = f"/{channel}/new", {}
        return await self._listing(fetcher, channel, path, params, state)

    async def _listing(
        self,
        fetcher: Fetcher,
        channel: str,
        path: str,
        params: dict[str, Any],
        state: SourceState,
    ) -> Collected:
        seen_until = state.cursor
        things: list[dict[str, Any]] = []
        after: str | None = None
        status = None
        for _ in range(self.settings.max_pages):
            query = {**params, "limit": self.settings.page_size, "raw_json": 1}
            if after:
                query["after"] = after
            response = await self._get(fetcher, f"{self.settings.base_url}{path}", query)
            status = response.status
            page, after = parse_listing_page(response.json())
            # Items seen before are kept too: the store refreshes their scores at no extra
            # request; reaching one means everything older is known, so paging stops.
            things.extend(page)
            reached_cursor = any(_is_seen(t, seen_until) for t in page)
            if reached_cursor or not after or _rate_limited(response.headers):
                break
        posts = await off_loop(parse_things, things, channel=channel, source_name=self.name)
        newest = max((_order_key(t) for t in things), default=None)
        cursor = max(filter(None, [seen_until, newest]), default=None)
        return Collected(posts, replace(state, cursor=cursor), http_status=status)

    def can_refresh_counts(self) -> bool:
        return _credentials() is not None  # the RSS fallback has no counts to refresh

    async def refresh_counts(
        self, fetcher: Fetcher, targets: list[RefreshTarget], max_calls: int
    ) -> RefreshResult:
        """``/api/info?id=t3_…,t1_…``: links and comments by fullname (needs OAuth)."""
        names = {t.post_id: t.post_id.removeprefix(f"{KIND}:") for t in targets}
        url = f"{self.settings.base_url}/api/info"

        async def ask(chunk: list[RefreshTarget]) -> tuple[list[Counts], bool]:
            query = {"id": ",".join(names[t.post_id] for t in chunk), "raw_json": 1}
            response = await self._get(fetcher, url, query)
            things, _ = parse_listing_page(response.json())
            return thing_counts(things), not _rate_limited(response.headers)

        askable = [t for t in targets if _FULLNAME.fullmatch(names[t.post_id])]
        unaskable = [t for t in targets if not _FULLNAME.fullmatch(names[t.post_id])]
        return await ask_in_batches(askable, THINGS_PER_CALL, max_calls, ask, unaskable)

    async def _get(self, fetcher: Fetcher, url: str, params: dict[str, Any]) -> FetchResponse:
        token = await self._access_token(fetcher)
        headers = {"Authorization": f"bearer {token}", "User-Agent": os.environ[AGENT_ENV]}
        try:
            with explain_status(
                (401, 403),
                lambda status: (
                    f"Reddit refused access (HTTP {status}): check {ID_ENV} and "
                    f"{SECRET_ENV}, and that the subreddit is public"
                ),
            ):
                return await fetcher.get(url, params=params, headers=headers)
        except SourceError:
            self._token = None  # the next poll asks for a fresh token
            raise

    async def _access_token(self, fetcher: Fetcher) -> str:
        async with self._token_lock:
            if self._token and self._token[1] > time.monotonic():
                return self._token[0]
            client_id, secret, agent = _credentials() or ("", "", "")
            with explain_status(
                (400, 401, 403),
                lambda status: (
                    f"Reddit rejected the app credentials (HTTP {status}); "
                    f"check {ID_ENV} and {SECRET_ENV}"
                ),
            ):
                response = await fetcher.request(
                    "POST",
                    self.settings.auth_url,
                    data={"grant_type": "client_credentials"},
                    auth=(client_id, secret),
                    headers={"User-Agent": agent},
                )
            payload = response.json()
            token = payload.get("access_token") if isinstance(payload, dict) else None
            if not isinstance(token, str):
                raise SourceError("Reddit answered the token request without a token")
            lifetime = payload.get("expires_in")
            seconds = float(lifetime) if isinstance(lifetime, int | float) else 3600.0
            self._token = (token, time.monotonic() + max(60.0, seconds - 60))
            return token

    async def _rss(self, fetcher: Fetcher, channel: str, state: SourceState) -> Collected:
        def parse(content: bytes, headers: Mapping[str, str]) -> list[Post]:
            posts = parse_feed(
                content,
                headers=headers,
                channel=channel,
                source_name=self.name,
                now=datetime.now(UTC),
                source=KIND,
                post_kind="post",
            )
            # Reddit's Atom ids are fullnames (t3_…), as in the API: the same post either way.
            return [replace(p, post_id=_fullname_id(p.post_id, channel)) for p in posts]

        url = f"{self.settings.rss_url.rstrip('/')}/{channel}/new/.rss"
        return await fetch_feed(fetcher, url, state, parse)


def _fullname_id(post_id: str, channel: str) -> str:
    # Looked for in the entry's own id, not in the subreddit name that qualifies it.
    native = post_id.removeprefix(f"{KIND}:").removeprefix(f"{channel}#")
    match = _FULLNAME.search(native)
    return f"{KIND}:{match.group(0)}" if match else post_id


def _credentials() -> tuple[str, str, str] | None:
    values = (os.environ.get(ID_ENV), os.environ.get(SECRET_ENV), os.environ.get(AGENT_ENV))
    return values if all(values) else None  # type: ignore[return-value]


def _rate_limited(headers: Mapping[str, str]) -> bool:
    remaining = headers.get("x-ratelimit-remaining")
    try:
        low = remaining is not None and float(remaining) < MIN_REMAINING
    except ValueError:
        return False
    if low:
        log.info("reddit rate limit nearly used (%s left); paging resumes next poll", remaining)
    return low


def _order_key(thing: dict[str, Any]) -> str:
    """Sortable position of a thing: creation time, then its fullname."""
    created = thing.get("created_utc")
    stamp = f"{float(created):015.3f}" if isinstance(created, int | float) else "0"
    return f"{stamp}|{thing.get('name', '')}"


def _is_seen(thing: dict[str, Any], cursor: str | None) -> bool:
    return cursor is not None and _order_key(thing) <= cursor


def parse_listing_page(payload: Any) -> tuple[list[dict[str, Any]], str | None]:
    """A Listing's children's data and its ``after`` token."""
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("children"), list):
        raise SourceError("unexpected Reddit answer: not a Listing")
    children = [c for c in data["children"] if isinstance(c, dict)]
    things = [c["data"] for c in children if isinstance(c.get("data"), dict)]
    after = data.get("after")
    return things, after if isinstance(after, str) else None


def parse_things(things: list[dict[str, Any]], *, channel: str, source_name: str) -> list[Post]:
    """Reddit links (t3) and comments (t1) as posts (pure).

    A crosspost is the original post with the original's counts (its ``shares`` are its
    crossposts), never a post of its own.
    """
    origin = Origin(KIND, source_name, channel)
    posts = []
    for raw in things:
        thing = _original(mapping(raw))
        name, created = string(thing.get("name")), thing.get("created_utc")
        if name is None or isinstance(created, bool) or not isinstance(created, int | float):
            continue
        try:
            created_at = datetime.fromtimestamp(created, tz=UTC)
        except (OverflowError, OSError, ValueError):
            continue  # an absurd time is not a usable post
        is_comment = name.startswith("t1_")
        body = string(thing.get("body") if is_comment else thing.get("selftext"))
        permalink = string(thing.get("permalink"))
        posts.append(
            make_post(
                origin,
                name,
                url=f"https://www.reddit.com{permalink}" if permalink else None,
                author=one_line(string(thing.get("author"))),
                title=None if is_comment else one_line(string(thing.get("title")), MAX_TITLE_CHARS),
                text=clean_text(body or ""),  # raw_json=1: plain text, no entities
                created_at=created_at,
                likes=count(thing.get("ups")),
                shares=None if is_comment else count(thing.get("num_crossposts")),
                replies=count(thing.get("num_comments")),
                score=_score(thing.get("score")),
                post_kind="comment" if is_comment else "post",
            )
        )
    return posts


def thing_counts(things: list[dict[str, Any]]) -> list[Counts]:
    """Counts of links and comments, as :func:`parse_things` reads them (pure)."""
    found = []
    for raw in things:
        thing = mapping(raw)
        name = string(thing.get("name"))
        if name is None:
            continue
        is_comment = name.startswith("t1_")
        found.append(
            Counts(
                f"{KIND}:{name}",
                likes=count(thing.get("ups")),
                shares=None if is_comment else count(thing.get("num_crossposts")),
                replies=count(thing.get("num_comments")),
                score=_score(thing.get("score")),
            )
        )
    return found


def _original(thing: dict[str, Any]) -> dict[str, Any]:
    """The post a crosspost points at, when Reddit sends it along; else the thing itself."""
    parents = thing.get("crosspost_parent_list")
    if thing.get("crosspost_parent") and isinstance(parents, list) and parents:
        parent = mapping(parents[0])
        if string(parent.get("name")) == thing.get("crosspost_parent"):
            return parent
    return thing


def _score(value: object) -> int | None:
    """Reddit's score can be negative; it is still a whole number, never a bool."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None
