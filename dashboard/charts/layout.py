"""What every chart shares: its size, legend, UTC time axis, label axis and UTC tooltips."""

from __future__ import annotations

from typing import TypeVar

import altair as alt
import pandas as pd
from altair.typing import Optional

ChartT = TypeVar("ChartT", alt.Chart, alt.LayerChart)

HEIGHT = 260  # of the plotting area; axes, legend and title come on top
# Fill the width and keep the given height for the data (Streamlit's default "fit" would
# squeeze axes, legend and title into that height, flattening short bar charts).
FIT_X = alt.AutoSizeParams(type="fit-x", contains="padding")


def titled(chart: ChartT, title: str, height: int = HEIGHT) -> ChartT:
    """``chart`` with its title, filling the width at ``height``."""
    return chart.properties(title=title, height=height, autosize=FIT_X)


def rows_height(rows: int, per_row: int, minimum: int = 60) -> int:
    """The height of a chart with one band per row, never too flat to read."""
    return max(minimum, per_row * rows)


def legend(columns: int = 3) -> alt.Legend:
    # Three columns fit a half-width chart; more names wrap onto further rows. Names are
    # never cut: a long one ("Red, White & Royal Blue (season 1)") takes the room it needs.
    return alt.Legend(title=None, orient="bottom", columns=columns, labelLimit=0)


def label_axis(
    field: str, *, sort: Optional[str | list[str]] = alt.Undefined, limit: int = 200
) -> alt.Y:
    """The names along a horizontal bar chart: no title, long names cut at ``limit`` px."""
    return alt.Y(field, sort=sort, title=None, axis=alt.Axis(labelLimit=limit))


MAX_TICKS = 8  # labels on a time axis of a half-width chart


def utc_axis(bucket: str, *, titled: bool = True, buckets: int | None = None) -> alt.X:
    """A time axis in UTC whatever the reader's time zone; with ``buckets`` (how many the
    chart spans) ticks fall on whole buckets, at most about :data:`MAX_TICKS`."""
    fmt = "%d %b %H:%M" if bucket == "hour" else "%d %b %Y" if bucket == "week" else "%d %b"
    unit = {"hour": "Hour", "day": "Day", "week": "Week starting"}[bucket]
    # Ticks on whole buckets: left to itself Vega puts ticks at noon on a short range,
    # and a day's label then shows twice ("30 Nov 30 Nov").
    step = max(1, -(-buckets // MAX_TICKS)) if buckets else None
    ticks = (
        alt.TimeIntervalStep(
            interval={"hour": "hour", "day": "day", "week": "week"}[bucket], step=step
        )
        if step
        else alt.Undefined
    )
    return alt.X(
        "bucket:T",
        title=f"{unit} (UTC)" if titled else None,
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(
            format=fmt,
            labelOverlap=True,
            grid=False,
            tickCount=ticks,
        ),
    )


def when(frame: pd.DataFrame, column: str, bucket: str) -> pd.Series:
    """The bucket as UTC text for tooltips (Vega would show the reader's local time)."""
    fmt = "%Y-%m-%d %H:%M UTC" if bucket == "hour" else "%Y-%m-%d"
    return pd.to_datetime(frame[column], utc=True).dt.strftime(fmt)
