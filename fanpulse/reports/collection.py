"""`fanpulse collect --once`: what each source did in this run, one row per source."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from analytics.core.models import RunRecord

_COLUMNS = (
    ("source", "left"),
    ("kind", "left"),
    ("status", "left"),
    ("fetched", "right"),
    ("new", "right"),
    ("off-topic", "right"),
    ("error", "left"),
)
_COLOURS = {"error": "red", "ok": "green"}


def _source_status(runs: list[RunRecord]) -> str:
    """error if a channel failed, not modified if none had anything new, else ok."""
    if any(r.status == "error" for r in runs):
        return "error"
    return "not modified" if all(r.status == "not_modified" for r in runs) else "ok"


def print_summary(console: Console, records: list[RunRecord]) -> None:
    table = Table(title="Collection summary", title_justify="left")
    for column, justify in _COLUMNS:
        table.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
    by_source: dict[str, list[RunRecord]] = {}
    for record in records:
        by_source.setdefault(record.source_name, []).append(record)
    for name, runs in by_source.items():
        status = _source_status(runs)
        table.add_row(
            name,
            runs[0].source,
            f"[{_COLOURS.get(status, 'yellow')}]{status}[/]",
            str(sum(r.fetched for r in runs)),
            str(sum(r.inserted for r in runs)),
            str(sum(r.off_topic for r in runs)),
            escape("; ".join(r.error or "" for r in runs if r.status == "error")),
        )
    console.print(table)
    total_new = sum(r.inserted for r in records)
    console.print(
        f"{len(by_source)} sources, {total_new} new items stored "
        "(posts, and daily values from attention sources)."
    )
