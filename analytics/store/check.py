"""``fanpulse check``: read every block of a database file so DuckDB verifies its checksums.

DuckDB checks a block's checksum only when it reads the block, and an ordinary query reads
only the columns and row groups it needs; indexes are not read at all until a write
changes them. So the check reads in two passes:

1. every column of every table, fully (``hash`` of each value forces each data block to be
   read and decompressed), on a read-only connection to the file itself;
2. every index, on a scratch copy beside the file: deleting all rows from a table and
   checkpointing makes DuckDB load each of its index blocks. The copy is removed after.

The file's size is compared with its header on the way in (see :mod:`analytics.store.damage`).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from analytics.store.connection import DEFAULT_LOCK_TIMEOUT, DatabaseMissing, connect
from analytics.store.damage import DatabaseDamaged, damage_from

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class CheckReport:
    path: Path
    tables: int
    rows: int
    posts: int
    newest_post: datetime | None  # latest collected_at: how current the file is
    bytes: int
    seconds: float
    indexes_checked: bool
    note: str = ""

    def summary(self) -> str:
        newest = f"{self.newest_post:%Y-%m-%d %H:%M} UTC" if self.newest_post else "none"
        indexes = "data and indexes" if self.indexes_checked else "data only"
        line = (
            f"{self.path} is sound: {self.tables} tables, {self.rows:,} rows, "
            f"{self.posts:,} posts (newest collected {newest}), {self.bytes / 1e6:.1f} MB; "
            f"{indexes} read in {self.seconds:.1f}s"
        )
        return f"{line} ({self.note})" if self.note else line


def check_database(
    path: Path | str,
    *,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    indexes: bool = True,
    progress: Progress | None = None,
) -> CheckReport:
    """Read all of ``path``; raise :class:`DatabaseDamaged` naming what is unreadable."""
    path = Path(path)
    if not path.exists():
        raise DatabaseMissing(f"{path} does not exist")
    step = progress or (lambda _message: None)
    started = time.monotonic()
    with connect(path, read_only=True, lock_timeout=lock_timeout) as con:
        tables = _tables(con)
        rows = 0
        for table in tables:
            step(f"reading table {table}")
            rows += _read_table(con, path, table)
        posts, newest = _posts(con, tables)
        note = ""
        if indexes:
            # Copied while the read-only connection holds the file: no writer can change it.
            note = _check_indexes(path, tables, step)
    return CheckReport(
        path=path,
        tables=len(tables),
        rows=rows,
        posts=posts,
        newest_post=newest,
        bytes=path.stat().st_size,
        seconds=time.monotonic() - started,
        indexes_checked=indexes and not note,
        note=note,
    )


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name = 'main' "
        "ORDER BY table_name"
    ).fetchall()
    return [row[0] for row in rows]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _read_table(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> int:
    columns = [
        row[0]
        for row in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
            [table],
        ).fetchall()
    ]
    every_value = ", ".join(f"sum(hash({_quoted(c)}))" for c in columns)
    sql = f"SELECT count(*), {every_value} FROM {_quoted(table)}"  # noqa: S608 - catalog names
    try:
        row = con.execute(sql).fetchone()
    except duckdb.Error as exc:
        _raise_damage_in(exc, path, f"table {table}")
        raise
    return int(row[0]) if row else 0


def _raise_damage_in(exc: duckdb.Error, path: Path, where: str) -> None:
    """Raise :class:`DatabaseDamaged` naming ``where`` when ``exc`` says the file is bad."""
    damage = damage_from(exc, path)
    if damage is not None:
        raise type(damage)(path, f"{where}: {damage.reason}") from exc


def _posts(con: duckdb.DuckDBPyConnection, tables: list[str]) -> tuple[int, datetime | None]:
    if "posts" not in tables:
        return 0, None
    row = con.execute("SELECT count(*), max(collected_at) FROM posts").fetchone()
    return (int(row[0]), row[1]) if row else (0, None)


def _check_indexes(path: Path, tables: list[str], step: Progress) -> str:
    """Load every index block on a scratch copy; '' when done, else why it was skipped."""
    try:
        scratch_dir = tempfile.mkdtemp(prefix=f".{path.name}.check-", dir=path.parent)
    except OSError as exc:
        return f"indexes not read: no scratch copy beside the file ({exc.strerror})"
    scratch = Path(scratch_dir) / path.name
    try:
        try:
            shutil.copyfile(path, scratch)
            wal = path.with_name(path.name + ".wal")
            if wal.exists():
                shutil.copyfile(wal, scratch.with_name(scratch.name + ".wal"))
        except OSError as exc:
            return f"indexes not read: no room for a scratch copy ({exc.strerror})"
        try:
            con = duckdb.connect(str(scratch))
        except duckdb.Error as exc:
            _raise_damage_in(exc, path, "opening a copy")
            raise
        try:
            for table in tables:
                step(f"reading the indexes of {table}")
                try:
                    con.execute(f"DELETE FROM {_quoted(table)}")  # noqa: S608 - catalog name
                    con.execute("CHECKPOINT")
                except duckdb.Error as exc:
                    _raise_damage_in(exc, path, f"an index of table {table}")
                    raise
        finally:
            con.close()
    finally:
        shutil.rmtree(scratch_dir)
    return ""


__all__ = ["CheckReport", "DatabaseDamaged", "check_database"]
