"""What every command shares: the global options, reading the config, the consoles, the
progress bar, and one line plus an exit status for each problem a user can fix.

Heavy libraries (duckdb, pyarrow, pandas, the collector) are imported inside functions, so
`fanpulse --help` and a mistyped option answer without loading them. Even rich waits for
the first line a command prints: the consoles are made on first use.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, ProgressColumn

    from analytics.core.config import AppConfig
    from analytics.store import Connection


class _LazyConsole:
    """Stands in for a rich ``Console`` and makes it on first use: importing rich costs
    about a quarter of `fanpulse --help`, which prints nothing through it."""

    def __init__(self, *, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    @property
    def real(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


console = cast("Console", _LazyConsole())
errors = cast("Console", _LazyConsole(stderr=True))

# Exit status for a damaged or unreadable database file (2 config, 3 busy).
DATABASE_DAMAGED = 4


class State:
    """The global options, set by the app's callback before any command runs."""

    config_path: Path | None = None
    log_level: str | None = None
    log_json: bool = False


state = State()


def load() -> AppConfig:
    from analytics.core.config import load_config
    from collector.matching import warn_dead_aliases
    from collector.settings import CollectorConfig

    # The collector's settings are checked with the rest of the file: a bad key stops every
    # command with one line, not only the commands that collect.
    config = load_config(state.config_path, collector=CollectorConfig)
    warn_dead_aliases(config.watchlist, config.watchlist_path)  # a warning, not an error
    return config


def read_database(config: AppConfig) -> contextlib.AbstractContextManager[Connection]:
    """The configured database, read-only, waiting out the collector's writes as configured."""
    from analytics.store import connect

    return connect(
        config.database_path,
        read_only=True,
        lock_timeout=config.database.lock_timeout.total_seconds(),
    )


def one_output_format(as_csv: bool, as_json: bool) -> None:
    """--csv and --json each choose the output: both at once is a usage error (exit 2)."""
    if as_csv and as_json:
        errors.print("[bold red]error:[/] choose one of --csv and --json", highlight=False)
        raise typer.Exit(2)


@contextmanager
def user_errors() -> Iterator[None]:
    """Problems a user can fix: one clear line on stderr and a distinct exit status."""
    from analytics.core.errors import ConfigError
    from analytics.store import DatabaseBusy, DatabaseMissing
    from analytics.store.damage import DatabaseDamaged

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


def progress_bar(label: str, *extra: ProgressColumn) -> Progress:
    """A bar that vanishes when done: label, bar, done/total, ``extra``, time elapsed."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        *extra,
        TimeElapsedColumn(),
        console=cast(_LazyConsole, console).real,  # rich checks it is a Console
        transient=True,
    )
