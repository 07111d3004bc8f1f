"""`fanpulse events compare`: lift and day-N posts per event, as tables, CSV or JSON."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any, TextIO

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from analytics.core.events import Event

LIFT_COLUMNS = [
    "posts_before",
    "posts_after",
    "posts_lift",
    "posts_lift_pct",
    "sentiment_before",
    "sentiment_after",
    "sentiment_lift",
    "complete",
]


def _plain(value: Any) -> Any:
    """numpy and NaN values as JSON/CSV-ready Python values (NaN: None)."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        # Percentages to 0.1, sentiment (-1..1) to 0.001: more digits are noise.
        return None if math.isnan(value) else round(value, 3)
    return value


def comparison(
    events: Sequence[Event], lifts: pd.DataFrame, curves: pd.DataFrame, days: int
) -> list[dict[str, Any]]:
    """One row per event: its lift figures, and for a premiere its posts on day 0 … N-1
    (shorter while those days have not all begun; None for other kinds)."""
    by_event = {row.event_id: row for row in lifts.itertuples(index=False)}
    rows = []
    for event in events:
        lift = by_event[event.id]
        curve = curves[curves["event_id"] == event.id].sort_values("day")
        rows.append(
            {
                "event_id": event.id,
                "name": event.name,
                "date": event.date.isoformat(),
                "kind": event.kind,
                "entities": list(event.entities),
                **{column: _plain(getattr(lift, column)) for column in LIFT_COLUMNS},
                "day_posts": (
                    [int(n) for n in curve["posts"]] if event.kind == "premiere" else None
                ),
            }
        )
    return rows


def write_json(rows: list[dict[str, Any]], days: int, sink: TextIO) -> None:
    json.dump({"days": days, "events": rows}, sink, ensure_ascii=False)
    sink.write("\n")


def write_csv(rows: list[dict[str, Any]], days: int, sink: TextIO) -> None:
    import pyarrow as pa

    from analytics.queries.spreadsheet import write_csv_text

    day_columns = [f"day_{n}" for n in range(days)]
    flat = []
    for row in rows:
        posts = row["day_posts"] or []
        flat.append(
            {
                **{k: v for k, v in row.items() if k not in ("entities", "day_posts")},
                "entities": ";".join(row["entities"]),
                **{c: posts[n] if n < len(posts) else None for n, c in enumerate(day_columns)},
            }
        )
    columns = ["event_id", "name", "date", "kind", "entities", *LIFT_COLUMNS, *day_columns]
    types = {c: pa.int64() for c in day_columns}
    table = pa.table({c: pa.array([r[c] for r in flat], types.get(c)) for c in columns})
    write_csv_text(table, sink)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:+.0f}%"


def _sentiment(row: dict[str, Any]) -> str:
    before, after = row["sentiment_before"], row["sentiment_after"]
    if before is None or after is None:
        return "–"
    return f"{before:+.2f} → {after:+.2f}"


def print_comparison(console: Console, rows: list[dict[str, Any]], days: int) -> None:
    if not rows:
        console.print("No events match.")
        return
    lifts = Table(
        title=f"Lift: posts in the {days} days from each event vs the {days} days before "
        "(UTC days)",
        title_justify="left",
    )
    for column in ("event", "date", "kind", "before", "after", "change", "sentiment"):
        lifts.add_column(column, justify="right" if column in ("before", "after") else "left")
    for row in rows:
        change = _pct(row["posts_lift_pct"]) + ("" if row["complete"] else " (so far)")
        lifts.add_row(
            escape(row["name"]),
            row["date"],
            row["kind"],
            f"{row['posts_before']:,}",
            f"{row['posts_after']:,}",
            change,
            _sentiment(row),
        )
    console.print(lifts, highlight=False)
    premieres = [row for row in rows if row["day_posts"] is not None]
    if not premieres:
        return
    curves = Table(title="Posts on day N since each premiere (day 0: its UTC date)")
    curves.add_column("day", justify="right")
    for row in premieres:
        curves.add_column(escape(row["name"]), justify="right", overflow="fold")
    for n in range(days):
        cells = [row["day_posts"] for row in premieres]
        shown = (f"{c[n]:,}" if n < len(c) else "" for c in cells)
        curves.add_row(str(n), *shown, end_section=n == days - 1)
    curves.add_row("total", *(f"{sum(row['day_posts']):,}" for row in premieres))
    console.print(curves, highlight=False)
