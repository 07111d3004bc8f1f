"""Ingest sentiment: today the fandom-aware score equals plain VADER, through one function."""

from __future__ import annotations

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analytics.sentiment import MAX_SCORED_CHARS, SCORER_VERSION, label_for, score_text

VADER = SentimentIntensityAnalyzer()


@pytest.mark.parametrize(
    "text",
    [
        "Heartstopper season 3 is perfect, I love Nick and Charlie so much",
        "Netflix cancelling it is a terrible decision",
        "Heartstopper airs on Thursday.",
    ],
)
def test_score_matches_plain_vader(text: str) -> None:
    result = score_text(text)
    assert result.vader_compound == VADER.polarity_scores(text)["compound"]
    assert result.sentiment == result.vader_compound
    assert result.version == SCORER_VERSION


def test_labels_use_vader_thresholds() -> None:
    assert label_for(0.05) == "positive"
    assert label_for(0.049) == "neutral"
    assert label_for(-0.049) == "neutral"
    assert label_for(-0.05) == "negative"
    assert score_text("I love this show").label == "positive"
    assert score_text("This is awful and boring").label == "negative"


def test_long_text_is_scored_on_its_opening() -> None:
    opening = "I hate this. " * 20
    long_text = opening + "I love it! " * 2000
    assert len(long_text) > MAX_SCORED_CHARS
    expected = VADER.polarity_scores(long_text[:MAX_SCORED_CHARS])["compound"]
    assert score_text(long_text).vader_compound == expected
