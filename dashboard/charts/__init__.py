"""Altair charts for the dashboard: titled, with units, in UTC, one colour family per show.

Colours are fixed per show (keyed by show id), so Heartstopper is pink in every chart, and
its cast and characters are shades of pink and teal. They are mid-tones that read on both
the light and the dark Streamlit theme; text and rules use a neutral grey for the same
reason. Events (premieres, trailers) are dashed vertical rules with their name on top.
"""

from __future__ import annotations

import colorsys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import altair as alt
import pandas as pd

from analytics.events import Event
from analytics.explore import EntityOption

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
HEIGHT = 260  # of the plotting area; axes, legend and title come on top
# Fill the width and keep the given height for the data (Streamlit's default "fit" would
# squeeze axes, legend and title into that height, flattening short bar charts).
FIT_X = alt.AutoSizeParams(type="fit-x", contains="padding")


# ---------------------------------------------------------------- colours


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

    def scale(self, frame: pd.DataFrame, id_column: str = "entity_id") -> alt.Scale:
        """A colour scale over the ``name`` column, coloured by each row's entity."""
        pairs = frame[[id_column, "name"]].drop_duplicates(subset="name")
        return alt.Scale(
            domain=list(pairs["name"]),
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


def _legend() -> alt.Legend:
    # Three columns fit a half-width chart; more names wrap onto further rows.
    return alt.Legend(title=None, orient="bottom", columns=3, labelLimit=160)


def _utc_axis(bucket: str) -> alt.X:
    """A time axis in UTC whatever the reader's time zone."""
    fmt = "%d %b %H:%M" if bucket == "hour" else "%d %b %Y" if bucket == "week" else "%d %b"
    unit = {"hour": "Hour", "day": "Day", "week": "Week starting"}[bucket]
    return alt.X(
        "bucket:T",
        title=f"{unit} (UTC)",
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(format=fmt, labelOverlap=True, grid=False),
    )


def _when(frame: pd.DataFrame, column: str, bucket: str) -> pd.Series:
    """The bucket as UTC text for tooltips (Vega would show the reader's local time)."""
    fmt = "%Y-%m-%d %H:%M UTC" if bucket == "hour" else "%Y-%m-%d"
    return pd.to_datetime(frame[column], utc=True).dt.strftime(fmt)


# ---------------------------------------------------------------- events


def events_frame(
    events: Sequence[Event], start: datetime | None, end: datetime | None
) -> pd.DataFrame:
    """Events inside the period, as rows for :func:`event_layers`."""
    rows = [
        {"bucket": e.starts_at, "label": e.name, "kind": e.kind, "date": e.date.isoformat()}
        for e in events
        if (start is None or e.starts_at >= start) and (end is None or e.starts_at < end)
    ]
    frame = pd.DataFrame(rows, columns=["bucket", "label", "kind", "date"])
    frame["bucket"] = pd.to_datetime(frame["bucket"], utc=True)
    return frame


def event_layers(events: pd.DataFrame) -> list[alt.Chart]:
    """Dashed rules at each event with its name written along the top."""
    if events.empty:
        return []
    base = alt.Chart(events).encode(
        x=alt.X("bucket:T", scale=alt.Scale(type="utc")),
        tooltip=[
            alt.Tooltip("label:N", title="Event"),
            alt.Tooltip("kind:N", title="Kind"),
            alt.Tooltip("date:N", title="Date (UTC)"),
        ],
    )
    rules = base.mark_rule(color=MUTED, strokeDash=[5, 4], strokeWidth=1.5)
    labels = base.mark_text(
        align="left", baseline="top", dx=4, dy=2, color=MUTED, fontSize=11, fontWeight="bold"
    ).encode(text="label:N", y=alt.value(2))
    return [rules, labels]


# ---------------------------------------------------------------- time series


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
    """One line per series (``name``) over ``bucket``, with events marked."""
    frame = series.assign(when=_when(series, "bucket", bucket))
    lines = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=18, filled=True), strokeWidth=2)
        .encode(
            x=_utc_axis(bucket),
            y=alt.Y(f"{value}:Q", title=value_title, axis=alt.Axis(format=value_format)),
            color=alt.Color("name:N", scale=palette.scale(frame), legend=_legend()),
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
    return alt.layer(*layers).properties(title=title, height=HEIGHT, autosize=FIT_X)


def stacked_share(trend: pd.DataFrame, *, title: str, bucket: str, palette: Palette) -> alt.Chart:
    """Each entity's share of the mentions per bucket, stacked to 100 %."""
    frame = trend.assign(
        when=_when(trend, "bucket", bucket), share=trend["share_pct"].fillna(0) / 100
    )
    return (
        alt.Chart(frame)
        .mark_area(opacity=0.85)
        .encode(
            x=_utc_axis(bucket),
            y=alt.Y(
                "share:Q", stack="normalize", title="Share of mentions", axis=alt.Axis(format="%")
            ),
            color=alt.Color("name:N", scale=palette.scale(frame), legend=_legend()),
            order=alt.Order("name:N"),
            tooltip=[
                alt.Tooltip("name:N", title="Show"),
                alt.Tooltip("when:N", title="When"),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
                alt.Tooltip("mentions:Q", title="Mentions", format=","),
            ],
        )
        .properties(title=title, height=HEIGHT, autosize=FIT_X)
    )


# ---------------------------------------------------------------- comparisons


def share_bars(
    voice: pd.DataFrame, *, title: str, palette: Palette, by_show: bool = False
) -> alt.LayerChart:
    """Horizontal bars of mentions, labelled with the share in percent.

    ``by_show``: colour each bar by its show (columns ``show_id``, ``show``), with a
    legend, as for cast members of several shows.
    """
    frame = voice.reset_index(drop=True).assign(
        share=voice["share_pct"].fillna(0).to_numpy() / 100,
        label=[
            f"{s:.0f} % · {m:,}"
            for s, m in zip(voice["share_pct"].fillna(0), voice["mentions"], strict=True)
        ],
    )
    order = list(frame.sort_values("mentions", ascending=False)["name"])
    # Room on the right for the labels.
    top = max(1, int(frame["mentions"].max())) * 1.3
    base = alt.Chart(frame).encode(
        y=alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=200)),
        x=alt.X(
            "mentions:Q",
            title="Mentions (posts)",
            scale=alt.Scale(domain=[0, top], nice=False),
            axis=alt.Axis(format="~s"),
        ),
        tooltip=[
            alt.Tooltip("name:N", title="Name"),
            alt.Tooltip("mentions:Q", title="Mentions", format=","),
            alt.Tooltip("share:Q", title="Share of voice", format=".1%"),
        ],
    )
    if by_show:
        shows = frame[["show_id", "show"]].drop_duplicates(subset="show")
        colour = alt.Color(
            "show:N",
            title=None,
            scale=alt.Scale(
                domain=list(shows["show"]),
                range=[palette.colours.get(i, MUTED) for i in shows["show_id"]],
            ),
            legend=_legend(),
        )
    else:
        colour = alt.Color("name:N", scale=palette.scale(frame), legend=None)
    bars = base.mark_bar(cornerRadiusEnd=3).encode(color=colour)
    text = base.mark_text(align="left", dx=4, color=MUTED, fontSize=12).encode(text="label:N")
    return alt.layer(bars, text).properties(
        title=title, height=max(60, 26 * len(frame)), autosize=FIT_X
    )


def sentiment_split(totals: pd.DataFrame, *, title: str) -> alt.Chart:
    """Positive / neutral / negative shares side by side, one bar per entity."""
    long = totals.melt(
        id_vars=["name", "posts"],
        value_vars=["positive", "neutral", "negative"],
        var_name="label",
        value_name="count",
    )
    long["share"] = long["count"] / long["posts"].where(long["posts"] > 0)
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("name:N", title=None, sort=list(totals["name"]), axis=alt.Axis(labelLimit=200)),
            x=alt.X(
                "share:Q", stack="normalize", title="Share of posts", axis=alt.Axis(format="%")
            ),
            color=alt.Color(
                "label:N",
                title=None,
                scale=alt.Scale(
                    domain=list(SENTIMENT_COLOURS), range=list(SENTIMENT_COLOURS.values())
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("name:N", title="Name"),
                alt.Tooltip("label:N", title="Sentiment"),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
                alt.Tooltip("count:Q", title="Posts", format=","),
            ],
        )
        .transform_calculate(
            order="datum.label == 'positive' ? 0 : datum.label == 'neutral' ? 1 : 2"
        )
        .properties(title=title, height=max(60, 30 * len(totals)), autosize=FIT_X)
    )


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
        .mark_rule(color=MUTED, strokeDash=[5, 4], strokeWidth=1.5)
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
                legend=_legend(),
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
    return alt.layer(premiere, lines).properties(title=title, height=HEIGHT, autosize=FIT_X)


# ---------------------------------------------------------------- conversation


def term_bars(terms: pd.DataFrame, *, title: str, colour: str) -> alt.Chart:
    """Rising terms as horizontal bars of their z-score, strongest on top."""
    return (
        alt.Chart(terms)
        .mark_bar(color=colour, cornerRadiusEnd=3)
        .encode(
            y=alt.Y("term:N", sort="-x", title=None, axis=alt.Axis(labelLimit=180)),
            x=alt.X("z:Q", title="Rise against the previous period (z-score)"),
            tooltip=[
                alt.Tooltip("term:N", title="Term"),
                alt.Tooltip("count:Q", title="Uses in the period", format=","),
                alt.Tooltip("baseline_count:Q", title="Uses in the period before", format=","),
                alt.Tooltip("z:Q", title="Rise (z-score)", format=".1f"),
            ],
        )
        .properties(title=title, height=max(60, 20 * len(terms)), autosize=FIT_X)
    )


def theme_bars(themes: pd.DataFrame, *, title: str) -> alt.Chart:
    """Each theme's share of posts, coloured by its average sentiment (red to green)."""
    frame = themes.assign(share=themes["share"].fillna(0))
    return (
        alt.Chart(frame)
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            y=alt.Y("name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=200)),
            x=alt.X("share:Q", title="Share of posts", axis=alt.Axis(format="%")),
            color=alt.Color(
                "avg_sentiment:Q",
                title="Avg sentiment",
                scale=alt.Scale(
                    domain=[-0.5, 0, 0.5],
                    range=[
                        SENTIMENT_COLOURS["negative"],
                        SENTIMENT_COLOURS["neutral"],
                        SENTIMENT_COLOURS["positive"],
                    ],
                    clamp=True,
                    interpolate="rgb",
                ),
                legend=alt.Legend(orient="bottom", format="+.1f"),
            ),
            tooltip=[
                alt.Tooltip("name:N", title="Theme"),
                alt.Tooltip("posts:Q", title="Posts", format=","),
                alt.Tooltip("share:Q", title="Share of posts", format=".1%"),
                alt.Tooltip("avg_sentiment:Q", title="Avg sentiment", format="+.2f"),
                alt.Tooltip("positive_share:Q", title="Positive", format=".0%"),
            ],
        )
        .properties(title=title, height=max(60, 26 * len(frame)), autosize=FIT_X)
    )


def mix_bars(mix: pd.DataFrame, *, title: str, labels: dict[str, str] | None = None) -> alt.Chart:
    """Share of posts per value (source kind, language), largest first."""
    frame = mix.assign(
        value=[
            (labels or {}).get(v, v) if isinstance(v, str) else "not declared" for v in mix["value"]
        ],
        share=mix["pct"] / 100,
    )
    return (
        alt.Chart(frame)
        .mark_bar(color=MUTED, cornerRadiusEnd=3)
        .encode(
            y=alt.Y("value:N", sort="-x", title=None, axis=alt.Axis(labelLimit=180)),
            x=alt.X("share:Q", title="Share of posts", axis=alt.Axis(format="%")),
            tooltip=[
                alt.Tooltip("value:N", title="Value"),
                alt.Tooltip("posts:Q", title="Posts", format=","),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
            ],
        )
        .properties(title=title, height=max(50, 24 * len(frame)), autosize=FIT_X)
    )


# ---------------------------------------------------------------- attention


def attention_dual(
    daily: pd.DataFrame, *, title: str, colour: str, events: pd.DataFrame
) -> alt.LayerChart:
    """Page views (grey area, left axis) and mentions (line, right axis) for one entity."""
    frame = daily.rename(columns={"day": "bucket"})
    frame = frame.assign(
        bucket=pd.to_datetime(frame["bucket"]).dt.tz_localize("UTC"),
        when=frame["bucket"].astype(str),
    )
    x = _utc_axis("day")
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
    return (
        alt.layer(*layers)
        .resolve_scale(y="independent")
        .properties(title=title, height=HEIGHT, autosize=FIT_X)
    )


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
            x=alt.X(
                "bucket:T",
                title=None,
                scale=alt.Scale(type="utc"),
                axis=alt.Axis(format="%d %b", labelOverlap=True, grid=False),
            ),
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


def correlation_bars(correlation: pd.DataFrame, *, title: str, palette: Palette) -> alt.Chart:
    frame = correlation.dropna(subset=["correlation"]).rename(columns={"entity_name": "name"})
    return (
        alt.Chart(frame)
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            y=alt.Y("name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=200)),
            x=alt.X(
                "correlation:Q",
                title="Pearson correlation, page views vs mentions",
                scale=alt.Scale(domain=[-1, 1]),
            ),
            color=alt.Color("name:N", scale=palette.scale(frame), legend=None),
            tooltip=[
                alt.Tooltip("name:N", title="Entity"),
                alt.Tooltip("correlation:Q", title="Correlation", format="+.2f"),
                alt.Tooltip("days:Q", title="Days measured"),
            ],
        )
        .properties(title=title, height=max(60, 26 * len(frame)), autosize=FIT_X)
    )


# ---------------------------------------------------------------- collection


def collection_heatmap(daily: pd.DataFrame, *, title: str) -> alt.Chart:
    """New posts per source and UTC day; empty days stand out as gaps."""
    frame = daily.assign(when=_when(daily, "bucket", "day"), gap=daily["posts"] == 0)
    return (
        alt.Chart(frame)
        .mark_rect(stroke="#00000000")
        .encode(
            x=alt.X(
                "bucket:T",
                title="Day (UTC)",
                timeUnit="utcyearmonthdate",
                axis=alt.Axis(format="%d %b", labelOverlap=True),
            ),
            y=alt.Y("source_name:N", title=None, axis=alt.Axis(labelLimit=220)),
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
        .properties(
            title=title, height=max(60, 24 * frame["source_name"].nunique()), autosize=FIT_X
        )
    )
