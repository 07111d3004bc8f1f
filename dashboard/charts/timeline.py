"""Charts over time: one line per series, shares stacked to 100 %, and day-N curves."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from analytics.core.events import Event
from dashboard.charts.events import EVENT_RULE, event_layers
from dashboard.charts.layout import legend, titled, utc_axis, when
from dashboard.charts.palette import MUTED, Palette

ISO_UTC = "%Y-%m-%dT%H:%M:%S+00:00"
HIT_RING = 14  # px of invisible stroke around each point that answers a click


def over_time(
    series: pd.DataFrame,
    *,
    value: str,
    value_title: str,
    title: str,
    bucket: str,
    palette: Palette,
    events: pd.DataFrame | None = None,
    value_format: str = ",.0f",
    zero_line: bool = False,
) -> alt.LayerChart:
    """One line per series (``name``) over ``bucket``, with events marked.

    Each point carries ``bucket_key`` (its bucket's start as ISO text), which a click on it
    reports (:mod:`dashboard.drill`)."""
    frame = series.assign(
        when=when(series, "bucket", bucket),
        bucket_key=pd.to_datetime(series["bucket"], utc=True).dt.strftime(
            "%Y-%m-%dT%H:%M:%S+00:00"
        ),
    )
    lines = (
        alt.Chart(frame)
        .mark_line(
            # A wide transparent ring around each point: a click near it picks it.
            point=alt.OverlayMarkDef(
                size=18, filled=True, stroke="transparent", strokeWidth=HIT_RING
            ),
            strokeWidth=2,
        )
        .encode(
            x=utc_axis(bucket, buckets=frame["bucket"].nunique()),
            y=alt.Y(f"{value}:Q", title=value_title, axis=alt.Axis(format=value_format)),
            color=alt.Color("name:N", scale=palette.scale(frame), legend=legend()),
            tooltip=[
                alt.Tooltip("name:N", title="Series"),
                alt.Tooltip("when:N", title="When"),
                alt.Tooltip(f"{value}:Q", title=value_title, format=value_format),
                alt.Tooltip("posts:Q", title="Posts", format=","),
            ],
        )
    )
    layers: list[alt.Chart] = [lines]
    if zero_line:
        layers.insert(0, alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color=MUTED).encode(y="y:Q"))
    layers += event_layers(events if events is not None else pd.DataFrame())
    return titled(alt.layer(*layers), title)


def indexed(series: pd.DataFrame, value: str) -> pd.DataFrame:
    """``value`` of each series (``entity_id``) as an index: 100 is the series' own average
    over the frame's buckets (a series that is zero throughout stays 0)."""
    average = series.groupby("entity_id")[value].transform("mean")
    return series.assign(**{value: (100 * series[value] / average.where(average > 0)).fillna(0)})


def stacked_share(
    trend: pd.DataFrame,
    *,
    title: str,
    bucket: str,
    palette: Palette,
    events: pd.DataFrame | None = None,
) -> alt.LayerChart:
    """Each entity's share of the mentions per bucket, stacked to 100 %."""
    frame = trend.assign(
        when=when(trend, "bucket", bucket), share=trend["share_pct"].fillna(0) / 100
    )
    chart = (
        alt.Chart(frame)
        .mark_area(opacity=0.85)
        .encode(
            x=utc_axis(bucket, buckets=frame["bucket"].nunique()),
            y=alt.Y(
                "share:Q", stack="normalize", title="Share of mentions", axis=alt.Axis(format="%")
            ),
            color=alt.Color("name:N", scale=palette.scale(frame), legend=legend()),
            order=alt.Order("name:N"),
            tooltip=[
                alt.Tooltip("name:N", title="Show"),
                alt.Tooltip("when:N", title="When"),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
                alt.Tooltip("mentions:Q", title="Mentions", format=","),
            ],
        )
    )
    marks = event_layers(events if events is not None else pd.DataFrame())
    return titled(alt.layer(chart, *marks), title)


def day_curves(
    curves: pd.DataFrame, *, title: str, value: str, palette: Palette, events: Sequence[Event]
) -> alt.LayerChart:
    """Posts per day N since each premiere, one line per premiere, for comparing seasons."""
    colours = palette.event_colours(events)
    names = list(dict.fromkeys(curves["event_name"]))
    value_title = "Posts (cumulative)" if value == "cumulative_posts" else "Posts per day"
    premiere = (
        alt.Chart(pd.DataFrame({"day": [0], "label": ["premiere"]}))
        .encode(x="day:Q")
        .mark_rule(**EVENT_RULE)
    )
    lines = (
        alt.Chart(curves)
        .mark_line(point=alt.OverlayMarkDef(size=14, filled=True), strokeWidth=2)
        .encode(
            x=alt.X("day:Q", title="Days since premiere (day 0 = premiere day, UTC)"),
            y=alt.Y(f"{value}:Q", title=value_title, axis=alt.Axis(format="~s")),
            color=alt.Color(
                "event_name:N",
                scale=alt.Scale(domain=names, range=[colours.get(n, MUTED) for n in names]),
                legend=legend(columns=2),  # premiere names are long
            ),
            tooltip=[
                alt.Tooltip("event_name:N", title="Premiere"),
                alt.Tooltip("day:Q", title="Day"),
                alt.Tooltip("posts:Q", title="Posts that day", format=","),
                alt.Tooltip("cumulative_posts:Q", title="Posts so far", format=","),
                alt.Tooltip("avg_sentiment:Q", title="Avg sentiment", format="+.2f"),
            ],
        )
    )
    return titled(alt.layer(premiere, lines), title)
