"""Opening the DuckDB file: short-lived connections, lock waits, transactions, user SQL.

DuckDB lets one process write a file, and a reader in another process blocks the writer
(and the other way round). So every call opens, does its work, and closes; a lock
conflict is retried with backoff until ``lock_timeout``.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import duckdb

from analytics.store.damage import raise_if_damage, refuse_truncated

if TYPE_CHECKING:
    import pyarrow as pa

T = TypeVar("T")

# What the rest of the project names instead of importing duckdb: only the store opens the
# file, so only the store needs the driver.
Connection = duckdb.DuckDBPyConnection
QueryError = duckdb.Error
# The file could not be read or written (a full or failing disk), as the driver reports it.
StorageIOError = duckdb.IOException
# The database refused a value of the batch itself (not the storage's fault). Rows go in
# as list parameters, so a Python value of a type the driver does not know is one of them.
REJECTED_VALUE_ERRORS: tuple[type[Exception], ...] = (
    duckdb.ConstraintException,
    duckdb.ConversionException,
    duckdb.OutOfRangeException,
    duckdb.TypeMismatchException,
    duckdb.NotImplementedException,
)

# Files are written in a storage format the released duckdb CLI (1.4 LTS and 1.5) reads;
# duckdb 2.0's own default format is unreadable to them.
STORAGE_COMPATIBILITY = "v1.4.0"
DEFAULT_LOCK_TIMEOUT = 60.0

# Writers within one process take turns: the big tables have no unique index, so two
# transactions storing the same new row at once would both insert it (other processes are
# kept out by DuckDB's file lock).
WRITE_LOCK = threading.RLock()


def is_rejected_value(exc: BaseException) -> bool:
    """The database refused a value of the batch itself, not the storage's fault."""
    if isinstance(exc, REJECTED_VALUE_ERRORS):
        return True
    # A string that is not valid Unicode (a lone surrogate) fails as a parameter; the class
    # is a general one, so the message decides.
    return isinstance(exc, duckdb.InvalidInputException) and "Python Conversion Failure" in str(exc)


class DatabaseBusy(Exception):
    """Another process held the database file for longer than the lock timeout."""


class DatabaseMissing(Exception):
    """A reader asked for a database file that does not exist yet."""


def _is_lock_conflict(exc: duckdb.Error) -> bool:
    message = str(exc)
    return "Could not set lock" in message or "Conflicting lock" in message


@contextmanager
def connect(
    path: Path | str,
    *,
    read_only: bool = False,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    sandboxed: bool = False,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the file (retrying while another process holds it), yield, always close.

    ``sandboxed`` read connections cannot touch other files (no COPY TO, read_csv, ATTACH):
    for SQL typed by a user.
    """
    path = Path(path)
    if read_only and not path.exists():
        raise DatabaseMissing(f"{path} does not exist yet: run `fanpulse collect --once` first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {}
    if not read_only:
        config["storage_compatibility_version"] = STORAGE_COMPATIBILITY
    if sandboxed:
        config["enable_external_access"] = False
    try:
        con = _open_with_retry(path, read_only, config, lock_timeout)
    except duckdb.Error as exc:
        raise_if_damage(exc, path)
        raise
    try:
        refuse_truncated(con, path)
        con.execute("SET TimeZone = 'UTC'")
        # No progress bar: output belongs to the caller (a table, CSV, a log line).
        con.execute("SET enable_progress_bar = false")
        yield con
    except duckdb.Error as exc:
        # Damage may show only when a query reaches the bad block.
        raise_if_damage(exc, path)
        raise
    finally:
        con.close()


def _open_with_retry(
    path: Path, read_only: bool, config: dict[str, Any], lock_timeout: float
) -> duckdb.DuckDBPyConnection:
    return retry_on_lock(
        lambda: duckdb.connect(str(path), read_only=read_only, config=config), path, lock_timeout
    )


def retry_on_lock(action: Callable[[], T], path: Path, lock_timeout: float) -> T:
    """Run ``action`` (an open or attach of ``path``) until another process lets go."""
    deadline = time.monotonic() + lock_timeout
    delay = 0.05
    while True:
        try:
            return action()
        except duckdb.IOException as exc:
            if not _is_lock_conflict(exc):
                raise
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DatabaseBusy(
                    f"{path} stayed locked by another process for {lock_timeout:g}s "
                    "(close other fanpulse writers or long analyst sessions)"
                ) from exc
            # Jitter so a reader and a writer retrying together do not collide forever.
            time.sleep(min(remaining, delay * (0.5 + random.random())))
            delay = min(delay * 2, 2.0)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def run_query(
    path: Path | str,
    sql: str,
    params: Sequence[Any] | None = None,
    *,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    limit: int | None = None,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run user SQL on a sandboxed read-only connection: column names and rows."""
    with connect(path, read_only=True, lock_timeout=lock_timeout, sandboxed=True) as con:
        result = con.execute(sql, params or [])
        if result.description is None:
            return [], []
        columns = [d[0] for d in result.description]
        rows = result.fetchmany(limit) if limit is not None else result.fetchall()
    return columns, rows


def run_query_arrow(
    path: Path | str, sql: str, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
) -> pa.Table:
    """:func:`run_query` as one Arrow table, column types kept (for writing files)."""
    import pyarrow as pa  # only exports need it: the collector never loads it

    with connect(path, read_only=True, lock_timeout=lock_timeout, sandboxed=True) as con:
        relation = con.sql(sql)  # None for a statement that returns no rows
        return pa.table({}) if relation is None else relation.to_arrow_table()
