"""Altair charts for the dashboard: titled, with units, in UTC, one colour family per show.

Colours are fixed per show (keyed by show id), so Heartstopper is pink in every chart, and
its cast and characters are shades of pink and teal (:mod:`.palette`). Events (premieres,
trailers) are dashed vertical rules with their name on top (:mod:`.events`). Pages import
the builders from here; each module holds one kind of chart.
"""

from dashboard.charts.attention import attention_dual, attention_indexed
from dashboard.charts.bars import (
    correlation_bars,
    mix_bars,
    sentiment_split,
    share_bars,
    term_bars,
    theme_bars,
)
from dashboard.charts.collection import collection_heatmap
from dashboard.charts.events import event_layers, events_frame, marks_frame, notes_frame
from dashboard.charts.layout import FIT_X, HEIGHT
from dashboard.charts.palette import (
    EMPTY,
    FALLBACK_PALETTES,
    MUTED,
    SENTIMENT_COLOURS,
    SHOW_PALETTES,
    THEME_COLOURS,
    Palette,
)
from dashboard.charts.timeline import day_curves, indexed, over_time, stacked_share

__all__ = [
    "EMPTY",
    "FALLBACK_PALETTES",
    "FIT_X",
    "HEIGHT",
    "MUTED",
    "SENTIMENT_COLOURS",
    "SHOW_PALETTES",
    "THEME_COLOURS",
    "Palette",
    "attention_dual",
    "attention_indexed",
    "collection_heatmap",
    "correlation_bars",
    "day_curves",
    "event_layers",
    "events_frame",
    "indexed",
    "marks_frame",
    "notes_frame",
    "mix_bars",
    "over_time",
    "sentiment_split",
    "share_bars",
    "stacked_share",
    "term_bars",
    "theme_bars",
]
