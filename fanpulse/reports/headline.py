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


def _number(value: float | None, spec: str, scale: float = 1, suffix: str = "") -> str:
    """``value`` (times ``scale``) formatted by ``spec``; "–" when there is none (None or NaN)."""
    if value is None or math.isnan(value):
        return "–"
    return f"{value * scale:{spec}}{suffix}"


def _pct(value: float | None) -> str:
    return _number(value, ".0f", scale=100, suffix="%")


def _signed(value: float | None) -> str:
    return _number(value, "+.2f")


def _change(value: float | None) -> str:
    if value is None:
        return "(no previous data)"
    colour = "green" if value >= 0 else "red"
    return f"[{colour}]{value * 100:+.0f}%[/] vs previous period"


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


def _sentiment(h: Headline) -> str:
    now, delta = h.kpis.current, h.kpis.sentiment_change
    text = (
        f"{_signed(now.avg_sentiment)} average, {_pct(now.positive_share)} positive, "
        f"{_pct(now.negative_share)} negative"
    )
    # "+ 0" turns a rounded -0.00 into 0.00.
    return text if delta is None else f"{text}  ({round(delta, 2) + 0:+.2f} vs previous)"


def display_name(name: str, kind: str) -> str:
    """A show's figures include its members: its name says so."""
    return f"{name}, incl. cast and characters" if kind == "show" else name


def _figures(h: Headline) -> Table:
    now, before = h.kpis.current, h.kpis.previous
    figures = Table(show_header=False, box=None, pad_edge=False)
    figures.add_column(style="bold")
    figures.add_column()
    if h.unit == "posts":
        mentions = f"{now.posts:,} posts, every copy  {_change(h.kpis.posts_change)}"
    else:
        mentions = (
            f"{now.stories:,} stories  {_change(h.kpis.stories_change)}"
            f"  ({now.posts:,} posts with copies)"
        )
    figures.add_row("Mentions", mentions)
    figures.add_row("Authors", f"{now.authors:,} (previous {before.authors:,})")
    figures.add_row("Sentiment", _sentiment(h))
    if now.top_source:
        figures.add_row("Top source", f"{now.top_source} ({_pct(now.top_source_share)} of posts)")
    if h.pageviews is not None:
        previous = h.pageviews_previous
        moved = f" ({(h.pageviews / previous - 1) * 100:+.0f}% vs previous)" if previous else ""
        figures.add_row("Wikipedia views", f"{h.pageviews:,.0f}{moved}")
    return figures


def _share_of_voice(h: Headline) -> Table | None:
    """The top eight entities of the kind, always including this one; None when silent."""
    if h.share_of_voice.empty or h.share_of_voice["mentions"].sum() <= 0:
        return None
    unit = "posts, every copy" if h.unit == "posts" else "stories"
    title = f"Share of voice ({unit}; shows incl. cast and characters)"
    voice = Table(
        title=title if h.kind == "show" else f"Share of voice ({unit})", title_justify="left"
    )
    for column in ("", "mentions", "share"):
        voice.add_column(column, justify="left" if not column else "right")
    shown = h.share_of_voice.head(8)
    if h.entity_id not in set(shown["entity_id"]):
        own = h.share_of_voice[h.share_of_voice["entity_id"] == h.entity_id]
        shown = pd.concat([shown.head(7), own])
    for row in shown.itertuples():
        marker = "▶ " if row.entity_id == h.entity_id else "  "
        voice.add_row(
            marker + escape(row.name),
            f"{row.mentions:,}",
            _number(row.share_pct, ".1f", suffix="%"),
        )
    return voice


def _print_spikes(console: Console, spikes: list[Spike]) -> None:
    episodes = _episodes(spikes)
    if not episodes:
        console.print("[bold]Spikes[/]: none in this period")
        return
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


def _print_terms_themes(console: Console, terms: pd.DataFrame, themes: pd.DataFrame) -> None:
    if not terms.empty:
        words = ", ".join(escape(str(t)) for t in terms["term"].head(10))
        console.print(f"[bold]Trending terms[/]: {words}")
    if not themes.empty and themes["posts"].sum() > 0:
        parts = [
            f"{escape(row.name)} {row.share * 100:.0f}% ({_signed(row.avg_sentiment)})"
            for row in themes.head(5).itertuples()
            if row.posts
        ]
        console.print(f"[bold]Themes[/]: {', '.join(parts)}")


def _print_events(console: Console, events: pd.DataFrame) -> None:
    if events.empty:
        return
    console.print("[bold]Events[/]")
    for row in events.itertuples():
        lift = _number(row.posts_lift_pct, "+.0f", suffix="%")
        console.print(
            f"  {escape(str(row.event_name))}: {row.posts_before:,} → {row.posts_after:,} "
            f"posts in the {row.days} days before/after ({lift})"
        )


def _print_top_posts(console: Console, top_posts: pd.DataFrame) -> None:
    if top_posts.empty:
        return
    console.print("[bold]Top posts[/]")
    for row in top_posts.itertuples():
        text = " ".join(str(row.title or row.snippet or "").split())[:120]
        console.print(
            f"  {row.engagement:,} engagement · {row.source_name} · {escape(text)}",
            soft_wrap=True,
        )


def print_headline(console: Console, h: Headline) -> None:
    console.print(
        f"[bold]{escape(display_name(h.name, h.kind))}[/] ({h.entity_id}) — "
        f"last {h.period.days} days, {h.period.label()}",
        soft_wrap=True,
    )
    console.print(_figures(h))
    voice = _share_of_voice(h)
    if voice is not None:
        console.print(voice)
        why = h.everything.reconciliation(h.unit) if h.kind == "show" else None
        if why:
            console.print(why, highlight=False, soft_wrap=True)
    _print_spikes(console, h.spikes)
    _print_terms_themes(console, h.terms, h.themes)
    _print_events(console, h.events)
    _print_top_posts(console, h.top_posts)
