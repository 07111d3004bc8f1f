"""``demo``: build a synthetic database to try the dashboard on, and optionally serve it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from fanpulse.cli.common import console, load, progress_bar, user_errors
from fanpulse.cli.serve import dashboard


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

    with user_errors():
        config = load()
        if out.exists() and not overwrite:
            console.print(f"{out} already exists (--overwrite to rebuild it).", highlight=False)
        else:
            progress = progress_bar("Building demo data")
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
