"""VADER 3.3.2's compound, re-implemented for speed, with a lexicon of the caller's choosing.

Same steps and arithmetic as vaderSentiment's ``SentimentIntensityAnalyzer.polarity_scores``
(tests hold the two equal); VADER's constants and helpers come from :mod:`.vader.kernel`.
"""

from __future__ import annotations

import re
import string

from analytics.sentiment.vader.kernel import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    normalize,
    scalar_inc_dec,
)

_NEGATE = frozenset(NEGATE)
# Words too common to say an idiom may be near ("to die for", "kind of"): each phrase has
# another word, so a window of none of the rest matches no idiom.
_COMMON_IDIOM_WORDS = frozenset({"the", "of", "to", "for", "just"})


def _idiom_words() -> frozenset[str]:
    """The words of VADER's idioms and multi-word boosters, common ones left out."""
    phrases = [phrase.split() for phrase in (*SPECIAL_CASES, *BOOSTER_DICT) if " " in phrase]
    kept = frozenset(word for words in phrases for word in words) - _COMMON_IDIOM_WORDS
    for words in phrases:
        if kept.isdisjoint(words):
            raise ValueError(f"idiom {' '.join(words)!r} has only common words")
    return kept


_IDIOM_WORDS = _idiom_words()
_PUNCTUATION = string.punctuation
# Words that change the valence of a word up to three places after them.
_MODIFIERS = frozenset(
    {w for w in BOOSTER_DICT if " " not in w}
    | _NEGATE
    | {"never", "without", "doubt", "so", "this", "no", "least"}
)
# A class of VADER's ~3,500 emoji is slow to scan; finding non-ASCII characters is not.
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


class VaderScorer:
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

    def compound(self, text: str, *, sarcastic: bool = False, mute_below: float = 0.0) -> float:
        """VADER's compound.

        ``sarcastic`` reads every positive word as its opposite; words whose lexicon valence is
        weaker than ``mute_below`` count for nothing.
        """
        text, words = self._words(text)
        if not words:
            return 0.0
        lower = list(map(str.lower, words))
        sentiments = self._sentiments(words, lower, mute_below)
        if "but" in lower:
            _but_check(lower, sentiments)
        if sarcastic:
            sentiments = [-v if v > 0 else v for v in sentiments]
        total = float(sum(sentiments))
        if total:
            emphasis = _punctuation_emphasis(text)
            total = total + emphasis if total > 0 else total - emphasis
        return round(normalize(total), 4)

    def _words(self, text: str) -> tuple[str, list[str]]:
        """The text with emoji described in words, and its tokens as VADER weighs them."""
        if not text.isascii():  # no emoji in VADER's table is ASCII
            text = _NON_ASCII.sub(self._describe, text)
        text = text.strip()
        words = [
            token if len(stripped := token.strip(_PUNCTUATION)) <= 2 else stripped  # keeps ":)"
            for token in text.split()
        ]
        return text, words

    def _sentiments(self, words: list[str], lower: list[str], mute_below: float) -> list[float]:
        """Each word's valence in its context, before "but" and the punctuation emphasis."""
        caps = sum(map(str.isupper, words))
        cap_diff = 0 < len(words) - caps < len(words)
        lex = self.lexicon
        # A word outside the lexicon scores 0 whatever its neighbours: skip the rules.
        sentiments = [
            self._valence(i, words, lower, cap_diff) if word in lex else 0
            for i, word in enumerate(lower)
        ]
        if mute_below:
            sentiments = [
                0 if abs(lex.get(w, 0.0)) < mute_below else v
                for w, v in zip(lower, sentiments, strict=True)
            ]
        return sentiments

    def _valence(self, i: int, words: list[str], lower: list[str], cap_diff: bool) -> float:
        word = lower[i]
        if word in BOOSTER_DICT or (word == "kind" and lower[i + 1 : i + 2] == ["of"]):
            return 0
        base = self.lexicon.get(word)
        if base is None:
            return 0
        start = i - 3 if i > 3 else 0
        before = lower[start:i]
        valence = self._after_no(base, lower, i) if word == "no" or "no" in before else base
        if cap_diff and words[i].isupper():
            valence = valence + C_INCR if valence > 0 else valence - C_INCR
        # The usual case: no booster, negation or idiom word nearby, so the rules of
        # _modified would leave the valence as it is.
        if (
            _MODIFIERS.isdisjoint(before)
            and "n't" not in " ".join(before)
            and _IDIOM_WORDS.isdisjoint(lower[start : i + 3])
        ):
            return valence
        return self._modified(valence, i, words, lower, cap_diff)

    def _after_no(self, base: float, lower: list[str], i: int) -> float:
        """VADER's "no": no valence of its own before a lexicon word; negates what follows."""
        valence = base
        if lower[i] == "no" and i != len(lower) - 1 and lower[i + 1] in self.lexicon:
            valence = 0.0
        if (
            (i > 0 and lower[i - 1] == "no")
            or (i > 1 and lower[i - 2] == "no")
            or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ("or", "nor"))
        ):
            valence = base * N_SCALAR
        return valence

    def _modified(
        self, valence: float, i: int, words: list[str], lower: list[str], cap_diff: bool
    ) -> float:
        """The valence after the boosters, negations and idioms of the three words before."""
        lex = self.lexicon
        for distance in range(3):
            j = i - distance - 1
            if j < 0:
                break
            if lower[j] in lex:
                continue
            # scalar_inc_dec is 0.0 for any word but a booster: skip the call.
            scalar = (
                scalar_inc_dec(words[j], valence, cap_diff) if lower[j] in BOOSTER_DICT else 0.0
            )
            if scalar and distance:
                scalar = scalar * (0.95 if distance == 1 else 0.9)
            valence = _negation(valence + scalar, lower, distance, i)
            if distance == 2 and not _IDIOM_WORDS.isdisjoint(lower[max(0, i - 3) : i + 3]):
                valence = _special_idioms(valence, lower, i)
        return _least(valence, lower, i, lex)


def _least(valence: float, lower: list[str], i: int, lex: dict[str, float]) -> float:
    """A "least" before the word negates it, unless it is "at least" or "very least"."""
    if (
        i > 0
        and lower[i - 1] == "least"
        and "least" not in lex
        and (i == 1 or lower[i - 2] not in ("at", "very"))
    ):
        return valence * N_SCALAR
    return valence


def _but_check(lower: list[str], sentiments: list[float]) -> None:
    """VADER's :func:`but_check`, in place, with its quirk, skipping zeros.

    A zero's turn rewrites the first zero as a zero (of its sign): no sum changes, so the
    ~90% of words without valence cost nothing here.
    """
    but = lower.index("but")
    for value in sentiments:  # the live list, as VADER walks it
        if not value:
            continue
        first = sentiments.index(value)
        if first < but:
            sentiments[first] = value * 0.5
        elif first > but:
            sentiments[first] = value * 1.5


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
