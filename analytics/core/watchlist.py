"""The watchlist: shows, people, characters, ships and themes (see docs/watchlist.md)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from analytics.core.errors import ConfigError, config_error, read_toml
from analytics.core.models import Entity

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slug(value: str) -> str:
    """``value`` if it is a slug (ids of watched things and themes), else a clear error."""
    if not _SLUG.match(value):
        raise ValueError(f"{value!r} must be a slug: lower-case letters, digits and dashes")
    return value


class WatchItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    aliases: list[str] = []
    context_aliases: list[str] = []
    hashtags: list[str] = []

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        return slug(value)

    @field_validator("hashtags")
    @classmethod
    def _bare_tags(cls, tags: list[str]) -> list[str]:
        cleaned = [tag.lstrip("#") for tag in tags]
        for tag in cleaned:
            if not tag or not re.fullmatch(r"\w+", tag):
                raise ValueError(f"hashtag {tag!r} must be letters, digits or '_' only")
        return cleaned


class Person(WatchItem):
    role: Literal["cast", "creator", "crew"] = "cast"
    plays: list[str] = []


class Character(WatchItem):
    pass


class Ship(WatchItem):
    characters: list[str] = Field(default_factory=list)


class Show(WatchItem):
    context_terms: list[str] = []
    people: list[Person] = []
    characters: list[Character] = []
    ships: list[Ship] = []

    def members(self) -> Iterator[tuple[str, Person | Character | Ship]]:
        """(kind, item) for every person, character and ship listed under this show."""
        for person in self.people:
            yield "person", person
        for character in self.characters:
            yield "character", character
        for ship in self.ships:
            yield "ship", ship


PREFIX_MARK = "*"
# The shortest start a prefix keyword may end in: "ca*" would match half the dictionary.
MIN_PREFIX_CHARS = 3


class Theme(BaseModel):
    """A topic tracked across shows; a keyword ending in ``*`` matches any word starting
    with its last word (``cancel*``: cancelled, cancelling, cancellation)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str = Field(min_length=1)
    keywords: list[str] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        return slug(value)

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, keywords: list[str]) -> list[str]:
        for keyword in keywords:
            stem = keyword.removesuffix(PREFIX_MARK)
            if PREFIX_MARK in stem:
                raise ValueError(
                    f"keyword {keyword!r}: '*' may only end a keyword (write 'cancel*')"
                )
            if keyword.endswith(PREFIX_MARK):
                last = re.search(r"\w+$", stem)
                if last is None or len(last.group()) < MIN_PREFIX_CHARS:
                    raise ValueError(
                        f"keyword {keyword!r}: '*' must follow a word of at least "
                        f"{MIN_PREFIX_CHARS} letters, with no space before it"
                    )
        return keywords


class Watchlist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    shows: list[Show]
    themes: list[Theme] = []

    def entities(self) -> list[Entity]:
        """Every watched thing once, as stored in the ``entities`` table."""
        found: dict[str, Entity] = {}
        shows_of: dict[str, list[str]] = {}
        for show in self.shows:
            found.setdefault(f"show:{show.id}", Entity(f"show:{show.id}", "show", show.name, None))
            for kind, item in show.members():
                entity_id = f"{kind}:{item.id}"
                found.setdefault(entity_id, Entity(entity_id, kind, item.name, show.id))
                listed = shows_of.setdefault(entity_id, [])
                if show.id not in listed:
                    listed.append(show.id)
        for entity_id, listed in shows_of.items():
            found[entity_id] = dataclasses.replace(found[entity_id], shows=tuple(listed))
        for theme in self.themes:
            found.setdefault(
                f"theme:{theme.id}", Entity(f"theme:{theme.id}", "theme", theme.name, None)
            )
        return list(found.values())


def load_watchlist(path: Path) -> Watchlist:
    return _load_cached(path.resolve(), _mtime(path))


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0


@cache
def _load_cached(path: Path, _mtime_key: float) -> Watchlist:
    raw = read_toml(path)
    try:
        watchlist = Watchlist.model_validate(raw)
    except ValidationError as exc:
        raise config_error(path, exc, raw) from None
    problem = _reference_problem(watchlist)
    if problem:
        raise ConfigError(path, *problem)
    return watchlist


def _reference_problem(watchlist: Watchlist) -> tuple[str, str] | None:
    """Plays and ship characters must name characters of the same show; theme ids are
    unique."""
    if not watchlist.shows:
        return ("shows", "the watchlist names no show")
    seen: set[str] = set()
    for index, theme in enumerate(watchlist.themes):
        if theme.id in seen:
            return (f"themes[{index}].id", f"theme {theme.id!r} is listed twice")
        seen.add(theme.id)
    for index, show in enumerate(watchlist.shows):
        characters = {character.id for character in show.characters}
        for person in show.people:
            for ref in person.plays:
                if ref not in characters:
                    return (
                        f"shows[{index}] ({show.id}).people.{person.id}.plays",
                        f"no character {ref!r} in this show",
                    )
        for ship in show.ships:
            for ref in ship.characters:
                if ref not in characters:
                    return (
                        f"shows[{index}] ({show.id}).ships.{ship.id}.characters",
                        f"no character {ref!r} in this show",
                    )
    return None
