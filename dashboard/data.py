"""Every number the dashboard shows, loaded through ``analytics`` and cached for a minute.

Each loader opens one short read-only connection, runs the page's analytics functions on
it and closes it before returning plain DataFrames and dataclasses: a reader holding the
DuckDB file blocks the collector, so no connection outlives a call or sits in a cache.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pyarrow as pa
import streamlit as st

from analytics.core.errors import ConfigError
from analytics.core.events import Event, load_events
from analytics.core.filters import Filters
from analytics.core.models import SourceSpec
from analytics.queries.alerts import SpikeShown, recent_alerts, recent_spikes
from analytics.queries.annotations import annotations
from analytics.queries.attention import attention_correlation, attention_vs_chatter
from analytics.queries.events import days_since_release
from analytics.queries.explore import Facets, count_posts, facets, search_posts
from analytics.queries.health import SourceHealth, source_health
from analytics.queries.kpis import Kpis, PeriodFigures, kpis, show_figures
from analytics.queries.share_of_voice import share_of_voice
from analytics.queries.spreadsheet import write_csv
from analytics.queries.terms import trending_terms
from analytics.queries.themes import theme_shares
from analytics.queries.timeseries import Bucket, volume_over_time
from analytics.queries.top import language_mix, source_mix, top_authors, top_posts
from analytics.queries.velocity import rising_posts
from analytics.store import Connection, connect

TTL = 60  # seconds: new posts show within a minute; repeated clicks cost nothing
# A page waits this long for the collector's write to finish (a batch takes well under a
# second), then says the database is busy instead of hanging.
READ_LOCK_TIMEOUT = 10.0
RUN_UP_DAYS = 7  # day-N curves start a week before the premiere, to show the lift
MAX_PREMIERES = 4  # day-N curves for the latest seasons: more lines are hard to tell apart
MAX_SERIES = 8  # lines per time chart: more is unreadable
RISING_HOURS = 24  # "fastest-growing": engagement gained per hour over the last day
EXPLORE_ROWS = 1_000  # newest posts listed and downloaded: enough to read, light to send
DRILL_ROWS = 200  # posts listed behind a picked point or bar: the ones worth reading


@contextmanager
def _reading(path: str) -> Iterator[Connection]:
    with connect(path, read_only=True, lock_timeout=READ_LOCK_TIMEOUT) as con:
        yield con


def bucket_for(filters: Filters) -> Bucket:
    """Hours for a few days, days up to half a year, weeks beyond."""
    if filters.start is None or filters.end is None:
        return "day"
    length = filters.end - filters.start
    if length <= timedelta(days=3):
        return "hour"
    return "day" if length <= timedelta(days=183) else "week"


# ---------------------------------------------------------------- the database itself


@st.cache_data(ttl=TTL, show_spinner=False)
def load_facets(path: str) -> Facets | None:
    """What there is to filter by; None when the database file does not exist yet."""
    if not Path(path).exists():
        return None
    with _reading(path) as con:
        return facets(con)


@st.cache_data(ttl=TTL, show_spinner=False)
def load_health(path: str, specs: tuple[SourceSpec, ...]) -> list[SourceHealth]:
    """Each configured source's health now (an empty list without a database file)."""
    if not Path(path).exists():
        return []
    with _reading(path) as con:
        return source_health(con, list(specs), datetime.now(UTC))


@st.cache_data(ttl=TTL, show_spinner=False)
def load_event_list(
    path: str | None, entity_ids: tuple[str, ...], mtime: float
) -> tuple[list[Event], str | None]:
    """The configured events and, when the file is wrong, why (the charts then go without).

    ``mtime`` is only a cache key: an edited file is read again at once.
    """
    if path is None or not Path(path).exists():
        return [], None
    try:
        return load_events(Path(path), entity_ids=set(entity_ids)), None
    except ConfigError as exc:
        return [], str(exc)


@st.cache_data(ttl=TTL, show_spinner=False)
def load_annotations(path: str) -> pd.DataFrame:
    """Every reader's note (a handful of rows): ``annotation_id``, ``day``, ``note``,
    ``added_at``. Cleared when a note is added or removed."""
    with _reading(path) as con:
        return annotations(con)


# ---------------------------------------------------------------- pages


@dataclass(frozen=True, slots=True)
class OverviewData:
    kpis: Kpis
    bucket: Bucket
    volume: pd.DataFrame  # per series and bucket: posts, avg_sentiment, …
    spikes: list[SpikeShown]  # the latest spike alerts
    health: list[SourceHealth]


@st.cache_data(ttl=TTL, show_spinner=False)
def load_overview(
    path: str, filters: Filters, specs: tuple[SourceSpec, ...], spike_alerts: int = 5
) -> OverviewData:
    bucket = bucket_for(filters)
    with _reading(path) as con:
        figures = kpis(con, filters)
        series = volume_over_time(
            con, filters, bucket, kinds=() if filters.entity_ids else ("show",), top=MAX_SERIES
        )
        spikes = recent_spikes(con, limit=spike_alerts)
        health = source_health(con, list(specs), datetime.now(UTC))
    return OverviewData(figures, bucket, series, spikes, health)


@dataclass(frozen=True, slots=True)
class CompareData:
    bucket: Bucket
    shows: pd.DataFrame  # share of voice between shows: name, mentions, share_pct
    shows_trend: pd.DataFrame  # share per bucket: bucket, name, mentions, share_pct
    cast: pd.DataFrame  # share of voice between cast members
    sentiment: pd.DataFrame  # per show: posts, positive, neutral, negative, avg_sentiment
    everything: PeriodFigures  # posts about the compared shows once each, and the shows' sum


@st.cache_data(ttl=TTL, show_spinner=False)
def load_compare(
    path: str,
    filters: Filters,
    shows: tuple[str, ...],
    cast: tuple[str, ...],
    unit: str = "stories",
) -> CompareData:
    """``shows`` and ``cast``: the entity ids compared (empty: every show / every person).

    ``unit``: "stories" (copies of one story once) or "posts" (every copy). A show's
    figures include its cast, characters and ships."""
    bucket = bucket_for(filters)
    all_shows = dataclasses.replace(filters, entity_ids=())
    show_filters = dataclasses.replace(filters, entity_ids=shows)
    cast_filters = dataclasses.replace(filters, entity_ids=cast)
    with _reading(path) as con:
        # Shows are compared from their volume series alone: totals, shares, the trend and
        # sentiment all come from that one pass over the posts (the cast needs its own).
        by_show = volume_over_time(
            con, show_filters if shows else all_shows, bucket, kinds=("show",)
        )
        cast_voice = share_of_voice(
            con,
            cast_filters,
            kind="person",
            unit="posts" if unit == "posts" else "stories",
        )
        everything = show_figures(con, show_filters if shows else all_shows)
    totals = _sentiment_totals(by_show)
    voice = totals[["entity_id", "name"]].assign(
        mentions=totals[unit], share_pct=100 * totals[unit] / max(totals[unit].sum(), 1)
    )
    return CompareData(
        bucket=bucket,
        shows=voice,
        shows_trend=_shares(by_show, unit),
        cast=cast_voice,
        sentiment=totals,
        everything=everything,
    )


def latest_premieres(events: Iterable[Event]) -> list[Event]:
    """The ``MAX_PREMIERES`` latest premieres among ``events``, oldest first."""
    premieres = sorted((e for e in events if e.kind == "premiere"), key=lambda e: (e.date, e.id))
    return premieres[-MAX_PREMIERES:]


@st.cache_data(ttl=TTL, show_spinner=False)
def load_premiere_curves(
    path: str, events: tuple[Event, ...], sources: tuple[str, ...], days: int = 30
) -> pd.DataFrame:
    """Posts per day N since each of the latest premieres, from a week before
    (``days_since_release``).

    Cached apart from the page's other figures: an event fixes its own days and entities,
    so a new period or entity choice does not change these curves; only the sources do.
    """
    with _reading(path) as con:
        return days_since_release(
            con,
            latest_premieres(events),
            days,
            Filters(sources=sources),
            from_day=-RUN_UP_DAYS,
        )


def _shares(series: pd.DataFrame, unit: str = "stories") -> pd.DataFrame:
    """Each series' share of all series' ``unit`` per bucket: the share of voice over time
    (as ``analytics.queries.share_of_voice``: stories or posts about each show, among the
    shows)."""
    per_bucket = series.groupby("bucket")[unit].transform("sum")
    return series.assign(
        mentions=series[unit], share_pct=100 * series[unit] / per_bucket.where(per_bucket > 0)
    )


def _sentiment_totals(series: pd.DataFrame) -> pd.DataFrame:
    """Per-bucket counts from :func:`analytics.queries.timeseries.volume_over_time`, per series."""
    if series.empty:
        return pd.DataFrame(
            columns=["entity_id", "name", "posts", "stories", "positive", "neutral", "negative"]
        )
    weighted = series.assign(total=series["avg_sentiment"].fillna(0) * series["posts"])
    # A story spanning two buckets counts in each: the buckets' stories add up to a little
    # more than the period's, which is what the shares over time are made of.
    totals = weighted.groupby(["entity_id", "name"], as_index=False)[
        ["posts", "stories", "positive", "neutral", "negative", "total"]
    ].sum()
    totals["avg_sentiment"] = totals["total"] / totals["posts"].where(totals["posts"] > 0)
    return totals.drop(columns="total").sort_values("posts", ascending=False).reset_index(drop=True)


@dataclass(frozen=True, slots=True)
class ConversationData:
    terms: pd.DataFrame  # rising words (no hashtags)
    hashtags: pd.DataFrame
    themes: pd.DataFrame
    posts: pd.DataFrame
    authors: pd.DataFrame  # people, by engagement
    publishers: pd.DataFrame  # news outlets and other authors of articles, by posts
    sources: pd.DataFrame
    languages: pd.DataFrame


@st.cache_data(ttl=TTL, show_spinner=False)
def load_conversation(
    path: str, filters: Filters, rows: int = 20, watched: tuple[str, ...] = ()
) -> ConversationData:
    """``watched``: the watchlist's names, aliases and hashtags, left out of rising terms."""
    with _reading(path) as con:
        # One scoring pass for both lists: scores do not depend on `only`, so splitting a
        # long list afterwards gives the same terms as two calls at half the cost.
        rising = trending_terms(con, filters, limit=300, min_count=5, watched=watched)
        themes = theme_shares(con, filters)
        posts = top_posts(con, filters, limit=rows)
        authors = top_authors(con, filters, limit=rows, kind="person")
        # Feeds report no engagement: outlets rank by how much they publish.
        publishers = top_authors(con, filters, limit=rows, order_by="posts", kind="publisher")
        sources = source_mix(con, filters)
        languages = language_mix(con, filters)
    hashtag = rising["hashtag"].astype(bool)
    return ConversationData(
        terms=rising[~hashtag].head(rows).reset_index(drop=True),
        hashtags=rising[hashtag].head(rows).reset_index(drop=True),
        themes=themes,
        posts=posts,
        authors=authors,
        publishers=publishers,
        sources=sources,
        languages=languages,
    )


@st.cache_data(ttl=TTL, show_spinner=False)
def load_rising(
    path: str, filters: Filters, now: datetime, hours: int = RISING_HOURS, rows: int = 10
) -> pd.DataFrame:
    """Posts of the period gaining engagement fastest over the ``hours`` before its end
    (or ``now``, when sooner): :func:`analytics.queries.velocity.rising_posts`."""
    until = min(filters.end, now) if filters.end is not None else now
    with _reading(path) as con:
        return rising_posts(con, until - timedelta(hours=hours), until, filters, limit=rows)


@dataclass(frozen=True, slots=True)
class AttentionData:
    daily: pd.DataFrame  # day, entity_id, entity_name, pageviews, mentions
    correlation: pd.DataFrame  # entity_id, entity_name, days, correlation


@st.cache_data(ttl=TTL, show_spinner=False)
def load_attention(path: str, filters: Filters) -> AttentionData:
    with _reading(path) as con:
        daily = attention_vs_chatter(con, filters)
    return AttentionData(daily, attention_correlation(daily))


@dataclass(frozen=True, slots=True)
class ExploreData:
    total: int
    posts: pd.DataFrame


@st.cache_data(ttl=TTL, show_spinner=False)
def load_explore(
    path: str, filters: Filters, text: str, labels: tuple[str, ...], limit: int = EXPLORE_ROWS
) -> ExploreData:
    with _reading(path) as con:
        total = count_posts(con, filters, text=text, labels=labels)
        posts = search_posts(con, filters, text=text, labels=labels, limit=limit) if total else None
    return ExploreData(total, posts if posts is not None else pd.DataFrame())


@st.cache_data(ttl=TTL, show_spinner=False)
def load_drill(
    path: str, filters: Filters, text: str = "", order: str = "engagement", limit: int = DRILL_ROWS
) -> ExploreData:
    """The posts behind a picked point or bar: how many, and the first ``limit`` of them."""
    with _reading(path) as con:
        total = count_posts(con, filters, text=text)
        posts = search_posts(con, filters, text=text, limit=limit, order=order) if total else None
    return ExploreData(total, posts if posts is not None else pd.DataFrame())


@dataclass(frozen=True, slots=True)
class CollectionData:
    health: list[SourceHealth]
    daily: pd.DataFrame  # posts per source name and day of the period
    alerts: pd.DataFrame  # recent silent/failing alerts


@st.cache_data(ttl=TTL, show_spinner=False)
def load_collection(path: str, filters: Filters, specs: tuple[SourceSpec, ...]) -> CollectionData:
    """Health now, and what each source brought per day of the period (all entities)."""
    period = Filters(start=filters.start, end=filters.end, sources=filters.sources)
    with _reading(path) as con:
        health = source_health(con, list(specs), datetime.now(UTC))
        daily = volume_over_time(con, period, "day", by="source")
        alerts = pd.DataFrame(
            recent_alerts(con, limit=50),
            columns=["detected_at", "kind", "title", "message", "delivered_at"],
        )
    return CollectionData(health, daily, alerts[alerts["kind"] != "spike"].head(10))


# ---------------------------------------------------------------- text from posts

# Post text is written by strangers: it is shown as plain text, cut to a readable length.
# Where Streamlit would read markdown (captions, labels), it is escaped first.
_MARKDOWN_SPECIALS = "\\`*_{}[]()<>#+-.!|~$:"


def clip(text: object, limit: int = 300) -> str:
    """One line of at most ``limit`` characters (an ellipsis marks a cut)."""
    if not isinstance(text, str):
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def post_lines(titles: Iterable[object], snippets: Iterable[object], limit: int = 280) -> list[str]:
    """Each post as one clipped line for a table: "title — text", or the text alone."""
    return [
        clip(f"{t} — {s}" if isinstance(t, str) and t else s, limit)
        for t, s in zip(titles, snippets, strict=True)
    ]


def escape_markdown(text: str) -> str:
    """``text`` as literal characters for an element that renders markdown."""
    return "".join("\\" + c if c in _MARKDOWN_SPECIALS else c for c in text)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV through the one safe CSV writer (no cell runs as a formula)."""
    sink = io.BytesIO()
    write_csv(pa.Table.from_pandas(frame, preserve_index=False), sink)
    return sink.getvalue()
