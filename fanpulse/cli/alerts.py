"""``alerts``: list recent alerts, and with ``--check`` find and send new ones."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from fanpulse.cli.common import console, load, read_database, user_errors

if TYPE_CHECKING:
    from analytics.core.config import AppConfig


def alerts(
    check: Annotated[
        bool, typer.Option("--check", help="Look for new spikes and unhealthy sources now.")
    ] = False,
    limit: Annotated[int, typer.Option(help="How many recent alerts to list.")] = 20,
) -> None:
    """Recent alerts (spikes, silent or failing sources); --check finds and sends new ones."""
    from rich.markup import escape
    from rich.table import Table

    from analytics.queries.alerts import recent_alerts

    with user_errors():
        config = load()
        if check:
            _check_and_send(config)
        with read_database(config) as con:
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


def _check_and_send(config: AppConfig) -> None:
    import asyncio

    import httpx

    from collector.alerts import deliver, find_alerts, webhook_urls

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
            f"No webhooks: set {config.alerts.webhooks_env} to send alerts to Slack or Discord."
        )
