"""Fixed colours: one family per show (its cast in shades of it), themes, sentiment, greys.

The colours are mid-tones that read on both the light and the dark Streamlit theme; text
and rules use a neutral grey for the same reason.
"""

from __future__ import annotations

import colorsys
from collections.abc import Iterable
from dataclasses import dataclass

import altair as alt
import pandas as pd

from analytics.core.events import Event
from analytics.queries.explore import EntityOption

# (primary, secondary) per show id; other shows take the fallback pairs in order.
SHOW_PALETTES: dict[str, tuple[str, str]] = {
    "heartstopper": ("#F0609E", "#1FB5A8"),  # pink / teal
    "young-royals": ("#5B7FDB", "#E0B12F"),  # navy (lifted for dark mode) / gold
    "red-white-royal-blue": ("#E04A4A", "#9DB9E6"),  # red / pale blue
    "handsome-devil": ("#72B84C", "#A47BD6"),  # green / purple
}
FALLBACK_PALETTES: tuple[tuple[str, str], ...] = (
    ("#F28E2B", "#76B7B2"),
    ("#B07AA1", "#EDC948"),
    ("#9C755F", "#59A14F"),
)
THEME_COLOURS = ("#C9A227", "#8E7CC3", "#4BA3C3", "#D97757", "#6AAF8F", "#B5838D")
SENTIMENT_COLOURS = {"positive": "#3FAE6A", "neutral": "#9AA0A6", "negative": "#E5534B"}
MUTED = "#8B949E"  # labels, rules and reference lines: readable on light and dark
EMPTY = "#8B949E33"  # a cell with nothing in it: visible, quieter than any value


def _shade(colour: str, lightness: float) -> str:
    """``colour`` with its HLS lightness moved by ``lightness`` (−1..1)."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    h, light, s = colorsys.rgb_to_hls(r, g, b)
    r, g, b = colorsys.hls_to_rgb(h, min(0.85, max(0.25, light + lightness)), s)
    return "#" + "".join(f"{round(c * 255):02X}" for c in (r, g, b))


def _family(primary: str, secondary: str) -> list[str]:
    """Distinct shades for a show's members: the two colours, lighter, then darker."""
    return [
        primary,
        secondary,
        _shade(primary, 0.18),
        _shade(secondary, 0.18),
        _shade(primary, -0.15),
        _shade(secondary, -0.15),
        _shade(primary, 0.3),
        _shade(secondary, 0.3),
    ]


@dataclass(frozen=True, slots=True)
class Palette:
    """Fixed colours for every watched entity, by entity id."""

    colours: dict[str, str]

    @classmethod
    def for_entities(cls, entities: Iterable[EntityOption]) -> Palette:
        entities = list(entities)
        show_ids = sorted({e.entity_id.removeprefix("show:") for e in entities if e.kind == "show"})
        others = iter(FALLBACK_PALETTES * (1 + len(show_ids)))
        pairs = {s: SHOW_PALETTES.get(s) or next(others) for s in show_ids}
        colours: dict[str, str] = {}
        members: dict[str, list[EntityOption]] = {}
        themes = sorted((e for e in entities if e.kind == "theme"), key=lambda e: e.entity_id)
        for entity in entities:
            if entity.kind == "show":
                colours[entity.entity_id] = pairs[entity.entity_id.removeprefix("show:")][0]
            elif entity.kind != "theme":
                members.setdefault(entity.show_id or "", []).append(entity)
        for show_id, group in members.items():
            family = _family(*pairs.get(show_id, FALLBACK_PALETTES[0]))
            for index, entity in enumerate(sorted(group, key=lambda e: e.entity_id)):
                colours[entity.entity_id] = family[index % len(family)]
        for index, entity in enumerate(themes):
            colours[entity.entity_id] = THEME_COLOURS[index % len(THEME_COLOURS)]
        return cls(colours)

    def scale(
        self, frame: pd.DataFrame, id_column: str = "entity_id", name_column: str = "name"
    ) -> alt.Scale:
        """A colour scale over ``name_column``, coloured by each row's entity."""
        pairs = frame[[id_column, name_column]].drop_duplicates(subset=name_column)
        return alt.Scale(
            domain=list(pairs[name_column]),
            range=[self.colours.get(i, MUTED) for i in pairs[id_column]],
        )

    def event_colours(self, events: Iterable[Event]) -> dict[str, str]:
        """By event name: the colour of its (first) entity, one shade per later event of
        the same entity, so seasons of one show read as one family."""
        shades = (0.0, 0.2, -0.15, 0.32, -0.25)
        seen: dict[str, int] = {}
        colours: dict[str, str] = {}
        for event in sorted(events, key=lambda e: (e.date, e.id)):
            entity = event.entities[0]
            index = seen.get(entity, 0)
            seen[entity] = index + 1
            colours[event.name] = _shade(
                self.colours.get(entity, MUTED), shades[index % len(shades)]
            )
        return colours
