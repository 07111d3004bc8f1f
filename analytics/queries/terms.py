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

Terms are words, hashtags and phrases of two or three words, read in DuckDB: title and
text lower-cased, split into words; URLs, punctuation and emoji end a phrase, hyphens and
slashes do not. Hashtags keep their ``#`` (``#trailer`` and ``trailer`` are different
terms) and stand alone; a trailing ``'s`` is dropped. A word needs a letter and
``min_length`` characters; a phrase needs a letter, may not start or end with a stop word,
and may hold one in the middle of three words ("end of season"). Counts are occurrences, as
in the paper (a phrase's count is how often it appears; totals count words only).

What a marketer would not act on is left out:

- stop words of the main fan languages (:data:`~analytics.queries.term_words.FAN_LANGS`),
  per post: English and the post's own language, or all of them when the post declares
  none; and fan filler ("literally", "ate", "screaming");
- watched names, aliases and hashtags (tracked already): a watched name also ends a phrase,
  so "kit connor interview" is reported as "interview";
- terms used by fewer than ``min_authors`` accounts (source and author) in the period: one
  account posting a slogan fifty times is not a trend;
- a word or phrase inside a longer rising phrase that holds at least ``phrase_share`` of
  its uses: "first look" is listed, not "first look" and "look" besides.

Only the first ``TEXT_CHARS`` characters of a post are read, so a long article costs no
more than a few social posts. Scripts written without spaces (Japanese, Chinese) are not
segmented: a whole run of such text is one term.

Every function takes an open connection (``connect(path, read_only=True)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Literal

import pandas as pd

from analytics.core.filters import Filters
from analytics.queries.sql import load
from analytics.queries.term_words import FAN_FILLER, FAN_LANGS, stop_words, watched_terms
from analytics.store import Connection

__all__ = [
    "TermOptions",
    "TermWindow",
    "rising_terms_by_window",
    "stop_words",
    "trending_terms",
    "watched_terms",
]

TEXT_CHARS = 1500

Only = Literal["terms", "hashtags"]
_ONLY = (None, "terms", "hashtags")


@dataclass(frozen=True, slots=True)
class TermOptions:
    """How terms are counted and ranked (the same for every window of one call).

    ``limit``: terms per result. ``min_count``: occurrences needed in the target period;
    ``min_authors``: distinct accounts (source and author; a post without an author is
    its own) using the term in the target period. ``only``: ``"terms"`` (no hashtags) or
    ``"hashtags"``; scores do not change with it. ``stop_langs``: stop word languages (by
    default :data:`FAN_LANGS`). ``extra_stop_words`` are treated as stop words;
    ``fan_filler`` adds :data:`FAN_FILLER`. ``exclude_entity_names`` drops the words of
    watched names (from the ``entities`` table) and of ``watched``: aliases and hashtags
    of the watchlist (:func:`watched_terms`). ``phrase_share``: a part of a rising phrase
    is hidden when the phrase holds at least this share of its uses. ``prior_scale``
    weighs the prior against the data.
    """

    limit: int = 30
    min_count: int = 5
    min_authors: int = 3
    min_length: int = 2
    only: Only | None = None
    stop_langs: tuple[str, ...] | None = None
    extra_stop_words: tuple[str, ...] = ()
    fan_filler: bool = True
    exclude_entity_names: bool = True
    watched: tuple[str, ...] = ()
    phrase_share: float = 2 / 3
    prior_scale: float = 1.0

    def check(self) -> None:
        if min(self.limit, self.min_count, self.min_authors, self.min_length) < 1:
            raise ValueError("limit, min_count, min_authors and min_length must be at least 1")
        if self.prior_scale <= 0:
            raise ValueError("prior_scale must be above 0")
        if not 0 < self.phrase_share <= 1:
            raise ValueError("phrase_share must be above 0 and at most 1")
        if self.only not in _ONLY:
            raise ValueError(f"only must be 'terms', 'hashtags' or None, not {self.only!r}")

    def languages(self) -> tuple[str, ...]:
        langs = self.stop_langs if self.stop_langs is not None else FAN_LANGS
        return tuple(sorted({lang.lower() for lang in langs}))

    def stop_table(self) -> str:
        """Stop words as ``lang:word`` pairs joined by spaces (one string binds far faster
        than a list of thousands): each language of :meth:`languages` with English, and
        ``*`` (posts in another language or none) with all of them."""
        langs = self.languages()
        extra = {word.lower().replace("\u2019", "'") for word in self.extra_stop_words}
        if self.fan_filler:
            extra |= FAN_FILLER
        pairs: list[str] = []
        for key, read_as in [*((lang, {"en", lang}) for lang in langs), ("*", set(langs))]:
            chosen = stop_words(tuple(sorted(read_as & set(langs)))) | extra
            pairs.extend(
                f"{key}:{word}" for word in sorted(chosen) if not any(c.isspace() for c in word)
            )
        return " ".join(pairs)


@cache
def _stop_table(options: TermOptions) -> str:
    return options.stop_table()


def _scoring_params(options: TermOptions) -> dict[str, object]:
    return {
        "text_chars": TEXT_CHARS,
        "stop_langs": list(options.languages()),
        "stop_pairs": _stop_table(options),
        "exclude_entity_names": options.exclude_entity_names,
        "watched": [term.lower() for term in options.watched],
        "min_length": options.min_length,
        "prior_scale": options.prior_scale,
        "min_count": options.min_count,
        "min_authors": options.min_authors,
        "phrase_share": options.phrase_share,
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
    min_authors: int = 3,
    min_length: int = 2,
    only: Only | None = None,
    stop_langs: Iterable[str] | None = None,
    extra_stop_words: Iterable[str] = (),
    fan_filler: bool = True,
    exclude_entity_names: bool = True,
    watched: Iterable[str] = (),
    phrase_share: float = 2 / 3,
    prior_scale: float = 1.0,
) -> pd.DataFrame:
    """Terms rising in ``target`` against ``baseline`` (default: the period just before).

    Options as in :class:`TermOptions`. Columns: ``term``, ``hashtag`` (bool), ``words``
    (1 for a word or hashtag, 2 or 3 for a phrase), ``count``, ``baseline_count``,
    ``authors`` (accounts using it in the target period), ``per_1k`` and
    ``baseline_per_1k`` (per 1,000 word occurrences of that period), ``log_odds``
    (``delta`` above) and ``z``. Only rising terms (``log_odds > 0``), highest ``z`` first.
    """
    options = TermOptions(
        limit=limit,
        min_count=min_count,
        min_authors=min_authors,
        min_length=min_length,
        only=only,
        stop_langs=tuple(stop_langs) if stop_langs is not None else None,
        extra_stop_words=tuple(extra_stop_words),
        fan_filler=fan_filler,
        exclude_entity_names=exclude_entity_names,
        watched=tuple(watched),
        phrase_share=phrase_share,
        prior_scale=prior_scale,
    )
    options.check()
    if baseline is None:
        baseline = target.previous()
    sql = load("terms_trending", filters=target.active(), baseline_filters=baseline.active())
    bound = sql.bind(target.params(), baseline.params("baseline_"), _scoring_params(options))
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
        _scoring_params(options),
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
