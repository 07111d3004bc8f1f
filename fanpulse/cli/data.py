"""Reading and keeping the data: ``query``, ``snapshot``, ``export``, ``rescore`` and
``trends``."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from analytics.core.periods import last_days
from fanpulse.cli.common import console, errors, load, progress_bar, read_database, user_errors


def query(
    sql: Annotated[
        str, typer.Argument(help='SQL to run read-only, e.g. "SELECT count(*) FROM posts".')
    ],
    as_csv: Annotated[bool, typer.Option("--csv", help="Write CSV to standard output.")] = False,
    limit: Annotated[int, typer.Option(help="Show at most this many rows in the table.")] = 200,
) -> None:
    """Run read-only SQL on the database (tables and views: docs/schema.md)."""
    from rich.markup import escape
    from rich.table import Table

    from analytics.queries.spreadsheet import write_csv_text
    from analytics.store import QueryError, run_query, run_query_arrow

    with user_errors():
        config = load()
        try:
            if as_csv:
                found = run_query_arrow(config.database_path, sql)
            else:
                columns, rows = run_query(config.database_path, sql, limit=limit)
        except QueryError as exc:
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


def snapshot(
    out: Annotated[
        Path | None,
        typer.Option(help="Where to write the copy (default: database.snapshot_path)."),
    ] = None,
) -> None:
    """Write a read-only copy of the database for long analyst sessions."""
    from analytics.store.snapshot import write_snapshot

    with user_errors():
        config = load()
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


def rescore(
    batch_size: Annotated[int, typer.Option(min=100, help="Posts per transaction.")] = 5000,
) -> None:
    """Recompute sentiment of stored posts scored by an older lexicon (safe to interrupt)."""
    from analytics.sentiment import SCORER_VERSION, score_posts
    from analytics.store import DatabaseMissing
    from analytics.store.rescore import rescore as rescore_posts

    with user_errors():
        config = load()
        if not config.database_path.exists():
            raise DatabaseMissing(f"{config.database_path} does not exist yet: nothing to rescore")
        progress = progress_bar("Rescoring")
        task = progress.add_task("", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        with progress:
            count = rescore_posts(
                config.database_path,
                batch_size,
                advance,
                score=score_posts,
                version=SCORER_VERSION,
                lock_timeout=config.database.lock_timeout.total_seconds(),
            )
    console.print(f"{count:,} posts rescored with {SCORER_VERSION}.", highlight=False)


def trends(
    entity: Annotated[
        str, typer.Option(help="Entity id, e.g. show:heartstopper or person:kit-connor.")
    ] = "show:heartstopper",
    days: Annotated[
        int,
        typer.Option(min=1, max=3650, help="The last N whole UTC days, today (so far) included."),
    ] = 30,
    copies: Annotated[
        bool,
        typer.Option(
            "--copies",
            help="Count every copy of a story (all posts) instead of each story once.",
        ),
    ] = False,
) -> None:
    """Headline figures for one entity over the last N days, against the N days before.

    Volume counts stories (copies of one story once) unless --copies; a show's figures
    include its cast, characters and ships."""
    from analytics.core.events import load_events
    from analytics.queries.headline import UnknownEntity, headline
    from analytics.queries.term_words import watched_terms
    from fanpulse.reports.headline import print_headline

    with user_errors():
        config = load()
        events = load_events(config.events_path) if config.events_path else []
        with read_database(config) as con:
            try:
                report = headline(
                    con,
                    entity,
                    days,
                    events=events,
                    unit="posts" if copies else "stories",
                    watched=watched_terms(config.watchlist),
                )
            except UnknownEntity as exc:
                errors.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
                raise typer.Exit(2) from None
    print_headline(console, report)


def _period(
    since: str | None, until: str | None, days: int | None
) -> tuple[datetime | None, datetime | None]:
    """--since/--until dates (UTC, until exclusive), or --days: the last N whole UTC days
    (today included, as `trends` and the dashboard count them) or the N days before --until."""

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
    if days is not None and end is None:
        period = last_days(days, datetime.now(UTC))
        start, end = period.start, period.end
    elif days is not None and end is not None:
        start = end - timedelta(days=days)
    return start, end


def export(
    out: Annotated[Path, typer.Argument(help="File to write: .csv or .parquet.")],
    what: Annotated[
        str, typer.Option(help="posts (with their entities), or any table or view name.")
    ] = "posts",
    entity: Annotated[
        list[str] | None,
        typer.Option(
            help="Only rows for this entity id (repeatable); for posts, a show includes the "
            "posts about its cast, characters and ships."
        ),
    ] = None,
    since: Annotated[str | None, typer.Option(help="From this UTC date, e.g. 2024-10-03.")] = None,
    until: Annotated[str | None, typer.Option(help="Before this UTC date.")] = None,
    days: Annotated[int | None, typer.Option(help="The last N days (instead of --since).")] = None,
) -> None:
    """Export posts or a view to CSV or Parquet, filtered by entity and date.

    Posts are every copy collected; the story_id column tells copies of one story."""
    from analytics.core.filters import Filters
    from analytics.queries.export import ExportError
    from analytics.queries.export import export as export_rows

    start, end = _period(since, until, days)
    with user_errors():
        config = load()
        filters = Filters(start=start, end=end, entity_ids=tuple(entity or ()))
        try:
            with read_database(config) as con:
                result = export_rows(con, out, what=what, filters=filters)
        except ExportError as exc:
            errors.print(f"[bold red]export failed:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
    console.print(
        f"{result.rows} rows written to {result.path} ({result.bytes / 1e6:.1f} MB)",
        highlight=False,
        soft_wrap=True,
    )
