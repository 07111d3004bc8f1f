"""Overview: the headline figures against the previous period, the trend, spikes, gaps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from analytics.queries.alerts import SpikeShown
from analytics.queries.health import UNHEALTHY
from analytics.queries.kpis import Kpis, PeriodFigures
from dashboard import address, charts, drill
from dashboard import notes as day_notes
from dashboard.brief_button import brief_download
from dashboard.data import clip, escape_markdown, load_overview
from dashboard.deltas import kpi_deltas
from dashboard.labels import SOURCE_LABELS
from dashboard.state import Context, context

MIN_SENTIMENT_POSTS = 5
PAGE = "overview"
POINT_FIELDS = ("entity_id", "name", "bucket_key", "when")
INDEXED_KEY = "overview_indexed"

ctx = context(__file__)
st.title("Overview")
st.caption(escape_markdown(ctx.describe()))

data = load_overview(ctx.database, ctx.filters, ctx.specs)


def show_kpis(figures: Kpis, ctx: Context) -> None:
    now, unit = figures.current, ctx.unit
    versus = f" vs the previous {ctx.span}" if ctx.compare else ""
    mentions, sentiment, positive = kpi_deltas(figures, unit) if ctx.compare else (None,) * 3
    columns = st.columns(4)
    counted = (
        "Posts, every copy counted, "
        if unit == "posts"
        else "Stories (copies of one story, e.g. one article carried by several feeds, count once) "
    )
    columns[0].metric(
        "Mentions",
        f"{now.total(unit):,}",
        delta=mentions,
        help=(
            f"{counted}in the period that mention anything selected; a show includes its "
            f"cast, characters and ships{versus}. {now.posts:,} posts, {now.stories:,} "
            "stories."
        ),
    )
    columns[1].metric(
        "Average sentiment",
        "—" if now.avg_sentiment is None else f"{now.avg_sentiment:+.2f}",
        delta=sentiment,
        help=f"Mean compound score, −1 (negative) to +1 (positive){versus}.",
    )
    columns[2].metric(
        "Positive posts",
        "—" if now.positive_share is None else f"{now.positive_share:.0%}",
        delta=positive,
        help=f"Share of posts scored positive{versus}.",
    )
    show_top_source(columns[3], now)


def show_top_source(column: Any, now: PeriodFigures) -> None:
    top = SOURCE_LABELS.get(now.top_source or "", now.top_source or "—")
    # A label has no direction: its share is said in words, not as a change.
    share = f" ({now.top_source_share:.0%} of posts)" if now.top_source_share else ""
    column.metric(
        "Top source",
        top,
        help=f"The kind of source with the most posts in the period{share}.",
    )
    if now.top_source_share:
        column.caption(f"{now.top_source_share:.0%} of the period's posts")


def spike_drill(alert: SpikeShown) -> drill.Drill:
    """The posts of a spike: its entities in its bucket (the sidebar's sources apply)."""
    return drill.Drill(
        label=clip(alert.title, 120),
        start=alert.happened_at,
        end=alert.ends_at,
        entity_ids=alert.entity_ids,
        page=PAGE,
    )


def reconcile(figures: PeriodFigures, volume: pd.DataFrame, unit: str, chosen: bool) -> str | None:
    """One line on why the chart's lines do not add up to the Mentions total, if they don't."""
    total = figures.total(unit)
    summed = int(volume[unit].sum()) if not volume.empty else 0
    if summed == total:
        return None
    if not chosen:
        line = figures.reconciliation(unit)
        shows = figures.show_posts if unit == "posts" else figures.show_stories
        if line and summed == shows:
            return line
    return (
        f"A post about several of the lines counts for each: {total:,} {unit}, "
        f"{summed:,} summed over the lines."
    )


show_kpis(data.kpis, ctx)
brief_download(ctx, posts=data.kpis.current.posts)

unhealthy = [s for s in data.health if s.status in UNHEALTHY]
if unhealthy:
    names = ", ".join(f"{s.name} ({s.status})" for s in unhealthy)
    st.warning(
        escape_markdown(
            f"Figures may be incomplete: {len(unhealthy)} of {len(data.health)} sources are "
            f"not collecting normally — {names}. See Collection health for details."
        ),
        icon=":material/warning:",
    )

if data.kpis.current.posts == 0:
    st.info(
        "No posts in this period for the chosen filters. Widen the period or clear the "
        "entity and source filters in the sidebar."
    )
else:
    events, problem = ctx.events()
    if problem:
        st.caption(escape_markdown(f"Events are not marked: {problem}"))
    marked = ctx.marks(events)
    palette = ctx.palette
    unit = {"hour": "hour", "day": "day", "week": "week"}[data.bucket]
    noun = "posts" if ctx.unit == "posts" else "stories"
    address.follow([address.flag("indexed", INDEXED_KEY, default=False)])
    indexed = st.toggle(
        "Each line against its own average",
        key=INDEXED_KEY,
        help=f"Volume as an index: 100 is the line's average {noun} per {unit} over the "
        "period, so a small show's rise is as visible as a big one's.",
    )
    left, right = st.columns(2)
    drill.chart(
        left,
        drill.pickable(
            charts.over_time(
                charts.indexed(data.volume, ctx.unit) if indexed else data.volume,
                value=ctx.unit,
                value_title=(
                    f"Index (100 = the line's average per {unit})"
                    if indexed
                    else f"{noun.capitalize()} per {unit}"
                ),
                title=(
                    f"Volume against each line's average, per {unit}"
                    if indexed
                    else f"Volume: {noun} per {unit}"
                ),
                bucket=data.bucket,
                palette=palette,
                events=marked,
            ),
            POINT_FIELDS,
        ),
        "overview_volume",
        lambda values: drill.bucket_drill(values, data.bucket, PAGE),
    )
    # An average of a handful of posts swings wildly: such buckets are left out.
    volume = data.volume["posts"]
    steady = data.volume.assign(
        avg_sentiment=data.volume["avg_sentiment"].where(volume >= MIN_SENTIMENT_POSTS)
    )
    drill.chart(
        right,
        drill.pickable(
            charts.over_time(
                steady,
                value="avg_sentiment",
                value_title="Average sentiment (−1 to +1)",
                title=f"Sentiment: average score per {unit}",
                bucket=data.bucket,
                palette=palette,
                events=marked,
                value_format="+.2f",
                zero_line=True,
            ),
            POINT_FIELDS,
        ),
        "overview_sentiment",
        lambda values: drill.bucket_drill(values, data.bucket, PAGE),
    )

    notes = [
        "Each show's line includes its cast, characters and ships (e.g. Heartstopper, incl. "
        "cast and characters)."
        if not ctx.filters.entity_ids
        else "A show's line includes its cast, characters and ships.",
        f"Sentiment is drawn where a {unit} has at least {MIN_SENTIMENT_POSTS} posts.",
        "Click a point to list the posts behind it.",
    ]
    why = reconcile(data.kpis.current, data.volume, ctx.unit, bool(ctx.filters.entity_ids))
    if why:
        notes.insert(0, why)
    if ctx.filters.end is not None and ctx.filters.end > datetime.now(UTC):
        notes.append(f"The latest {unit} is still in progress, so its figures are partial.")
    st.caption(" ".join(notes))

drill.show_posts(ctx.database, ctx.filters, PAGE)
day_notes.render(ctx)

st.subheader("Latest spike alerts")
if not data.spikes:
    st.write("No spikes have been detected yet: mention volumes are within their usual range.")
for index, alert in enumerate(data.spikes):
    label = f"{clip(alert.title, 200)} · detected {alert.detected_at:%Y-%m-%d %H:%M} UTC"
    with st.expander(escape_markdown(label), expanded=index == 0):
        # The explanation quotes posts: plain text only. A show's alert lists each member
        # that spiked with it; its posts are links, and the button lists them all.
        st.text("\n".join(clip(line, 300) for line in alert.message.splitlines()[:20]))
        links = [link for link in alert.links if drill.safe_link(link.url)]
        if links:
            st.markdown(
                "\n".join(
                    f"- [{escape_markdown(clip(link.title, 120) or link.url)}]"
                    f"(<{link.url.replace('>', '%3E')}>)"
                    for link in links
                )
            )
        st.button(
            "Show the posts of this spike",
            key=f"spike_posts_{index}",
            icon=":material/list:",
            on_click=drill.open_drill,
            args=(spike_drill(alert),),
        )
