"""Engagement over time: `fanpulse rising`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from fanpulse.cli.common import console, load, read_database, user_errors


def rising(
    hours: Annotated[
        int, typer.Option(min=1, max=24 * 90, help="The window: the last N hours, up to now.")
    ] = 24,
    entity: Annotated[
        list[str] | None, typer.Option(help="Only posts mentioning this entity id (repeatable).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many posts.")] = 10,
) -> None:
    """Posts gaining engagement fastest: engagement gained per hour over the last N hours."""
    from analytics.core.filters import Filters
    from analytics.queries.velocity import rising_posts
    from fanpulse.reports.rising import print_rising

    until = datetime.now(UTC)
    since = until - timedelta(hours=hours)
    with user_errors():
        config = load()
        with read_database(config) as con:
            found = rising_posts(
                con, since, until, Filters(entity_ids=tuple(entity or ())), limit=limit
            )
    print_rising(console, found, since, until)
