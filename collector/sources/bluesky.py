"""Bluesky: post search (needs an app password) and author feeds (keyless).

Channels are ``search:<query>`` and ``author:<handle>``. Search needs a session made from
``BLUESKY_HANDLE`` and ``BLUESKY_APP_PASSWORD`` (an app password, never the account
password). Logins are rate-limited, so the session is made once per process and reused;
when a call is refused (expired access token) it is refreshed once with the refresh token,
and only then is a new login tried. Tokens live in memory only: never logged, never stored.
The cursor is the newest ``indexedAt`` seen, so later polls stop at known posts.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, replace
from typing import Any

from pydantic import Field

from analytics.core.models import Counts, Post, RefreshResult, RefreshTarget, SourceState
from collector.http import Fetcher, FetchError, FetchResponse
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
from collector.text import clean_text, one_line

log = logging.getLogger(__name__)

KIND = "bluesky"
HANDLE_ENV = "BLUESKY_HANDLE"
PASSWORD_ENV = "BLUESKY_APP_PASSWORD"
_AUTH_REFUSED = (400, 401)
# app.bsky.feed.getPosts takes at most this many uris a call.
POSTS_PER_CALL = 25


class BlueskySettings(SourceSettings):
    base_url: str = "https://bsky.social"  # where the account logs in and searches
    public_url: str = "https://public.api.bsky.app"  # keyless reads
    queries: list[str] = []
    authors: list[str] = []
    page_size: int = Field(default=100, ge=1, le=100)
    max_pages: int = Field(default=3, ge=1, le=20)


@dataclass
class _Session:
    access: str
    refresh: str


class BlueskySource(Source):
    kind = KIND
    settings_model = BlueskySettings
    settings: BlueskySettings

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._session: _Session | None = None
        self._session_lock = asyncio.Lock()
        self._warned = False

    def channels(self) -> list[str]:
        """Author feeds always; searches only with credentials (else they could never work)."""
        authors = [f"author:{a.lstrip('@')}" for a in self.settings.authors]
        if self.settings.queries and not _credentials():
            if not self._warned:
                log.warning(
                    "%s: search skipped: set %s and %s to search Bluesky",
                    self.name,
                    HANDLE_ENV,
                    PASSWORD_ENV,
                )
                self._warned = True
            return authors
        return [f"search:{q}" for q in self.settings.queries] + authors

    def auth_status(self) -> str:
        if not self.settings.queries:
            return "keyless (author feeds)"
        if _credentials():
            return f"app password for {os.environ[HANDLE_ENV]}"
        return f"search off: set {HANDLE_ENV} + {PASSWORD_ENV}; author feeds keyless"

    async def collect(self, fetcher: Fetcher, channel: str, state: SourceState) -> Collected:
        mode, _, value = channel.partition(":")
        if mode == "author":
            return await self._author_feed(fetcher, channel, value, state)
        return await self._search(fetcher, channel, value, state)

    def can_refresh_counts(self) -> bool:
        return True

    async def refresh_counts(
        self, fetcher: Fetcher, targets: list[RefreshTarget], max_calls: int
    ) -> RefreshResult:
        """``app.bsky.feed.getPosts?uris=…`` on the keyless public API."""
        url = f"{self.settings.public_url}/xrpc/app.bsky.feed.getPosts"

        async def ask(chunk: list[RefreshTarget]) -> tuple[list[Counts], bool]:
            uris = [t.post_id.removeprefix(f"{KIND}:") for t in chunk]
            response = await fetcher.get(url, params={"uris": uris})
            return view_counts(_list(response.json(), "posts")), True

        askable = [t for t in targets if t.post_id.startswith(f"{KIND}:at://")]
        unaskable = [t for t in targets if not t.post_id.startswith(f"{KIND}:at://")]
        return await ask_in_batches(askable, POSTS_PER_CALL, max_calls, ask, unaskable)

    async def _author_feed(
        self, fetcher: Fetcher, channel: str, handle: str, state: SourceState
    ) -> Collected:
        response = await fetcher.get(
            f"{self.settings.public_url}/xrpc/app.bsky.feed.getAuthorFeed",
            params={"actor": handle, "limit": min(self.settings.page_size, 100)},
        )
        views = [mapping(item).get("post") for item in _list(response.json(), "feed")]
        posts = await off_loop(
            parse_post_views, [v for v in views if isinstance(v, dict)], channel, self.name
        )
        return Collected(posts, _advance(state, posts), http_status=response.status)

    async def _search(
        self, fetcher: Fetcher, channel: str, query: str, state: SourceState
    ) -> Collected:
        if not _credentials():
            raise SourceError(
                f"Bluesky search needs {HANDLE_ENV} and {PASSWORD_ENV} (an app password from "
                "Settings → Privacy and security → App passwords); author feeds work without"
            )
        params: dict[str, Any] = {"q": query, "sort": "latest", "limit": self.settings.page_size}
        if state.cursor:
            params["since"] = state.cursor
        views: list[dict[str, Any]] = []
        status = None
        for _ in range(self.settings.max_pages):
            response = await self._authed_get(
                fetcher, f"{self.settings.base_url}/xrpc/app.bsky.feed.searchPosts", params
            )
            status = response.status
            payload = response.json()
            page = [v for v in _list(payload, "posts") if isinstance(v, dict)]
            views.extend(page)
            next_cursor = payload.get("cursor") if isinstance(payload, dict) else None
            if not page or not next_cursor:
                break
            params = {**params, "cursor": next_cursor}
        posts = await off_loop(parse_post_views, views, channel, self.name)
        return Collected(posts, _advance(state, posts, views), http_status=status)

    async def _authed_get(
        self, fetcher: Fetcher, url: str, params: dict[str, Any]
    ) -> FetchResponse:
        session = await self._login(fetcher)
        try:
            return await fetcher.get(url, params=params, headers=_bearer(session.access))
        except FetchError as exc:
            if exc.status not in _AUTH_REFUSED:
                raise
        session = await self._refresh(fetcher, session)
        with explain_status(
            _AUTH_REFUSED,
            lambda status: (
                f"Bluesky refused the session for {os.environ.get(HANDLE_ENV)} "
                f"(HTTP {status}); check {HANDLE_ENV} and {PASSWORD_ENV}"
            ),
        ):
            return await fetcher.get(url, params=params, headers=_bearer(session.access))

    async def _login(self, fetcher: Fetcher) -> _Session:
        async with self._session_lock:
            if self._session is None:
                handle, password = _credentials() or ("", "")
                with explain_status(
                    _AUTH_REFUSED,
                    lambda status: (
                        f"Bluesky login for {handle} failed (HTTP {status}); "
                        f"check {HANDLE_ENV} and {PASSWORD_ENV} (use an app password)"
                    ),
                ):
                    response = await fetcher.request(
                        "POST",
                        f"{self.settings.base_url}/xrpc/com.atproto.server.createSession",
                        json={"identifier": handle, "password": password},
                    )
                self._session = _session_from(response)
            return self._session

    async def _refresh(self, fetcher: Fetcher, stale: _Session) -> _Session:
        async with self._session_lock:
            if self._session is not None and self._session is not stale:
                return self._session  # another channel refreshed it meanwhile
            try:
                response = await fetcher.request(
                    "POST",
                    f"{self.settings.base_url}/xrpc/com.atproto.server.refreshSession",
                    headers=_bearer(stale.refresh),
                )
                self._session = _session_from(response)
            except FetchError as exc:
                if exc.status not in _AUTH_REFUSED:
                    raise
                self._session = None  # refresh token expired too: log in afresh
        return await self._login(fetcher)


def _credentials() -> tuple[str, str] | None:
    handle, password = os.environ.get(HANDLE_ENV), os.environ.get(PASSWORD_ENV)
    return (handle, password) if handle and password else None


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _session_from(response: FetchResponse) -> _Session:
    payload = response.json()
    if not isinstance(payload, dict) or not payload.get("accessJwt"):
        raise SourceError("Bluesky answered the login without a session token")
    return _Session(payload["accessJwt"], payload.get("refreshJwt") or "")


def _list(payload: Any, key: str) -> list[Any]:
    if not isinstance(payload, dict) or not isinstance(payload.get(key), list):
        raise SourceError(f"unexpected Bluesky answer: no '{key}' list")
    return payload[key]


def _advance(
    state: SourceState, posts: list[Post], views: list[dict[str, Any]] | None = None
) -> SourceState:
    stamps = [string(mapping(v).get("indexedAt")) for v in views or []]
    stamps = [s for s in stamps if s]
    newest = max(stamps, default=None)
    return replace(state, cursor=max(filter(None, [state.cursor, newest]), default=None))


def view_counts(views: list[Any]) -> list[Counts]:
    """Counts of post views, as :func:`parse_post_views` reads them (pure)."""
    found = []
    for raw in views:
        view = mapping(raw)
        uri = string(view.get("uri"))
        if uri is None:
            continue
        found.append(
            Counts(
                f"{KIND}:{uri}",
                likes=count(view.get("likeCount")),
                shares=count(view.get("repostCount")),
                replies=count(view.get("replyCount")),
            )
        )
    return found


def parse_post_views(views: list[dict[str, Any]], channel: str, source_name: str) -> list[Post]:
    """``app.bsky.feed.defs#postView`` objects as posts (pure); unusable ones skipped."""
    origin = Origin(KIND, source_name, channel)
    posts = []
    for raw in views:
        view = mapping(raw)
        record, author = mapping(view.get("record")), mapping(view.get("author"))
        uri = string(view.get("uri"))
        created = timestamp(record.get("createdAt")) or timestamp(view.get("indexedAt"))
        if uri is None or created is None:
            continue
        handle = string(author.get("handle"))
        langs = record.get("langs") if isinstance(record.get("langs"), list) else []
        posts.append(
            make_post(
                origin,
                uri,
                url=f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}"
                if handle
                else None,
                author=one_line(handle),
                text=clean_text(string(record.get("text")) or ""),
                lang=one_line(langs[0], 10) if langs and isinstance(langs[0], str) else None,
                created_at=created,
                likes=count(view.get("likeCount")),
                shares=count(view.get("repostCount")),
                replies=count(view.get("replyCount")),
            )
        )
    return posts
