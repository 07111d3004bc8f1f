"""Trending terms and hashtags: what is said more in a period than in its baseline.

Scoring is the weighted log-odds ratio with an informative Dirichlet prior (Monroe,
Colaresi & Quinn 2008, "Fightin' Words"). For a term with ``y_a`` occurrences among the
``n_a`` term occurrences of the target period and ``y_b`` of ``n_b`` in the baseline::

    alpha   = prior_scale * (y_a + y_b)          # the pooled counts are the prior
    alpha_0 = prior_scale * (n_a + n_b)
    delta   = log((y_a + alpha) / (n_a + alpha_0 - y_a - alpha))
            - log((y_b + alpha) / (n_b + alpha_0 - y_b - alpha))
    z       = delta / sqrt(1 / (y_a + alpha) + 1 / (y_b + alpha))

The prior shrinks rare terms towards "no change", so a term seen twice does not beat one
that doubled across hundreds of posts: ``z`` ranks terms by the evidence that they rose.

Tokenising runs in DuckDB: title and text lower-cased, URLs dropped, split on anything but
letters, digits, ``_``, ``#`` and apostrophes. Hashtags keep their ``#`` (``#trailer`` and
``trailer`` are different terms), a trailing ``'s`` is dropped, and a term needs a letter
and ``min_length`` characters. Stop words come from the ``stopwordsiso`` package. Counts are
occurrences, as in the paper. Only the first ``TEXT_CHARS`` characters of a post are read,
so a long article costs no more than a few social posts. Scripts written without spaces
(Japanese, Chinese) are not segmented: a whole run of such text is one term.

Every function takes an open connection (``connect(path, read_only=True)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Literal

import pandas as pd
import stopwordsiso

from analytics.core.filters import Filters
from analytics.queries.sql import load
from analytics.store import Connection

TEXT_CHARS = 1500

Only = Literal["terms", "hashtags"]
_ONLY = (None, "terms", "hashtags")


@cache
def stop_words(langs: tuple[str, ...] = ("en",)) -> frozenset[str]:
    """The stopwords-iso words for these ISO 639-1 codes, with straight apostrophes."""
    words = stopwordsiso.stopwords(set(langs))
    return frozenset(word.lower().replace("\u2019", "'") for word in words)


@dataclass(frozen=True, slots=True)
class TermOptions:
    """How terms are counted and ranked (the same for every window of one call).

    ``limit``: terms per result. ``min_count``: occurrences needed in the target period.
    ``only``: ``"terms"`` (no hashtags) or ``"hashtags"``; scores do not change with it.
    ``stop_langs``: stop word languages, by default English plus the filters' ``langs``.
    ``exclude_entity_names`` drops the words of watched names, which would otherwise top
    every fandom's list. ``prior_scale`` weighs the prior against the data.
    """

    limit: int = 30
    min_count: int = 5
    min_length: int = 2
    only: Only | None = None
    stop_langs: tuple[str, ...] | None = None
    extra_stop_words: tuple[str, ...] = ()
    exclude_entity_names: bool = True
    prior_scale: float = 1.0

    def check(self) -> None:
        if self.limit < 1 or self.min_count < 1 or self.min_length < 1:
            raise ValueError("limit, min_count and min_length must be at least 1")
        if self.prior_scale <= 0:
            raise ValueError("prior_scale must be above 0")
        if self.only not in _ONLY:
            raise ValueError(f"only must be 'terms', 'hashtags' or None, not {self.only!r}")

    def excluded(self, filter_langs: Iterable[str]) -> list[str]:
        """Stop words and extra words, lower-case: terms never reported."""
        langs = self.stop_langs if self.stop_langs is not None else ("en", *filter_langs)
        extra = {word.lower() for word in self.extra_stop_words}
        return sorted(stop_words(tuple(sorted(set(langs)))) | extra)


def _scoring_params(options: TermOptions, filter_langs: Iterable[str]) -> dict[str, object]:
    return {
        "text_chars": TEXT_CHARS,
        "excluded": options.excluded(filter_langs),
        "exclude_entity_names": options.exclude_entity_names,
        "min_length": options.min_length,
        "prior_scale": options.prior_scale,
        "min_count": options.min_count,
        "only": options.only,
        "limit": options.limit,
    }


def trending_terms(
    con: Connection,
    target: Filters,
    baseline: Filters | None = None,
    *,
    limit: int = 30,
    min_count: int = 5,
    min_length: int = 2,
    only: Only | None = None,
    stop_langs: Iterable[str] | None = None,
    extra_stop_words: Iterable[str] = (),
    exclude_entity_names: bool = True,
    prior_scale: float = 1.0,
) -> pd.DataFrame:
    """Terms rising in ``target`` against ``baseline`` (default: the period just before).

    Options as in :class:`TermOptions`. Columns: ``term``, ``hashtag`` (bool), ``count``,
    ``baseline_count``, ``per_1k`` and ``baseline_per_1k`` (per 1,000 term occurrences of
    that period), ``log_odds`` (``delta`` above) and ``z``. Only rising terms
    (``log_odds > 0``), highest ``z`` first.
    """
    options = TermOptions(
        limit=limit,
        min_count=min_count,
        min_length=min_length,
        only=only,
        stop_langs=tuple(stop_langs) if stop_langs is not None else None,
        extra_stop_words=tuple(extra_stop_words),
        exclude_entity_names=exclude_entity_names,
        prior_scale=prior_scale,
    )
    options.check()
    if baseline is None:
        baseline = target.previous()
    sql = load("terms_trending", filters=target.active(), baseline_filters=baseline.active())
    bound = sql.bind(
        target.params(), baseline.params("baseline_"), _scoring_params(options, target.langs)
    )
    return con.execute(sql.text, bound).df().drop(columns="grp")


@dataclass(frozen=True, slots=True)
class TermWindow:
    """One entity's target period ``[start, end)`` and baseline ``[baseline_start, start)``."""

    entity_id: str
    baseline_start: datetime
    start: datetime
    end: datetime


def rising_terms_by_window(
    con: Connection,
    windows: Sequence[TermWindow],
    filters: Filters | None = None,
    options: TermOptions | None = None,
) -> list[pd.DataFrame]:
    """Trending terms for many windows in one query (e.g. to explain spikes).

    Each window looks at the posts mentioning its entity; ``filters`` narrows them by
    source and language (its period and entities are replaced by the windows'). Returns
    one frame per window, in order, with the columns of :func:`trending_terms`.
    """
    options = options or TermOptions()
    options.check()
    if not windows:
        return []
    span = replace(
        filters or Filters(),
        start=min(w.baseline_start for w in windows),
        end=max(w.end for w in windows),
        entity_ids=(),
    )
    sql = load("terms_by_window", filters=span.active())
    bound = sql.bind(
        span.params(),
        _scoring_params(options, span.langs),
        window_count=len(windows),
        window_entities=[w.entity_id for w in windows],
        baseline_starts=[w.baseline_start for w in windows],
        starts=[w.start for w in windows],
        stops=[w.end for w in windows],
    )
    scored = con.execute(sql.text, bound).df()
    empty = scored.iloc[0:0].drop(columns="grp")
    by_window = {
        int(grp): rows.drop(columns="grp").reset_index(drop=True)
        for grp, rows in scored.groupby("grp")
    }
    return [by_window.get(i, empty) for i in range(len(windows))]
