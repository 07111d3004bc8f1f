"""Collecting: ``collect``, ``run``, ``sources`` and ``status``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from fanpulse.cli.common import console, errors, load, progress_bar, state, user_errors
from fanpulse.cli.database import check_before_run

if TYPE_CHECKING:
    from analytics.core.config import AppConfig
    from collector.once import OnceResult

T = TypeVar("T")


def collect(
    once: Annotated[bool, typer.Option("--once", help="Poll every source once and exit.")] = False,
) -> None:
    """Collect posts: once (--once), or on schedule until stopped (same as `run`)."""
    from fanpulse.reports.collection import print_summary

    if not once:
        run()
        return
    with user_errors():
        config = load()
        # As `run`: a damaged file stops here with exit 4, before anything is fetched.
        check_before_run(config)
        result = _collect_with_progress(config)
    records = result.records
    print_summary(console, records)
    if result.spooled:
        console.print(
            f"{result.spooled} batches spooled; they will be stored by the next run "
            f"(storage: {result.storage_error or 'the database could not be written'}).",
            highlight=False,
            soft_wrap=True,
        )
    if result.rejected:
        errors.print(
            f"{result.rejected} batches were refused by the database and kept in "
            f"{config.database.spool / 'rejected'} (see the log).",
            highlight=False,
            soft_wrap=True,
        )
    if result.in_memory:
        # Their channels' saved state did not move on, so nothing is skipped: the next
        # run fetches the same posts again (unless a feed has rotated them out by then).
        errors.print(
            f"[bold red]storage failing:[/] {result.storage_error}; {result.in_memory} batches "
            "could be neither stored nor spooled and are fetched again by the next run.",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)
    failed = sum(1 for r in records if r.status == "error")
    if failed:
        errors.print(f"{failed} of {len(records)} channels failed (see the error column).")
        raise typer.Exit(1)


def _collect_with_progress(config: AppConfig) -> OnceResult:
    import asyncio

    from rich.progress import TextColumn

    from analytics.core.models import RunRecord
    from collector.once import collect_once_result
    from collector.runner import ChannelJob

    progress = progress_bar("Collecting", TextColumn("{task.description}"))
    task = progress.add_task("", total=None)

    def started(jobs: list[ChannelJob]) -> None:
        progress.update(task, total=len(jobs))

    def done(record: RunRecord) -> None:
        progress.update(task, advance=1, description=record.source_name)

    with progress:
        return asyncio.run(collect_once_result(config, on_start=started, on_done=done))


def run() -> None:
    """Collect on schedule until stopped (SIGTERM or Ctrl-C)."""
    import asyncio

    from collector.daemon import run_daemon
    from collector.sources import build_sources
    from fanpulse.logs import setup_logging

    # A long-running collector logs one line per source run unless told otherwise.
    setup_logging(state.log_level or "info", json_lines=state.log_json)
    with user_errors():
        config = load()
        build_sources(config)  # fail fast on a bad source entry
        check_before_run(config)
        console.print(
            f"fanpulse collecting from {len(config.sources)} sources into "
            f"{config.database_path} (Ctrl-C to stop)",
            soft_wrap=True,
        )
        brief = None
        if config.digest.enabled:
            from fanpulse.digest_brief import DigestBrief  # charts and mail only when used

            brief = DigestBrief()
            console.print(f"digest: {config.digest.describe()}", highlight=False)
        asyncio.run(run_daemon(config, brief=brief))


def sources() -> None:
    """List configured sources with their credentials and last result."""
    from rich.markup import escape
    from rich.table import Table

    from analytics.store import load_states
    from collector.sources import build_sources

    with user_errors():
        config = load()
        built = build_sources(config, include_disabled=True)
        states = _try(lambda: load_states(config.database_path, 5.0), {})
    table = Table(title="Sources", title_justify="left")
    for column in ("name", "kind", "enabled", "interval", "auth", "last success", "last error"):
        table.add_column(column, overflow="fold")
    for source in built:
        channel_states = [s for (name, _), s in states.items() if name == source.name]
        successes = [s.last_success_at for s in channel_states if s.last_success_at]
        last_errors = list(dict.fromkeys(s.last_error for s in channel_states if s.last_error))
        interval = source.entry.interval or config.collector.default_interval
        table.add_row(
            source.name,
            source.kind,
            "yes" if source.entry.enabled else "no",
            _duration(interval.total_seconds()),
            source.auth_status(),
            max(successes).strftime("%Y-%m-%d %H:%M UTC") if successes else "never",
            escape("; ".join(last_errors)),
        )
    console.print(table)


def _try(fn: Callable[[], T], fallback: T) -> T:
    """For optional decorations of a listing: a busy database shows no history."""
    from analytics.store import DatabaseBusy

    try:
        return fn()
    except DatabaseBusy as exc:
        errors.print(f"(no history shown: {exc})")
        return fallback


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (for monitoring).")] = False,
) -> None:
    """Health of sources and storage; exits 1 when a source is failing, silent or stalled,
    or storage is failing (for cron)."""
    from collector.status import collection_status
    from fanpulse.reports.status import print_status, status_json

    with user_errors():
        config = load()
        report = collection_status(config)
    if as_json:
        sys.stdout.write(status_json(report) + "\n")
    else:
        print_status(console, report)
    if not report.healthy:
        raise typer.Exit(1)
