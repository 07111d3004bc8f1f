"""`fanpulse spikes`: spikes grouped as the alerts group them, as a table, CSV or JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from analytics.queries.spike_groups import SpikeGroup

COLUMNS = ["bucket", "group", "entity_id", "name", "posts", "usual", "z", "driven_by", "top_post"]


def spike_rows(groups: Sequence[SpikeGroup], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """One row per spike, the spikes of one alert together (its show first); ``names`` gives
    a group key (a show id) its name."""
    rows = []
    for group in groups:
        for spike in group.spikes:
            top = next((p for p in spike.top_posts if getattr(p, "url", None)), None)
            rows.append(
                {
                    "bucket": spike.bucket.isoformat(),
                    "group": names.get(group.key, group.key),
                    "entity_id": spike.entity_id,
                    "name": spike.name,
                    "posts": spike.posts,
                    "usual": spike.baseline,
                    "z": round(spike.z, 2),
                    "driven_by": [str(t) for t in spike.top_terms],
                    "top_post": getattr(top, "url", None),
                }
            )
    return rows


def write_json(rows: list[dict[str, Any]], period: str, bucket: str, sink: TextIO) -> None:
    json.dump({"period": period, "bucket": bucket, "spikes": rows}, sink, ensure_ascii=False)
    sink.write("\n")


def write_csv(rows: list[dict[str, Any]], sink: TextIO) -> None:
    import pyarrow as pa

    from analytics.queries.spreadsheet import write_csv_text

    flat = [{**row, "driven_by": "; ".join(row["driven_by"])} for row in rows]
    table = pa.Table.from_pylist(flat) if flat else pa.table({c: [] for c in COLUMNS})
    write_csv_text(table.select(COLUMNS), sink)


def print_spikes(
    console: Console, rows: list[dict[str, Any]], title: str, hourly: bool, rule: str
) -> None:
    if not rows:
        console.print(f"{title}\nNo spikes: mention volumes are within their usual range ({rule}).")
        return
    table = Table(title=title, title_justify="left", caption=rule, caption_justify="left")
    for column in ("when (UTC)", "show", "spiked", "posts", "usual", "z", "driven by"):
        justify = "right" if column in ("posts", "usual", "z") else "left"
        table.add_column(column, justify=justify, overflow="fold")
    previous = None
    for row in rows:
        key = (row["bucket"], row["group"])
        when = row["bucket"][: 16 if hourly else 10].replace("T", " ")
        table.add_row(
            when if key != previous else "",
            escape(row["group"]) if key != previous else "",
            escape(row["name"]),
            f"{row['posts']:,}",
            f"{row['usual']:.0f}",
            f"{row['z']:.1f}",
            escape(", ".join(row["driven_by"][:5])),
        )
        previous = key
    console.print(table, highlight=False)
