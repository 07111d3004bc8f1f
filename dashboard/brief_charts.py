"""The brief's charts as PNG images: the dashboard's own Altair charts, rendered in-process.

vl-convert renders Vega-Lite without a browser and without the network, so a brief made on
a server or in the collector looks like the dashboard and loads nothing from anywhere.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass

import altair as alt
import pandas as pd
import vl_convert

from dashboard import charts
from dashboard.brief_data import BriefData

WIDTH = 640  # px of the plotting area: half an A4 page wide at print resolution
SCALE = 2  # pixels per CSS pixel, so the images stay sharp on a high-density screen
MIN_SENTIMENT_POSTS = 5  # as on Overview: an average of fewer posts swings wildly
MAX_DAY_TICKS = 14  # labels along a daily axis: more would overprint


@dataclass(frozen=True, slots=True)
class Image:
    """One chart: what it shows (the alt text) and the PNG bytes."""

    alt: str
    png: bytes

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def png(chart: alt.TopLevelMixin, width: int = WIDTH, days: int | None = None) -> bytes:
    """``chart`` at a fixed width (a page has no container to fill) as PNG bytes; ``days``:
    a daily time axis gets one tick per day (or every few days), never two on one day."""
    sized = chart.properties(
        width=width, autosize=alt.AutoSizeParams(type="fit-x", contains="padding")
    )
    if days is not None:
        step = max(1, math.ceil(days / MAX_DAY_TICKS))
        sized = sized.configure_axisX(tickCount={"interval": "day", "step": step})
    with alt.data_transformers.disable_max_rows():
        spec = sized.to_dict()
    return bytes(vl_convert.vegalite_to_png(spec, scale=SCALE))


def brief_images(data: BriefData) -> dict[str, Image]:
    """The volume, sentiment and share-of-voice charts of ``data`` (none without posts)."""
    if data.empty:
        return {}
    palette = charts.Palette.for_entities(data.entities)
    marked = charts.events_frame(list(data.events), data.filters.start, data.filters.end)
    noun = "posts" if data.unit == "posts" else "stories"
    step = data.bucket
    days = data.period.days if step == "day" else None
    images = {
        "volume": Image(
            f"{noun.capitalize()} per {step}, one line per series",
            png(
                charts.over_time(
                    data.volume,
                    value=data.unit,
                    value_title=f"{noun.capitalize()} per {step}",
                    title=f"Volume: {noun} per {step}",
                    bucket=step,
                    palette=palette,
                    events=marked,
                ),
                days=days,
            ),
        ),
        "sentiment": Image(
            f"Average sentiment per {step}, one line per series",
            png(
                charts.over_time(
                    _steady(data.volume),
                    value="avg_sentiment",
                    value_title="Average sentiment (−1 to +1)",
                    title=f"Sentiment: average score per {step}",
                    bucket=step,
                    palette=palette,
                    events=marked,
                    value_format="+.2f",
                    zero_line=True,
                ),
                days=days,
            ),
        ),
    }
    if not data.voice.empty and data.voice["mentions"].sum() > 0:
        images["voice"] = Image(
            "Share of voice between the shows",
            png(
                charts.share_bars(
                    data.voice, title=f"Share of voice ({noun}) between shows", palette=palette
                )
            ),
        )
    return images


def _steady(volume: pd.DataFrame) -> pd.DataFrame:
    """Sentiment only where a bucket has enough posts to mean something."""
    return volume.assign(
        avg_sentiment=volume["avg_sentiment"].where(volume["posts"] >= MIN_SENTIMENT_POSTS)
    )
