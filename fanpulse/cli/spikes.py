"""``spikes``: what spiked in the last N days, or by the hour in the last N hours."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Annotated

import typer

from fanpulse.cli.common import console, load, one_output_format, read_database, user_errors


def spikes(
    hours: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=168,
            help="By the hour: the last N whole UTC hours (this one so far included), each "
            "against the same hour of earlier days.",
        ),
    ] = None,
    days: Annotated[
        int,
        typer.Option(
            min=1, max=3650, help="By the day: the last N whole UTC days, today included."
        ),
    ] = 7,
    entity: Annotated[
        list[str] | None, typer.Option(help="Only this entity id (repeatable).")
    ] = None,
    z: Annotated[
        float | None,
        typer.Option(min=0.1, help="Robust z-score that makes a spike (default: the alerts')."),
    ] = None,
    min_posts: Annotated[
        int | None,
        typer.Option(min=1, help="Fewer posts are never a spike (default: the alerts')."),
    ] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Write CSV to standard output.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Write JSON to standard output.")] = False,
) -> None:
    """Spikes in mentions, grouped per show as the alerts group them (settings: [alerts])."""
    from analytics.core.filters import Filters
    from analytics.core.periods import last_days, last_hours
    from analytics.queries.spike_groups import group_spikes, show_memberships
    from analytics.queries.spikes import detect_spikes
    from fanpulse.reports.spikes import print_spikes, spike_rows, write_csv, write_json

    one_output_format(as_csv, as_json)
    now = datetime.now(UTC)
    with user_errors():
        config = load()
        settings = config.alerts
        if hours is not None:
            span = last_hours(hours, now)
            start, end, label, bucket = span.start, span.end, span.label(), "hour"
            threshold = z or settings.hourly.spike_z
            least = min_posts or settings.hourly.spike_min_posts
            window, rule = settings.hourly.baseline_days, "same hour of the previous"
        else:
            period = last_days(days, now)
            start, end, label, bucket = period.start, period.end, period.label(), "day"
            threshold, least = z or settings.spike_z, min_posts or settings.spike_min_posts
            window, rule = settings.baseline_days, "previous"
        with read_database(config) as con:
            found = detect_spikes(
                con,
                Filters(start=start, end=end, entity_ids=tuple(entity or ())),
                bucket,
                window=window,
                threshold=threshold,
                min_posts=least,
                daily_rhythm=bucket == "hour",
                limit=None,
            )
    groups = group_spikes(found, bucket, show_memberships(config.watchlist))
    groups.sort(key=lambda g: (-g.start.timestamp(), -max(s.z for s in g.spikes)))
    names = {f"show:{show.id}": show.name for show in config.watchlist.shows}
    rows = spike_rows(groups, names)
    if as_json:
        write_json(rows, label, bucket, sys.stdout)
    elif as_csv:
        write_csv(rows, sys.stdout)
    else:
        title = f"Spikes by the {bucket}, {label}, newest first"
        rule = (
            f"A spike: robust z ≥ {threshold:g} against the {rule} {window} days, "
            f"and at least {least} posts."
        )
        print_spikes(console, rows, title, bucket == "hour", rule)
