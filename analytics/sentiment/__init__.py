"""Sentiment of a post: plain VADER plus the fandom-aware score that callers store.

:func:`score_text` is the one entry point (:func:`score_many` runs it over many posts in worker
processes); :func:`scored_text` is how a post's title and body are joined for it, and
:func:`label_for` turns a compound into a label. :func:`vader_compound` and :func:`rewrite` are
probes for tests and debugging: they show the two halves of :func:`score_text`.

``vader_compound`` is plain VADER 3.3.2, from the copy of its kernel and lexicons in
:mod:`.vader` (MIT; the installed vaderSentiment is the tests' reference). ``sentiment`` is
VADER's algorithm run on the post as the fandom layer (:mod:`.layer`) rewrites it (fan idioms,
emoji, hashtags, intensifiers, titles, sarcasm, news; rules and valences in
:mod:`.fandom_lexicon`, compiled by :mod:`.rules`), with a copy of VADER's lexicon extended by
fan slang.

Cost: both scores come from :class:`.scorer.VaderScorer`, a re-implementation of VADER's
scoring that gives its compound exactly (tests hold it to that) at ~3x the speed. Every post
gets the plain score and one scan for fan keywords; only a post the layer changes is scored
again.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from analytics.core.models import Sentiment
from analytics.sentiment import fandom_lexicon as fl
from analytics.sentiment.layer import shared_layer as _layer

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
    """Plain VADER's compound (of the capped text); a probe for tests and debugging."""
    return _layer().plain.compound(text[:MAX_SCORED_CHARS])


def scored_text(title: str | None, text: str) -> str:
    """What a post is scored on: title and body on their own lines, as ingest joins them."""
    return f"{title}\n{text}" if title else text


def score_text(text: str) -> Sentiment:
    """Score one post's text (title and body joined by the caller)."""
    return _sentiment(*_scores(text))


def _scores(text: str) -> tuple[float, float]:
    """The plain and the fandom-aware compound of one post's text."""
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
    return compound, max(-1.0, min(1.0, adjusted))


def _sentiment(compound: float, adjusted: float) -> Sentiment:
    return Sentiment(
        vader_compound=compound,
        sentiment=adjusted,
        label=label_for(adjusted),
        version=SCORER_VERSION,
    )


def score_many(
    texts: Sequence[str], workers: int | None = None, chunk: int = 400
) -> list[Sentiment]:
    """:func:`score_text` of each text, in order, scored in ``workers`` processes.

    ``workers`` defaults to the machine's CPU count, and counts this process: it scores chunks
    too, so ``workers`` processes score in all. One worker, or texts that fit in one ``chunk``,
    are scored in this process alone: starting workers costs more than it saves.
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
    _layer()  # built before the pool starts: a forked worker inherits it
    # The platform's default start method; a worker that does not inherit the layer builds it
    # once, up front.
    with ProcessPoolExecutor(max_workers=workers - 1, initializer=_warm_worker) as pool:
        futures = [pool.submit(_score_chunk, part) for part in chunks]
        # This process takes chunks from the end, each one no worker has started yet; small
        # chunks keep the two ends finishing together.
        here: dict[int, list[Sentiment]] = {}
        for index in range(len(chunks) - 1, -1, -1):
            if not futures[index].cancel():
                break
            here[index] = [score_text(text) for text in chunks[index]]
        results: list[Sentiment] = []
        for index, future in enumerate(futures):
            if index in here:
                results += here[index]
            else:
                results += [_sentiment(*pair) for pair in future.result()]
        return results


def score_posts(posts: Sequence[tuple[str | None, str]]) -> list[Sentiment]:
    """Score (title, body) pairs as ingest does, on every core: for bulk rescoring."""
    return score_many([scored_text(title, text) for title, text in posts])


def _warm_worker() -> None:
    _layer()


def _score_chunk(texts: list[str]) -> list[tuple[float, float]]:
    # Two floats a post travel back to the caller faster than pickled Sentiment objects.
    return [_scores(text) for text in texts]


def rewrite(text: str, *, gated: bool = True) -> str:
    """The post as the fandom layer hands it to VADER (placeholder words for fan idioms).

    A probe for tests and debugging; :func:`score_text` is what callers use.

    ``gated=False`` tries every rule whatever its keywords: tests use it to check that the
    keyword gates never skip a rule that would have matched.
    """
    return _layer().rewrite(text[:MAX_SCORED_CHARS], gated=gated).text
