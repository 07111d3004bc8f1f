"""``digest``: the brief by email, as `fanpulse run` sends it on schedule ([digest])."""

from __future__ import annotations

from typing import Annotated

import typer

from fanpulse.cli.common import console, errors, load, user_errors

app = typer.Typer(
    help="The digest: the brief emailed on schedule by `fanpulse run` ([digest] in the config).",
    no_args_is_help=True,
)


@app.command()
def send(
    now: Annotated[
        bool, typer.Option("--now", help="Send it now (the collector sends it on schedule).")
    ] = False,
) -> None:
    """Email the digest of the last days now, retried as configured; the outcome shows in
    `fanpulse status`. Exits 1 when it was not delivered."""
    import asyncio
    from datetime import UTC, datetime

    from collector.digest import Digest
    from fanpulse.digest_brief import DigestBrief

    if not now:
        errors.print("[bold red]error:[/] say --now to send the digest now", highlight=False)
        raise typer.Exit(2)
    with user_errors():
        config = load()
        digest = Digest(config, DigestBrief())
        missing = digest.missing()
        if missing:
            errors.print(
                f"[bold red]config error:[/] {config.path}: [digest] needs {', '.join(missing)}",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(2)
        record = asyncio.run(digest.run("manual", datetime.now(UTC)))
    settings = config.digest
    period = f"{record.period_first:%Y-%m-%d} – {record.period_last:%Y-%m-%d}"
    where = f"{settings.host}:{settings.smtp_port}"
    if record.sent_at is None:
        errors.print(
            f"[bold red]digest not delivered[/] via {where} after {record.attempts} attempts: "
            f"{record.error}",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)
    console.print(
        f"digest of {period} sent to {len(record.recipients)} recipient"
        f"{'' if len(record.recipients) == 1 else 's'} via {where} "
        f"({record.attempts} attempt{'s' if record.attempts > 1 else ''})"
        + (f"; {record.error}" if record.error else ""),
        highlight=False,
        soft_wrap=True,
    )
