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

import duckdb
import pandas as pd
import stopwordsiso

from analytics.core.filters import Filters

TEXT_CHARS = 1500

_URL = r"(?:https?://|www\.)\S+"
_NOT_TOKEN = r"[^\p{L}\p{N}_#']+"
_TERM = r"#?[\p{L}\p{N}_]+(?:'[\p{L}\p{N}_]+)*"


def _quoted(pattern: str) -> str:
    """A fixed regex from this module as a SQL string literal."""
    return "'" + pattern.replace("'", "''") + "'"


# Posts are split on white space only, which is cheap per post. URLs, punctuation and
# curly apostrophes are then handled once per distinct raw token (``_PIECES_SQL``): the
# same terms as a regex split of every post, at a fraction of the cost.
_TOKENS_SQL = """
    string_split(
        replace(replace(replace(
            lower(coalesce(p.title, '') || ' ' || left(p.text, ?)),
            chr(10), ' '), chr(13), ' '), chr(9), ' '),
        ' '
    )
"""
_PIECES_SQL = f"""
    string_split(
        regexp_replace(
            replace(regexp_replace(token, {_quoted(_URL)}, ' ', 'g'), chr(8217), ''''),
            {_quoted(_NOT_TOKEN)}, ' ', 'g'
        ),
        ' '
    )
"""

# Name words of watched shows, people, characters and ships, bare and as hashtags
# (``#kitconnor``); themes stay in, their names are ordinary words worth seeing rise.
_ENTITY_TERMS_SQL = r"""
    WITH names AS (
        SELECT trim(regexp_replace(lower(name), '[^\p{L}\p{N}_]+', ' ', 'g')) AS name
        FROM entities WHERE kind <> 'theme'
    ),
    words AS (SELECT unnest(string_split(name, ' ')) AS word, name FROM names)
    SELECT word FROM words
    UNION SELECT '#' || word FROM words
    UNION SELECT '#' || replace(name, ' ', '') FROM names
"""
_NO_ENTITY_TERMS_SQL = "SELECT NULL::VARCHAR AS word"

Only = Literal["terms", "hashtags"]
_ONLY_SQL: dict[str | None, str] = {
    None: "",
    "terms": "AND NOT starts_with(c.term, '#')",
    "hashtags": "AND starts_with(c.term, '#')",
}


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
        if self.only not in _ONLY_SQL:
            raise ValueError(f"only must be 'terms', 'hashtags' or None, not {self.only!r}")

    def excluded(self, filter_langs: Iterable[str]) -> list[str]:
        """Stop words and extra words, lower-case: terms never reported."""
        langs = self.stop_langs if self.stop_langs is not None else ("en", *filter_langs)
        extra = {word.lower() for word in self.extra_stop_words}
        return sorted(stop_words(tuple(sorted(set(langs)))) | extra)


def _scoring_sql(docs: str, options: TermOptions) -> str:
    """SQL scoring the terms of ``docs`` (columns ``grp``, ``target``, ``tokens``) per grp.

    ``docs`` is a query with "?" placeholders only; its parameters come first, then
    :func:`_scoring_params`.
    """
    entity_sql = _ENTITY_TERMS_SQL if options.exclude_entity_names else _NO_ENTITY_TERMS_SQL
    # Formatted in: the caller's docs query ("?" placeholders only) and fixed SQL from this
    # module (token cleaning, the entity-name query, the hashtag condition from a fixed
    # table). Every value is a parameter.
    return f"""
        WITH docs AS ({docs}),
        raw AS (
            SELECT grp, target, token, count(*) AS n
            FROM (SELECT grp, target, unnest(tokens) AS token FROM docs)
            WHERE token <> ''
            GROUP BY ALL
        ),
        -- Each distinct token is cleaned once, however many windows and posts use it.
        pieces AS (
            SELECT token, unnest({_PIECES_SQL}) AS piece FROM (SELECT DISTINCT token FROM raw)
        ),
        excluded AS (
            SELECT unnest(?::VARCHAR[]) AS term
            UNION SELECT word FROM ({entity_sql}) AS entity_terms
        ),
        vocabulary AS (
            SELECT token, term
            FROM (
                SELECT token, regexp_replace(trim(piece, ''''), '''s$', '') AS term FROM pieces
            )
            WHERE regexp_full_match(term, {_quoted(_TERM)})
              AND regexp_matches(term, '\\p{{L}}')
              AND length(ltrim(term, '#')) >= ?
              AND term NOT IN (SELECT term FROM excluded WHERE term IS NOT NULL)
        ),
        counts AS (
            SELECT r.grp, v.term,
                   CAST(coalesce(sum(r.n) FILTER (WHERE r.target), 0) AS BIGINT) AS y_a,
                   CAST(coalesce(sum(r.n) FILTER (WHERE NOT r.target), 0) AS BIGINT) AS y_b
            FROM raw r JOIN vocabulary v USING (token)
            GROUP BY r.grp, v.term
        ),
        totals AS (SELECT grp, sum(y_a) AS n_a, sum(y_b) AS n_b FROM counts GROUP BY grp),
        priors AS (
            SELECT c.grp, c.term, c.y_a, c.y_b, t.n_a, t.n_b,
                   ? * (c.y_a + c.y_b) AS alpha, ? * (t.n_a + t.n_b) AS alpha_0
            FROM counts c JOIN totals t USING (grp)
            WHERE c.y_a >= ? {_ONLY_SQL[options.only]}
        ),
        scored AS (
            SELECT grp, term, y_a, y_b, n_a, n_b, alpha,
                   ln((y_a + alpha) / (n_a + alpha_0 - y_a - alpha))
                   - ln((y_b + alpha) / (n_b + alpha_0 - y_b - alpha)) AS log_odds
            FROM priors
        )
        SELECT grp, term, starts_with(term, '#') AS hashtag,
               y_a AS count, y_b AS baseline_count,
               1000.0 * y_a / n_a AS per_1k,
               1000.0 * y_b / nullif(n_b, 0) AS baseline_per_1k,
               log_odds,
               log_odds / sqrt(1.0 / (y_a + alpha) + 1.0 / (y_b + alpha)) AS z
        FROM scored
        WHERE log_odds > 0
        QUALIFY row_number() OVER (PARTITION BY grp ORDER BY z DESC, term) <= ?
        ORDER BY grp, z DESC, term
    """  # noqa: S608


def _scoring_params(options: TermOptions, filter_langs: Iterable[str]) -> list[object]:
    return [
        options.excluded(filter_langs),
        options.min_length,
        options.prior_scale,
        options.prior_scale,
        options.min_count,
        options.limit,
    ]


def trending_terms(
    con: duckdb.DuckDBPyConnection,
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
    target_where, target_params = target.where("p")
    baseline_where, baseline_params = baseline.where("p")
    # Formatted in: the fixed token expression and the Filters conditions (fixed text with
    # "?" placeholders); every value is a parameter.
    docs = f"""
        SELECT 0 AS grp, TRUE AS target, {_TOKENS_SQL} AS tokens FROM posts p
        WHERE {target_where}
        UNION ALL
        SELECT 0, FALSE, {_TOKENS_SQL} FROM posts p WHERE {baseline_where}
    """  # noqa: S608
    params = [
        TEXT_CHARS,
        *target_params,
        TEXT_CHARS,
        *baseline_params,
        *_scoring_params(options, target.langs),
    ]
    return con.execute(_scoring_sql(docs, options), params).df().drop(columns="grp")


@dataclass(frozen=True, slots=True)
class TermWindow:
    """One entity's target period ``[start, end)`` and baseline ``[baseline_start, start)``."""

    entity_id: str
    baseline_start: datetime
    start: datetime
    end: datetime


def rising_terms_by_window(
    con: duckdb.DuckDBPyConnection,
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
    where, params = span.where("p")
    # Formatted in: the fixed token expression and the Filters condition (fixed text with
    # "?" placeholders); the windows are parameters, lists unnested side by side.
    docs = f"""
        WITH windows AS (
            SELECT unnest(range(?)) AS grp, unnest(?::VARCHAR[]) AS entity_id,
                   unnest(?::TIMESTAMPTZ[]) AS baseline_start,
                   unnest(?::TIMESTAMPTZ[]) AS start, unnest(?::TIMESTAMPTZ[]) AS stop
        ),
        -- Posts of the span first, then their mentions: joining mentions to the windows
        -- first builds a hash table of every mention of those entities, 5x slower.
        scoped AS (SELECT p.post_id, p.created_at, p.title, p.text FROM posts p WHERE {where}),
        linked AS (
            SELECT m.entity_id, s.* FROM scoped s JOIN mentions m USING (post_id)
            WHERE m.entity_id IN (SELECT entity_id FROM windows)
        )
        SELECT w.grp, p.created_at >= w.start AS target, {_TOKENS_SQL} AS tokens
        FROM linked p
        JOIN windows w ON w.entity_id = p.entity_id
             AND p.created_at >= w.baseline_start AND p.created_at < w.stop
    """  # noqa: S608
    all_params = [
        len(windows),
        [w.entity_id for w in windows],
        [w.baseline_start for w in windows],
        [w.start for w in windows],
        [w.end for w in windows],
        *params,
        TEXT_CHARS,
        *_scoring_params(options, span.langs),
    ]
    scored = con.execute(_scoring_sql(docs, options), all_params).df()
    empty = scored.iloc[0:0].drop(columns="grp")
    by_window = {
        int(grp): rows.drop(columns="grp").reset_index(drop=True)
        for grp, rows in scored.groupby("grp")
    }
    return [by_window.get(i, empty) for i in range(len(windows))]
