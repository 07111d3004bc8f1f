"""Source kinds by name, and building them from the config's ``[[sources]]`` entries."""

from __future__ import annotations

from analytics.core.config import AppConfig, ConfigError
from collector.sources.ao3 import Ao3Source
from collector.sources.base import Collected, Source, SourceError
from collector.sources.bluesky import BlueskySource
from collector.sources.mastodon import MastodonSource
from collector.sources.reddit import RedditSource
from collector.sources.rss import RssSource
from collector.sources.wikipedia import WikipediaSource
from collector.sources.youtube import YoutubeSource

KINDS: dict[str, type[Source]] = {
    RssSource.kind: RssSource,
    MastodonSource.kind: MastodonSource,
    WikipediaSource.kind: WikipediaSource,
    Ao3Source.kind: Ao3Source,
    YoutubeSource.kind: YoutubeSource,
    BlueskySource.kind: BlueskySource,
    RedditSource.kind: RedditSource,
}


def build_sources(config: AppConfig, *, include_disabled: bool = False) -> list[Source]:
    """Every configured source, validated; raises ConfigError naming the bad key."""
    built = []
    known_entities = {entity.entity_id for entity in config.watchlist.entities()}
    for index, entry in enumerate(config.sources):
        kind = KINDS.get(entry.kind)
        if kind is None:
            known = ", ".join(sorted(KINDS))
            raise ConfigError(
                config.path,
                f"sources[{index}] ({entry.name}).kind",
                f"unknown kind {entry.kind!r} (known: {known})",
            )
        source = kind.from_entry(entry, str(config.path))
        for entity_id in source.entity_references():
            if entity_id not in known_entities:
                raise ConfigError(
                    config.path,
                    f"sources.{entry.name}",
                    f"{entity_id!r} is not in the watchlist {config.watchlist_path}",
                )
        if entry.enabled or include_disabled:
            built.append(source)
    return built


__all__ = ["KINDS", "Collected", "Source", "SourceError", "build_sources"]
