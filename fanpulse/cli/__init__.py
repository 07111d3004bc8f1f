"""The ``fanpulse`` command: a thin layer over the library functions.

One module per group of commands; they are registered here, in the order `--help` lists them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from analytics.core import CONFIG_ENV
from fanpulse.cli import (
    alerts,
    collect,
    data,
    database,
    demo,
    digest,
    engagement,
    events,
    report,
    serve,
    spikes,
)
from fanpulse.cli.common import state

app = typer.Typer(
    help="fanpulse: social-media listening and trend tracking for TV fandoms.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: Typer's rich help pulls in markdown and syntax highlighting (about 0.2 s of
    # imports), more than the rest of `fanpulse --help` together.
    rich_markup_mode=None,
)


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
    from fanpulse.logs import setup_logging  # not needed to print help

    state.config_path = config
    state.log_level = log_level
    state.log_json = log_json
    setup_logging(log_level or "warning", json_lines=log_json)


for command in (
    database.check,
    database.restore,
    collect.collect,
    collect.run,
    data.query,
    collect.sources,
    collect.status,
    data.snapshot,
    alerts.alerts,
    demo.demo,
    data.rescore,
    data.trends,
    engagement.rising,
    spikes.spikes,
    report.report,
    data.export,
    serve.dashboard,
    serve.up,
):
    app.command()(command)
app.add_typer(events.app, name="events")
app.add_typer(digest.app, name="digest")
