"""Serving: ``dashboard`` alone, or ``up`` (collection and the dashboard together)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from fanpulse.cli.common import console, load, user_errors


def dashboard(
    port: Annotated[int | None, typer.Option(help="Port (default from config, 8501).")] = None,
    address: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
) -> None:
    """Serve the dashboard (Streamlit) on the configured port."""
    from analytics.core import CONFIG_ENV
    from fanpulse.processes import dashboard_command

    with user_errors():
        config = load()
    command = dashboard_command(config, port=port, address=address)
    os.environ[CONFIG_ENV] = str(config.path)
    os.execvp(command[0], command)


def up() -> None:
    """Background collection and the dashboard together; Ctrl-C stops both."""
    from collector.sources import build_sources
    from fanpulse.processes import run_together

    with user_errors():
        config = load()
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
