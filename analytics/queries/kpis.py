"""Headline figures for a period against the period just before it.

The numbers a marketer reads first: how many posts, how they felt, where they came from,
and how that moved since the previous period of the same length.
"""

from __future__ import annotations

from dataclasses import dataclass

from analytics.core.filters import Filters
from analytics.queries.sql import load
from analytics.store import Connection


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


def period_figures(con: Connection, filters: Filters) -> PeriodFigures:
    sql = load("kpis_period_figures", filters=filters.active())
    row = con.execute(sql.text, sql.bind(filters.params())).fetchall()[0]
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


def kpis(con: Connection, filters: Filters) -> Kpis:
    """Figures for ``filters``' period and for the same length just before it."""
    return Kpis(
        current=period_figures(con, filters), previous=period_figures(con, filters.previous())
    )
