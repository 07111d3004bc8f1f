"""Telling a damaged database file apart from a busy or missing one.

DuckDB reports damage through several exception classes, and they moved between
versions (a checksum mismatch is an ``IOException`` in 1.5 and a plain ``duckdb.Error``
in 2.0), so the decision rests on the message: what the file did wrong, not which class
carried it. A lock conflict is never damage (``DatabaseBusy`` handles it), nor is an
error in a user's SQL.

DuckDB opens a truncated file without complaint and answers from its metadata (row
counts included) until a query touches a missing block. The header says how many blocks
are in use, so :func:`refuse_truncated` compares that with the size on disk at every
open: a file cut by more than its free space is refused at once instead of answering as
if whole. ``fanpulse check`` reads every block and so finds any cut.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

# The three 4 KiB headers before the first block (DuckDB's single-file layout).
_HEADER_BYTES = 3 * 4096

# Message fragments that mean the bytes on disk are wrong, with the reason shown.
_DAMAGE = (
    ("Corrupt database file", "a block fails its checksum"),
    ("Could not read enough bytes", "the file is shorter than its contents"),
    ("not a valid DuckDB database file", "it is not a DuckDB database file"),
    ("Failed to load metadata pointer", "its metadata is unreadable"),
)
# The file is intact, but this process cannot read it: the fix is not a restore.
_UNREADABLE = (
    ("Permission denied", "permission denied: check the file's owner and mode"),
    ("created with a newer version of DuckDB", "written by a newer DuckDB: upgrade fanpulse"),
    ("Is a directory", "it is a directory, not a file"),
)


class DatabaseDamaged(Exception):
    """The database file cannot be used as it is; the message says what to do next."""

    state = "is damaged"
    next_step = "run `fanpulse check`, then `fanpulse restore`"

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path} {self.state} ({reason}): {self.next_step}")


class DatabaseUnreadable(DatabaseDamaged):
    """The file could not be opened for a reason a restore would not fix."""

    state = "cannot be read"
    next_step = "fix that, then try again"


def damage_from(exc: BaseException, path: Path | str) -> DatabaseDamaged | None:
    """The :class:`DatabaseDamaged` that ``exc`` amounts to, or None when it is not one."""
    if not isinstance(exc, duckdb.Error):
        return None
    message = str(exc)
    if "Could not set lock" in message or "Conflicting lock" in message:
        return None
    for fragment, reason in _DAMAGE:
        if fragment in message:
            return DatabaseDamaged(path, f"{reason}: {_first_line(message)}")
    for fragment, reason in _UNREADABLE:
        if fragment in message:
            return DatabaseUnreadable(path, reason)
    return None


def raise_if_damage(exc: BaseException, path: Path | str) -> None:
    """Raise :class:`DatabaseDamaged` (from ``exc``) when ``exc`` says the file is bad."""
    damage = damage_from(exc, path)
    if damage is not None:
        raise damage from exc


def expected_size(con: duckdb.DuckDBPyConnection, database: str | None = None) -> int | None:
    """The fewest bytes the file can have: its headers and every block in use.

    Not ``total_blocks``: DuckDB trims free blocks off the end of the file but still
    counts them there. Blocks in use have distinct numbers, so they need at least as many
    block slots in the file. None for an empty or in-memory database.
    """
    row = con.execute(
        "SELECT block_size, used_blocks FROM pragma_database_size() "
        "WHERE database_name = coalesce(?, current_database())",
        [database],
    ).fetchone()
    if row is None or not row[1]:
        return None
    return _HEADER_BYTES + int(row[0]) * int(row[1])


def refuse_truncated(
    con: duckdb.DuckDBPyConnection, path: Path | str, database: str | None = None
) -> None:
    """Raise :class:`DatabaseDamaged` when the file is too short for the blocks it uses."""
    expected = expected_size(con, database)
    actual = os.path.getsize(path)
    if expected is not None and actual < expected:
        raise DatabaseDamaged(
            path, f"truncated: {actual:,} bytes, but its blocks in use need {expected:,}"
        )


def _first_line(message: str) -> str:
    lines = message.strip().splitlines()
    return lines[0].removeprefix("IO Error: ") if lines else message
