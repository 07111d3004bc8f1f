"""`fanpulse status`: every source's health, plus storage, the spool and the snapshot, as a
table for people or as JSON for monitoring."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime, timedelta

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from analytics.queries.digests import describe_digest
from analytics.queries.health import SourceHealth
from collector.status import StatusReport
from collector.storage_health import StorageReport

_COLOURS = {
    "ok": "green",
    "pending": "dim",
    "idle": "dim",
    "retrying": "yellow",
    "failing": "red",
    "silent": "red",
    "stalled": "red",
}
_COLUMNS = (
    ("source", "left"),
    ("kind", "left"),
    ("status", "left"),
    ("new 24h", "right"),
    ("usual/day", "right"),
    ("last success", "left"),
    ("next due", "left"),
    ("detail", "left"),
)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "never"


def _status_row(s: SourceHealth) -> tuple[str, ...]:
    detail = s.detail
    if s.last_error:
        detail = f"{detail}: {s.last_error}" if detail else s.last_error
    return (
        s.name,
        s.kind,
        f"[{_COLOURS.get(s.status, 'white')}]{s.status}[/]",
        str(s.new_last_24h),
        f"{s.usual_daily:g}" if s.usual_daily is not None else "–",
        _when(s.last_success_at),
        _when(s.next_due_at) if s.next_due_at else "–",
        escape(detail),
    )


def _sources_table(sources: list[SourceHealth]) -> Table:
    table = Table(title="Collection status (times UTC)", title_justify="left")
    for column, justify in _COLUMNS:
        table.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for source in sources:
        table.add_row(*_status_row(source))
    return table


def _spool_line(report: StatusReport) -> str:
    age = report.spool_oldest or timedelta()
    return (
        f"{report.spooled} batches wait in the spool (oldest {age.total_seconds() / 60:.0f}"
        " min): the database file is held by another process or cannot be written."
        + (" [red]Too long: close long analyst sessions.[/]" if report.spool_stale else "")
    )


def _print_storage(console: Console, storage: StorageReport) -> None:
    console.print(
        f"[red]storage failing:[/] {escape(storage.reason or 'unknown reason')}"
        + (f" (since {_when(storage.since)} UTC)" if storage.since else ""),
        soft_wrap=True,
    )
    if storage.memory_batches:
        console.print(
            f"[red]{storage.memory_batches} batches ({storage.memory_posts} posts) wait in "
            "the collector's memory: neither the database nor the spool can be written.[/]"
            + (" Polling is paused." if storage.polling_paused else ""),
            soft_wrap=True,
        )


def _print_verdict(console: Console, report: StatusReport) -> None:
    """The last line: who is unhealthy, who is retrying, or that all is well."""
    unhealthy = [s.name for s in report.sources if not s.healthy]
    retrying = [s.name for s in report.sources if s.status == "retrying"]
    if unhealthy:
        console.print(f"[red]Unhealthy:[/] {', '.join(unhealthy)}")
    elif retrying:
        console.print(
            f"[yellow]No source unhealthy yet; {len(retrying)} retrying after recent "
            "failures[/] (failing after 3 in a row)."
        )
    elif not report.storage.failing and report.digest is not None and report.digest.failing:
        console.print("All sources healthy, but [red]the latest digest was not delivered[/].")
    elif not report.storage.failing:
        console.print("[green]All sources healthy.[/]")


def print_status(console: Console, report: StatusReport) -> None:
    console.print(_sources_table(report.sources))
    if report.spooled:
        console.print(_spool_line(report))
    console.print(f"Snapshot for analysts: {_when(report.snapshot_taken_at)}")
    if report.storage.failing:
        _print_storage(console, report.storage)
    if report.digest is not None:
        colour = "red" if report.digest.failing else "green"
        line = escape(describe_digest(report.digest))
        console.print(f"[{colour}]Digest:[/] {line}", soft_wrap=True, highlight=False)
    _print_verdict(console, report)


def status_json(report: StatusReport) -> str:
    def plain(value: object) -> object:
        if isinstance(value, date):  # a datetime too
            return value.isoformat()
        if isinstance(value, timedelta):
            return value.total_seconds()
        return value

    data = {
        "healthy": report.healthy,
        "sources": [
            {**{k: plain(v) for k, v in asdict(s).items()}, "healthy": s.healthy}
            for s in report.sources
        ],
        "spooled": report.spooled,
        "spool_oldest_seconds": plain(report.spool_oldest),
        "snapshot_taken_at": plain(report.snapshot_taken_at),
        "storage": report.storage.to_json(),
        "digest": (
            {
                **{k: plain(v) for k, v in asdict(report.digest).items()},
                "failing": report.digest.failing,
            }
            if report.digest is not None
            else None
        ),
    }
    return json.dumps(data, ensure_ascii=False)
