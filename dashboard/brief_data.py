"""What a brief says: the figures of one period, gathered through the trend queries.

One short read-only connection gathers everything (the caller opens and closes it), and
the result is plain data: the charts and the HTML page are made after the file is let go.
The same gathering serves `fanpulse report`, the Overview download and the digest.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd

from analytics.core.config import AlertsConfig
from analytics.core.events import Event
from analytics.core.filters import Filters
from analytics.core.periods import Period, period_of
from analytics.queries.explore import EntityOption, facets
from analytics.queries.kpis import Kpis, kpis
from analytics.queries.share_of_voice import Unit, share_of_voice
from analytics.queries.spikes import Spike, detect_spikes
from analytics.queries.terms import trending_terms
from analytics.queries.timeseries import Bucket, volume_over_time
from analytics.store import Connection

MAX_SERIES = 8  # lines per chart, as on Overview
MAX_SPIKES = 5
POSTS_PER_SPIKE = 3
MAX_TERMS = 10
MAX_VOICES = 8


class EmptyPeriod(LookupError):
    """No post in the brief's period: there is nothing to report."""


@dataclass(frozen=True, slots=True)
class BriefData:
    period: Period
    filters: Filters  # the period and any entity or source choice
    unit: Unit  # what volume counts: stories (copies once) or posts (every copy)
    bucket: Bucket
    kpis: Kpis
    volume: pd.DataFrame  # per series and bucket, as volume_over_time returns it
    spikes: list[Spike]  # strongest first, each with its most engaging posts
    voice: pd.DataFrame  # share of voice between shows
    terms: pd.DataFrame  # rising terms against the period before
    entities: tuple[EntityOption, ...]  # every watched entity, for the fixed colours
    events: tuple[Event, ...]  # configured events inside the period
    generated_at: datetime
    about: tuple[str, ...] = ()  # names of the chosen entities; empty: everything watched
    last_post_at: datetime | None = None  # the newest post in the database, for "empty" hints

    @property
    def empty(self) -> bool:
        return self.kpis.current.posts == 0


def brief_bucket(filters: Filters) -> Bucket:
    """Hours for a period of up to two days, days beyond (weeks would hide a spike)."""
    known = filters.start is not None and filters.end is not None
    if known and filters.end - filters.start <= timedelta(days=2):  # type: ignore[operator]
        return "hour"
    return "day"


def gather_brief(
    con: Connection,
    filters: Filters,
    *,
    alerts: AlertsConfig,
    unit: Unit = "stories",
    watched: Sequence[str] = (),
    events: Sequence[Event] = (),
    now: datetime | None = None,
) -> BriefData:
    """The brief of ``filters``' period (both ends required) read on ``con``.

    Spikes are found as `fanpulse spikes` finds them, by the ``[alerts]`` settings.
    """
    if filters.start is None or filters.end is None:
        raise ValueError("a brief needs a period with a start and an end")
    bucket = brief_bucket(filters)
    figures = kpis(con, filters)
    everything = dataclasses.replace(filters, entity_ids=())
    found = facets(con)
    return BriefData(
        period=period_of(filters.start, filters.end),
        filters=filters,
        unit=unit,
        bucket=bucket,
        kpis=figures,
        volume=volume_over_time(
            con, filters, bucket, kinds=() if filters.entity_ids else ("show",), top=MAX_SERIES
        ),
        spikes=_spikes(con, filters, alerts) if figures.current.posts else [],
        voice=share_of_voice(con, everything, kind="show", unit=unit).head(MAX_VOICES),
        terms=(
            trending_terms(con, filters, limit=MAX_TERMS, watched=watched)
            if figures.current.posts
            else pd.DataFrame()
        ),
        entities=found.entities,
        events=tuple(e for e in events if filters.start <= e.starts_at < filters.end),
        generated_at=now or datetime.now(UTC),
        about=tuple(e.name for e in found.entities if e.entity_id in filters.entity_ids),
        last_post_at=found.last_post_at,
    )


def _spikes(con: Connection, filters: Filters, alerts: AlertsConfig) -> list[Spike]:
    return detect_spikes(
        con,
        filters,
        "day",
        window=alerts.baseline_days,
        threshold=alerts.spike_z,
        min_posts=alerts.spike_min_posts,
        limit=MAX_SPIKES,
        explain_posts=POSTS_PER_SPIKE,
    )
