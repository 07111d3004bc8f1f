"""Writing annotations: a note a reader adds to a day ("influencer campaign went live").

The dashboard is a reader; adding a note is its one write. It follows the concurrency rule
of every writer: open the file read-write only for the insert (waiting while the collector
holds it), bring the schema up to date (an older file gains the ``annotations`` table),
write in one transaction and close.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from analytics.store.connection import DEFAULT_LOCK_TIMEOUT, DatabaseBusy, connect, transaction
from analytics.store.schema import migrate

MAX_NOTE_CHARS = 300


def _same_process_reader(exc: duckdb.Error) -> bool:
    # A read-only connection of this process (another dashboard session reading) keeps
    # the file from being opened read-write here until it closes, a moment later.
    return "different configuration" in str(exc)


@contextmanager
def _writing(path: Path | str, lock_timeout: float) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short read-write connection, waiting for other holders of the file to let go."""
    deadline = time.monotonic() + lock_timeout
    delay = 0.05
    while True:
        stack = ExitStack()
        try:
            con = stack.enter_context(
                connect(path, lock_timeout=max(0.0, deadline - time.monotonic()))
            )
        except duckdb.ConnectionException as exc:
            if not _same_process_reader(exc) or time.monotonic() >= deadline:
                raise DatabaseBusy(f"{path} is being read; try again in a moment") from exc
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
            continue
        with stack:
            yield con
        return


def add_annotation(
    path: Path | str,
    day: date,
    note: str,
    *,
    now: datetime | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> str:
    """Store ``note`` for the UTC ``day``; return its id. Raises ValueError for an empty or
    too long note."""
    text = " ".join(note.split())
    if not text:
        raise ValueError("a note needs some text")
    if len(text) > MAX_NOTE_CHARS:
        raise ValueError(f"a note has at most {MAX_NOTE_CHARS} characters, not {len(text)}")
    annotation_id = uuid.uuid4().hex
    with _writing(path, lock_timeout) as con:
        migrate(con)
        with transaction(con):
            con.execute(
                "INSERT INTO annotations (annotation_id, day, note, added_at)"
                " VALUES ($id, $day, $note, $added_at)",
                {
                    "id": annotation_id,
                    "day": day,
                    "note": text,
                    "added_at": now or datetime.now(UTC),
                },
            )
    return annotation_id


def delete_annotation(
    path: Path | str, annotation_id: str, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
) -> bool:
    """Remove one note; False when there was none with that id."""
    with _writing(path, lock_timeout) as con, transaction(con):
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'annotations'"
        ).fetchone()
        if not exists or not exists[0]:
            return False
        gone = con.execute(
            "DELETE FROM annotations WHERE annotation_id = $id RETURNING annotation_id",
            {"id": annotation_id},
        ).fetchall()
    return bool(gone)
