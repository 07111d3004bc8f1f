"""Link a post to the watchlist entities it mentions (rules in docs/watchlist.md).

Text and aliases are reduced to the same word tokens (case, accents, most punctuation and
``&``/``and`` folded), and every run of up to N tokens is looked up in one table, so a long
alias and the shorter ones inside it ("Nick and Charlie", "Nick", "Charlie") all match,
on word boundaries, in time linear in the post's length. Weak hits (first names, titles
made of everyday words) are then read with their case and neighbours, from the tokens as
written, which are only computed for a post that has such a hit. Aliases in scripts
without spaces (CJK, Thai) are found as substrings, only in posts that use such a script.

Why not pyahocorasick: matching is ~7 µs a post on a quiet machine (the weak-hit reading
added ~12%: 14.2 → 15.9 µs on a busy one, 20,000 demo-like posts), of which an
automaton could save ~2 µs, and word boundaries, hashtags, context rules and priority
would still be ours. Why not anyascii or unidecode for accents: transliteration changes
what matches (Cyrillic and CJK become Latin tokens, "ß" becomes "ss"), and unidecode is GPL.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from analytics.core.watchlist import PREFIX_MARK, Ship, Show, WatchItem, Watchlist
from collector.folding import BREAKS, cjk_fold, fold, tokens
from collector.theme_keywords import PrefixKeywords
from collector.word_reading import PostWords, paired

# strong: anywhere; context: a first name (needs show context and a name's shape);
# title: a show's title made of everyday words (needs capitals, title brackets or context).
Strength = Literal["strong", "context", "title", "term", "theme"]

_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
MAX_MATCHED_CHARS = 20_000

# Scripts written without spaces between words (Korean attaches particles to nouns): their
# aliases are found as substrings, not as whole words.
_NO_SPACES = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u3040-\u30ff"
    "\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]"
)
_NO_WORD = "it has no letters or digits"
_TITLE_OPENERS = frozenset("《〈「『【")
_CJK_SEASON = ("第", "시즌", "シーズン", "季")
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


# (start, end, target, marked): token positions, -1 for hashtags and substring (CJK) hits;
# marked: a CJK title written as one, in title brackets (《…》) or before a season (第3季).
# Plain tuples: a post has a handful of hits and this is the ingest hot path.
_Hit = tuple[int, int, _Target, bool]


class Matcher:
    """Built once per watchlist; :meth:`match` is pure and thread-safe."""

    def __init__(self, watchlist: Watchlist) -> None:
        self._phrases: dict[tuple[str, ...], list[_Target]] = {}
        self._hashtags: dict[str, list[_Target]] = {}
        self._substrings: list[tuple[str, _Target]] = []
        self._openings: set[tuple[str, ...]] = set()
        self._known_words: set[str] = set()  # every word of a name, title or term
        self._show_ids = {show.id for show in watchlist.shows}
        self.dead_aliases: list[DeadAlias] = []
        shows_of = _shows_of_entities(watchlist.shows)
        self._ships: list[tuple[str, str, str]] = []
        for show in watchlist.shows:
            self._add_item(f"show:{show.id}", show, shows_of)
            for term in show.context_terms:
                self._add_phrase(term, _Target(f"show:{show.id}", term, "term", frozenset()))
            for kind, item in show.members():
                self._add_item(f"{kind}:{item.id}", item, shows_of)
                if isinstance(item, Ship) and len(item.characters) == 2:
                    first, second = (f"character:{c}" for c in item.characters)
                    self._ships.append((f"ship:{item.id}", first, second))
        for theme in watchlist.themes:
            for keyword in theme.keywords:
                if keyword.endswith(PREFIX_MARK):  # matched by self._theme_prefixes
                    continue
                target = _Target(f"theme:{theme.id}", keyword, "theme", frozenset())
                self._add_phrase(keyword, target)
        self._theme_prefixes = PrefixKeywords(watchlist.themes, tokens)
        self._longest = max((len(key) for key in self._phrases), default=1)
        self._first_words = frozenset(opening[0] for opening in self._openings)

    def _add_item(self, entity_id: str, item: WatchItem, shows_of: dict[str, set[str]]) -> None:
        shows = frozenset(shows_of[entity_id])
        weak: Strength = "title" if entity_id.startswith("show:") else "context"
        for alias in item.aliases:
            self._add_phrase(alias, _Target(entity_id, alias, "strong", shows))
        for alias in item.context_aliases:
            self._add_phrase(alias, _Target(entity_id, alias, weak, shows))
        for tag in item.hashtags:
            target = _Target(entity_id, f"#{tag}", "strong", shows)
            self._hashtags.setdefault(fold(tag), []).append(target)

    def _add_phrase(self, phrase: str, target: _Target) -> None:
        if _NO_SPACES.search(phrase):  # no word boundaries: found as a substring
            key_text = cjk_fold(phrase)
            if not key_text:  # only separators such as "・"
                self.dead_aliases.append(DeadAlias(target.entity_id, phrase, _NO_WORD))
                return
            if (key_text, target) not in self._substrings:
                self._substrings.append((key_text, target))
            return
        key = tuple(tokens(phrase))
        reason = _never_matches(key)
        if reason:
            self.dead_aliases.append(DeadAlias(target.entity_id, phrase, reason))
            return
        if target.strength != "theme":
            self._known_words.update(key)
        if target not in self._phrases.setdefault(key, []):
            self._phrases[key].append(target)
            # Every opening of a phrase: a scan stops as soon as its run opens none.
            self._openings.update(key[:length] for length in range(1, len(key) + 1))

    def match(self, text: str, *, show: str | None = None) -> list[Match]:
        """Entities the text mentions; ``show`` is context given by the channel itself.

        Returns nothing but themes' absence when no show, person, character or ship
        matches: themes alone never make a post relevant.
        """
        text = text[:MAX_MATCHED_CHARS]
        words = tokens(text)
        hits = self._scan(text, words)
        if not hits:
            return [Match(f"show:{show}", "source context")] if show else []
        state = _Found(show)
        titles, names, themes = state.take_strong(hits)
        if titles or names:
            post = PostWords(text, words, self._known_words)
            names = [hit for hit in names if post.reads_as_name(hit[0], hit[1])]
            state.take_titles(post, titles, {s for hit in names for s in hit[2].shows})
            state.take_names(names)
            self._add_ships(state, words)
        found = state.found
        if show and f"show:{show}" not in found:
            found[f"show:{show}"] = "source context"
        if found:
            for target in themes:
                found.setdefault(target.entity_id, target.label)
            self._add_prefix_themes(found, words)
        return [Match(entity_id, label) for entity_id, label in found.items()]

    def _add_prefix_themes(self, found: dict[str, str], words: list[str]) -> None:
        """Themes whose ``*`` keywords the text holds (collector/theme_keywords.py)."""
        if self._theme_prefixes:
            for keyword in self._theme_prefixes.find(words):
                found.setdefault(keyword.entity_id, keyword.label)

    def _add_ships(self, state: _Found, words: list[str]) -> None:
        spans, found = state.spans, state.found
        for ship, first, second in self._ships:
            both = first in spans and second in spans and ship not in found
            if both and paired(words, spans[first], spans[second]):
                found[ship] = f"{found[first]} & {found[second]}"

    def _scan(self, text: str, words: list[str]) -> list[_Hit]:
        hits: list[_Hit] = []
        if "#" in text:
            for tag in _HASHTAG.findall(text):
                hits.extend((-1, -1, target, False) for target in self._hashtags.get(fold(tag), ()))
        openings = self._openings
        phrases = self._phrases
        longest = self._longest
        count = len(words)
        first_words = self._first_words
        for start, word in enumerate(words):
            if word not in first_words:  # most words open no phrase
                continue
            for end in range(start + 1, min(start + longest, count) + 1):
                run = tuple(words[start:end])
                if run not in openings:  # no phrase opens this way; breaks open none
                    break
                for target in phrases.get(run, ()):
                    hits.append((start, end, target, False))
        if self._substrings and not text.isascii() and _NO_SPACES.search(text):
            hits.extend(self._scan_substrings(cjk_fold(text)))
        return hits

    def _scan_substrings(self, folded: str) -> list[_Hit]:
        hits: list[_Hit] = []
        for key, target in self._substrings:
            at = folded.find(key)
            if at >= 0:
                bracketed = at > 0 and folded[at - 1] in _TITLE_OPENERS
                season = folded.startswith(_CJK_SEASON, at + len(key))
                hits.append((-1, -1, target, bracketed or season))
        return hits


class _Found:
    """What one post is found to mention, built strong hits first, then weak ones."""

    __slots__ = ("context", "found", "spans")

    def __init__(self, show: str | None) -> None:
        # (show, start, end) of what vouches for a show; a weak alias never vouches for
        # itself (a context term spelled like a context alias is no context for it).
        self.context: list[tuple[str, int, int]] = [(show, -1, -1)] if show else []
        self.found: dict[str, str] = {}
        self.spans: dict[str, list[tuple[int, int]]] = {}  # where each entity was named

    def take_strong(self, hits: list[_Hit]) -> tuple[list[_Hit], list[_Hit], list[_Target]]:
        """Record strong hits and terms; return the titles, names and themes left to read."""
        titles: list[_Hit] = []
        names: list[_Hit] = []
        themes: list[_Target] = []
        for hit in hits:
            start, end, target, _ = hit
            strength = target.strength
            if strength == "strong":
                self._add(target, start, end)
            elif strength == "context":
                names.append(hit)
            elif strength == "title":
                titles.append(hit)
            elif strength == "term":
                self.context.append((target.entity_id.removeprefix("show:"), start, end))
            else:
                themes.append(target)
        return titles, names, themes

    def take_titles(self, post: PostWords, titles: list[_Hit], named: set[str]) -> None:
        """Everyday-word titles written as titles, or with context (``named``: shows with a
        plausible first name in the post)."""
        for start, end, target, marked in titles:
            if target.entity_id in self.found or post.common_noun(start, end):
                continue
            if (
                marked
                or post.season_follows(end)
                or _vouched(self.context, target.shows, start, end)
                or target.shows & named
                or post.capitalised(start, end)
            ):
                self._add(target, start, end)

    def take_names(self, names: list[_Hit]) -> None:
        for start, end, target, _ in names:
            if _vouched(self.context, target.shows, start, end):
                self._add(target, start, end)

    def _add(self, target: _Target, start: int, end: int) -> None:
        self.found.setdefault(target.entity_id, target.label)
        self.spans.setdefault(target.entity_id, []).append((start, end))
        for show in target.shows:
            self.context.append((show, start, end))


def _vouched(
    context: list[tuple[str, int, int]], shows: frozenset[str], start: int, end: int
) -> bool:
    """Whether something else in the post (not the hit itself) gives one of ``shows``."""
    for show, other_start, other_end in context:
        if show in shows and (
            other_start < 0 or start < 0 or other_end <= start or other_start >= end
        ):
            return True
    return False


def _never_matches(key: tuple[str, ...]) -> str | None:
    """Why a phrase with these tokens can never be found in any text, or None."""
    if not key:  # empty, spaces, emoji or punctuation only: folding leaves no word
        return _NO_WORD
    ends = sorted(BREAKS.intersection(key))
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


def _shows_of_entities(shows: list[Show]) -> dict[str, set[str]]:
    """Entity id → every show it is listed under (a person may be in several)."""
    found: dict[str, set[str]] = {}
    for show in shows:
        found.setdefault(f"show:{show.id}", set()).add(show.id)
        for kind, item in show.members():
            found.setdefault(f"{kind}:{item.id}", set()).add(show.id)
    return found
