"""`fanpulse rising`: the posts gaining engagement fastest, printed for a terminal."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

POST_CHARS = 70


def print_rising(console: Console, rising: pd.DataFrame, since: datetime, until: datetime) -> None:
    window = f"{since:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M} UTC"
    if rising.empty:
        console.print(
            f"No post gained engagement from {window}. Counts grow only while the collector "
            "runs (it refreshes the counts of recent posts every "
            "collector.engagement.refresh_every).",
            highlight=False,
        )
        return
    table = Table(title=f"Fastest-growing posts, {window}", title_justify="left")
    for name in ("per hour", "gained", "now"):
        table.add_column(name, justify="right")
    for name in ("source", "post", "link"):
        table.add_column(name, overflow="fold")
    for row in rising.itertuples(index=False):
        text = row.title if isinstance(row.title, str) and row.title else row.snippet
        table.add_row(
            f"{row.gained_per_hour:,.1f}",
            f"{row.gained:,}",
            f"{row.engagement:,}",
            escape(row.source_name),
            escape(" ".join(str(text or "").split())[:POST_CHARS]),
            escape(row.url or ""),
        )
    console.print(table)
    console.print(
        "Engagement: likes (or score) + 2 × shares + replies, as collected and refreshed; "
        "each post counted as collected (copies are not merged).",
        highlight=False,
    )
