"""A read-only copy of the database for long analyst sessions.

An analyst who keeps the live file open blocks the collector's writes (the DuckDB rule).
A snapshot is a complete copy (tables, views, schema version) the analyst can hold open
for as long as they like. It is written to a temporary file and renamed into place, so a
reader never sees a half-written snapshot and an open one keeps its old contents.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from analytics.store import STORAGE_COMPATIBILITY, DatabaseBusy, DatabaseMissing, retry_on_lock


@dataclass(frozen=True, slots=True)
class SnapshotResult:
    path: Path
    posts: int
    bytes: int
    seconds: float


def write_snapshot(source: Path, target: Path, lock_timeout: float = 60.0) -> SnapshotResult:
    """Copy ``source`` to ``target`` atomically; the live file is only read."""
    if not source.exists():
        raise DatabaseMissing(f"{source} does not exist yet: run `fanpulse collect --once` first")
    if source.resolve() == target.resolve():
        raise ValueError("the snapshot must be a different file from the database")
    started = time.monotonic()
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    con = duckdb.connect(":memory:")
    try:
        retry_on_lock(
            lambda: con.execute("ATTACH ? AS live (READ_ONLY)", [str(source)]),
            source,
            lock_timeout,
        )
        con.execute(
            f"ATTACH ? AS snapshot (STORAGE_VERSION '{STORAGE_COMPATIBILITY}')",
            [str(temporary)],
        )
        con.execute("COPY FROM DATABASE live TO snapshot")
        row = con.execute("SELECT count(*) FROM snapshot.posts").fetchone()
        con.execute("DETACH snapshot")
        con.execute("DETACH live")
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    temporary.replace(target)
    return SnapshotResult(
        path=target,
        posts=int(row[0]) if row else 0,
        bytes=target.stat().st_size,
        seconds=time.monotonic() - started,
    )


__all__ = ["DatabaseBusy", "SnapshotResult", "write_snapshot"]
