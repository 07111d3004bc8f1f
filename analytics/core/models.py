"""Plain records shared by the collector (which makes them) and the store (which saves them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta


@dataclass(slots=True)
class Post:
    """One normalised post, as every source returns it.

    ``post_id`` is ``<source>:<native id>`` and stable across polls, so storing the same
    post twice is a no-op. Times are timezone-aware UTC. Text is plain (no HTML).
    """

    post_id: str
    source: str  # kind of source: rss, reddit, mastodon, ...
    source_name: str  # the configured source's unique name
    channel: str  # feed URL, subreddit, instance + tag, query
    url: str | None
    author: str | None
    title: str | None
    text: str
    lang: str | None
    created_at: datetime
    likes: int | None = None
    shares: int | None = None
    replies: int | None = None
    score: int | None = None
    post_kind: str = "post"  # article | post | comment | fanwork | video
    views: int | None = None
    # What the platform's lookup API calls this post, when post_id does not say it: a
    # Mastodon status's id on the instance it was read from (its uri names another server).
    ref: str | None = None
    # Other addresses the source gives for this same item (a feed's origLink, a permalink
    # guid): they link its copies into one story; not stored as columns.
    other_urls: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Entity:
    """A watched thing: a show, a person, a character, a ship or a theme."""

    entity_id: str  # e.g. show:heartstopper, person:kit-connor
    kind: str  # show | person | character | ship | theme
    name: str
    show_id: str | None  # the show it belongs to (first listed, for people in several)
    # Every show it is listed under (a person may be in several); empty means just
    # ``show_id``. Kept in the ``entity_shows`` table: show figures include their members.
    shows: tuple[str, ...] = ()

    def member_of(self) -> tuple[str, ...]:
        """The slugs of the shows whose figures include this entity."""
        if self.shows:
            return self.shows
        return (self.show_id,) if self.show_id else ()


@dataclass(frozen=True, slots=True)
class Mention:
    post_id: str
    entity_id: str
    matched: str  # the alias, hashtag or rule that matched


@dataclass(frozen=True, slots=True)
class Sentiment:
    vader_compound: float  # plain vaderSentiment compound score
    sentiment: float  # fandom-aware compound, -1..1
    label: str  # positive | neutral | negative
    version: str  # which scorer produced ``sentiment``


@dataclass(slots=True)
class ScoredPost:
    """A post ready to store: its sentiment, its mentions and its duplicate key."""

    post: Post
    sentiment: Sentiment
    content_hash: str
    mentions: list[Mention] = field(default_factory=list)


@dataclass(slots=True)
class SourceState:
    """What a source remembers about one channel between polls (the ``source_state`` row)."""

    source_name: str
    channel: str
    source: str
    etag: str | None = None
    last_modified: str | None = None
    cursor: str | None = None  # opaque to all but the source that wrote it
    next_due_at: datetime | None = None
    consecutive_failures: int = 0
    last_error: str | None = None
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None


@dataclass(slots=True)
class RunRecord:
    """One source run over one channel (the ``collection_runs`` row)."""

    source_name: str
    source: str
    channel: str
    started_at: datetime
    finished_at: datetime
    status: str  # ok | not_modified | error
    fetched: int
    off_topic: int
    inserted: int = 0  # filled in by the store, in the transaction that saves the posts
    http_status: int | None = None
    error: str | None = None
    # Unique per run; lets a batch stored from the spool after a crash be recognised.
    batch_id: str | None = None


@dataclass(frozen=True, slots=True)
class Attention:
    """One day's numeric signal for an entity that is not a post (e.g. Wikipedia views)."""

    entity_id: str
    metric: str
    day: date
    value: float
    source_name: str


@dataclass(slots=True)
class RunBatch:
    """Everything one source run produced, saved together in one transaction."""

    run: RunRecord
    posts: list[ScoredPost]
    states: list[SourceState]
    attention: list[Attention] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """What the configuration says about a source."""

    name: str
    kind: str
    interval: timedelta


@dataclass(frozen=True, slots=True)
class RefreshTarget:
    """A stored post whose counts are due to be asked for again."""

    post_id: str
    channel: str
    post_kind: str
    ref: str | None  # the platform's id for it, when post_id does not say it


@dataclass(frozen=True, slots=True)
class Counts:
    """A post's counts as the platform gives them now; None where it gave none."""

    post_id: str
    likes: int | None = None
    shares: int | None = None
    replies: int | None = None
    score: int | None = None
    views: int | None = None


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """One source's refresh: the posts asked for, the counts returned, and the posts the
    platform did not return (deleted, hidden) or that cannot be asked for."""

    asked: list[str]
    counts: list[Counts]
    gone: list[str]
    calls: int = 0  # requests made
    error: str | None = None  # why it stopped early; what came before is kept
    retry_after: float | None = None  # seconds the platform asked to wait, when it did
