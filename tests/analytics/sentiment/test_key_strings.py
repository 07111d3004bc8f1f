"""The key strings that spare a rule pattern's search: read right, and never skipping a match."""

from __future__ import annotations

import re

import pytest

from analytics.sentiment import rules, score_text
from analytics.sentiment.layer import shared_layer
from bench.ingest import _statuses, _texts
from bench.sentiment_eval import load_labelled
from tests.analytics.sentiment.test_sentiment import (
    DELIGHT_PHRASED_AS_PAIN,
    FAN_PRAISE,
    FANDOM_2_POSTS,
    FINAL_TEST,
    TUNING,
    _synthetic_posts,
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"\b(?P<core>(?:can'?t|cannot|can not)\s+wait)\b", {"can", "cannot", "can not"}),
        (r"\b(?P<core>(?:the\s+)?(?:book|books))\b", {"book", "books"}),
        (r"(?:^|(?<=[.!?\n]))\s*(?P<core>mid)(?=\s*$)", {"mid"}),
        (r"\b(?P<core>means?\s+a lot)\b", {"mean"}),
        (r"\b(?P<core>lol|lolol+|ha(?:ha)+)\b", {"lol", "lolol", "ha"}),
        (r"\b(?:deserve[sd]? better|fell (?:flat|off))", {"deserve", "fell "}),
        (r"\b(?=x)abc", None),  # a lookahead first
        (r"\bfoo|[ab]x", None),  # one alternative opens with a class
        (r"\b(?:a|b)*c", None),  # a group that may be absent, then no literal
        (r"\s*>{2,}", None),
    ],
)
def test_key_strings_are_read_from_the_source(source: str, expected: set[str] | None) -> None:
    assert rules.key_strings(source) == expected


def _texts_to_check() -> list[str]:
    texts = DELIGHT_PHRASED_AS_PAIN + FAN_PRAISE + FANDOM_2_POSTS + _synthetic_posts(500)
    texts += _texts(_statuses(1500))
    for path in (TUNING, FINAL_TEST):
        texts += [text for _, text in load_labelled(path)]
    return texts


def _rule_patterns() -> list[re.Pattern[str]]:
    patterns = [
        p
        for value in vars(rules).values()
        if isinstance(value, rules.Rules)
        for p in value.patterns
    ]
    patterns += [value for value in vars(rules).values() if isinstance(value, re.Pattern)]
    return patterns + [pattern for _, pattern, _ in rules.REWRITES]


def test_most_rule_patterns_have_key_strings() -> None:
    patterns = _rule_patterns()
    assert sum(p in rules.LEADS for p in patterns) >= 0.6 * len(patterns)


def test_a_pattern_never_matches_a_text_without_its_key_strings() -> None:
    layer = shared_layer()
    # The rules search the lower-cased post as written and as rewritten.
    texts = _texts_to_check()
    lowered = [t.lower() for t in texts] + [layer.rewrite(t).text.lower() for t in texts]
    missed = [
        (pattern.pattern, text)
        for pattern in _rule_patterns()
        if pattern in rules.LEADS
        for text in lowered
        if pattern.search(text) is not None and not rules.found(pattern, text)
    ]
    assert missed == []


def test_scores_are_the_same_without_key_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts_to_check()
    layer = shared_layer()
    with_keys = [(score_text(t), layer.rewrite(t).text) for t in texts]
    monkeypatch.setattr(rules, "LEADS", {})
    assert [(score_text(t), layer.rewrite(t).text) for t in texts] == with_keys
