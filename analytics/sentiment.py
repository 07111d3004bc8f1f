"""Sentiment of a post: plain VADER plus the fandom-aware score that callers store.

:func:`score_text` is the one entry point. ``vader_compound`` is plain vaderSentiment 3.3.2.
``sentiment`` is VADER's algorithm run on the post as the fandom layer rewrites it (fan idioms,
emoji, hashtags, intensifiers; rules and valences in :mod:`analytics.fandom_lexicon`), with a copy
of VADER's lexicon extended by fan slang.

Cost: both scores come from :class:`_Vader`, a re-implementation of vaderSentiment's scoring
that gives its compound exactly (tests hold it to that) at ~3x the speed. Every post gets the
plain score and one scan for fan keywords; only a post the layer changes is scored again.
"""

from __future__ import annotations

import re
import string
import threading
from collections.abc import Callable, Iterable

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    normalize,
    scalar_inc_dec,
)

from analytics import fandom_lexicon as fl
from analytics.models import Sentiment

SCORER_VERSION = f"vader-3.3.2+{fl.VERSION}"

# VADER's cost grows with the square of the text length (4k chars ≈ 17 ms, 1k ≈ 1.4 ms);
# the opening of a post carries its tone, so longer texts are scored on their start.
MAX_SCORED_CHARS = 1_500

# VADER's own recommended thresholds on the compound score.
POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05


def label_for(compound: float) -> str:
    if compound >= POSITIVE_AT:
        return "positive"
    if compound <= NEGATIVE_AT:
        return "negative"
    return "neutral"


def vader_compound(text: str) -> float:
    """Plain VADER's compound (of the capped text)."""
    return _layer().plain.compound(text[:MAX_SCORED_CHARS])


def scored_text(title: str | None, text: str) -> str:
    """What a post is scored on: title and body on their own lines, as ingest joins them."""
    return f"{title}\n{text}" if title else text


def score_text(text: str) -> Sentiment:
    """Score one post's text (title and body joined by the caller)."""
    capped = text[:MAX_SCORED_CHARS]
    layer = _layer()
    compound = layer.plain.compound(capped)
    draft = layer.rewrite(capped)
    # A post the layer leaves alone keeps VADER's reading without a second pass.
    adjusted = layer.fandom.compound(draft.text) if draft.changed else compound
    adjusted = max(-1.0, min(1.0, adjusted))
    return Sentiment(
        vader_compound=compound,
        sentiment=adjusted,
        label=label_for(adjusted),
        version=SCORER_VERSION,
    )


def rewrite(text: str, *, gated: bool = True) -> str:
    """The post as the fandom layer hands it to VADER (placeholder words for fan idioms).

    ``gated=False`` tries every rule whatever its keywords: tests use it to check that the
    keyword gates never skip a rule that would have matched.
    """
    return _layer().rewrite(text[:MAX_SCORED_CHARS], gated=gated).text


# --- VADER's scoring, re-implemented for speed -----------------------------------------------

_NEGATE = frozenset(NEGATE)
# A class of VADER's ~3,500 emoji is slow to scan; finding non-ASCII characters is not.
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_but_check = SentimentIntensityAnalyzer._but_check  # kept as is: its quirks shape the score


class _Vader:
    """vaderSentiment 3.3.2's compound with a lexicon of our choosing.

    Same steps and arithmetic as ``SentimentIntensityAnalyzer.polarity_scores``; the stock code
    lower-cases the whole post again for every word it weighs, which is most of its cost.
    """

    def __init__(self, lexicon: dict[str, float], emojis: dict[str, str]) -> None:
        self.lexicon = lexicon
        # VADER looks emoji up one character at a time, so longer sequences never match.
        self.emojis = {k: v for k, v in emojis.items() if len(k) == 1}

    def _describe(self, match: re.Match[str]) -> str:
        # VADER puts a space before the description unless one is already there.
        start = match.start()
        description = self.emojis.get(match.group(0))
        if description is None:
            return match.group(0)
        if start == 0 or match.string[start - 1] == " ":
            return description
        return " " + description

    def compound(self, text: str) -> float:
        if not text.isascii():  # no emoji in VADER's table is ASCII
            text = _NON_ASCII.sub(self._describe, text)
        text = text.strip()
        words = []
        for token in text.split():
            stripped = token.strip(string.punctuation)
            words.append(token if len(stripped) <= 2 else stripped)  # keeps ":)" whole
        if not words:
            return 0.0
        caps = sum(1 for w in words if w.isupper())
        cap_diff = 0 < len(words) - caps < len(words)
        lower = [w.lower() for w in words]
        sentiments = [self._valence(i, words, lower, cap_diff) for i in range(len(words))]
        if "but" in lower:
            sentiments = _but_check(lower, sentiments)
        total = float(sum(sentiments))
        if total:
            emphasis = _punctuation_emphasis(text)
            total = total + emphasis if total > 0 else total - emphasis
        return round(normalize(total), 4)

    def _valence(self, i: int, words: list[str], lower: list[str], cap_diff: bool) -> float:
        lex = self.lexicon
        word = lower[i]
        if word in BOOSTER_DICT or (word == "kind" and i < len(lower) - 1 and lower[i + 1] == "of"):
            return 0
        base = lex.get(word)
        if base is None:
            return 0
        valence = base
        if word == "no" and i != len(lower) - 1 and lower[i + 1] in lex:
            valence = 0.0
        if (
            (i > 0 and lower[i - 1] == "no")
            or (i > 1 and lower[i - 2] == "no")
            or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ("or", "nor"))
        ):
            valence = base * N_SCALAR
        if cap_diff and words[i].isupper():
            valence = valence + C_INCR if valence > 0 else valence - C_INCR
        for distance in range(3):
            j = i - distance - 1
            if j < 0:
                break
            if lower[j] in lex:
                continue
            scalar = scalar_inc_dec(words[j], valence, cap_diff)
            if scalar and distance:
                scalar = scalar * (0.95 if distance == 1 else 0.9)
            valence = _negation(valence + scalar, lower, distance, i)
            if distance == 2:
                valence = _special_idioms(valence, lower, i)
        if (
            i > 0
            and lower[i - 1] == "least"
            and "least" not in lex
            and (i == 1 or lower[i - 2] not in ("at", "very"))
        ):
            valence = valence * N_SCALAR
        return valence


def _punctuation_emphasis(text: str) -> float:
    questions = text.count("?")
    emphasis = min(text.count("!"), 4) * 0.292
    if questions > 1:
        emphasis += questions * 0.18 if questions <= 3 else 0.96
    return emphasis


def _negated(word: str) -> bool:
    return word in _NEGATE or "n't" in word


def _negation(valence: float, lower: list[str], distance: int, i: int) -> float:
    if distance == 0:
        return valence * N_SCALAR if _negated(lower[i - 1]) else valence
    if distance == 1:
        if lower[i - 2] == "never" and lower[i - 1] in ("so", "this"):
            return valence * 1.25
        if lower[i - 2] == "without" and lower[i - 1] == "doubt":
            return valence
        return valence * N_SCALAR if _negated(lower[i - 2]) else valence
    if (lower[i - 3] == "never" and lower[i - 2] in ("so", "this")) or lower[i - 1] in (
        "so",
        "this",
    ):
        return valence * 1.25
    if lower[i - 3] == "without" and "doubt" in (lower[i - 2], lower[i - 1]):
        return valence
    return valence * N_SCALAR if _negated(lower[i - 3]) else valence


def _special_idioms(valence: float, lower: list[str], i: int) -> float:
    w3, w2, w1, w0 = lower[i - 3], lower[i - 2], lower[i - 1], lower[i]
    for seq in (f"{w1} {w0}", f"{w2} {w1} {w0}", f"{w2} {w1}", f"{w3} {w2} {w1}", f"{w3} {w2}"):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    if len(lower) - 1 > i:
        seq = f"{w0} {lower[i + 1]}"
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
    if len(lower) - 1 > i + 1:
        seq = f"{w0} {lower[i + 1]} {lower[i + 2]}"
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
    for seq in (f"{w3} {w2} {w1}", f"{w3} {w2}", f"{w2} {w1}"):
        if seq in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[seq]
    return valence


# --- the fandom layer ------------------------------------------------------------------------


class _Rules:
    """Patterns, each tried only when the post has one of its keywords."""

    def __init__(self, rules: Iterable[tuple[str, str]]) -> None:
        self.rules = [(frozenset(words.split()), re.compile(pattern)) for words, pattern in rules]
        self.keywords = frozenset().union(*(keys for keys, _ in self.rules))

    def candidates(self, words: frozenset[str] | None) -> list[re.Pattern[str]]:
        if words is None:
            return [pattern for _, pattern in self.rules]
        if self.keywords.isdisjoint(words):  # the usual case: one set operation
            return []
        return [pattern for keys, pattern in self.rules if not keys.isdisjoint(words)]


def _emoji_token(emoji: str, suffix: str = "") -> str:
    return f"fandomemoji{ord(emoji):x}{suffix}"


_PAIN = _Rules(fl.PAIN_IDIOMS)
_EAGER = _Rules(fl.EAGER_IDIOMS)
_GUARDED_PRAISE = _Rules(fl.GUARDED_PRAISE_IDIOMS)
_PRAISE = _Rules(fl.PRAISE_IDIOMS)
_COMPLAINT = _Rules(fl.COMPLAINT_IDIOMS)
_REWRITES = [(frozenset(w.split()), re.compile(p), r) for w, p, r in fl.REWRITES]
_CASTING = [(frozenset(w.split()), re.compile(p), r) for w, p, r in fl.CASTING]
_INTENSIFIER = re.compile(r"\b(?:" + "|".join(fl.INTENSIFIERS) + r")\b")
_INTENSIFIER_KEYS = frozenset(fl.INTENSIFIERS)
_AF = re.compile(fl.AF_SUFFIX)
_AF_KEYS = frozenset(fl.AF_KEYS.split())
_CASTING_KEYS = frozenset().union(*(keys for keys, _, _ in _CASTING))
_KEYWORDS = frozenset().union(
    *(rules.keywords for rules in (_PAIN, _EAGER, _GUARDED_PRAISE, _PRAISE, _COMPLAINT)),
    *(keys for keys, _, _ in _REWRITES),
    _INTENSIFIER_KEYS,
    _AF_KEYS,
)
_CUES = re.compile(fl.COMPLAINT_CUES)
_CUE_EXCEPTIONS = re.compile(fl.COMPLAINT_EXCEPTIONS)

# Words as the keyword gates see them: a superset of the words VADER looks up.
_WORD = re.compile(r"[a-z0-9]+")
_CHANGED_WORDS = frozenset(fl.WORDS)
# Variation selectors, joiners and skin tones: VADER glues U+FE0F onto an emoji's name
# ("red heart\ufe0f"), so ❤️ scores nothing.
_EMOJI_NOISE = re.compile("[\ufe0f\u200d\U0001f3fb-\U0001f3ff]")
_EMOJI = re.compile("[" + "".join(sorted({*fl.EMOJI, *fl.PAIN_EMOJI})) + "]")
_HASHTAG = re.compile(r"#([A-Za-z][A-Za-z0-9_]*)")
_HASHTAG_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_NEEDS_SPLIT = re.compile(r"[a-z][A-Z]|[A-Za-z][0-9]|_")
_TRIPLE = re.compile(r"([a-z])\1\1")  # cheap test before the word-level pattern
_ELONGATED = re.compile(r"\b[a-z]*([a-z])\1\1[a-z]*\b")
_RUN = re.compile(r"([a-zA-Z])\1{2,}")


class _Draft:
    """The post being rewritten, and its lower-cased twin that the rules match against.

    Matching lower-cased text without re.IGNORECASE is ~4x faster; replacements go into both
    strings at the same offsets, so the original keeps its capitals for VADER's emphasis rules.
    """

    __slots__ = ("_cues", "changed", "low", "text", "words")

    def __init__(self, text: str, low: str) -> None:
        # A few characters lower-case to two (İ): offsets would drift, so go lower-case.
        self.text = text if len(low) == len(text) else low
        self.low = low
        self.changed = False
        self.words: frozenset[str] | None = None  # None: every keyword gate open
        self._cues: list[int] | None = None

    def sub(self, pattern: re.Pattern[str], replace: Callable[[re.Match[str], str], str]) -> None:
        """Replace each match of ``pattern`` by ``replace(match, text as written)``."""
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

    def near_complaint(self, position: int) -> bool:
        if self._cues is None:
            # Found once, when first needed; later rewrites shift offsets by a few characters,
            # which the reach of COMPLAINT_REACH characters absorbs.
            spared = [m.span() for m in _CUE_EXCEPTIONS.finditer(self.low)]
            self._cues = [
                m.start()
                for m in _CUES.finditer(self.low)
                if not any(a <= m.start() < b for a, b in spared)
            ]
        return any(abs(position - cue) <= fl.COMPLAINT_REACH for cue in self._cues)

    def apply(self, rules: _Rules, placeholder: str, *, guarded: bool = False) -> None:
        patterns = rules.candidates(self.words)
        if not patterns:
            return

        def replace(match: re.Match[str], written: str) -> str:
            if guarded and self.near_complaint(match.start()):
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


class _Layer:
    """Both scorers and the compiled rules; built once (~40 ms), then shared read-only."""

    def __init__(self, analyzer: SentimentIntensityAnalyzer) -> None:
        self.plain = _Vader(analyzer.lexicon, analyzer.emojis)
        lexicon = dict(analyzer.lexicon)
        valences: dict[str, float] = {**fl.PLACEHOLDERS, **fl.WORDS}
        valences |= {_emoji_token(e): v for e, v in fl.EMOJI.items()}
        for emoji, (delight, complaint) in fl.PAIN_EMOJI.items():
            valences[_emoji_token(emoji, "joy")] = delight
            valences[_emoji_token(emoji, "sad")] = complaint
        for word, valence in valences.items():
            # Zero means "no opinion": dropped, so VADER treats it like any neutral word.
            if valence:
                lexicon[word] = valence
            else:
                lexicon.pop(word, None)
        self.fandom = _Vader(lexicon, analyzer.emojis)
        rule_words = (rules.keywords for rules in (_PAIN, _EAGER, _GUARDED_PRAISE, _PRAISE))
        # What an elongated spelling may stand for ("sooo" -> "so", "screaaaming").
        self.known = frozenset(lexicon).union(BOOSTER_DICT, *rule_words)

    def rewrite(self, text: str, *, gated: bool = True) -> _Draft:
        original = text
        if not text.isascii():
            text = _EMOJI_NOISE.sub("", text)
        if "#" in text:
            text = _HASHTAG.sub(_split_hashtag, text)
        low = text.lower()
        words = frozenset(_WORD.findall(low))
        if not gated or not _CASTING_KEYS.isdisjoint(words):
            for _, pattern, replacement in _CASTING:
                text = pattern.sub(replacement, text)
            low = text.lower()
        draft = _Draft(text, low)
        if _TRIPLE.search(low):
            draft.sub(_ELONGATED, lambda _, written: self._unelongate(written))
            words = frozenset(_WORD.findall(draft.low))
        # Only the words some rule is keyed on matter from here: a small set, fast to test.
        draft.words = words & _KEYWORDS if gated else None

        draft.apply(_PAIN, fl.DELIGHT, guarded=True)
        draft.apply(_EAGER, fl.EAGER, guarded=True)
        draft.apply(_GUARDED_PRAISE, fl.PRAISE, guarded=True)
        if not draft.low.isascii():
            draft.sub(_EMOJI, lambda match, _: self._emoji(draft, match))
        draft.apply(_PRAISE, fl.PRAISE)
        draft.apply(_COMPLAINT, fl.COMPLAINT)
        for keys, pattern, replacement in _REWRITES:
            if draft.gate(keys):
                draft.sub(pattern, lambda _, __, new=replacement: new)
        if draft.gate(_INTENSIFIER_KEYS):
            draft.sub(_INTENSIFIER, lambda match, _: fl.INTENSIFIERS[match.group(0)])
        if draft.gate(_AF_KEYS):
            draft.sub(_AF, lambda match, written: "extremely " + written[: len(match.group(1))])
        draft.changed = draft.text != original or not _CHANGED_WORDS.isdisjoint(words)
        return draft

    def _unelongate(self, word: str) -> str:
        if word.lower() in self.known:
            return word
        for collapsed in (_RUN.sub(r"\1\1", word), _RUN.sub(r"\1", word)):
            if collapsed.lower() in self.known:
                return collapsed
        return word

    @staticmethod
    def _emoji(draft: _Draft, match: re.Match[str]) -> str:
        emoji = match.group(0)
        if emoji in fl.PAIN_EMOJI:
            mood = "sad" if draft.near_complaint(match.start()) else "joy"
            return f" {_emoji_token(emoji, mood)} "
        return f" {_emoji_token(emoji)} "


def _split_hashtag(match: re.Match[str]) -> str:
    tag = match.group(1)
    if not _NEEDS_SPLIT.search(tag):
        return match.group(0)  # VADER already strips the '#' of a one-word tag
    return " ".join(part.lower() for part in _HASHTAG_PART.findall(tag))


_layer_lock = threading.Lock()
_shared_layer: _Layer | None = None


def _layer() -> _Layer:
    global _shared_layer
    if _shared_layer is None:
        with _layer_lock:
            if _shared_layer is None:
                _shared_layer = _Layer(SentimentIntensityAnalyzer())
    return _shared_layer
