"""The headline figures for one entity over a recent period: `fanpulse trends`.

One short read of the database gathers what a marketer asks first about a show or a
person: how much they were talked about and how that moved, how fans felt, against whom,
what spiked and why, what is being said, which events moved the needle, and how much
attention the wider public paid (Wikipedia page views).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from analytics.core.filters import Filters
from analytics.core.periods import Period, last_days
from analytics.queries.attention import attention_vs_chatter
from analytics.queries.events import Event, event_lifts
from analytics.queries.kpis import Kpis, PeriodFigures, kpis, period_figures
from analytics.queries.share_of_voice import Unit, share_of_voice
from analytics.queries.spikes import Spike, detect_spikes
from analytics.queries.terms import trending_terms
from analytics.queries.themes import theme_shares
from analytics.queries.top import source_mix, top_posts
from analytics.store import Connection


@dataclass(frozen=True, slots=True)
class Headline:
    entity_id: str
    name: str
    kind: str
    period: Period  # the last N days by the one shared rule (analytics.core.periods)
    kpis: Kpis  # a show's include its cast, characters and ships
    share_of_voice: pd.DataFrame  # among entities of the same kind (and show, for cast)
    everything: PeriodFigures  # all posts of the period, what the shows' shares add up to
    unit: Unit  # what volume counts: stories (copies of one story once) or posts
    spikes: list[Spike]
    terms: pd.DataFrame
    themes: pd.DataFrame
    events: pd.DataFrame  # lifts of the events about this entity that fall in the period
    pageviews: float | None
    pageviews_previous: float | None
    top_posts: pd.DataFrame
    sources: pd.DataFrame

    @property
    def start(self) -> datetime:
        return self.period.start

    @property
    def end(self) -> datetime:
        return self.period.end


class UnknownEntity(LookupError):
    pass


def _entity(con: Connection, entity_id: str) -> tuple[str, str, str | None]:
    rows = con.execute(
        "SELECT name, kind, show_id FROM entities WHERE entity_id = ?", [entity_id]
    ).fetchall()
    if not rows:
        known = [r[0] for r in con.execute("SELECT entity_id FROM entities ORDER BY 1").fetchall()]
        hint = ", ".join(known[:8]) + (", …" if len(known) > 8 else "")
        raise UnknownEntity(f"no entity {entity_id!r} in the database (e.g. {hint})")
    return rows[0]


def _pageviews(con: Connection, filters: Filters) -> float | None:
    daily = attention_vs_chatter(con, filters)
    if daily.empty or daily["pageviews"].isna().all():
        return None
    return float(daily["pageviews"].sum())


def headline(
    con: Connection,
    entity_id: str,
    days: int = 30,
    *,
    events: list[Event] | None = None,
    now: datetime | None = None,
    unit: Unit = "stories",
    watched: Sequence[str] = (),
) -> Headline:
    name, kind, show_id = _entity(con, entity_id)
    now = now or datetime.now(UTC)
    period = last_days(days, now)
    start, end = period.start, period.end
    about = Filters(start=start, end=end, entity_ids=(entity_id,))
    compared_kind = kind if kind in ("show", "person", "character", "ship") else "show"
    voice = share_of_voice(
        con,
        Filters(start=start, end=end),
        kind=compared_kind,  # type: ignore[arg-type]
        show_id=None if kind == "show" else show_id,
        unit=unit,
    )
    relevant_events = [
        e for e in events or [] if entity_id in e.entities and start <= e.starts_at < end
    ]
    lifts = pd.DataFrame()
    if relevant_events:
        lifts = event_lifts(con, relevant_events, now=now)
        lifts.insert(1, "event_name", [e.name for e in relevant_events])  # same order
    return Headline(
        entity_id=entity_id,
        name=name,
        kind=kind,
        period=period,
        kpis=kpis(con, about),
        share_of_voice=voice,
        everything=period_figures(con, Filters(start=start, end=end)),
        unit=unit,
        spikes=detect_spikes(con, about, bucket="day"),
        terms=trending_terms(con, about, limit=10, watched=watched),
        themes=theme_shares(con, about),
        events=lifts,
        pageviews=_pageviews(con, about),
        pageviews_previous=_pageviews(con, about.previous()),
        top_posts=top_posts(con, about, limit=3),
        sources=source_mix(con, about),
    )
