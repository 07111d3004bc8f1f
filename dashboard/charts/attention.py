"""Attention: Wikipedia page views against mentions, for one entity and side by side."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts.events import event_layers
from dashboard.charts.layout import titled, utc_axis
from dashboard.charts.palette import MUTED


def attention_dual(
    daily: pd.DataFrame, *, title: str, colour: str, events: pd.DataFrame
) -> alt.LayerChart:
    """Page views (grey area, left axis) and mentions (line, right axis) for one entity."""
    frame = daily.rename(columns={"day": "bucket"})
    frame = frame.assign(
        bucket=pd.to_datetime(frame["bucket"]).dt.tz_localize("UTC"),
        when=frame["bucket"].astype(str),
    )
    x = utc_axis("day", buckets=frame["bucket"].nunique())
    tooltip = [
        alt.Tooltip("when:N", title="Day (UTC)"),
        alt.Tooltip("pageviews:Q", title="Wikipedia page views", format=","),
        alt.Tooltip("mentions:Q", title="Mentions (posts)", format=","),
    ]
    views = (
        alt.Chart(frame)
        .mark_area(color=MUTED, opacity=0.35, line={"color": MUTED, "strokeWidth": 1})
        .encode(
            x=x,
            y=alt.Y(
                "pageviews:Q",
                title="Wikipedia page views per day",
                axis=alt.Axis(format="~s", titleColor=MUTED),
            ),
            tooltip=tooltip,
        )
    )
    mentions = (
        alt.Chart(frame)
        .mark_line(color=colour, strokeWidth=2.5, point=alt.OverlayMarkDef(size=16, color=colour))
        .encode(
            x=x,
            y=alt.Y(
                "mentions:Q",
                title="Mentions (posts) per day",
                axis=alt.Axis(format="~s", orient="right", titleColor=colour),
            ),
            tooltip=tooltip,
        )
    )
    layers = [views, mentions, *event_layers(events)]
    return titled(alt.layer(*layers).resolve_scale(y="independent"), title)


def attention_indexed(daily: pd.DataFrame, *, title: str) -> alt.Chart:
    """Both series per entity as % of their own peak in the period, small multiples."""
    frame = daily.copy()
    frame["bucket"] = pd.to_datetime(frame["day"]).dt.tz_localize("UTC")
    for column in ("pageviews", "mentions"):
        peak = frame.groupby("entity_id")[column].transform("max")
        frame[column] = frame[column] / peak.where(peak > 0)
    long = frame.melt(
        id_vars=["bucket", "entity_name"],
        value_vars=["pageviews", "mentions"],
        var_name="series",
        value_name="index",
    )
    long["series"] = long["series"].map({"pageviews": "Page views", "mentions": "Mentions"})
    return (
        alt.Chart(long)
        .mark_line(strokeWidth=1.8)
        .encode(
            x=utc_axis("day", titled=False, buckets=long["bucket"].nunique()),
            y=alt.Y("index:Q", title="% of peak", axis=alt.Axis(format="%")),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=["Page views", "Mentions"], range=[MUTED, "#F0609E"]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("entity_name:N", title="Entity"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("index:Q", title="% of peak", format=".0%"),
            ],
        )
        .properties(width=250, height=130)
        .facet(facet=alt.Facet("entity_name:N", title=None), columns=3, title=title)
    )
