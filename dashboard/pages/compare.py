"""Compare: share of voice between shows and between cast members, sentiment side by side,
and how each premiere's conversation grew day by day."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import pandas as pd
import streamlit as st

from analytics.core.events import Event
from dashboard import address, charts, drill
from dashboard.data import (
    MAX_PREMIERES,
    escape_markdown,
    latest_premieres,
    load_compare,
    load_premiere_curves,
)
from dashboard.state import Context, context

CAST_BARS = 12
PAGE = "compare"
NAMED = ("entity_id", "name")
CURVE_DAYS = 30

ctx = context(__file__)
st.title("Compare")
st.caption(escape_markdown(ctx.describe()))


def compared(ctx: Context) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(show ids, cast ids) to compare: the selection's, else every show and person.

    Choosing a show compares its cast; choosing people compares those people.
    """
    entities = ctx.entities
    chosen = [entities[e] for e in ctx.filters.entity_ids if e in entities]
    shows = tuple(e.entity_id for e in chosen if e.kind == "show")
    people = tuple(e.entity_id for e in chosen if e.kind == "person")
    if not people and shows:
        slugs = {s.removeprefix("show:") for s in shows}
        people = tuple(
            e.entity_id for e in ctx.facets.entities if e.kind == "person" and e.show_id in slugs
        )
    return shows, people


def covered_premieres(ctx: Context, events: list[Event], shows: tuple[str, ...]) -> list[Event]:
    """The latest premieres of the compared shows that posts were collected for."""
    first, last = ctx.facets.first_post_at, ctx.facets.last_post_at
    if first is None or last is None:
        return []
    return latest_premieres(
        e
        for e in events
        if first - timedelta(days=1) <= e.starts_at <= last
        and (not shows or any(entity in shows for entity in e.entities))
    )


def entity_drill(values: Mapping[str, Any]) -> drill.Drill | None:
    """A show's or person's bar: its posts in the period."""
    entity_id = values.get("entity_id")
    if not isinstance(entity_id, str) or entity_id not in ctx.entities:
        return None
    return drill.Drill(ctx.entities[entity_id].name, entity_ids=(entity_id,), page=PAGE)


shows, cast = compared(ctx)
events, problem = ctx.events()
premieres = covered_premieres(ctx, events, shows)
data = load_compare(ctx.database, ctx.filters, shows, cast, ctx.unit)
palette = ctx.palette

if data.shows["mentions"].sum() == 0:
    st.info(
        "No posts in this period for the chosen filters. Widen the period or clear the "
        "entity and source filters in the sidebar."
    )
    st.stop()

st.subheader("Share of voice")
left, right = st.columns(2)
drill.chart(
    left,
    drill.pickable(
        charts.share_bars(
            data.shows,
            title=f"Shows, incl. cast and characters: {ctx.unit_label} and share of voice",
            palette=palette,
        ),
        NAMED,
    ),
    "compare_shows",
    entity_drill,
)
why = data.everything.reconciliation(ctx.unit)
left.caption(
    "Each show counts the posts about it, its cast, characters and ships included; a "
    "person listed under several shows counts for the show the post names, or for each of "
    "them when it names none." + (f" {why}" if why else "")
)
people = data.cast[data.cast["mentions"] > 0].head(CAST_BARS)
show_of = {e.entity_id: f"show:{e.show_id}" for e in ctx.facets.entities if e.show_id}
people = people.assign(show_id=[show_of.get(e, "") for e in people["entity_id"]])
people = people.assign(
    show=[ctx.entities[s].name if s in ctx.entities else "other" for s in people["show_id"]]
)
if people.empty:
    right.info("No cast member is mentioned in this period.")
else:
    drill.chart(
        right,
        drill.pickable(
            charts.share_bars(
                people,
                title=f"Cast: {ctx.unit_label} and share of voice",
                palette=palette,
                by_show=True,
            ),
            NAMED,
        ),
        "compare_cast",
        entity_drill,
    )
    hidden = int((data.cast["mentions"] > 0).sum()) - len(people)
    if hidden > 0:
        right.caption(f"The {CAST_BARS} most mentioned of {len(people) + hidden} cast members.")
st.altair_chart(
    charts.stacked_share(
        data.shows_trend,
        title="Share of voice between shows over time",
        bucket=data.bucket,
        palette=palette,
        events=ctx.marks(
            [e for e in events if not shows or any(entity in shows for entity in e.entities)]
        ),
    ),
    width="stretch",
)

drill.show_posts(ctx.database, ctx.filters, PAGE)

st.subheader("Sentiment side by side")
left, right = st.columns(2)
left.altair_chart(
    charts.sentiment_split(data.sentiment, title="Positive, neutral and negative posts"),
    width="stretch",
)
table = pd.DataFrame(
    {
        "show": data.sentiment["name"],
        "posts": data.sentiment["posts"],
        "avg sentiment": data.sentiment["avg_sentiment"],
        "positive": 100 * data.sentiment["positive"] / data.sentiment["posts"],
        "negative": 100 * data.sentiment["negative"] / data.sentiment["posts"],
    }
)
right.dataframe(
    table,
    hide_index=True,
    column_config={
        "posts": st.column_config.NumberColumn(format="localized"),
        "avg sentiment": st.column_config.NumberColumn(format="%+.2f", help="−1 to +1"),
        "positive": st.column_config.NumberColumn(format="%.0f %%"),
        "negative": st.column_config.NumberColumn(format="%.0f %%"),
    },
)

st.subheader("Day N since premiere")
if problem:
    st.caption(escape_markdown(f"Events could not be read: {problem}"))
curves = load_premiere_curves(ctx.database, tuple(premieres), ctx.filters.sources, CURVE_DAYS)
if curves.empty:
    st.write(
        "No premiere of the compared shows falls within the collected data, so there is no "
        "curve to draw yet. Premieres are listed in the events file."
    )
else:
    measures = {"daily": "Posts per day", "cumulative": "Cumulative posts"}
    address.follow(
        [address.choice("measure", "compare_measure", list(measures), "cumulative", "measure")]
    )
    st.session_state.setdefault("compare_measure", "cumulative")
    measure = st.segmented_control(
        "Measure", list(measures), format_func=measures.__getitem__, key="compare_measure"
    )
    value = "posts" if measure == "daily" else "cumulative_posts"
    st.altair_chart(
        charts.day_curves(
            curves,
            title=f"Posts in the first {CURVE_DAYS} days after each premiere",
            value=value,
            palette=palette,
            events=premieres,
        ),
        width="stretch",
    )
    st.caption(
        f"The {MAX_PREMIERES} latest premieres of the compared shows at most, each from the "
        "week before it (its run-up). These curves follow the sidebar's sources only: each "
        "premiere fixes its own days and show."
    )
