"""`fanpulse status`: every source's health, plus storage, the spool and the snapshot, for
people and for monitoring (exit status, ``--json``)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from analytics.core.config import AppConfig
from analytics.queries.health import SourceHealth, SourceSpec, source_health
from analytics.store import connect
from collector.sources import build_sources
from collector.spool import Spool
from collector.storage_health import StorageReport, read_storage_health

# Batches waiting longer than this mean a reader has held the file far too long.
SPOOL_STALE = timedelta(hours=1)

_COLOURS = {
    "ok": "green",
    "pending": "dim",
    "idle": "dim",
    "retrying": "yellow",
    "failing": "red",
    "silent": "red",
    "stalled": "red",
}


@dataclass(frozen=True, slots=True)
class StatusReport:
    sources: list[SourceHealth]
    spooled: int
    spool_oldest: timedelta | None
    snapshot_taken_at: datetime | None
    storage: StorageReport = StorageReport(failing=False)

    @property
    def spool_stale(self) -> bool:
        return self.spool_oldest is not None and self.spool_oldest > SPOOL_STALE

    @property
    def healthy(self) -> bool:
        return (
            all(s.healthy for s in self.sources)
            and not self.spool_stale
            and not self.storage.failing
        )


def source_specs(config: AppConfig) -> list[SourceSpec]:
    return [
        SourceSpec(entry.name, entry.kind, entry.interval or config.collector.default_interval)
        for entry in config.sources
        if entry.enabled
    ]


def _idle_sources(config: AppConfig) -> dict[str, str]:
    """Sources with nothing to poll (e.g. a search without its credentials), and why."""
    return {
        source.name: f"nothing to poll: {source.auth_status()}"
        for source in build_sources(config)
        if not source.channels()
    }


def collection_status(config: AppConfig, now: datetime | None = None) -> StatusReport:
    spool = Spool(config.database.spool)
    with connect(
        config.database_path,
        read_only=True,
        lock_timeout=config.database.lock_timeout.total_seconds(),
    ) as con:
        sources = source_health(con, source_specs(config), now, spool.latest_states())
    idle = _idle_sources(config)
    sources = [
        replace(s, status="idle", detail=idle[s.name]) if s.name in idle else s for s in sources
    ]
    oldest = spool.oldest_age()
    snapshot = config.database.snapshot
    return StatusReport(
        sources=sources,
        spooled=len(spool.pending()),
        spool_oldest=timedelta(seconds=oldest) if oldest is not None else None,
        snapshot_taken_at=(
            datetime.fromtimestamp(snapshot.stat().st_mtime, UTC) if snapshot.exists() else None
        ),
        storage=read_storage_health(config.database),
    )


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "never"


def print_status(console: Console, report: StatusReport) -> None:
    table = Table(title="Collection status (times UTC)", title_justify="left")
    for column, justify in (
        ("source", "left"),
        ("kind", "left"),
        ("status", "left"),
        ("new 24h", "right"),
        ("usual/day", "right"),
        ("last success", "left"),
        ("next due", "left"),
        ("detail", "left"),
    ):
        table.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for s in report.sources:
        detail = s.detail
        if s.last_error:
            detail = f"{detail}: {s.last_error}" if detail else s.last_error
        table.add_row(
            s.name,
            s.kind,
            f"[{_COLOURS.get(s.status, 'white')}]{s.status}[/]",
            str(s.new_last_24h),
            f"{s.usual_daily:g}" if s.usual_daily is not None else "–",
            _when(s.last_success_at),
            _when(s.next_due_at) if s.next_due_at else "–",
            escape(detail),
        )
    console.print(table)
    unhealthy = [s.name for s in report.sources if not s.healthy]
    if report.spooled:
        age = report.spool_oldest or timedelta()
        console.print(
            f"{report.spooled} batches wait in the spool (oldest {age.total_seconds() / 60:.0f}"
            " min): the database file is held by another process or cannot be written."
            + (" [red]Too long: close long analyst sessions.[/]" if report.spool_stale else "")
        )
    console.print(f"Snapshot for analysts: {_when(report.snapshot_taken_at)}")
    storage = report.storage
    if storage.failing:
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
    retrying = [s.name for s in report.sources if s.status == "retrying"]
    if unhealthy:
        console.print(f"[red]Unhealthy:[/] {', '.join(unhealthy)}")
    elif retrying:
        console.print(
            f"[yellow]No source unhealthy yet; {len(retrying)} retrying after recent "
            "failures[/] (failing after 3 in a row)."
        )
    elif not storage.failing:
        console.print("[green]All sources healthy.[/]")


def status_json(report: StatusReport) -> str:
    def plain(value: object) -> object:
        if isinstance(value, datetime):
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
    }
    return json.dumps(data, ensure_ascii=False)
