"""Headline figures for a period against the period just before it.

The numbers a marketer reads first: how many posts, how they felt, where they came from,
and how that moved since the previous period of the same length.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from analytics.core.filters import Filters


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    posts: int
    authors: int
    avg_sentiment: float | None
    positive_share: float | None  # of posts, 0..1
    negative_share: float | None
    top_source: str | None  # the source kind with the most posts
    top_source_share: float | None


@dataclass(frozen=True, slots=True)
class Kpis:
    current: PeriodFigures
    previous: PeriodFigures

    @property
    def posts_change(self) -> float | None:
        """Relative change in posts (0.25 = +25 %); None when there was nothing before."""
        if not self.previous.posts:
            return None
        return self.current.posts / self.previous.posts - 1

    @property
    def sentiment_change(self) -> float | None:
        if self.current.avg_sentiment is None or self.previous.avg_sentiment is None:
            return None
        return self.current.avg_sentiment - self.previous.avg_sentiment


_FIGURES_SQL = """
WITH selected AS (SELECT * FROM posts p WHERE {where}),
by_source AS (
    SELECT source, count(*) AS n FROM selected GROUP BY source ORDER BY n DESC, source LIMIT 1
)
SELECT count(*), count(DISTINCT author), avg(sentiment),
       avg(CASE WHEN sentiment_label = 'positive' THEN 1.0 ELSE 0.0 END),
       avg(CASE WHEN sentiment_label = 'negative' THEN 1.0 ELSE 0.0 END),
       (SELECT source FROM by_source), (SELECT n FROM by_source)
FROM selected
"""


def period_figures(con: duckdb.DuckDBPyConnection, filters: Filters) -> PeriodFigures:
    where, params = filters.where("p")
    row = con.execute(_FIGURES_SQL.format(where=where), params).fetchall()[0]
    posts, authors, avg_sentiment, positive, negative, top_source, top_n = row
    return PeriodFigures(
        posts=int(posts),
        authors=int(authors),
        avg_sentiment=avg_sentiment,
        positive_share=positive if posts else None,
        negative_share=negative if posts else None,
        top_source=top_source,
        top_source_share=(top_n / posts) if posts and top_n else None,
    )


def kpis(con: duckdb.DuckDBPyConnection, filters: Filters) -> Kpis:
    """Figures for ``filters``' period and for the same length just before it."""
    return Kpis(
        current=period_figures(con, filters), previous=period_figures(con, filters.previous())
    )
