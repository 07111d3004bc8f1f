"""Headline figures for a period against the period just before it.

The numbers a marketer reads first: how many stories and posts, how they felt, where they
came from, and how that moved since the previous period of the same length. Stories count
the copies of one story (posts sharing a ``story_id``) once; posts count every copy.
"""

from __future__ import annotations

from dataclasses import dataclass

from analytics.core.filters import Filters
from analytics.queries.sql import load
from analytics.store import Connection


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    posts: int  # every copy
    stories: int  # copies of one story counted once
    authors: int
    avg_sentiment: float | None
    positive_share: float | None  # of posts, 0..1
    negative_share: float | None
    top_source: str | None  # the source kind with the most posts
    top_source_share: float | None
    # What the per-show figures add up to: each show counts the posts about it, its cast,
    # characters and ships included, so a post about two shows counts twice and a post
    # about no watched show not at all.
    show_posts: int = 0  # posts summed over the shows
    show_stories: int = 0
    placed_posts: int = 0  # posts about at least one show
    placed_stories: int = 0

    def total(self, unit: str = "stories") -> int:
        return self.posts if unit == "posts" else self.stories

    def reconciliation(self, unit: str = "stories") -> str | None:
        """One line on why the shows' figures do not add up to the total; None when they do."""
        total = self.total(unit)
        by_show = self.show_posts if unit == "posts" else self.show_stories
        placed = self.placed_posts if unit == "posts" else self.placed_stories
        if by_show == total:
            return None
        reasons = []
        if by_show > placed:
            reasons.append("a post about two shows counts for both")
        if placed < total:
            reasons.append(f"{total - placed:,} {unit} are about no watched show")
        why = "; ".join(reasons)
        return f"{why[0].upper()}{why[1:]}: {total:,} {unit}, {by_show:,} show mentions."


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
    def stories_change(self) -> float | None:
        """Relative change in stories; None when there was nothing before."""
        if not self.previous.stories:
            return None
        return self.current.stories / self.previous.stories - 1

    def change(self, unit: str = "stories") -> float | None:
        return self.posts_change if unit == "posts" else self.stories_change

    @property
    def sentiment_change(self) -> float | None:
        if self.current.avg_sentiment is None or self.previous.avg_sentiment is None:
            return None
        return self.current.avg_sentiment - self.previous.avg_sentiment


def period_figures(con: Connection, filters: Filters, *, shows: bool = True) -> PeriodFigures:
    """Figures of the selected posts; ``shows``: with what the per-show figures add up to
    (the ``show_*`` and ``placed_*`` fields; left at 0 without)."""
    sql = load("kpis_period_figures", filters=filters.active())
    row = con.execute(sql.text, sql.bind(filters.params())).fetchall()[0]
    (posts, stories, authors, avg_sentiment, positive, negative, top_source, top_n) = row
    show_posts, show_stories, placed_posts, placed_stories = (
        _show_sums(con, filters) if shows and posts else (0, 0, 0, 0)
    )
    return PeriodFigures(
        posts=int(posts),
        stories=int(stories),
        authors=int(authors),
        avg_sentiment=avg_sentiment,
        positive_share=positive if posts else None,
        negative_share=negative if posts else None,
        top_source=top_source,
        top_source_share=(top_n / posts) if posts and top_n else None,
        show_posts=show_posts,
        show_stories=show_stories,
        placed_posts=placed_posts,
        placed_stories=placed_stories,
    )


def _show_sums(con: Connection, filters: Filters) -> tuple[int, int, int, int]:
    """(posts, stories) summed over the shows, then (posts, stories) about any show."""
    sql = load("kpis_show_figures", filters=filters.active())
    found = con.execute(sql.text, sql.bind(filters.params())).fetchall()[0]
    posts, stories, placed_posts, placed_stories = (int(v or 0) for v in found)
    return posts, stories, placed_posts, placed_stories


def show_figures(con: Connection, filters: Filters) -> PeriodFigures:
    """Only what the shows' figures add up to, against the posts about any show (the
    population of a page that compares shows); the other fields are left empty."""
    show_posts, show_stories, placed_posts, placed_stories = _show_sums(con, filters)
    return PeriodFigures(
        posts=placed_posts,
        stories=placed_stories,
        authors=0,
        avg_sentiment=None,
        positive_share=None,
        negative_share=None,
        top_source=None,
        top_source_share=None,
        show_posts=show_posts,
        show_stories=show_stories,
        placed_posts=placed_posts,
        placed_stories=placed_stories,
    )


def kpis(con: Connection, filters: Filters) -> Kpis:
    """Figures for ``filters``' period and for the same length just before it."""
    return Kpis(
        current=period_figures(con, filters),
        previous=period_figures(con, filters.previous(), shows=False),
    )
