"""Sentiment of a post: plain VADER plus the fandom-aware score that callers store.

:func:`score_text` is the one entry point (:func:`score_many` runs it over many posts in worker
processes). ``vader_compound`` is plain VADER 3.3.2, from the copy of its kernel and lexicons
in :mod:`analytics.sentiment.vader` (MIT; the installed vaderSentiment is the tests' reference).
``sentiment`` is VADER's algorithm run on the post as the fandom layer rewrites it (fan idioms,
emoji, hashtags, intensifiers, titles, sarcasm, news; rules and valences in
:mod:`analytics.sentiment.fandom_lexicon`), with a copy of VADER's lexicon extended by fan slang.

Cost: both scores come from :class:`_Vader`, a re-implementation of vaderSentiment's scoring
that gives its compound exactly (tests hold it to that) at ~3x the speed. Every post gets the
plain score and one scan for fan keywords; only a post the layer changes is scored again.
"""

from __future__ import annotations

import os
import re
import string
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor

from analytics.models import Sentiment
from analytics.sentiment import fandom_lexicon as fl
from analytics.sentiment.vader.kernel import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    but_check,
    load_emojis,
    load_lexicon,
    normalize,
    scalar_inc_dec,
)

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
    if draft.changed or draft.sarcastic or draft.news:
        # News keeps only strong opinions: "top 10" or "worth reading?" are not praise.
        mute = fl.NEWS_MUTE_BELOW if draft.news else 0.0
        adjusted = layer.fandom.compound(draft.text, sarcastic=draft.sarcastic, mute_below=mute)
    else:
        adjusted = compound
    adjusted = max(-1.0, min(1.0, adjusted))
    return Sentiment(
        vader_compound=compound,
        sentiment=adjusted,
        label=label_for(adjusted),
        version=SCORER_VERSION,
    )


def score_many(
    texts: Sequence[str], workers: int | None = None, chunk: int = 2000
) -> list[Sentiment]:
    """:func:`score_text` of each text, in order, scored in ``workers`` processes.

    ``workers`` defaults to the machine's CPU count. One worker, or texts that fit in one
    ``chunk``, are scored in this process: starting workers costs more than it saves.
    """
    if chunk < 1:
        raise ValueError(f"chunk must be at least 1, not {chunk}")
    if workers is None:
        workers = os.cpu_count() or 1
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    chunks = [list(texts[start : start + chunk]) for start in range(0, len(texts), chunk)]
    workers = min(workers, len(chunks))
    if workers <= 1:
        return [score_text(text) for text in texts]
    # The platform's default start method. Workers build their layer once, up front; a forked
    # worker may inherit the parent's already built one.
    with ProcessPoolExecutor(max_workers=workers, initializer=_warm_worker) as pool:
        return [result for part in pool.map(_score_chunk, chunks) for result in part]


def _warm_worker() -> None:
    _layer()


def _score_chunk(texts: list[str]) -> list[Sentiment]:
    return [score_text(text) for text in texts]


def rewrite(text: str, *, gated: bool = True) -> str:
    """The post as the fandom layer hands it to VADER (placeholder words for fan idioms).

    ``gated=False`` tries every rule whatever its keywords: tests use it to check that the
    keyword gates never skip a rule that would have matched.
    """
    return _layer().rewrite(text[:MAX_SCORED_CHARS], gated=gated).text


# --- VADER's scoring, re-implemented for speed -----------------------------------------------

_NEGATE = frozenset(NEGATE)
# Every word of VADER's idioms and multi-word boosters: a window without one matches none.
_IDIOM_WORDS = frozenset(
    word for phrase in (*SPECIAL_CASES, *BOOSTER_DICT) if " " in phrase for word in phrase.split()
)
_PUNCTUATION = string.punctuation
# Words that change the valence of a word up to three places after them.
_MODIFIERS = frozenset(
    {w for w in BOOSTER_DICT if " " not in w}
    | _NEGATE
    | {"never", "without", "doubt", "so", "this", "no", "least"}
)
# A class of VADER's ~3,500 emoji is slow to scan; finding non-ASCII characters is not.
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


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

    def compound(self, text: str, *, sarcastic: bool = False, mute_below: float = 0.0) -> float:
        """VADER's compound.

        ``sarcastic`` reads every positive word as its opposite; words whose lexicon valence is
        weaker than ``mute_below`` count for nothing.
        """
        if not text.isascii():  # no emoji in VADER's table is ASCII
            text = _NON_ASCII.sub(self._describe, text)
        text = text.strip()
        words = [
            token if len(stripped := token.strip(_PUNCTUATION)) <= 2 else stripped  # keeps ":)"
            for token in text.split()
        ]
        if not words:
            return 0.0
        caps = sum(map(str.isupper, words))
        cap_diff = 0 < len(words) - caps < len(words)
        lower = [w.lower() for w in words]
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
        if "but" in lower:
            sentiments = but_check(lower, sentiments)
        if sarcastic:
            sentiments = [-v if v > 0 else v for v in sentiments]
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
        start = i - 3 if i > 3 else 0
        before = lower[start:i]
        # The usual case: no booster, negation or idiom word nearby, so the rules below would
        # leave the valence as it is.
        if (
            _MODIFIERS.isdisjoint(before)
            and "n't" not in " ".join(before)
            and _IDIOM_WORDS.isdisjoint(lower[start : i + 3])
        ):
            return valence
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


def _alternatives(source: str) -> list[str]:
    """The top-level alternatives of a regular expression: "a|b(?:c|d)" -> ["a", "b(?:c|d)"]."""
    parts: list[str] = []
    start = depth = 0
    in_class = escaped = False
    for i, char in enumerate(source):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and not depth:
            parts.append(source[start:i])
            start = i + 1
    parts.append(source[start:])
    return parts


def _by_first_letter(sources: Iterable[str]) -> str:
    """One alternation of ``sources``' alternatives, grouped by their first letter.

    Python's regex engine tries every branch at every word start; grouped, a word start tries
    one branch per letter. Alternatives must start with a letter that no quantifier follows.
    """
    groups: dict[str, list[str]] = {}
    for source in sources:
        for part in _alternatives(source):
            if len(part) < 2 or not part[0].isalpha() or part[1] in "?*+{":
                raise ValueError(f"alternative must start with a plain letter: {part!r}")
            groups.setdefault(part[0], []).append(part[1:])
    return "|".join(f"{letter}(?:{'|'.join(rest)})" for letter, rest in sorted(groups.items()))


class _Rules:
    """Patterns, each tried only when the post has one of its keys.

    Keys are space-separated; a key may join words with "+" ("can+t"): the post needs them
    all. A common word is then only a key beside a rarer one.
    """

    def __init__(self, rules: Iterable[tuple[str, str]]) -> None:
        self.patterns: list[re.Pattern[str]] = []
        # anchor word -> (position, all words of the key), so a post's few words pick rules
        self.index: dict[str, list[tuple[int, frozenset[str]]]] = {}
        keywords: set[str] = set()
        for position, (keys, pattern) in enumerate(rules):
            self.patterns.append(re.compile(pattern))
            for key in keys.split():
                need = frozenset(key.split("+"))
                keywords |= need
                anchor = max(need, key=len)  # the longest word is likely the rarest
                self.index.setdefault(anchor, []).append((position, need))
        self.keywords = frozenset(keywords)  # every word any key needs
        self.anchors = frozenset(self.index)

    def candidates(self, words: frozenset[str] | None) -> list[re.Pattern[str]]:
        if words is None:
            return list(self.patterns)
        if self.anchors.isdisjoint(words):  # the usual case: one set operation
            return []
        positions = {i for word in words for i, need in self.index.get(word, ()) if need <= words}
        return [self.patterns[i] for i in sorted(positions)]


def _emoji_token(emoji: str, suffix: str = "") -> str:
    return f"fandomemoji{ord(emoji):x}{suffix}"


_PAIN = _Rules(fl.PAIN_IDIOMS)
_EAGER = _Rules(fl.EAGER_IDIOMS)
_GUARDED_PRAISE = _Rules(fl.GUARDED_PRAISE_IDIOMS)
_PRAISE = _Rules(fl.PRAISE_IDIOMS)
_COMPLAINT = _Rules(fl.COMPLAINT_IDIOMS)
_LAUGHTER = _Rules(fl.MOCKING_LAUGHTER)
_NEUTRAL = _Rules(fl.NEUTRAL_IDIOMS)
_LIKE = re.compile(r"\blike\b")
_LIKE_KEYS = frozenset({"like"})
_LIKE_CONTEXT = re.compile(r"[a-z']+")
_LIKE_SUBJECTS = frozenset(fl.LIKE_SUBJECTS.split())
_LIKE_ADVERBS = frozenset(fl.LIKE_ADVERBS.split())
_SENTENCE_OPENERS = frozenset(fl.SENTENCE_OPENERS.split())
# The keyed rule groups in the order they rewrite: (rules, placeholder, guarded, mocking).
_PASSES_BEFORE_EMOJI = (
    (_PAIN, fl.DELIGHT, True, False),
    (_EAGER, fl.EAGER, True, False),
    (_GUARDED_PRAISE, fl.PRAISE, True, False),
)
_PASSES_AFTER_EMOJI = (
    (_PRAISE, fl.PRAISE, False, False),
    (_COMPLAINT, fl.COMPLAINT, False, False),
    (_LAUGHTER, fl.NEUTRAL, False, True),
    (_NEUTRAL, fl.NEUTRAL, False, False),
)
_ANCHORS = frozenset().union(
    *(rules.anchors for rules, *_ in (*_PASSES_BEFORE_EMOJI, *_PASSES_AFTER_EMOJI))
)
_KEYSMASH = _Rules([("keysmash", fl.KEYSMASH)])  # tried ungated, after a cheap test
# Home-row letters to "#", other ASCII to " ": five "#" in a row may be a keysmash.
_HOME_ROW = str.maketrans({chr(c): "#" if chr(c) in "asdfghjkl" else " " for c in range(128)})

# "X >>> Y": X is far better than Y
_GREATER = re.compile(r"\s*>{2,}\s*")
_REWRITES = [(frozenset(w.split()), re.compile(p), r) for w, p, r in fl.REWRITES]
_CASTING = [(frozenset(w.split()), re.compile(p), r) for w, p, r in fl.CASTING]
_INTENSIFIER = re.compile(r"\b(?:" + "|".join(fl.INTENSIFIERS) + r")\b")
_INTENSIFIER_KEYS = frozenset(fl.INTENSIFIERS)
_AF = re.compile(fl.AF_SUFFIX)
_AF_KEYS = frozenset(fl.AF_KEYS.split())
_CASTING_KEYS = frozenset().union(*(keys for keys, _, _ in _CASTING))
# Every gate of the last rewrites, tested at once first.
_TAIL_KEYS = frozenset().union(
    _LIKE_KEYS, *(keys for keys, _, _ in _REWRITES), _INTENSIFIER_KEYS, _AF_KEYS
)
_KEYWORDS = frozenset().union(
    *(
        rules.keywords
        for rules in (_PAIN, _EAGER, _GUARDED_PRAISE, _PRAISE, _COMPLAINT, _LAUGHTER, _NEUTRAL)
    ),
    *(keys for keys, _, _ in _REWRITES),
    _INTENSIFIER_KEYS,
    _AF_KEYS,
    _LIKE_KEYS,
)
_CUES = re.compile(r"\b(?:" + _by_first_letter(fl.COMPLAINT_CUE_PARTS) + r")\b")
_CUE_EXCEPTIONS = re.compile(fl.COMPLAINT_EXCEPTIONS)

# Post-level readings: sarcasm flips praise words, news and questions mute mild words.
_EYE_ROLL = frozenset(fl.SARCASM_EMOJI)
_SARCASM_SLASH_S = re.compile(fl.SARCASM_SLASH_S)
_SARCASM_STRONG = re.compile(r"\b(?:" + _by_first_letter(fl.SARCASM_STRONG_PARTS) + r")\b")
_SARCASM_STRONG_KEYS = frozenset(fl.SARCASM_STRONG_KEYS.split())
_SARCASM_WEAK = _Rules(fl.SARCASM_WEAK)
_NEWS_WORDS = frozenset(fl.NEWS_WORDS.split())
_NEWS_PHRASES = re.compile(r"\b(?:" + _by_first_letter(fl.NEWS_PHRASE_PARTS) + ")")
_NEWS_NUMBERS = re.compile(fl.NEWS_NUMBERS)
_NEWS_PHRASE_KEYS = frozenset(fl.NEWS_PHRASE_KEYS.split())
_INFO_QUESTION = re.compile(fl.INFO_QUESTION)
_SENTENCE_ENDS = ".!?\n"
_DIGIT = re.compile(r"\d")
# What makes a post more than news: a fan idiom or a fan's emoji.
_FAN_CUE = re.compile(
    f"{fl.DELIGHT}|{fl.PRAISE}|{fl.EAGER}|{fl.COMPLAINT}|fandomemoji|"
    "[\u2600-\u27bf\U0001f000-\U0001faff]"
)

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
        if pattern.search(self.low) is None:  # the usual case, without building lists
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
            cues = [m.start() for m in _CUES.finditer(self.low)]
            if cues:  # exceptions only matter beside a cue
                spared = [m.span() for m in _CUE_EXCEPTIONS.finditer(self.low)]
                cues = [c for c in cues if not any(a <= c < b for a, b in spared)]
            self._cues = cues
        return self._cues

    def near_complaint(self, position: int) -> bool:
        return any(abs(position - cue) <= fl.COMPLAINT_REACH for cue in self.cues())

    def apply(
        self,
        rules: _Rules,
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


class _Layer:
    """Both scorers and the compiled rules; built once (~40 ms), then shared read-only."""

    def __init__(self, lexicon: dict[str, float], emojis: dict[str, str]) -> None:
        self.plain = _Vader(lexicon, emojis)
        lexicon = dict(lexicon)
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
        self.fandom = _Vader(lexicon, emojis)
        rule_words = (rules.keywords for rules in (_PAIN, _EAGER, _GUARDED_PRAISE, _PRAISE))
        self.opinion_words = frozenset(w for w in lexicon if w.isalnum())
        # The words a news post mutes.
        self.mild = frozenset(w for w, v in lexicon.items() if abs(v) < fl.NEWS_MUTE_BELOW)
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
        # A title to neutralise needs an opinion word written with a capital: "Devil".
        if not text[1:].islower() and any(
            word.capitalize() in text for word in words & self.opinion_words
        ):
            named = _neutral_names(text, self.fandom.lexicon)
            if named != text:
                text, low = named, named.lower()
                words = frozenset(_WORD.findall(low))
        draft = _Draft(text, low)
        tripled = _TRIPLE.search(low) is not None
        if tripled:
            draft.sub(_ELONGATED, lambda _, written: self._unelongate(written))
            words = frozenset(_WORD.findall(draft.low))
        all_words = words
        # Only the words some rule is keyed on matter from here: a small set, fast to test.
        draft.words = words & _KEYWORDS if gated else None
        # Found before emoji become placeholder words.
        strong_sarcasm = (
            (not draft.low.isascii() and not _EYE_ROLL.isdisjoint(draft.low))
            or ("/s" in draft.low and _SARCASM_SLASH_S.search(draft.low) is not None)
            or (
                (not gated or not _SARCASM_STRONG_KEYS.isdisjoint(all_words))
                and _SARCASM_STRONG.search(draft.low) is not None
            )
        )

        hits = draft.words  # None: every gate open
        # Most posts open few gates: test the keywords here, before any call.
        keyed = hits is None or not _ANCHORS.isdisjoint(hits)
        if keyed:
            for rules, placeholder, guarded, mocking in _PASSES_BEFORE_EMOJI:
                if hits is None or not rules.anchors.isdisjoint(hits):
                    draft.apply(rules, placeholder, guarded=guarded, mocking=mocking)
        # "aaaa" is a tripled letter; every other keysmash is a run of home-row letters.
        if tripled or "#####" in draft.low.translate(_HOME_ROW):
            draft.apply(_KEYSMASH, fl.DELIGHT, guarded=True, ungated=True)
        if not draft.low.isascii():
            draft.sub(_EMOJI, lambda match, _: self._emoji(draft, match))
        if keyed:
            for rules, placeholder, guarded, mocking in _PASSES_AFTER_EMOJI:
                if hits is None or not rules.anchors.isdisjoint(hits):
                    draft.apply(rules, placeholder, guarded=guarded, mocking=mocking)
        if ">>" in draft.low:
            draft.sub(_GREATER, lambda _, __: f" {fl.PRAISE} ")
        if hits is None or not _TAIL_KEYS.isdisjoint(hits):
            if draft.gate(_LIKE_KEYS):
                draft.sub(_LIKE, lambda match, written: _like(draft.low, match, written))
            for keys, pattern, replacement in _REWRITES:
                if draft.gate(keys):
                    draft.sub(pattern, lambda _, __, new=replacement: new)
            if draft.gate(_INTENSIFIER_KEYS):
                draft.sub(_INTENSIFIER, lambda match, _: fl.INTENSIFIERS[match.group(0)])
            if draft.gate(_AF_KEYS):
                draft.sub(_AF, lambda match, written: "extremely " + written[: len(match.group(1))])
        draft.changed = draft.text != original or not _CHANGED_WORDS.isdisjoint(words)
        draft.sarcastic = strong_sarcasm or (
            (not gated or not _SARCASM_WEAK.anchors.isdisjoint(all_words))
            and any(
                p.search(draft.low) is not None
                for p in _SARCASM_WEAK.candidates(all_words if gated else None)
            )
            and bool(draft.cues())
        )
        # Muting only matters to a post with a mild word: most posts skip the news tests.
        draft.news = (
            not draft.sarcastic
            and not self.mild.isdisjoint(all_words)
            and self._news(draft, all_words, gated=gated)
        )
        return draft

    @staticmethod
    def _news(draft: _Draft, words: frozenset[str], *, gated: bool) -> bool:
        """News or a question asking for information, with no fan cue in the post."""
        low = draft.low
        if "!" in low:
            return False
        # Word tests first: most posts have no news word, no "?", no digit.
        question = "?" in low
        news_word = not _NEWS_WORDS.isdisjoint(words)
        phrase = not gated or not _NEWS_PHRASE_KEYS.isdisjoint(words)
        number = not gated or _DIGIT.search(low) is not None
        newsy = (
            news_word
            or (question and _asks_for_information(low))
            or (phrase and _NEWS_PHRASES.search(low) is not None)
            or (number and _NEWS_NUMBERS.search(low) is not None)
        )
        if not newsy:
            return False
        if ("fandom" in low or not low.isascii()) and _FAN_CUE.search(low) is not None:
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
    def _emoji(draft: _Draft, match: re.Match[str]) -> str:
        emoji = match.group(0)
        if emoji in fl.PAIN_EMOJI:
            mood = "sad" if draft.near_complaint(match.start()) else "joy"
            return f" {_emoji_token(emoji, mood)} "
        return f" {_emoji_token(emoji)} "


def _asks_for_information(low: str) -> bool:
    """Whether a sentence ending in "?" starts like a question asking for information."""
    end = low.find("?")
    while end != -1:
        start = max(low.rfind(mark, 0, end) for mark in _SENTENCE_ENDS) + 1
        if _INFO_QUESTION.match(low, start + len(low[start:end]) - len(low[start:end].lstrip())):
            return True
        end = low.find("?", end + 1)
    return False


def _like(low: str, match: re.Match[str], written: str) -> str:
    """Keep "like" after a subject ("I really like it"); elsewhere it compares: NEUTRAL."""
    before = _LIKE_CONTEXT.findall(low[max(0, match.start() - 40) : match.start()])[-3:]

    def subject(word: str) -> bool:
        return word in _LIKE_SUBJECTS or word.endswith("'d")

    # Up to two adverbs between the subject and the verb: "I don't really like".
    for word in reversed(before):
        if subject(word):
            return written
        if word not in _LIKE_ADVERBS:
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
        if match.start() and (text[match.start() - 1].isalnum() or text[match.start() - 1] == "'"):
            continue  # inside a word: "McQuiston"
        run = match.group(0)
        if lexicon.keys().isdisjoint(run.lower().replace("'s", "").split()):
            continue  # the usual case: a name with no opinion word in it
        parts = _RUN_SEPARATOR.split(run)  # words at even indexes, separators between
        words = parts[::2]
        opinions = [w.lower().removesuffix("'s") in lexicon for w in words]
        if _SENTENCE_OPENS.search(text, 0, match.start()):
            if words[0].lower() in _SENTENCE_OPENERS:
                opinions[0] = False
                if len(words) == 2:  # "Oh Yay": one word left, no run
                    continue
            else:
                opinions[0] = opinions[0] and any(opinions[1:])
        if not any(opinions):
            continue
        if not pieces and 2 * len(_CAPITALISED.findall(text)) > len(text.split()):
            return text  # title case: capitals say nothing here
        for i, opinion in enumerate(opinions):
            if opinion:
                parts[2 * i] = fl.NEUTRAL
        pieces += (text[last : match.start()], "".join(parts))
        last = match.end()
    return "".join(pieces) + text[last:] if pieces else text


def _split_hashtag(match: re.Match[str]) -> str:
    tag = match.group(1)
    if not _NEEDS_SPLIT.search(tag):
        return match.group(0)  # VADER already strips the '#' of a one-word tag
    return " ".join(part.lower() for part in _HASHTAG_PART.findall(tag))


_layer_lock = threading.Lock()
_shared_layer: _Layer | None = None


def _fresh_lock_after_fork() -> None:
    # A thread of the parent may have held the lock at the fork: the child gets its own.
    global _layer_lock
    _layer_lock = threading.Lock()


if hasattr(os, "register_at_fork"):  # POSIX only
    os.register_at_fork(after_in_child=_fresh_lock_after_fork)


def _layer() -> _Layer:
    global _shared_layer
    if _shared_layer is None:
        with _layer_lock:
            if _shared_layer is None:
                _shared_layer = _Layer(load_lexicon(), load_emojis())
    return _shared_layer
