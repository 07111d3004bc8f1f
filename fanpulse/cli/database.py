"""``check`` and ``restore``: is the database file sound, and bring back a sound snapshot
when it is not; and the check every collector runs before it starts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fanpulse.cli.common import console, errors, load, user_errors

if TYPE_CHECKING:
    from analytics.core.config import AppConfig

# Exit status of check: 1 when the file is damaged (0 sound, 2 config or missing, 3 busy).
DAMAGED = 1
# The start-up check waits at most this long for a reader to let go of the file.
START_CHECK_WAIT = 5.0


def check_before_run(config: AppConfig) -> None:
    """Read every table once before collecting (about 0.4 s per million posts).

    A damaged file then stops the collector at start with :class:`DatabaseDamaged` (exit
    4) instead of failing write after write. Indexes are left to ``fanpulse check``. A
    file held by another process is not waited for: collection starts (and spools) as
    it would without the check.
    """
    import logging

    from analytics.store import DatabaseBusy
    from analytics.store.check import check_database

    if not config.database_path.exists():
        return
    try:
        check_database(config.database_path, lock_timeout=START_CHECK_WAIT, indexes=False)
    except DatabaseBusy as exc:
        logging.getLogger(__name__).warning("start-up check of the database skipped: %s", exc)


def check(
    path: Annotated[
        Path | None,
        typer.Argument(help="File to check (default: the database; a snapshot works too)."),
    ] = None,
    data_only: Annotated[
        bool,
        typer.Option("--data-only", help="Skip the indexes (faster; they need a copy)."),
    ] = False,
) -> None:
    """Read every block of the database so DuckDB verifies its checksums."""
    from analytics.store.check import check_database
    from analytics.store.damage import DatabaseDamaged

    with user_errors():
        config = load()
        target = path or config.database_path
        try:
            with console.status(f"checking {target}") as status:
                report = check_database(
                    target,
                    lock_timeout=config.database.lock_timeout.total_seconds(),
                    indexes=not data_only,
                    progress=lambda step: status.update(f"checking {target}: {step}"),
                )
        except DatabaseDamaged as exc:
            errors.print(
                f"[bold red]damaged:[/] {exc.path} ({exc.reason}). "
                "`fanpulse restore` puts the newest sound snapshot in its place.",
                highlight=False,
                soft_wrap=True,
                markup=True,
            )
            raise typer.Exit(DAMAGED) from None
    console.print(report.summary(), highlight=False, soft_wrap=True)


def restore(
    snapshot: Annotated[
        Path | None,
        typer.Argument(help="Snapshot to restore (default: the newest that passes check)."),
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Restore even though the database passes the check.")
    ] = False,
) -> None:
    """Replace a damaged database with a sound snapshot; the damaged file is kept aside."""
    from analytics.store.restore import RestoreError
    from analytics.store.restore import restore as restore_database
    from analytics.store.snapshot import snapshot_files

    with user_errors():
        config = load()
        candidates = [snapshot] if snapshot else snapshot_files(config.database.snapshot)
        try:
            with console.status("checking snapshots") as status:
                result = restore_database(
                    config.database_path,
                    candidates,
                    force=force,
                    progress=lambda step: status.update(f"restore: {step}"),
                )
        except RestoreError as exc:
            errors.print(f"[bold red]not restored:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
    for skipped, reason in result.skipped:
        console.print(f"skipped {skipped}: {reason}", highlight=False, soft_wrap=True)
    for aside in result.set_aside:
        console.print(f"kept the damaged file as {aside}", highlight=False, soft_wrap=True)
    report = result.report
    newest = f"{report.newest_post:%Y-%m-%d %H:%M} UTC" if report.newest_post else "never"
    console.print(
        f"restored {result.database} from {result.snapshot}: {report.posts:,} posts, "
        f"newest collected {newest}. Collection resumes from the snapshot's source "
        "state, so posts the sources still serve are fetched again.",
        highlight=False,
        soft_wrap=True,
    )
