"""The fandom lexicon compiled once: keyword-gated rule tables and the patterns the layer uses.

The data lives in :mod:`analytics.sentiment.fandom_lexicon`; this module only compiles it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from analytics.sentiment import fandom_lexicon as fl


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


class Rules:
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


def emoji_token(emoji: str, suffix: str = "") -> str:
    return f"fandomemoji{ord(emoji):x}{suffix}"


# The idiom groups, each rewritten to its placeholder word.
PAIN = Rules(fl.PAIN_IDIOMS)
EAGER = Rules(fl.EAGER_IDIOMS)
GUARDED_PRAISE = Rules(fl.GUARDED_PRAISE_IDIOMS)
PRAISE = Rules(fl.PRAISE_IDIOMS)
COMPLAINT = Rules(fl.COMPLAINT_IDIOMS)
LAUGHTER = Rules(fl.MOCKING_LAUGHTER)
NEUTRAL = Rules(fl.NEUTRAL_IDIOMS)
LIKE = re.compile(r"\blike\b")
LIKE_KEYS = frozenset({"like"})
LIKE_SUBJECTS = frozenset(fl.LIKE_SUBJECTS.split())
LIKE_ADVERBS = frozenset(fl.LIKE_ADVERBS.split())
SENTENCE_OPENERS = frozenset(fl.SENTENCE_OPENERS.split())
# The keyed rule groups in the order they rewrite: (rules, placeholder, guarded, mocking).
PASSES_BEFORE_EMOJI = (
    (PAIN, fl.DELIGHT, True, False),
    (EAGER, fl.EAGER, True, False),
    (GUARDED_PRAISE, fl.PRAISE, True, False),
)
PASSES_AFTER_EMOJI = (
    (PRAISE, fl.PRAISE, False, False),
    (COMPLAINT, fl.COMPLAINT, False, False),
    (LAUGHTER, fl.NEUTRAL, False, True),
    (NEUTRAL, fl.NEUTRAL, False, False),
)
ANCHORS = frozenset().union(
    *(rules.anchors for rules, *_ in (*PASSES_BEFORE_EMOJI, *PASSES_AFTER_EMOJI))
)
KEYSMASH = Rules([("keysmash", fl.KEYSMASH)])  # tried ungated, after a cheap test

# "X >>> Y": X is far better than Y
GREATER = re.compile(r"\s*>{2,}\s*")
REWRITES = [(frozenset(w.split()), re.compile(p), r) for w, p, r in fl.REWRITES]
CASTING = [(frozenset(w.split()), re.compile(p), r) for w, p, r in fl.CASTING]
INTENSIFIER = re.compile(r"\b(?:" + "|".join(fl.INTENSIFIERS) + r")\b")
INTENSIFIER_KEYS = frozenset(fl.INTENSIFIERS)
AF = re.compile(fl.AF_SUFFIX)
AF_KEYS = frozenset(fl.AF_KEYS.split())
CASTING_KEYS = frozenset().union(*(keys for keys, _, _ in CASTING))
# Every gate of the last rewrites, tested at once first.
TAIL_KEYS = frozenset().union(
    LIKE_KEYS, *(keys for keys, _, _ in REWRITES), INTENSIFIER_KEYS, AF_KEYS
)
KEYWORDS = frozenset().union(
    *(
        rules.keywords
        for rules in (PAIN, EAGER, GUARDED_PRAISE, PRAISE, COMPLAINT, LAUGHTER, NEUTRAL)
    ),
    *(keys for keys, _, _ in REWRITES),
    INTENSIFIER_KEYS,
    AF_KEYS,
    LIKE_KEYS,
)
CUES = re.compile(r"\b(?:" + _by_first_letter(fl.COMPLAINT_CUE_PARTS) + r")\b")
CUE_EXCEPTIONS = re.compile(fl.COMPLAINT_EXCEPTIONS)

# Post-level readings: sarcasm flips praise words, news and questions mute mild words.
EYE_ROLL = frozenset(fl.SARCASM_EMOJI)
SARCASM_SLASH_S = re.compile(fl.SARCASM_SLASH_S)
SARCASM_STRONG = re.compile(r"\b(?:" + _by_first_letter(fl.SARCASM_STRONG_PARTS) + r")\b")
SARCASM_STRONG_KEYS = frozenset(fl.SARCASM_STRONG_KEYS.split())
SARCASM_WEAK = Rules(fl.SARCASM_WEAK)
NEWS_WORDS = frozenset(fl.NEWS_WORDS.split())
NEWS_PHRASES = re.compile(r"\b(?:" + _by_first_letter(fl.NEWS_PHRASE_PARTS) + ")")
NEWS_NUMBERS = re.compile(fl.NEWS_NUMBERS)
NEWS_PHRASE_KEYS = frozenset(fl.NEWS_PHRASE_KEYS.split())
INFO_QUESTION = re.compile(fl.INFO_QUESTION)
# What makes a post more than news: a fan idiom or a fan's emoji.
FAN_CUE = re.compile(
    f"{fl.DELIGHT}|{fl.PRAISE}|{fl.EAGER}|{fl.COMPLAINT}|fandomemoji|"
    "[\u2600-\u27bf\U0001f000-\U0001faff]"
)

# A post with one of the layer's own words is scored again, whatever the rewrites did.
CHANGED_WORDS = frozenset(fl.WORDS)
# The emoji the layer gives valences to.
EMOJI = re.compile("[" + "".join(sorted({*fl.EMOJI, *fl.PAIN_EMOJI})) + "]")
