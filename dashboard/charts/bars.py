"""Horizontal bars: share of voice, sentiment split, rising terms, themes, mixes, correlation."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts.layout import label_axis, legend, rows_height, titled
from dashboard.charts.palette import MUTED, SENTIMENT_COLOURS, Palette


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
        y=label_axis("name:N", sort=order),
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
        colour = alt.Color(
            "show:N",
            title=None,
            scale=palette.scale(frame, id_column="show_id", name_column="show"),
            legend=legend(),
        )
    else:
        colour = alt.Color("name:N", scale=palette.scale(frame), legend=None)
    bars = base.mark_bar(cornerRadiusEnd=3).encode(color=colour)
    text = base.mark_text(align="left", dx=4, color=MUTED, fontSize=12).encode(text="label:N")
    return titled(alt.layer(bars, text), title, rows_height(len(frame), 26))


def sentiment_split(totals: pd.DataFrame, *, title: str) -> alt.Chart:
    """Positive / neutral / negative shares side by side, one bar per entity."""
    long = totals.melt(
        id_vars=["name", "posts"],
        value_vars=["positive", "neutral", "negative"],
        var_name="label",
        value_name="count",
    )
    long["share"] = long["count"] / long["posts"].where(long["posts"] > 0)
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=label_axis("name:N", sort=list(totals["name"])),
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
    )
    return titled(chart, title, rows_height(len(totals), 30))


def term_bars(terms: pd.DataFrame, *, title: str, colour: str) -> alt.Chart:
    """Rising terms as horizontal bars of their z-score, strongest on top."""
    chart = (
        alt.Chart(terms)
        .mark_bar(color=colour, cornerRadiusEnd=3)
        .encode(
            y=label_axis("term:N", sort="-x", limit=180),
            x=alt.X("z:Q", title="Rise against the previous period (z-score)"),
            tooltip=[
                alt.Tooltip("term:N", title="Term"),
                alt.Tooltip("count:Q", title="Uses in the period", format=","),
                alt.Tooltip("baseline_count:Q", title="Uses in the period before", format=","),
                alt.Tooltip("z:Q", title="Rise (z-score)", format=".1f"),
            ],
        )
    )
    return titled(chart, title, rows_height(len(terms), 20))


def theme_bars(themes: pd.DataFrame, *, title: str) -> alt.Chart:
    """Each theme's share of posts, coloured by its average sentiment (red to green)."""
    frame = themes.assign(share=themes["share"].fillna(0))
    chart = (
        alt.Chart(frame)
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            y=label_axis("name:N", sort="-x"),
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
                alt.Tooltip("negative_share:Q", title="Negative", format=".0%"),
            ],
        )
    )
    return titled(chart, title, rows_height(len(frame), 26))


def mix_bars(mix: pd.DataFrame, *, title: str, labels: dict[str, str] | None = None) -> alt.Chart:
    """Share of posts per value (source kind, language), largest first."""
    frame = mix.assign(
        key=mix["value"],  # the value itself, as a click reports it
        value=[
            (labels or {}).get(v, v) if isinstance(v, str) else "not declared" for v in mix["value"]
        ],
        share=mix["pct"] / 100,
    )
    chart = (
        alt.Chart(frame)
        .mark_bar(color=MUTED, cornerRadiusEnd=3)
        .encode(
            y=label_axis("value:N", sort="-x", limit=180),
            x=alt.X("share:Q", title="Share of posts", axis=alt.Axis(format="%")),
            tooltip=[
                alt.Tooltip("value:N", title="Value"),
                alt.Tooltip("posts:Q", title="Posts", format=","),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
            ],
        )
    )
    return titled(chart, title, rows_height(len(frame), 24, minimum=50))


def correlation_bars(correlation: pd.DataFrame, *, title: str, palette: Palette) -> alt.Chart:
    """Per entity, how closely its daily page views and mentions move together (−1 to 1)."""
    frame = correlation.dropna(subset=["correlation"]).rename(columns={"entity_name": "name"})
    chart = (
        alt.Chart(frame)
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            y=label_axis("name:N", sort="-x"),
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
    )
    return titled(chart, title, rows_height(len(frame), 26))
