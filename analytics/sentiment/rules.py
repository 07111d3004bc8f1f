"""The fandom lexicon compiled once: keyword-gated rule tables and the patterns the layer uses.

The data lives in :mod:`analytics.sentiment.fandom_lexicon`; this module only compiles it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from analytics.sentiment import fandom_lexicon as fl


def _structural(source: str) -> Iterator[tuple[int, str]]:
    """The characters of a regular expression that shape it: those neither escaped nor
    inside a character class, with their index."""
    in_class = escaped = False
    for i, char in enumerate(source):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        else:
            in_class = char == "["
            yield i, char


def _alternatives(source: str) -> list[str]:
    """The top-level alternatives of a regular expression: "a|b(?:c|d)" -> ["a", "b(?:c|d)"]."""
    parts: list[str] = []
    start = depth = 0
    for i, char in _structural(source):
        if char == "(":
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


# What a rule pattern may open with that only narrows where it matches: a word boundary, or
# "at the start or after a sentence end, then spaces". Python's regex engine cannot skip ahead
# to a pattern's first letters when it opens with an assertion: it tries the whole pattern at
# every character, ~10x slower than looking for a word with ``in``.
_NARROWING_OPENINGS = (r"(?:^|(?<=[.!?\n]))\s*", r"\b")
_SPECIAL = frozenset(".^$*+?{}[]()|\\")
_OPTIONAL = frozenset("?*{")
# Shorter key strings are in nearly every post: testing them would only cost.
_SHORTEST_LEAD = 2
# Each rule pattern's key strings: every match contains one of them. See :func:`found`.
LEADS: dict[re.Pattern[str], tuple[str, ...]] = {}


def rule(source: str) -> re.Pattern[str]:
    """``source`` compiled; its key strings (if they are worth testing) kept in LEADS."""
    pattern = re.compile(source)
    leads = None if pattern.flags & (re.IGNORECASE | re.VERBOSE) else key_strings(source)
    if leads is not None and min(map(len, leads)) >= _SHORTEST_LEAD:
        LEADS[pattern] = tuple(sorted(leads))
    return pattern


def found(pattern: re.Pattern[str], text: str) -> bool:
    """``pattern.search(text) is not None``; a text without any of its LEADS is not searched."""
    leads = LEADS.get(pattern)
    if leads is not None and not any(lead in text for lead in leads):
        return False
    return pattern.search(text) is not None


def key_strings(source: str) -> set[str] | None:
    """Strings one of which is in every match of the regular expression ``source``.

    Read from the source: after a narrowing opening, the literal letters each top-level
    alternative (or the alternatives of a group it opens with) starts with; past an optional
    group, what follows it. None when some alternative has none (it opens with a class, an
    escape or a lookaround).
    """
    for opening in _NARROWING_OPENINGS:
        rest = source.removeprefix(opening)
        if rest != source:
            if not rest or rest[0] in _OPTIONAL or rest[0] in "+|":
                return None
            source = rest
            break
    leads: set[str] = set()
    for branch in _alternatives(source):
        branch_leads = _branch_leads(branch)
        if not branch_leads:
            return None
        leads |= branch_leads
    return leads


def _branch_leads(branch: str) -> set[str] | None:
    if branch.startswith("("):
        if branch.startswith("(?:"):
            inner = 3
        elif branch.startswith("(?P<"):
            inner = branch.index(">") + 1
        elif branch.startswith("(?"):  # a lookaround, a back-reference or flags
            return None
        else:
            inner = 1
        close = _group_end(branch)
        if close is None:
            return None
        leads = key_strings(branch[inner:close])
        after = branch[close + 1 :]
        if after[:1] == "?":  # an optional group: what follows it is in every match
            return _branch_leads(after[1:].removeprefix("?").removeprefix("+"))
        return None if after[:1] in _OPTIONAL else leads
    run = 0
    while run < len(branch) and branch[run] not in _SPECIAL:
        run += 1
    if branch[run : run + 1] in _OPTIONAL:  # "can'?t": the "'" may be missing
        run -= 1
    return {branch[:run]} if run > 0 else None


def _group_end(source: str) -> int | None:
    """The index of the parenthesis that closes the group ``source`` opens with."""
    depth = 0
    for i, char in _structural(source):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if not depth:
                return i
    return None


# How many sets of key words each rule group remembers its picked rules for.
_PICKED_KEPT = 4096


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
            self.patterns.append(rule(pattern))
            for key in keys.split():
                need = frozenset(key.split("+"))
                keywords |= need
                anchor = max(need, key=len)  # the longest word is likely the rarest
                self.index.setdefault(anchor, []).append((position, need))
        self.keywords = frozenset(keywords)  # every word any key needs
        self.anchors = frozenset(self.index)
        self._picked: dict[frozenset[str], list[re.Pattern[str]]] = {}

    def candidates(self, words: frozenset[str] | None) -> list[re.Pattern[str]]:
        if words is None:
            return list(self.patterns)
        if self.anchors.isdisjoint(words):  # the usual case: one set operation
            return []
        # Posts share few distinct sets of key words: each set's rules are picked once.
        keyed = words & self.keywords
        picked = self._picked.get(keyed)
        if picked is None:
            positions = {i for w in keyed for i, need in self.index.get(w, ()) if need <= keyed}
            picked = [self.patterns[i] for i in sorted(positions)]
            if len(self._picked) >= _PICKED_KEPT:
                self._picked.clear()
            self._picked[keyed] = picked
        return picked


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
LIKE = rule(r"\blike\b")
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
REWRITES = [(frozenset(w.split()), rule(p), r) for w, p, r in fl.REWRITES]
CASTING = [(frozenset(w.split()), re.compile(p), r) for w, p, r in fl.CASTING]
INTENSIFIER = rule(r"\b(?:" + "|".join(fl.INTENSIFIERS) + r")\b")
INTENSIFIER_KEYS = frozenset(fl.INTENSIFIERS)
AF = rule(fl.AF_SUFFIX)
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
CUES = rule(r"\b(?:" + _by_first_letter(fl.COMPLAINT_CUE_PARTS) + r")\b")
CUE_EXCEPTIONS = rule(fl.COMPLAINT_EXCEPTIONS)

# Post-level readings: sarcasm flips praise words, news and questions mute mild words.
EYE_ROLL = frozenset(fl.SARCASM_EMOJI)
SARCASM_SLASH_S = rule(fl.SARCASM_SLASH_S)
SARCASM_STRONG = rule(r"\b(?:" + _by_first_letter(fl.SARCASM_STRONG_PARTS) + r")\b")
SARCASM_STRONG_KEYS = frozenset(fl.SARCASM_STRONG_KEYS.split())
SARCASM_WEAK = Rules(fl.SARCASM_WEAK)
NEWS_WORDS = frozenset(fl.NEWS_WORDS.split())
NEWS_PHRASES = rule(r"\b(?:" + _by_first_letter(fl.NEWS_PHRASE_PARTS) + ")")
NEWS_NUMBERS = rule(fl.NEWS_NUMBERS)
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
