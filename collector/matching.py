"""Link a post to the watchlist entities it mentions (rules in docs/watchlist.md).

Text and aliases are reduced to the same word tokens (case, accents, most punctuation and
``&``/``and`` folded), and every run of up to N tokens is looked up in one table, so a long
alias and the shorter ones inside it ("Nick and Charlie", "Nick", "Charlie") all match,
on word boundaries, in time linear in the post's length. Weak hits (first names, titles
made of everyday words) are then read with their case and neighbours, from the tokens as
written, which are only computed for a post that has such a hit. Aliases in scripts
without spaces (CJK, Thai) are found as substrings, only in posts that use such a script.

Why not pyahocorasick: matching is ~7 µs a post on a quiet machine (the weak-hit reading
added ~12%: 14.1 → 15.8 µs on a busy one, ``python -m bench.matching_eval``), of which an
automaton could save ~2 µs, and word boundaries, hashtags, context rules and priority
would still be ours. Why not
anyascii or unidecode for accents: transliteration changes what matches (Cyrillic and CJK
become Latin tokens, "ß" becomes "ss"), and unidecode is GPL.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from analytics.core.watchlist import Ship, Show, WatchItem, Watchlist

# strong: anywhere; context: a first name (needs show context and a name's shape);
# title: a show's title made of everyday words (needs capitals, title brackets or context).
Strength = Literal["strong", "context", "title", "term", "theme"]

# Sentence ends stop a phrase from matching across them; other punctuation is folded away.
_TOKEN = re.compile(r"\w+|[/+.!?;:]")
_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
_BREAKS = frozenset({".", "!", "?", ";", ":"})
MAX_MATCHED_CHARS = 20_000

# Scripts written without spaces between words (Korean attaches particles to nouns): their
# aliases are found as substrings, not as whole words.
_NO_SPACES = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u3040-\u30ff"
    "\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]"
)
_CJK_DROPPED = re.compile(r"[^\w《〈「『【]")  # separators such as "・" and spaces do not count
_TITLE_OPENERS = frozenset("《〈「『【")
_CJK_SEASON = ("第", "시즌", "シーズン", "季")
# Everyday-word titles: "a real heartstopper." is the noun, "a Heartstopper fan" the title.
_ARTICLES = frozenset({"a", "an", "you", "ya"})
_FUNCTION_WORDS = frozenset(
    [
        "of",
        "for",
        "to",
        "in",
        "on",
        "at",
        "with",
        "and",
        "or",
        "but",
        "from",
        "by",
        "as",
        "if",
        "when",
        "that",
        "this",
        "who",
        "which",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "you",
        "is",
        "was",
        "are",
        "were",
        "be",
        "has",
        "had",
        "have",
        "right",
        "there",
        "here",
        "again",
        "indeed",
        "too",
    ]
)
_SEASON_WORDS = frozenset({"season", "s", "saison", "temporada", "staffel", "säsong", "series"})
# A capitalised word after a first name that does not make it someone else's name.
_SMALL_WORDS = frozenset(
    [
        "and",
        "or",
        "the",
        "a",
        "an",
        "is",
        "was",
        "are",
        "x",
        "y",
        "e",
        "et",
        "und",
        "och",
        "ed",
        "og",
        "n",
        "i",
        "im",
        "omg",
        "lol",
        "lmao",
        "tbh",
        "ngl",
        "pls",
        "ily",
        "idk",
        "imo",
        "xx",
        "xo",
        "in",
        "on",
        "at",
        "of",
        "to",
        "for",
        "with",
        "from",
        "as",
        "by",
        "has",
        "had",
        "have",
        "be",
        "so",
        "too",
        "my",
        "his",
        "her",
        "our",
        "their",
        "you",
        "we",
        "they",
        "he",
        "she",
        "it",
        "this",
        "that",
    ]
)
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lady", "lord", "saint"})
_ORGANISATION_WORDS = frozenset({"magazine", "mag", "brand", "inc", "ltd", "fc", "records"})
# After "in"/"since"/… and before a sentence end or a number, "August" is the month.
_TIME_WORDS = frozenset({"in", "since", "until", "till", "during", "early", "late", "mid", "next"})
# A first name that is a pronoun in a main fan language, read as the pronoun before a verb.
_PRONOUN_NAMES = {
    "elle": frozenset(
        [
            "est",
            "a",
            "etait",
            "va",
            "fait",
            "dit",
            "ne",
            "n",
            "se",
            "s",
            "l",
            "le",
            "la",
            "les",
            "lui",
            "m",
            "me",
            "t",
            "te",
            "y",
            "en",
            "sera",
            "serait",
            "avait",
            "peut",
            "veut",
            "doit",
            "aime",
            "adore",
            "sait",
            "vient",
            "part",
            "joue",
            "sont",
        ]
    ),
}
# Words that join two characters into a pair ("Nick & Charlie", "Nick y Charlie", …).
_JOINERS = frozenset({"and", "x", "/", "+", "n", "y", "e", "et", "und", "och", "ed", "og"})
_SPACES = re.compile(r"[ \t]+")

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


def _cjk_fold(text: str) -> str:
    return _CJK_DROPPED.sub("", unicodedata.normalize("NFKC", text).casefold())


def _written(text: str, count: int) -> tuple[str, list[str]] | None:
    """The text with case kept, and its tokens as written, aligned with :func:`tokens`;
    None in the rare text where folding changes the number of tokens."""
    base = text.replace("&", " and ")
    found = _TOKEN.findall(base)
    if len(found) != count and not text.isascii():  # decomposed accents split words
        base = _COMBINING.sub("", unicodedata.normalize("NFKD", text)).replace("&", " and ")
        found = _TOKEN.findall(base)
    return (base, found) if len(found) == count else None


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
                target = _Target(f"theme:{theme.id}", keyword, "theme", frozenset())
                self._add_phrase(keyword, target)
        self._longest = max((len(key) for key in self._phrases), default=1)

    def _add_item(self, entity_id: str, item: WatchItem, shows_of: dict[str, set[str]]) -> None:
        shows = frozenset(shows_of[entity_id])
        weak: Strength = "title" if entity_id.startswith("show:") else "context"
        for alias in item.aliases:
            self._add_phrase(alias, _Target(entity_id, alias, "strong", shows))
        for alias in item.context_aliases:
            self._add_phrase(alias, _Target(entity_id, alias, weak, shows))
        for tag in item.hashtags:
            target = _Target(entity_id, f"#{tag}", "strong", shows)
            self._hashtags.setdefault(_fold(tag), []).append(target)

    def _add_phrase(self, phrase: str, target: _Target) -> None:
        if _NO_SPACES.search(phrase):  # no word boundaries: found as a substring
            key_text = _cjk_fold(phrase)
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
        # Context: (show, start, end) of what vouches for a show; a weak alias never
        # vouches for itself (a context term equal to a context alias is no context).
        context: list[tuple[str, int, int]] = [(show, -1, -1)] if show else []
        found: dict[str, str] = {}
        spans: dict[str, list[tuple[int, int]]] = {}
        titles: list[_Hit] = []
        names: list[_Hit] = []
        themes = False
        for hit in hits:
            start, end, target, _ = hit
            strength = target.strength
            if strength == "strong":
                found.setdefault(target.entity_id, target.label)
                spans.setdefault(target.entity_id, []).append((start, end))
                context.extend((s, start, end) for s in target.shows)
            elif strength == "context":
                names.append(hit)
            elif strength == "title":
                titles.append(hit)
            elif strength == "term":
                context.append((target.entity_id.removeprefix("show:"), start, end))
            else:
                themes = True
        if titles or names:
            post = _Post(text, words, self._known_words)
            names = [hit for hit in names if post.reads_as_name(hit[0], hit[1])]
            named_shows = {s for hit in names for s in hit[2].shows}
            for start, end, target, marked in titles:
                if target.entity_id in found or post.common_noun(start, end):
                    continue
                shows = target.shows
                if (
                    marked
                    or post.season_follows(end)
                    or _vouched(context, shows, start, end)
                    or shows & named_shows
                    or post.capitalised(start, end)
                ):
                    found[target.entity_id] = target.label
                    context.extend((s, start, end) for s in shows)
            for start, end, target, _ in names:
                if _vouched(context, target.shows, start, end):
                    found.setdefault(target.entity_id, target.label)
                    spans.setdefault(target.entity_id, []).append((start, end))
            for ship, first, second in self._ships:
                paired = first in spans and second in spans and ship not in found
                if paired and _paired(words, spans[first], spans[second]):
                    found[ship] = f"{found[first]} & {found[second]}"
        if show and f"show:{show}" not in found:
            found[f"show:{show}"] = "source context"
        if found and themes:
            for _, _, target, _ in hits:
                if target.strength == "theme":
                    found.setdefault(target.entity_id, target.label)
        return [Match(entity_id, label) for entity_id, label in found.items()]

    def _scan(self, text: str, words: list[str]) -> list[_Hit]:
        hits: list[_Hit] = []
        if "#" in text:
            for tag in _HASHTAG.findall(text):
                hits.extend(
                    (-1, -1, target, False) for target in self._hashtags.get(_fold(tag), ())
                )
        openings = self._openings
        phrases = self._phrases
        longest = self._longest
        count = len(words)
        for start, word in enumerate(words):
            if (word,) not in openings:  # most words open no phrase
                continue
            for end in range(start + 1, min(start + longest, count) + 1):
                run = tuple(words[start:end])
                if run not in openings:  # no phrase opens this way; breaks open none
                    break
                for target in phrases.get(run, ()):
                    hits.append((start, end, target, False))
        if self._substrings and not text.isascii() and _NO_SPACES.search(text):
            folded = _cjk_fold(text)
            for key, target in self._substrings:
                at = folded.find(key)
                if at >= 0:
                    bracketed = at > 0 and folded[at - 1] in _TITLE_OPENERS
                    season = folded.startswith(_CJK_SEASON, at + len(key))
                    hits.append((-1, -1, target, bracketed or season))
        return hits


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


def _paired(words: list[str], first: list[tuple[int, int]], second: list[tuple[int, int]]) -> bool:
    """Two characters named as a pair: "Nick Nelson & Charlie Spring", "Charlie y Nick"."""
    for a_start, a_end in first:
        for b_start, b_end in second:
            if a_start < 0 or b_start < 0:
                continue
            if b_start == a_end + 1 and words[a_end] in _JOINERS:
                return True
            if a_start == b_end + 1 and words[b_end] in _JOINERS:
                return True
    return False


class _Post:
    """The shape of the words around a weak hit: case and neighbours."""

    __slots__ = ("_known", "_text", "_written", "words")

    def __init__(self, text: str, words: list[str], known: set[str]) -> None:
        self._text = text
        self.words = words
        self._known = known
        self._written: tuple[str, list[str]] | None | bool = False  # False: not read yet

    def written(self) -> tuple[str, list[str]] | None:
        if self._written is False:
            self._written = _written(self._text, len(self.words))
        return self._written  # type: ignore[return-value]

    def _word(self, index: int) -> str:
        return self.words[index] if 0 <= index < len(self.words) else ""

    def capitalised(self, start: int, end: int) -> bool:
        """Every word written with a capital ("Heartstopper", "Young Royals", "RWRB")."""
        written = self.written()
        if start < 0 or written is None:
            return False
        return all(written[1][i][:1].isupper() for i in range(start, end))

    def common_noun(self, start: int, end: int) -> bool:
        """Everyday use of a title: "a real heartstopper:", "a handsome devil he is",
        "a heart stopper of a match" (not "a Heartstopper fan", the title's use)."""
        if start < 0:
            return False
        word = self._word
        follower = word(end)
        of_a = follower == "of" and word(end + 1) in ("a", "an")
        if of_a:
            return True
        article = word(start - 1) in _ARTICLES or (
            word(start - 2) in ("a", "an") and word(start - 1).isalpha()
        )
        return article and (not follower or follower in _BREAKS or follower in _FUNCTION_WORDS)

    def season_follows(self, end: int) -> bool:
        """ "heartstopper season 3", "young royals s3": a title's use."""
        follower = self._word(end)
        return follower in _SEASON_WORDS or (follower[:1] == "s" and follower[1:].isdigit())

    def reads_as_name(self, start: int, end: int) -> bool:
        """Whether a first name here is the character's or person's, not someone else's
        ("Charlie Cox", "Mr Darcy"), a brand ("Elle UK", "Elle magazine"), a date
        ("August 12", "in August") or another language's pronoun ("Elle est")."""
        if start < 0:
            return True
        word = self._word
        before, after = word(start - 1), word(end)
        if before.isdigit() or after.isdigit() or after in _ORGANISATION_WORDS:
            return False
        if before in _HONORIFICS or (before == "." and word(start - 2) in _HONORIFICS):
            return False
        if before in _TIME_WORDS and (not after or after in _BREAKS):
            return False
        pronoun_verbs = _PRONOUN_NAMES.get(word(start)) if end == start + 1 else None
        if pronoun_verbs and after in pronoun_verbs:
            return False
        if before in ("a", "an") or after in self._known or after in _SMALL_WORDS:
            return True
        if not after.isalpha() or len(after) < 2:
            return True
        written = self.written()
        if written is None:
            return True
        base, as_written = written
        if all(as_written[i].isupper() for i in range(start, end)):  # "NICK CRIED": shouting
            return True
        if not as_written[end][:1].isupper():
            return True
        # "Charlie Cox", "Joe Biden", "Elle UK": a capitalised word right after it, with
        # only spaces between ("Nick, Charlie" is a list; a new line, a new thought).
        positions = list(_TOKEN.finditer(base))
        gap = base[positions[end - 1].end() : positions[end].start()]
        return _SPACES.fullmatch(gap) is None


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


def _shows_of_entities(shows: list[Show]) -> dict[str, set[str]]:
    """Entity id → every show it is listed under (a person may be in several)."""
    found: dict[str, set[str]] = {}
    for show in shows:
        found.setdefault(f"show:{show.id}", set()).add(show.id)
        for kind, item in show.members():
            found.setdefault(f"{kind}:{item.id}", set()).add(show.id)
    return found
