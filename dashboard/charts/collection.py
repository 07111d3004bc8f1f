"""Collection: what each source brought per day, so silent days stand out."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts.layout import label_axis, rows_height, titled, when
from dashboard.charts.palette import EMPTY


def collection_heatmap(daily: pd.DataFrame, *, title: str) -> alt.Chart:
    """New posts per source and UTC day; empty days stand out as gaps."""
    frame = daily.assign(when=when(daily, "bucket", "day"), gap=daily["posts"] == 0)
    chart = (
        alt.Chart(frame)
        .mark_rect(stroke="#00000000")
        .encode(
            x=alt.X(
                "bucket:T",
                title="Day (UTC)",
                timeUnit="utcyearmonthdate",
                axis=alt.Axis(format="%d %b", labelOverlap=True),
            ),
            y=label_axis("source_name:N", limit=220),
            color=alt.condition(
                "datum.posts == 0",
                alt.value(EMPTY),
                alt.Color(
                    "posts:Q",
                    title="Posts",
                    scale=alt.Scale(scheme="tealblues", type="sqrt"),
                    legend=alt.Legend(orient="bottom"),
                ),
            ),
            tooltip=[
                alt.Tooltip("source_name:N", title="Source"),
                alt.Tooltip("when:N", title="Day (UTC)"),
                alt.Tooltip("posts:Q", title="Posts", format=","),
            ],
        )
    )
    return titled(chart, title, rows_height(frame["source_name"].nunique(), 24))
