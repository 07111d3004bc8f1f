"""Link a post to the watchlist entities it mentions (rules in docs/watchlist.md).

Text and aliases are reduced to the same word tokens (case, accents, most punctuation and
``&``/``and`` folded), and every run of up to N tokens is looked up in one table, so a long
alias and the shorter ones inside it ("Nick and Charlie", "Nick", "Charlie") all match,
on word boundaries, in time linear in the post's length.

Why not pyahocorasick: matching is 6.8 µs a post, of which an automaton could save ~2 µs,
and word boundaries, hashtags, context rules and priority would still be ours. Why not
anyascii or unidecode for accents: transliteration changes what matches (Cyrillic and CJK
become Latin tokens, "ß" becomes "ss"), and unidecode is GPL.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from analytics.core.watchlist import PREFIX_MARK, Show, WatchItem, Watchlist
from collector.theme_keywords import PrefixKeywords

Strength = Literal["strong", "context", "term", "theme"]

# Sentence ends stop a phrase from matching across them; other punctuation is folded away.
_TOKEN = re.compile(r"\w+|[/+.!?;:]")
_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
_BREAKS = frozenset({".", "!", "?", ";", ":"})
MAX_MATCHED_CHARS = 20_000

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Target:
    entity_id: str
    label: str  # what is recorded as `matched`
    strength: Strength
    shows: frozenset[str]


@dataclass(frozen=True, slots=True)
class Match:
    entity_id: str
    matched: str


@dataclass(frozen=True, slots=True)
class DeadAlias:
    """A watchlist phrase no text can ever match, and why."""

    entity_id: str
    alias: str
    reason: str


def _combining_marks() -> re.Pattern[str]:
    # Every combining mark lies below U+20000; ranges keep the class short (~7 ms to build).
    ranges: list[str] = []
    run_start = previous = -2
    for code in range(0x20000):
        if not unicodedata.combining(chr(code)):
            continue
        if code != previous + 1:
            if run_start >= 0:
                ranges.append(f"{re.escape(chr(run_start))}-{re.escape(chr(previous))}")
            run_start = code
        previous = code
    ranges.append(f"{re.escape(chr(run_start))}-{re.escape(chr(previous))}")
    return re.compile("[" + "".join(ranges) + "]")


_COMBINING = _combining_marks()


def _fold(text: str) -> str:
    if text.isascii():  # the usual case: decomposition changes nothing
        return text.lower().replace("&", " and ")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _COMBINING.sub("", decomposed).replace("&", " and ")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(_fold(text))


class Matcher:
    """Built once per watchlist; :meth:`match` is pure and thread-safe."""

    def __init__(self, watchlist: Watchlist) -> None:
        self._phrases: dict[tuple[str, ...], list[_Target]] = {}
        self._hashtags: dict[str, list[_Target]] = {}
        self._openings: set[tuple[str, ...]] = set()
        self._show_ids = {show.id for show in watchlist.shows}
        self.dead_aliases: list[DeadAlias] = []
        shows_of = _shows_of_entities(watchlist.shows)
        for show in watchlist.shows:
            self._add_item(f"show:{show.id}", show, shows_of)
            for term in show.context_terms:
                self._add_phrase(term, _Target(f"show:{show.id}", term, "term", frozenset()))
            for kind, item in show.members():
                self._add_item(f"{kind}:{item.id}", item, shows_of)
        for theme in watchlist.themes:
            for keyword in theme.keywords:
                if keyword.endswith(PREFIX_MARK):  # matched by self._theme_prefixes
                    continue
                target = _Target(f"theme:{theme.id}", keyword, "theme", frozenset())
                self._add_phrase(keyword, target)
        self._theme_prefixes = PrefixKeywords(watchlist.themes, tokens)
        self._longest = max((len(key) for key in self._phrases), default=1)

    def _add_item(self, entity_id: str, item: WatchItem, shows_of: dict[str, set[str]]) -> None:
        shows = frozenset(shows_of[entity_id])
        for alias in item.aliases:
            self._add_phrase(alias, _Target(entity_id, alias, "strong", shows))
        for alias in item.context_aliases:
            self._add_phrase(alias, _Target(entity_id, alias, "context", shows))
        for tag in item.hashtags:
            target = _Target(entity_id, f"#{tag}", "strong", shows)
            self._hashtags.setdefault(_fold(tag), []).append(target)

    def _add_phrase(self, phrase: str, target: _Target) -> None:
        key = tuple(tokens(phrase))
        reason = _never_matches(key)
        if reason:
            self.dead_aliases.append(DeadAlias(target.entity_id, phrase, reason))
            return
        if target not in self._phrases.setdefault(key, []):
            self._phrases[key].append(target)
            # Every opening of a phrase: a scan stops as soon as its run opens none.
            self._openings.update(key[:length] for length in range(1, len(key) + 1))

    def match(self, text: str, *, show: str | None = None) -> list[Match]:
        """Entities the text mentions; ``show`` is context given by the channel itself.

        Returns nothing but themes' absence when no show, person, character or ship
        matches: themes alone never make a post relevant.
        """
        hits = list(self._scan(text[:MAX_MATCHED_CHARS]))
        context_shows: set[str] = {show} if show else set()
        for target in hits:
            if target.strength == "strong":
                context_shows |= target.shows
            elif target.strength == "term":
                context_shows.add(target.entity_id.removeprefix("show:"))
        found: dict[str, str] = {}
        for target in sorted(hits, key=_priority):
            if target.strength in ("term", "theme"):
                continue
            if target.strength == "context" and not (target.shows & context_shows):
                continue
            found.setdefault(target.entity_id, target.label)
        if show and f"show:{show}" not in found:
            found[f"show:{show}"] = "source context"
        if found:
            for target in hits:
                if target.strength == "theme":
                    found.setdefault(target.entity_id, target.label)
            self._add_prefix_themes(found, text)
        return [Match(entity_id, label) for entity_id, label in found.items()]

    def _add_prefix_themes(self, found: dict[str, str], text: str) -> None:
        """Themes whose ``*`` keywords the text holds (collector/theme_keywords.py)."""
        if self._theme_prefixes:
            for keyword in self._theme_prefixes.find(tokens(text[:MAX_MATCHED_CHARS])):
                found.setdefault(keyword.entity_id, keyword.label)

    def _scan(self, text: str) -> Iterable[_Target]:
        for tag in _HASHTAG.findall(text):
            yield from self._hashtags.get(_fold(tag), ())
        words = tokens(text)
        openings = self._openings
        phrases = self._phrases
        for start, word in enumerate(words):
            if (word,) not in openings:  # most words open no phrase
                continue
            for end in range(start + 1, min(start + self._longest, len(words)) + 1):
                run = tuple(words[start:end])
                if run not in openings:  # no phrase opens this way; breaks open none
                    break
                yield from phrases.get(run, ())


def _never_matches(key: tuple[str, ...]) -> str | None:
    """Why a phrase with these tokens can never be found in any text, or None."""
    if not key:  # empty, spaces, emoji or punctuation only: folding leaves no word
        return "it has no letters or digits"
    ends = sorted(_BREAKS.intersection(key))
    if ends:  # a scan never runs across a sentence end
        return f"it contains {ends[0]!r}, which ends a sentence, and no match spans one"
    return None


def warn_dead_aliases(watchlist: Watchlist, path: Path | str) -> list[DeadAlias]:
    """Log each alias, term or keyword of ``watchlist`` that can never match; return them."""
    dead = Matcher(watchlist).dead_aliases
    for item in dead:
        log.warning(
            "%s: %s: alias %r can never match: %s", path, item.entity_id, item.alias, item.reason
        )
    return dead


_PRIORITY = {"strong": 0, "context": 1, "term": 2, "theme": 3}


def _priority(target: _Target) -> int:
    return _PRIORITY[target.strength]


def _shows_of_entities(shows: list[Show]) -> dict[str, set[str]]:
    """Entity id → every show it is listed under (a person may be in several)."""
    found: dict[str, set[str]] = {}
    for show in shows:
        found.setdefault(f"show:{show.id}", set()).add(show.id)
        for kind, item in show.members():
            found.setdefault(f"{kind}:{item.id}", set()).add(show.id)
    return found
