"""The ``fanpulse`` command: a thin layer over the library functions."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, TypeVar

import duckdb
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from analytics.core.config import CONFIG_ENV, AppConfig, ConfigError, load_config
from analytics.core.models import RunRecord
from analytics.store import DatabaseBusy, DatabaseMissing, load_states, run_query
from analytics.store.damage import DatabaseDamaged
from collector.matching import warn_dead_aliases
from collector.runner import ChannelJob, OnceResult, collect_once_result
from collector.settings import CollectorConfig
from collector.sources import build_sources
from fanpulse import database_cli
from fanpulse.logs import setup_logging

app = typer.Typer(
    help="fanpulse: social-media listening and trend tracking for TV fandoms.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)
T = TypeVar("T")


class _State:
    config_path: Path | None = None
    log_level: str | None = None
    log_json: bool = False


_state = _State()


@app.callback()
def main(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            envvar=CONFIG_ENV,
            help="Config file (default config/fanpulse.toml; env FANPULSE_CONFIG).",
        ),
    ] = None,
    log_level: Annotated[
        str | None,
        typer.Option(
            envvar="FANPULSE_LOG_LEVEL",
            help="debug, info, warning or error (default: info for `run`, else warning).",
        ),
    ] = None,
    log_json: Annotated[
        bool, typer.Option("--log-json", help="One JSON object per log line (for servers).")
    ] = False,
) -> None:
    _state.config_path = config
    _state.log_level = log_level
    _state.log_json = log_json
    setup_logging(log_level or "warning", json_lines=log_json)


def _load() -> AppConfig:
    config = load_config(_state.config_path, collector=CollectorConfig)
    warn_dead_aliases(config.watchlist, config.watchlist_path)  # a warning, not an error
    return config


# Exit status for a damaged or unreadable database file (2 config, 3 busy).
DATABASE_DAMAGED = 4


@contextmanager
def _user_errors() -> Iterator[None]:
    """Problems a user can fix: one clear line on stderr and a distinct exit status."""
    try:
        yield
    except ConfigError as exc:
        errors.print(f"[bold red]config error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except DatabaseMissing as exc:
        errors.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except DatabaseBusy as exc:
        errors.print(f"[bold red]database busy:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(3) from None
    except DatabaseDamaged as exc:
        # Its own status, so a supervisor can stop restarting (RestartPreventExitStatus=4).
        errors.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(DATABASE_DAMAGED) from None


database_cli.register(app, _load, _user_errors)


@app.command()
def collect(
    once: Annotated[bool, typer.Option("--once", help="Poll every source once and exit.")] = False,
) -> None:
    """Collect posts: once (--once), or on schedule until stopped (same as `run`)."""
    if not once:
        run()
        return
    with _user_errors():
        config = _load()
        # As `run`: a damaged file stops here with exit 4, before anything is fetched.
        database_cli.check_before_run(config)
        result = _collect_with_progress(config)
    records = result.records
    _print_summary(records)
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


def _progress_bar(label: str, *extra: ProgressColumn) -> Progress:
    """A bar that vanishes when done: label, bar, done/total, ``extra``, time elapsed."""
    return Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        *extra,
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _collect_with_progress(config: AppConfig) -> OnceResult:
    progress = _progress_bar("Collecting", TextColumn("{task.description}"))
    task = progress.add_task("", total=None)

    def started(jobs: list[ChannelJob]) -> None:
        progress.update(task, total=len(jobs))

    def done(record: RunRecord) -> None:
        progress.update(task, advance=1, description=record.source_name)

    with progress:
        return asyncio.run(collect_once_result(config, on_start=started, on_done=done))


def _print_summary(records: list[RunRecord]) -> None:
    table = Table(title="Collection summary", title_justify="left")
    for column, justify in (
        ("source", "left"),
        ("kind", "left"),
        ("status", "left"),
        ("fetched", "right"),
        ("new", "right"),
        ("off-topic", "right"),
        ("error", "left"),
    ):
        table.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
    by_source: dict[str, list[RunRecord]] = {}
    for record in records:
        by_source.setdefault(record.source_name, []).append(record)
    for name, runs in by_source.items():
        failed = [r for r in runs if r.status == "error"]
        status = (
            "error"
            if failed
            else ("not modified" if all(r.status == "not_modified" for r in runs) else "ok")
        )
        colour = {"error": "red", "ok": "green"}.get(status, "yellow")
        table.add_row(
            name,
            runs[0].source,
            f"[{colour}]{status}[/]",
            str(sum(r.fetched for r in runs)),
            str(sum(r.inserted for r in runs)),
            str(sum(r.off_topic for r in runs)),
            escape("; ".join(r.error or "" for r in failed)),
        )
    console.print(table)
    total_new = sum(r.inserted for r in records)
    console.print(
        f"{len(by_source)} sources, {total_new} new items stored "
        "(posts, and daily values from attention sources)."
    )


@app.command()
def run() -> None:
    """Collect on schedule until stopped (SIGTERM or Ctrl-C)."""
    from collector.daemon import run_daemon

    # A long-running collector logs one line per source run unless told otherwise.
    setup_logging(_state.log_level or "info", json_lines=_state.log_json)
    with _user_errors():
        config = _load()
        build_sources(config)  # fail fast on a bad source entry
        database_cli.check_before_run(config)
        console.print(
            f"fanpulse collecting from {len(config.sources)} sources into "
            f"{config.database_path} (Ctrl-C to stop)",
            soft_wrap=True,
        )
        asyncio.run(run_daemon(config))


@app.command()
def query(
    sql: Annotated[
        str, typer.Argument(help='SQL to run read-only, e.g. "SELECT count(*) FROM posts".')
    ],
    as_csv: Annotated[bool, typer.Option("--csv", help="Write CSV to standard output.")] = False,
    limit: Annotated[int, typer.Option(help="Show at most this many rows in the table.")] = 200,
) -> None:
    """Run read-only SQL on the database (tables and views: docs/schema.md)."""
    from analytics.queries.spreadsheet import write_csv_text
    from analytics.store import run_query_arrow

    with _user_errors():
        config = _load()
        try:
            if as_csv:
                found = run_query_arrow(config.database_path, sql)
            else:
                columns, rows = run_query(config.database_path, sql, limit=limit)
        except duckdb.Error as exc:
            errors.print(f"[bold red]query failed:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
    if as_csv:
        write_csv_text(found, sys.stdout)  # the shared rule: no cell runs as a formula
        return
    table = Table(*columns)
    for row in rows:
        # Cells are data (post text may contain "[...]"), never console markup.
        table.add_row(*("" if v is None else escape(str(v)) for v in row))
    console.print(table)
    if len(rows) == limit:
        console.print(f"(first {limit} rows; --limit N for more, --csv for all)")


@app.command()
def sources() -> None:
    """List configured sources with their credentials and last result."""
    with _user_errors():
        config = _load()
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


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (for monitoring).")] = False,
) -> None:
    """Health of sources and storage; exits 1 when a source is failing, silent or stalled,
    or storage is failing (for cron)."""
    from collector.status import collection_status, print_status, status_json

    with _user_errors():
        config = _load()
        report = collection_status(config)
    if as_json:
        sys.stdout.write(status_json(report) + "\n")
    else:
        print_status(console, report)
    if not report.healthy:
        raise typer.Exit(1)


@app.command()
def snapshot(
    out: Annotated[
        Path | None,
        typer.Option(help="Where to write the copy (default: database.snapshot_path)."),
    ] = None,
) -> None:
    """Write a read-only copy of the database for long analyst sessions."""
    from analytics.store.snapshot import write_snapshot

    with _user_errors():
        config = _load()
        target = out or config.database.snapshot
        result = write_snapshot(
            config.database_path,
            target,
            config.database.lock_timeout.total_seconds(),
            keep=None if out else config.database.snapshot_keep,
        )
    console.print(
        f"snapshot written: {result.path} ({result.posts} posts, "
        f"{result.bytes / 1e6:.1f} MB, {result.seconds:.1f}s). Open it with "
        f"duckdb -readonly {result.path}",
        soft_wrap=True,
        highlight=False,
    )


@app.command()
def alerts(
    check: Annotated[
        bool, typer.Option("--check", help="Look for new spikes and unhealthy sources now.")
    ] = False,
    limit: Annotated[int, typer.Option(help="How many recent alerts to list.")] = 20,
) -> None:
    """Recent alerts (spikes, silent or failing sources); --check finds and sends new ones."""
    import httpx

    from analytics.queries.alerts import recent_alerts
    from analytics.store import connect
    from collector.alerts import deliver, find_alerts, webhook_urls

    with _user_errors():
        config = _load()
        if check:
            new = find_alerts(config)
            console.print(f"{len(new)} new alerts.")
            if webhook_urls(config):

                async def send() -> tuple[int, int]:
                    async with httpx.AsyncClient(follow_redirects=False) as client:
                        return await deliver(config, client)

                sent, failed = asyncio.run(send())
                console.print(f"Sent {sent}; {failed} could not be delivered (retried later).")
            else:
                console.print(
                    f"No webhooks: set {config.alerts.webhooks_env} to send alerts "
                    "to Slack or Discord."
                )
        with connect(
            config.database_path,
            read_only=True,
            lock_timeout=config.database.lock_timeout.total_seconds(),
        ) as con:
            rows = recent_alerts(con, limit)
    table = Table(title="Recent alerts (times UTC)", title_justify="left")
    for column in ("detected", "kind", "alert", "delivered"):
        table.add_column(column, overflow="fold")
    for detected, kind, title, message, delivered in rows:
        table.add_row(
            f"{detected:%Y-%m-%d %H:%M}",
            kind,
            escape(f"{title}\n{message}"),
            f"{delivered:%Y-%m-%d %H:%M}" if delivered else "no",
        )
    console.print(table, highlight=False)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Demo database file to write.")] = Path(
        "data/demo.duckdb"
    ),
    posts: Annotated[int, typer.Option(min=1000, help="How many posts to generate.")] = 1_000_000,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing demo file.")] = False,
    serve: Annotated[bool, typer.Option(help="Then serve the dashboard on it.")] = False,
) -> None:
    """Build a realistic synthetic database (years of fan chatter) to try the dashboard."""
    from fanpulse.demo import build_demo

    with _user_errors():
        config = _load()
        if out.exists() and not overwrite:
            console.print(f"{out} already exists (--overwrite to rebuild it).", highlight=False)
        else:
            progress = _progress_bar("Building demo data")
            task = progress.add_task("", total=None)
            with progress:
                summary = build_demo(
                    config,
                    out,
                    posts=posts,
                    overwrite=overwrite,
                    progress=lambda done, total: progress.update(task, completed=done, total=total),
                )
            console.print(
                f"Demo database {out}: {summary.posts:,} posts, {summary.mentions:,} mentions "
                f"over {summary.days:,} days, built in {summary.seconds:.0f}s. "
                "All of it is synthetic.",
                highlight=False,
                soft_wrap=True,
            )
    if serve:
        # One port up from the real dashboard, so both can run side by side.
        port = config.dashboard.port + 1
        console.print(
            f"Demo dashboard on http://{config.dashboard.address}:{port} (Ctrl-C to stop)",
            highlight=False,
        )
        os.environ["FANPULSE_DB"] = str(out.resolve())
        dashboard(port=port, address=None)
    else:
        console.print(
            f"See it: FANPULSE_DB={out} fanpulse dashboard   (or: make demo)", highlight=False
        )


@app.command()
def rescore(
    batch_size: Annotated[int, typer.Option(min=100, help="Posts per transaction.")] = 5000,
) -> None:
    """Recompute sentiment of stored posts scored by an older lexicon (safe to interrupt)."""
    from analytics.sentiment import SCORER_VERSION
    from analytics.store.rescore import rescore as rescore_posts

    with _user_errors():
        config = _load()
        if not config.database_path.exists():
            raise DatabaseMissing(f"{config.database_path} does not exist yet: nothing to rescore")
        progress = _progress_bar("Rescoring")
        task = progress.add_task("", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        with progress:
            count = rescore_posts(
                config.database_path,
                batch_size,
                advance,
                lock_timeout=config.database.lock_timeout.total_seconds(),
            )
    console.print(f"{count:,} posts rescored with {SCORER_VERSION}.", highlight=False)


@app.command()
def trends(
    entity: Annotated[
        str, typer.Option(help="Entity id, e.g. show:heartstopper or person:kit-connor.")
    ] = "show:heartstopper",
    days: Annotated[int, typer.Option(min=1, max=3650, help="Length of the period.")] = 30,
) -> None:
    """Headline figures for one entity over the last N days, against the N days before."""
    from analytics.queries.events import load_events
    from analytics.queries.headline import UnknownEntity, headline
    from analytics.store import connect
    from fanpulse.reports.headline import print_headline

    with _user_errors():
        config = _load()
        events = load_events(config.events_path) if config.events_path else []
        with connect(
            config.database_path,
            read_only=True,
            lock_timeout=config.database.lock_timeout.total_seconds(),
        ) as con:
            try:
                report = headline(con, entity, days, events=events)
            except UnknownEntity as exc:
                errors.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
                raise typer.Exit(2) from None
    print_headline(console, report)


def _period(
    since: str | None, until: str | None, days: int | None
) -> tuple[datetime | None, datetime | None]:
    """--since/--until dates (UTC, until exclusive) or --days back from now."""

    def parse(value: str, option: str) -> datetime:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise typer.BadParameter(
                f"{value!r} is not a date like 2024-10-03", param_hint=option
            ) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    start = parse(since, "--since") if since else None
    end = parse(until, "--until") if until else None
    if days is not None:
        end = end or datetime.now(UTC)
        start = end - timedelta(days=days)
    return start, end


@app.command()
def export(
    out: Annotated[Path, typer.Argument(help="File to write: .csv or .parquet.")],
    what: Annotated[
        str, typer.Option(help="posts (with their entities), or any table or view name.")
    ] = "posts",
    entity: Annotated[
        list[str] | None, typer.Option(help="Only rows for this entity id (repeatable).")
    ] = None,
    since: Annotated[str | None, typer.Option(help="From this UTC date, e.g. 2024-10-03.")] = None,
    until: Annotated[str | None, typer.Option(help="Before this UTC date.")] = None,
    days: Annotated[int | None, typer.Option(help="The last N days (instead of --since).")] = None,
) -> None:
    """Export posts or a view to CSV or Parquet, filtered by entity and date."""
    from analytics.core.filters import Filters
    from analytics.queries.export import ExportError
    from analytics.queries.export import export as export_rows
    from analytics.store import connect

    start, end = _period(since, until, days)
    with _user_errors():
        config = _load()
        filters = Filters(start=start, end=end, entity_ids=tuple(entity or ()))
        try:
            with connect(
                config.database_path,
                read_only=True,
                lock_timeout=config.database.lock_timeout.total_seconds(),
            ) as con:
                result = export_rows(con, out, what=what, filters=filters)
        except ExportError as exc:
            errors.print(f"[bold red]export failed:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
    console.print(
        f"{result.rows} rows written to {result.path} ({result.bytes / 1e6:.1f} MB)",
        highlight=False,
        soft_wrap=True,
    )


@app.command()
def dashboard(
    port: Annotated[int | None, typer.Option(help="Port (default from config, 8501).")] = None,
    address: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
) -> None:
    """Serve the dashboard (Streamlit) on the configured port."""
    from fanpulse.processes import dashboard_command

    with _user_errors():
        config = _load()
    command = dashboard_command(config, port=port, address=address)
    os.environ[CONFIG_ENV] = str(config.path)
    os.execvp(command[0], command)


@app.command()
def up() -> None:
    """Background collection and the dashboard together; Ctrl-C stops both."""
    from fanpulse.processes import run_together

    with _user_errors():
        config = _load()
        build_sources(config)
    console.print(
        f"fanpulse: collecting into {config.database_path}; dashboard on "
        f"http://{config.dashboard.address}:{config.dashboard.port} (Ctrl-C stops both)",
        soft_wrap=True,
    )
    if not config.database_path.exists():
        console.print(
            "First run: posts appear as sources answer. To explore a living dashboard right "
            "away, run `make demo` in another terminal (it serves synthetic data on the next "
            "port).",
            soft_wrap=True,
        )
    raise typer.Exit(run_together(config))


if __name__ == "__main__":
    app()
