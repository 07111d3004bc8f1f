"""`fanpulse trends`: the headline figures of one entity, printed for a terminal."""

from __future__ import annotations

import math
from datetime import timedelta

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from analytics.queries.headline import Headline
from analytics.queries.spikes import Spike


def _pct(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{value * 100:.0f}%"


def _change(value: float | None) -> str:
    if value is None:
        return "(no previous data)"
    colour = "green" if value >= 0 else "red"
    return f"[{colour}]{value * 100:+.0f}%[/] vs previous period"


def _signed(value: float | None, places: int = 2) -> str:
    return "–" if value is None else f"{value:+.{places}f}"


def _episodes(spikes: list[Spike]) -> list[tuple[Spike, Spike, Spike]]:
    """Consecutive spike days as one episode: (first day, last day, peak day)."""
    ordered = sorted(spikes, key=lambda s: s.bucket)
    episodes: list[list[Spike]] = []
    for spike in ordered:
        if episodes and spike.bucket - episodes[-1][-1].bucket <= timedelta(days=1):
            episodes[-1].append(spike)
        else:
            episodes.append([spike])
    runs = [(run[0], run[-1], max(run, key=lambda s: s.posts)) for run in episodes]
    return sorted(runs, key=lambda r: r[2].posts, reverse=True)


def print_headline(console: Console, h: Headline) -> None:
    days = round((h.end - h.start).total_seconds() / 86400)
    console.print(
        f"[bold]{escape(h.name)}[/] ({h.entity_id}) — last {days} days, "
        f"{h.start:%Y-%m-%d} to {h.end:%Y-%m-%d} UTC"
    )
    now, before = h.kpis.current, h.kpis.previous
    figures = Table(show_header=False, box=None, pad_edge=False)
    figures.add_column(style="bold")
    figures.add_column()
    figures.add_row("Mentions", f"{now.posts:,}  {_change(h.kpis.posts_change)}")
    figures.add_row("Authors", f"{now.authors:,} (previous {before.authors:,})")
    sentiment_delta = h.kpis.sentiment_change
    figures.add_row(
        "Sentiment",
        f"{_signed(now.avg_sentiment)} average, {_pct(now.positive_share)} positive, "
        f"{_pct(now.negative_share)} negative"
        + (
            f"  ({round(sentiment_delta, 2) + 0:+.2f} vs previous)"
            if sentiment_delta is not None
            else ""
        ),
    )
    if now.top_source:
        figures.add_row("Top source", f"{now.top_source} ({_pct(now.top_source_share)} of posts)")
    if h.pageviews is not None:
        previous = h.pageviews_previous
        moved = f" ({(h.pageviews / previous - 1) * 100:+.0f}% vs previous)" if previous else ""
        figures.add_row("Wikipedia views", f"{h.pageviews:,.0f}{moved}")
    console.print(figures)

    if not h.share_of_voice.empty and h.share_of_voice["mentions"].sum() > 0:
        voice = Table(title="Share of voice", title_justify="left")
        for column in ("", "mentions", "share"):
            voice.add_column(column, justify="left" if not column else "right")
        shown = h.share_of_voice.head(8)
        if h.entity_id not in set(shown["entity_id"]):
            own = h.share_of_voice[h.share_of_voice["entity_id"] == h.entity_id]
            shown = pd.concat([shown.head(7), own])
        for row in shown.itertuples():
            marker = "▶ " if row.entity_id == h.entity_id else "  "
            share = (
                "–"
                if row.share_pct is None or math.isnan(row.share_pct)
                else f"{row.share_pct:.1f}%"
            )
            voice.add_row(marker + escape(row.name), f"{row.mentions:,}", share)
        console.print(voice)

    episodes = _episodes(h.spikes)
    if episodes:
        console.print("[bold]Spikes[/]")
        for first, last, peak in episodes[:5]:
            span = (
                f"{first.bucket:%Y-%m-%d}"
                if first is last
                else f"{first.bucket:%Y-%m-%d} to {last.bucket:%Y-%m-%d}"
            )
            terms = ", ".join(peak.top_terms[:5]) or "no single term"
            console.print(
                f"  {span}: peak {peak.posts:,} posts vs usual {peak.baseline:.0f} "
                f"(z {peak.z:.1f}) — {escape(terms)}"
            )
    else:
        console.print("[bold]Spikes[/]: none in this period")

    if not h.terms.empty:
        words = ", ".join(escape(str(t)) for t in h.terms["term"].head(10))
        console.print(f"[bold]Trending terms[/]: {words}")
    if not h.themes.empty and h.themes["posts"].sum() > 0:
        parts = [
            f"{escape(row.name)} {row.share * 100:.0f}% ({_signed(row.avg_sentiment)})"
            for row in h.themes.head(5).itertuples()
            if row.posts
        ]
        console.print(f"[bold]Themes[/]: {', '.join(parts)}")
    if not h.events.empty:
        console.print("[bold]Events[/]")
        for row in h.events.itertuples():
            lift = (
                "–"
                if row.posts_lift_pct is None or math.isnan(row.posts_lift_pct)
                else f"{row.posts_lift_pct:+.0f}%"
            )
            console.print(
                f"  {escape(str(row.event_name))}: {row.posts_before:,} → {row.posts_after:,} "
                f"posts in the {row.days} days before/after ({lift})"
            )
    if not h.top_posts.empty:
        console.print("[bold]Top posts[/]")
        for row in h.top_posts.itertuples():
            text = " ".join(str(row.title or row.snippet or "").split())[:120]
            console.print(
                f"  {row.engagement:,} engagement · {row.source_name} · {escape(text)}",
                soft_wrap=True,
            )
