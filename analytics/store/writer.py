"""Opening the file for writing: a connection kept across group commits, writers in turns."""

from __future__ import annotations

import time
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

import duckdb

from analytics.core.models import RunBatch
from analytics.store.connection import DEFAULT_LOCK_TIMEOUT, WRITE_LOCK, connect, transaction
from analytics.store.write import store_batches

# How long one writer connection is kept across groups before it is closed (with its
# checkpoint) and reopened, so a reader waiting for the file gets it within about this long.
MAX_HOLD_SECONDS = 2.0


class Writer:
    """One connection kept across the group commits of a collection cycle.

    Opening the file and the checkpoint on closing cost more than storing a group of a few
    thousand posts, so a cycle's groups share one connection: opened at the first
    :meth:`save`, closed by :meth:`close` (the end of the cycle) or, at the next save, once it
    has been open ``max_hold`` seconds. Each save is one transaction on its own cursor (one
    per thread). After a failed save the connection is closed, so the next one reopens it.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        max_hold: float = MAX_HOLD_SECONDS,
    ) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self.max_hold = max_hold
        self._stack: ExitStack | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self._opened_at = 0.0

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def is_open(self) -> bool:
        return self._con is not None

    def expired(self) -> bool:
        """Open for ``max_hold`` seconds or more: close it before taking on more."""
        return self.is_open and time.monotonic() - self._opened_at >= self.max_hold

    def save(
        self,
        batches: Sequence[RunBatch],
        *,
        lock_timeout: float | None = None,
        collected_at: datetime | None = None,
    ) -> list[int]:
        """:func:`save_batches` on the kept connection (``lock_timeout`` while opening)."""
        with WRITE_LOCK:
            if self.expired():
                self.close()
            con = self._connection(self.lock_timeout if lock_timeout is None else lock_timeout)
            try:
                cursor = con.cursor()
                try:
                    cursor.execute("SET TimeZone = 'UTC'")
                    with transaction(cursor):
                        return store_batches(cursor, batches, collected_at)
                finally:
                    cursor.close()
            except BaseException:
                self.close()
                raise

    def close(self) -> None:
        """Close the connection (DuckDB checkpoints it); the next save reopens it."""
        with WRITE_LOCK:
            stack, self._stack, self._con = self._stack, None, None
            if stack is not None:
                stack.close()

    def _connection(self, lock_timeout: float) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            stack = ExitStack()
            self._con = stack.enter_context(connect(self.path, lock_timeout=lock_timeout))
            self._stack = stack
            self._opened_at = time.monotonic()
        return self._con


def save_batches(
    path: Path | str,
    batches: Sequence[RunBatch],
    *,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    collected_at: datetime | None = None,
) -> list[int]:
    """Store runs, their posts and mentions, and source state in one transaction.

    Returns how many posts of each batch were new; fills ``run.inserted`` likewise.
    A post already stored (same ``post_id``) only has its engagement counts refreshed.
    Opens and closes the file; a cycle of several groups uses one :class:`Writer`.
    """
    with Writer(path, lock_timeout=lock_timeout) as writer:
        return writer.save(batches, collected_at=collected_at)
