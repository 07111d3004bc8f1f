"""``events``: what dated events (premieres, trailers, …) did to the conversation."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from fanpulse.cli.common import console, errors, load, one_output_format, read_database, user_errors

if TYPE_CHECKING:
    from analytics.core.config import AppConfig
    from analytics.core.events import Event

app = typer.Typer(
    help="Dated events from the events file (docs/events.md): lift and day-N curves.",
    no_args_is_help=True,
)


@app.command()
def compare(
    days: Annotated[
        int,
        typer.Option(
            min=1,
            max=365,
            help="Lift: posts in the N days from the event vs the N days before; day-N "
            "columns: days 0 to N-1.",
        ),
    ] = 7,
    event: Annotated[
        list[str] | None, typer.Option(help="Only this event id (repeatable).")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(help="Only events of this kind: premiere, announcement, trailer, …"),
    ] = None,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Write CSV (one row per event) to standard output.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Write JSON to standard output.")] = False,
) -> None:
    """Each event's lift and its premiere's posts on day 0, 1, … (as the dashboard compares)."""
    from analytics.queries.events import days_since_release, event_lifts
    from fanpulse.reports.events import comparison, print_comparison, write_csv, write_json

    one_output_format(as_csv, as_json)
    now = datetime.now(UTC)
    with user_errors():
        config = load()
        chosen = _chosen(config, event or [], kind)
        with read_database(config) as con:
            lifts = event_lifts(con, chosen, days, now=now)
            curves = days_since_release(con, chosen, max_day=days - 1, now=now)
    rows = comparison(chosen, lifts, curves, days)
    if as_json:
        write_json(rows, days, sys.stdout)
    elif as_csv:
        write_csv(rows, days, sys.stdout)
    else:
        print_comparison(console, rows, days)


def _chosen(config: AppConfig, ids: list[str], kind: str | None) -> list[Event]:
    """The events file's events, only ``ids`` (when given) of ``kind`` (when given)."""
    from analytics.core.events import load_events

    if config.events_path is None or not config.events_path.exists():
        where = config.events_path or "no `events` key"
        errors.print(
            f"[bold red]error:[/] no events file ({where}); list events as in "
            "docs/events.md and name the file with `events = ...` in the config",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2)
    known = {e.entity_id for e in config.watchlist.entities()}
    events = load_events(config.events_path, entity_ids=known)
    missing = sorted(set(ids) - {e.id for e in events})
    if missing:
        errors.print(
            f"[bold red]error:[/] no event {', '.join(missing)} in {config.events_path}",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2)
    return [e for e in events if (not ids or e.id in ids) and (kind is None or e.kind == kind)]
