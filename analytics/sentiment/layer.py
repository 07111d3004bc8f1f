"""The fandom layer: rewrites a post into what VADER should read, and flags sarcasm and news.

It holds both scorers (plain VADER and VADER over the fan-extended lexicon) and is built once
per process by :func:`shared_layer`.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable

from analytics.sentiment import fandom_lexicon as fl
from analytics.sentiment.rules import (
    AF,
    AF_KEYS,
    ANCHORS,
    CASTING,
    CASTING_KEYS,
    CHANGED_WORDS,
    CUE_EXCEPTIONS,
    CUES,
    EAGER,
    EMOJI,
    EYE_ROLL,
    FAN_CUE,
    GREATER,
    GUARDED_PRAISE,
    INFO_QUESTION,
    INTENSIFIER,
    INTENSIFIER_KEYS,
    KEYSMASH,
    KEYWORDS,
    LIKE,
    LIKE_ADVERBS,
    LIKE_KEYS,
    LIKE_SUBJECTS,
    NEWS_NUMBERS,
    NEWS_PHRASE_KEYS,
    NEWS_PHRASES,
    NEWS_WORDS,
    PAIN,
    PASSES_AFTER_EMOJI,
    PASSES_BEFORE_EMOJI,
    PRAISE,
    REWRITES,
    SARCASM_SLASH_S,
    SARCASM_STRONG,
    SARCASM_STRONG_KEYS,
    SARCASM_WEAK,
    SENTENCE_OPENERS,
    TAIL_KEYS,
    Rules,
    emoji_token,
    found,
)
from analytics.sentiment.scorer import VaderScorer
from analytics.sentiment.vader.kernel import BOOSTER_DICT, load_emojis, load_lexicon

_LIKE_CONTEXT = re.compile(r"[a-z']+")
# Home-row letters to "#", other ASCII to " ": five "#" in a row may be a keysmash.
_HOME_ROW = str.maketrans({chr(c): "#" if chr(c) in "asdfghjkl" else " " for c in range(128)})
_SENTENCE_ENDS = ".!?\n"
_DIGIT = re.compile(r"\d")
# Words as the keyword gates see them: a superset of the words VADER looks up.
_WORD = re.compile(r"[a-z0-9]+")
# Variation selectors, joiners and skin tones: VADER glues U+FE0F onto an emoji's name
# ("red heart\ufe0f"), so ❤️ scores nothing.
_EMOJI_NOISE = re.compile("[\ufe0f\u200d\U0001f3fb-\U0001f3ff]")
_HASHTAG = re.compile(r"#([A-Za-z][A-Za-z0-9_]*)")
_HASHTAG_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_NEEDS_SPLIT = re.compile(r"[a-z][A-Z]|[A-Za-z][0-9]|_")
_TRIPLE = re.compile(r"([a-z])\1\1")  # cheap test before the word-level pattern
_ELONGATED = re.compile(r"\b[a-z]*([a-z])\1\1[a-z]*\b")
_RUN = re.compile(r"([a-zA-Z])\1{2,}")


class Draft:
    """The post being rewritten, and its lower-cased twin that the rules match against.

    Matching lower-cased text without re.IGNORECASE is ~4x faster; replacements go into both
    strings at the same offsets, so the original keeps its capitals for VADER's emphasis rules.
    """

    __slots__ = ("_cues", "changed", "low", "news", "sarcastic", "text", "words")

    def __init__(self, text: str, low: str) -> None:
        # A few characters lower-case to two (İ): offsets would drift, so go lower-case.
        self.text = text if len(low) == len(text) else low
        self.low = low
        self.changed = False
        self.sarcastic = False  # praise words read as complaints
        self.news = False  # news or an information question: mild words are muted
        self.words: frozenset[str] | None = None  # None: every keyword gate open
        self._cues: list[int] | None = None

    def sub(self, pattern: re.Pattern[str], replace: Callable[[re.Match[str], str], str]) -> None:
        """Replace each match of ``pattern`` by ``replace(match, text as written)``."""
        if not found(pattern, self.low):  # the usual case, without building lists
            return
        pieces: list[str] = []
        low_pieces: list[str] = []
        last = 0
        for match in pattern.finditer(self.low):
            start, end = match.span()
            written = self.text[start:end]
            new = replace(match, written)
            if new == written:
                continue
            pieces += (self.text[last:start], new)
            low_pieces += (self.low[last:start], new.lower())
            last = end
        if pieces:
            self.text = "".join(pieces) + self.text[last:]
            self.low = "".join(low_pieces) + self.low[last:]

    def cues(self) -> list[int]:
        """Where the post's complaint cues start."""
        if self._cues is None:
            # Found once, when first needed; later rewrites shift offsets by a few characters,
            # which the reach of COMPLAINT_REACH characters absorbs.
            cues = [m.start() for m in CUES.finditer(self.low)]
            if cues:  # exceptions only matter beside a cue
                spared = [m.span() for m in CUE_EXCEPTIONS.finditer(self.low)]
                cues = [c for c in cues if not any(a <= c < b for a, b in spared)]
            self._cues = cues
        return self._cues

    def near_complaint(self, position: int) -> bool:
        return any(abs(position - cue) <= fl.COMPLAINT_REACH for cue in self.cues())

    def apply(
        self,
        rules: Rules,
        placeholder: str,
        *,
        guarded: bool = False,
        mocking: bool = False,
        ungated: bool = False,
    ) -> None:
        """Rewrite the rules' matches to ``placeholder``.

        ``guarded``: not near a complaint cue. ``mocking``: only near one. ``ungated``: the
        caller has tested for the rules' keywords already (as substrings, not words).
        """
        patterns = rules.candidates(None if ungated else self.words)
        if not patterns:
            return

        def replace(match: re.Match[str], written: str) -> str:
            if guarded and self.near_complaint(match.start()):
                return written
            if mocking and not self.near_complaint(match.start()):
                return written
            start, end = match.start("core") - match.start(), match.end("core") - match.start()
            core = written[start:end]
            # A shouted idiom keeps VADER's all-caps emphasis.
            word = placeholder.upper() if core.isupper() else placeholder
            return written[:start] + word + written[end:]

        for pattern in patterns:
            self.sub(pattern, replace)

    def gate(self, keys: frozenset[str]) -> bool:
        """Whether a rule keyed on ``keys`` may match: the post has one of the words."""
        return self.words is None or not keys.isdisjoint(self.words)


class Layer:
    """Both scorers and the compiled rules; built once (~40 ms), then shared read-only."""

    def __init__(self, lexicon: dict[str, float], emojis: dict[str, str]) -> None:
        self.plain = VaderScorer(lexicon, emojis)
        extended = dict(lexicon)  # VADER's lexicon with the fan words
        valences: dict[str, float] = {**fl.PLACEHOLDERS, **fl.WORDS}
        valences |= {emoji_token(e): v for e, v in fl.EMOJI.items()}
        for emoji, (delight, complaint) in fl.PAIN_EMOJI.items():
            valences[emoji_token(emoji, "joy")] = delight
            valences[emoji_token(emoji, "sad")] = complaint
        for word, valence in valences.items():
            # Zero means "no opinion": dropped, so VADER treats it like any neutral word.
            if valence:
                extended[word] = valence
            else:
                extended.pop(word, None)
        self.fandom = VaderScorer(extended, emojis)
        rule_words = (rules.keywords for rules in (PAIN, EAGER, GUARDED_PRAISE, PRAISE))
        self.opinion_words = frozenset(w for w in extended if w.isalnum())
        # The words a news post mutes.
        self.mild = frozenset(w for w, v in extended.items() if abs(v) < fl.NEWS_MUTE_BELOW)
        # What an elongated spelling may stand for ("sooo" -> "so", "screaaaming").
        self.known = frozenset(extended).union(BOOSTER_DICT, *rule_words)

    def rewrite(self, text: str, *, gated: bool = True) -> Draft:
        """The post as VADER should read it, with the layer's readings of it.

        ``gated=False`` tries every rule whatever its keywords (tests check the gates with it).
        """
        draft, words = self._normalised(text, gated=gated)
        tripled = _TRIPLE.search(draft.low) is not None
        if tripled:
            draft.sub(_ELONGATED, lambda _, written: self._unelongate(written))
            words = frozenset(_WORD.findall(draft.low))
        # Only the words some rule is keyed on matter from here: a small set, fast to test.
        draft.words = words & KEYWORDS if gated else None
        # Found before emoji become placeholder words.
        strong_sarcasm = _strong_sarcasm(draft.low, words, gated=gated)
        # Most posts open few gates: test the keywords here, before any call.
        keyed = draft.words is None or not ANCHORS.isdisjoint(draft.words)
        if keyed:
            _idiom_passes(draft, PASSES_BEFORE_EMOJI)
        # "aaaa" is a tripled letter; every other keysmash is a run of home-row letters.
        if tripled or "#####" in draft.low.translate(_HOME_ROW):
            draft.apply(KEYSMASH, fl.DELIGHT, guarded=True, ungated=True)
        if not draft.low.isascii():
            draft.sub(EMOJI, lambda match, _: self._emoji(draft, match))
        if keyed:
            _idiom_passes(draft, PASSES_AFTER_EMOJI)
        if ">>" in draft.low or draft.words is None or not TAIL_KEYS.isdisjoint(draft.words):
            _tail_rewrites(draft)
        self._read(draft, text, words, strong_sarcasm, gated=gated)
        return draft

    def _normalised(self, text: str, *, gated: bool) -> tuple[Draft, frozenset[str]]:
        """The post without emoji noise, with split hashtags, casting and names made neutral.

        Also its words, as the keyword gates see them.
        """
        if not text.isascii():
            text = _EMOJI_NOISE.sub("", text)
        if "#" in text:
            text = _HASHTAG.sub(_split_hashtag, text)
        low = text.lower()
        words = frozenset(_WORD.findall(low))
        if not gated or not CASTING_KEYS.isdisjoint(words):
            for _, pattern, replacement in CASTING:
                text = pattern.sub(replacement, text)
            low = text.lower()
        # A title to neutralise needs an opinion word written with a capital: "Devil".
        if not text[1:].islower() and any(
            word.capitalize() in text for word in words & self.opinion_words
        ):
            named = _neutral_names(text, self.fandom.lexicon)
            if named != text:
                text, low = named, named.lower()
                words = frozenset(_WORD.findall(low))
        return Draft(text, low), words

    def _read(
        self,
        draft: Draft,
        original: str,
        words: frozenset[str],
        strong_sarcasm: bool,
        *,
        gated: bool,
    ) -> None:
        """Set what the rewritten post says about itself: changed, sarcastic, news."""
        draft.changed = draft.text != original or not CHANGED_WORDS.isdisjoint(words)
        draft.sarcastic = strong_sarcasm or (
            (not gated or not SARCASM_WEAK.anchors.isdisjoint(words))
            and _weak_sarcasm(draft, words, gated=gated)
        )
        # Muting only matters to a post with a mild word: most posts skip the news tests.
        draft.news = (
            not draft.sarcastic
            and not self.mild.isdisjoint(words)
            and self._news(draft, words, gated=gated)
        )

    @staticmethod
    def _news(draft: Draft, words: frozenset[str], *, gated: bool) -> bool:
        """News or a question asking for information, with no fan cue in the post."""
        low = draft.low
        if "!" in low:
            return False
        # Word tests first: most posts have no news word, no "?", no digit.
        question = "?" in low
        news_word = not NEWS_WORDS.isdisjoint(words)
        phrase = not gated or not NEWS_PHRASE_KEYS.isdisjoint(words)
        number = not gated or _DIGIT.search(low) is not None
        newsy = (
            news_word
            or (question and _asks_for_information(low))
            or (phrase and found(NEWS_PHRASES, low))
            or (number and found(NEWS_NUMBERS, low))
        )
        if not newsy:
            return False
        if ("fandom" in low or not low.isascii()) and FAN_CUE.search(low) is not None:
            return False
        return not draft.cues()

    def _unelongate(self, word: str) -> str:
        if word.lower() in self.known:
            return word
        for collapsed in (_RUN.sub(r"\1\1", word), _RUN.sub(r"\1", word)):
            if collapsed.lower() in self.known:
                return collapsed
        return word

    @staticmethod
    def _emoji(draft: Draft, match: re.Match[str]) -> str:
        emoji = match.group(0)
        if emoji in fl.PAIN_EMOJI:
            mood = "sad" if draft.near_complaint(match.start()) else "joy"
            return f" {emoji_token(emoji, mood)} "
        return f" {emoji_token(emoji)} "


def _strong_sarcasm(low: str, words: frozenset[str], *, gated: bool) -> bool:
    """An eye-roll emoji, a "/s" sign-off or an unmistakably sarcastic phrase."""
    return (
        (not low.isascii() and not EYE_ROLL.isdisjoint(low))
        or ("/s" in low and found(SARCASM_SLASH_S, low))
        or ((not gated or not SARCASM_STRONG_KEYS.isdisjoint(words)) and found(SARCASM_STRONG, low))
    )


def _weak_sarcasm(draft: Draft, words: frozenset[str], *, gated: bool) -> bool:
    """A phrase sarcastic only beside a complaint cue ("great, another delay"); keys tested."""
    return any(
        found(p, draft.low) for p in SARCASM_WEAK.candidates(words if gated else None)
    ) and bool(draft.cues())


def _idiom_passes(draft: Draft, passes: tuple[tuple[Rules, str, bool, bool], ...]) -> None:
    """Rewrite each group of idioms whose keywords the post has to its placeholder."""
    hits = draft.words  # None: every gate open
    for rules, placeholder, guarded, mocking in passes:
        if hits is None or not rules.anchors.isdisjoint(hits):
            draft.apply(rules, placeholder, guarded=guarded, mocking=mocking)


def _tail_rewrites(draft: Draft) -> None:
    """The last rewrites: "X >> Y", comparing "like", REWRITES, intensifiers and "af"."""
    if ">>" in draft.low:
        draft.sub(GREATER, lambda _, __: f" {fl.PRAISE} ")
    if draft.words is not None and TAIL_KEYS.isdisjoint(draft.words):
        return
    if draft.gate(LIKE_KEYS):
        draft.sub(LIKE, lambda match, written: _like(draft.low, match, written))
    for keys, pattern, replacement in REWRITES:
        if draft.gate(keys):
            draft.sub(pattern, lambda _, __, new=replacement: new)
    if draft.gate(INTENSIFIER_KEYS):
        draft.sub(INTENSIFIER, lambda match, _: fl.INTENSIFIERS[match.group(0)])
    if draft.gate(AF_KEYS):
        draft.sub(AF, lambda match, written: "extremely " + written[: len(match.group(1))])


def _asks_for_information(low: str) -> bool:
    """Whether a sentence ending in "?" starts like a question asking for information."""
    end = low.find("?")
    while end != -1:
        start = max(low.rfind(mark, 0, end) for mark in _SENTENCE_ENDS) + 1
        if INFO_QUESTION.match(low, start + len(low[start:end]) - len(low[start:end].lstrip())):
            return True
        end = low.find("?", end + 1)
    return False


def _like(low: str, match: re.Match[str], written: str) -> str:
    """Keep "like" after a subject ("I really like it"); elsewhere it compares: NEUTRAL."""
    before = _LIKE_CONTEXT.findall(low[max(0, match.start() - 40) : match.start()])[-3:]

    def subject(word: str) -> bool:
        return word in LIKE_SUBJECTS or word.endswith("'d")

    # Up to two adverbs between the subject and the verb: "I don't really like".
    for word in reversed(before):
        if subject(word):
            return written
        if word not in LIKE_ADVERBS:
            break
    return fl.NEUTRAL.upper() if written.isupper() else fl.NEUTRAL


# Runs of two or more capitalised words ("Handsome Devil", "Red White & Royal Blue").
# No leading \b: the engine then skips ahead to capitals; the word start is checked by hand.
_CAPITALISED_RUN = re.compile(r"[A-Z][a-z]+(?:'s)?(?:\s+(?:&\s+)?[A-Z][a-z]+(?:'s)?)+\b")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
_RUN_SEPARATOR = re.compile(r"(\s+(?:&\s+)?)")
# What may come before a sentence's first word: its end, a quote, a @mention, a hashtag.
_SENTENCE_OPENS = re.compile(r"(?:^|[.!?\n\"'(:;\u201c]|[@#]\w+)\s*$")


def _neutral_names(text: str, lexicon: dict[str, float]) -> str:
    """Titles and names are not opinions: "Handsome Devil" and "Royal" count for nothing.

    Opinion words in a run of capitalised words become NEUTRAL. A run that opens a sentence
    may be "Love Kit Connor" or "Oh Yay": its first word is dropped from the run when it is a
    usual opener (SENTENCE_OPENERS), and kept unless another word of the run is an opinion
    word too. Posts written in title case are left alone.
    """
    pieces: list[str] = []
    last = 0
    for match in _CAPITALISED_RUN.finditer(text):
        found = _run_opinions(text, match, lexicon)
        if found is None:
            continue
        if not pieces and 2 * len(_CAPITALISED.findall(text)) > len(text.split()):
            return text  # title case: capitals say nothing here
        parts, opinions = found
        for i, opinion in enumerate(opinions):
            if opinion:
                parts[2 * i] = fl.NEUTRAL
        pieces += (text[last : match.start()], "".join(parts))
        last = match.end()
    return "".join(pieces) + text[last:] if pieces else text


def _run_opinions(
    text: str, match: re.Match[str], lexicon: dict[str, float]
) -> tuple[list[str], list[bool]] | None:
    """A capitalised run's words and separators, and which of its words are opinions to mute.

    None when the run is left as it is: inside a word, without an opinion word, or an opener
    followed by one word.
    """
    start = match.start()
    if start and (text[start - 1].isalnum() or text[start - 1] == "'"):
        return None  # inside a word: "McQuiston"
    run = match.group(0)
    if lexicon.keys().isdisjoint(run.lower().replace("'s", "").split()):
        return None  # the usual case: a name with no opinion word in it
    parts = _RUN_SEPARATOR.split(run)  # words at even indexes, separators between
    words = parts[::2]
    opinions = [w.lower().removesuffix("'s") in lexicon for w in words]
    if _SENTENCE_OPENS.search(text, 0, start):
        if words[0].lower() in SENTENCE_OPENERS:
            opinions[0] = False
            if len(words) == 2:  # "Oh Yay": one word left, no run
                return None
        else:
            opinions[0] = opinions[0] and any(opinions[1:])
    if not any(opinions):
        return None
    return parts, opinions


def _split_hashtag(match: re.Match[str]) -> str:
    tag = match.group(1)
    if not _NEEDS_SPLIT.search(tag):
        return match.group(0)  # VADER already strips the '#' of a one-word tag
    return " ".join(part.lower() for part in _HASHTAG_PART.findall(tag))


_layer_lock = threading.Lock()
_shared: Layer | None = None


def _fresh_lock_after_fork() -> None:
    # A thread of the parent may have held the lock at the fork: the child gets its own.
    global _layer_lock
    _layer_lock = threading.Lock()


if hasattr(os, "register_at_fork"):  # POSIX only
    os.register_at_fork(after_in_child=_fresh_lock_after_fork)


def shared_layer() -> Layer:
    """The process's one layer, built on first use."""
    global _shared
    if _shared is None:
        with _layer_lock:
            if _shared is None:
                _shared = Layer(load_lexicon(), load_emojis())
    return _shared
