"""Attention: Wikipedia page views (people looking things up) against chatter (posts)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import address, charts
from dashboard.data import escape_markdown, load_attention
from dashboard.state import context

ctx = context(__file__)
st.title("Attention")
st.caption(escape_markdown(ctx.describe()))
st.markdown(
    "Page views of an entity's Wikipedia article measure how many people look it up; "
    "mentions measure how many post about it. When both rise together, interest is broad; "
    "chatter without page views is the fandom talking among itself."
)

data = load_attention(ctx.database, ctx.filters)
measured = data.daily.dropna(subset=["pageviews"])
if measured.empty:
    st.info(
        "No Wikipedia page views in this period for the chosen entities. Page views are "
        "collected by a `wikipedia` source listing each entity's article in the configuration."
    )
    st.stop()

totals = (
    data.daily.groupby(["entity_id", "entity_name"], as_index=False)[["pageviews", "mentions"]]
    .sum()
    .sort_values("pageviews", ascending=False)
)
names = dict(zip(totals["entity_id"], totals["entity_name"], strict=True))
address.follow(
    [address.one("entity", "attention_entity", lambda: ctx.entities, "show, person or theme")]
)
if st.session_state.get("attention_entity") not in names:
    st.session_state.pop("attention_entity", None)  # no page views in this period
chosen = st.selectbox(
    "Entity", list(names), format_func=lambda entity_id: names[entity_id], key="attention_entity"
)
events, _ = ctx.events()
marked = ctx.marks([e for e in events if chosen in e.entities])
st.altair_chart(
    charts.attention_dual(
        data.daily[data.daily["entity_id"] == chosen],
        title=f"{names[chosen]}: Wikipedia page views and mentions per day",
        colour=ctx.palette.colours.get(chosen, charts.MUTED),
        events=marked,
    ),
    width="stretch",
)
st.caption(
    "Mentions are posts, copies included; a show's include the posts about its cast, "
    "characters and ships."
)

st.subheader("Do they move together?")
correlation = data.correlation.merge(
    totals[["entity_id", "pageviews", "mentions"]], on="entity_id"
).sort_values("correlation", ascending=False)
left, right = st.columns(2)
if correlation["correlation"].notna().any():
    left.altair_chart(
        charts.correlation_bars(
            data.correlation,
            title="Correlation of daily page views and mentions",
            palette=ctx.palette,
        ),
        width="stretch",
    )
right.dataframe(
    pd.DataFrame(
        {
            "entity": correlation["entity_name"],
            "correlation": correlation["correlation"],
            "days": correlation["days"],
            "page views": correlation["pageviews"],
            "mentions": correlation["mentions"],
        }
    ),
    hide_index=True,
    column_config={
        "correlation": st.column_config.NumberColumn(
            format="%+.2f", help="Pearson, over days with page views; blank under 7 days"
        ),
        "days": st.column_config.NumberColumn(help="Days with page views in the period"),
        "page views": st.column_config.NumberColumn(format="localized"),
        "mentions": st.column_config.NumberColumn(format="localized"),
    },
)

st.subheader("Side by side, normalised")
st.altair_chart(
    charts.attention_indexed(data.daily, title="Each series as a share of its own peak"),
    width="content",
)
