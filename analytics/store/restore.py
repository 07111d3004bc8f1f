"""``fanpulse restore``: put a sound snapshot in place of a damaged database file.

Nothing is deleted: the damaged file (and a write-ahead log beside it, which belongs to
the damaged file and must never be replayed onto another) is renamed with a timestamp,
and the snapshot is copied, not moved, so it still exists after the restore. The copy is
written beside the live file and renamed into place, so the live path holds either the
old file or the whole new one.

DuckDB takes a POSIX (fcntl) lock on the file it opens: a shared one to read, an
exclusive one to write. Taking an exclusive lock here, without waiting, tells whether any
other process (collector, dashboard, analyst) has the file open; the restore refuses if so.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from analytics.store.check import CheckReport, check_database
from analytics.store.connection import DatabaseBusy
from analytics.store.damage import DatabaseDamaged

_IN_USE = (
    "{database} is open in another process (collector, dashboard or an analyst session): "
    "stop it, then run the restore again"
)


class RestoreError(Exception):
    """The restore did not happen; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class RestoreResult:
    database: Path
    snapshot: Path
    set_aside: list[Path]  # the damaged file (and its WAL) under their new names
    report: CheckReport  # of the snapshot now in place
    skipped: list[tuple[Path, str]]  # newer snapshots that failed the check, and why


def choose_snapshot(
    candidates: Sequence[Path], *, progress: Callable[[str], None] | None = None
) -> tuple[Path, CheckReport, list[tuple[Path, str]]]:
    """The first of ``candidates`` (newest first) that passes the check."""
    skipped: list[tuple[Path, str]] = []
    for candidate in candidates:
        try:
            report = check_database(candidate, lock_timeout=5.0, progress=progress)
        except DatabaseDamaged as exc:
            skipped.append((candidate, exc.reason))
            continue
        return candidate, report, skipped
    if not candidates:
        raise RestoreError("there is no snapshot to restore from")
    reasons = "; ".join(f"{path.name}: {reason}" for path, reason in skipped)
    raise RestoreError(f"no snapshot passes the check ({reasons})")


def restore(
    database: Path,
    candidates: Sequence[Path],
    *,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> RestoreResult:
    """Replace ``database`` with the newest sound snapshot among ``candidates``.

    Refuses when ``database`` itself passes the check (newer data would be thrown away)
    unless ``force``, and while another process has it open.
    """
    for candidate in candidates:
        if candidate.resolve() == database.resolve():
            raise RestoreError(f"{candidate} is the database file itself, not a snapshot")
    snapshot, report, skipped = choose_snapshot(candidates, progress=progress)
    if database.exists() and not force and _is_sound(database, progress):
        raise RestoreError(
            f"{database} passes the check: restoring would discard newer data "
            "(use --force to restore anyway)"
        )
    with _exclusive(database):
        scratch = database.with_name(f".{database.name}.restore-{os.getpid()}.tmp")
        try:
            shutil.copyfile(snapshot, scratch)
            _fsync(scratch)
            set_aside = _set_aside(database)
            scratch.replace(database)
        finally:
            scratch.unlink(missing_ok=True)
    return RestoreResult(database, snapshot, set_aside, report, skipped)


def _is_sound(database: Path, progress: Callable[[str], None] | None) -> bool:
    try:
        check_database(database, lock_timeout=0.0, progress=progress)
    except DatabaseDamaged:
        return False
    except DatabaseBusy:
        raise RestoreError(_IN_USE.format(database=database)) from None
    return True


@contextmanager
def _exclusive(database: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``database`` (if it exists), or refuse at once."""
    if not database.exists():
        yield
        return
    with open(database, "rb+") as file:
        try:
            fcntl.lockf(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise RestoreError(_IN_USE.format(database=database)) from None
        try:
            yield
        finally:
            fcntl.lockf(file, fcntl.LOCK_UN)


def _set_aside(database: Path) -> list[Path]:
    """Rename the damaged file and its WAL with a timestamp; never delete them."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    moved = []
    for path in (database, database.with_name(database.name + ".wal")):
        if path.exists():
            aside = path.with_name(f"{path.name}.damaged-{stamp}")
            path.rename(aside)
            moved.append(aside)
    return moved


def _fsync(path: Path) -> None:
    with open(path, "rb+") as file:
        os.fsync(file.fileno())
