"""The source interface: one module per kind, each turning a channel into posts.

A source is built from its ``[[sources]]`` entry. For each of its channels (a feed URL, a
hashtag, a query) the runner calls :meth:`Source.collect` with the shared fetcher and the
channel's saved state; the source fetches (``fetch_*``), parses with a pure function
(``parse_*``) and returns a :class:`Collected` with the channel's new state. Retries,
backoff, error recording and storage are the runner's job, not the source's.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, ParamSpec, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from analytics.core.config import SourceEntry
from analytics.core.errors import ConfigError, config_error
from analytics.core.models import Attention, Post, RefreshResult, RefreshTarget, SourceState
from analytics.core.post_ids import feed_post_id
from collector.http import Fetcher, FetchError

P = ParamSpec("P")
T = TypeVar("T")


class SourceError(Exception):
    """A channel answered, but not with anything usable; the message says what to do."""


async def off_loop(work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a parse in a worker thread and await its result.

    Every channel shares one event loop: a 100,000-item feed parsed on it (~20 s of pure
    Python) would stall every other channel's requests and timeouts for as long. In a
    thread, the loop gets the interpreter back every few milliseconds.
    """
    return await asyncio.to_thread(work, *args, **kwargs)


@contextmanager
def explain_status(statuses: Collection[int], explanation: Callable[[int], str]) -> Iterator[None]:
    """Turn a request refused with one of ``statuses`` into a SourceError saying what to do."""
    try:
        yield
    except FetchError as exc:
        if exc.status in statuses:
            raise SourceError(explanation(exc.status)) from None
        raise


@dataclass(frozen=True, slots=True)
class Origin:
    """Where posts come from: stamped on every post made from them."""

    source: str  # the kind: rss, reddit, …
    source_name: str
    channel: str
    post_kind: str = "post"
    lang: str | None = None  # declared for the whole channel (a feed's language)
    # Native ids are feed guids, unique perhaps only in their feed: see analytics.core.post_ids.
    feed_ids: bool = False


def make_post(
    origin: Origin,
    native_id: str,
    *,
    text: str,
    created_at: datetime,
    url: str | None = None,
    author: str | None = None,
    title: str | None = None,
    lang: str | None = None,
    post_kind: str | None = None,
    likes: int | None = None,
    shares: int | None = None,
    replies: int | None = None,
    score: int | None = None,
    ref: str | None = None,
    other_urls: list[str] | None = None,
) -> Post:
    """The one way a source makes a post: id, source and channel come from ``origin``."""
    if origin.feed_ids:
        post_id = feed_post_id(origin.source, origin.channel, native_id)
    else:
        post_id = f"{origin.source}:{native_id}"
    return Post(
        post_id=post_id,
        source=origin.source,
        source_name=origin.source_name,
        channel=origin.channel,
        url=url,
        author=author,
        title=title,
        text=text,
        lang=lang,
        created_at=created_at,
        likes=likes,
        shares=shares,
        replies=replies,
        score=score,
        post_kind=post_kind or origin.post_kind,
        ref=ref,
        other_urls=other_urls or [],
    )


class SourceSettings(BaseModel):
    """Kind-specific keys of a ``[[sources]]`` entry; subclasses add theirs."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(slots=True)
class Collected:
    """What one channel gave in one run."""

    posts: list[Post]
    state: SourceState
    http_status: int | None = None
    not_modified: bool = False
    attention: list[Attention] = field(default_factory=list)  # numeric signals, not posts

    @property
    def fetched(self) -> int:
        return len(self.posts) + len(self.attention)


class Source(ABC):
    kind: ClassVar[str]
    settings_model: ClassVar[type[SourceSettings]] = SourceSettings

    def __init__(self, entry: SourceEntry, settings: SourceSettings) -> None:
        self.entry = entry
        self.settings = settings

    @classmethod
    def from_entry(cls, entry: SourceEntry, config_path: str) -> Source:
        options: dict[str, Any] = entry.options
        try:
            settings = cls.settings_model.model_validate(options)
        except ValidationError as exc:
            error = config_error(config_path, exc, options)  # type: ignore[arg-type]
            raise ConfigError(
                config_path, f"sources.{entry.name}.{error.key}", error.problem
            ) from None
        return cls(entry, settings)

    @property
    def name(self) -> str:
        return self.entry.name

    @abstractmethod
    def channels(self) -> list[str]:
        """The channels this source polls, each with its own state row."""

    @abstractmethod
    async def collect(self, fetcher: Fetcher, channel: str, state: SourceState) -> Collected:
        """Fetch and parse one channel; raise FetchError or SourceError on failure."""

    def can_refresh_counts(self) -> bool:
        """Whether this source can look its posts up by id again (kind and credentials)."""
        return False

    async def refresh_counts(
        self, fetcher: Fetcher, targets: list[RefreshTarget], max_calls: int
    ) -> RefreshResult:
        """Ask the platform again for the counts of ``targets`` (in batches, at most
        ``max_calls`` requests); only called when :meth:`can_refresh_counts`."""
        raise NotImplementedError(f"{self.kind} sources cannot refresh counts")

    def entity_references(self) -> list[str]:
        """Watchlist entity ids this source's settings name (checked at start-up)."""
        return []

    def auth_status(self) -> str:
        """A one-line description of credentials, for `fanpulse sources`."""
        return "keyless"
