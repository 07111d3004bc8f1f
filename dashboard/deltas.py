"""Changes against the previous period, shown only where something changed."""

from __future__ import annotations

from analytics.queries.kpis import Kpis

ZEROS = ("0", "0.0", "0.00")


def changed(text: str) -> str | None:
    """``text`` (a formatted change: "+3%", "-0.04", "+1.5 pts"), or None when it rounds to
    zero: a green "↑ +0.00" says nothing happened in the colour of good news."""
    number = text.lstrip("+-−").removesuffix(" pts").removesuffix("%")
    return None if number in ZEROS else text


def kpi_deltas(figures: Kpis, unit: str) -> tuple[str | None, str | None, str | None]:
    """The changes of Mentions (in ``unit``), average sentiment and the positive share
    against the previous period, each None where nothing changed or nothing compares."""
    now, before = figures.current, figures.previous
    change = figures.change(unit)
    sentiment = figures.sentiment_change
    positive = (
        now.positive_share - before.positive_share
        if now.positive_share is not None and before.positive_share is not None
        else None
    )
    return (
        changed(f"{change:+.0%}") if change is not None else None,
        changed(f"{sentiment:+.2f}") if sentiment is not None else None,
        changed(f"{positive * 100:+.1f} pts") if positive is not None else None,
    )
