"""A read-only copy of the database for long analyst sessions.

An analyst who keeps the live file open blocks the collector's writes (the DuckDB rule).
A snapshot is a complete copy (tables, views, schema version) the analyst can hold open
for as long as they like. It is written to a temporary file and renamed into place, so a
reader never sees a half-written snapshot and an open one keeps its old contents.

The newest snapshot is always at the same path (analysts' scripts point there); with
``keep`` above 1 the one it replaces stays beside it under a timestamped name
(``fanpulse-snapshot-20250301T120000Z.duckdb``), and only the newest ``keep`` are kept,
so ``fanpulse restore`` has an older copy to fall back on. A damaged live file fails the
copy (:class:`~analytics.store.damage.DatabaseDamaged`) before any snapshot is touched.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from analytics.store.connection import (
    STORAGE_COMPATIBILITY,
    DatabaseBusy,
    DatabaseMissing,
    retry_on_lock,
)
from analytics.store.damage import raise_if_damage, refuse_truncated

_STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True, slots=True)
class SnapshotResult:
    path: Path
    posts: int
    bytes: int
    seconds: float


def write_snapshot(
    source: Path, target: Path, lock_timeout: float = 60.0, keep: int | None = None
) -> SnapshotResult:
    """Copy ``source`` to ``target`` atomically; the live file is only read.

    With ``keep``, the replaced snapshot stays under a timestamped name and only the
    newest ``keep`` snapshots remain; without it, ``target`` is simply replaced.
    """
    if not source.exists():
        raise DatabaseMissing(f"{source} does not exist yet: run `fanpulse collect --once` first")
    if source.resolve() == target.resolve():
        raise ValueError("the snapshot must be a different file from the database")
    started = time.monotonic()
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(target)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    con = duckdb.connect(":memory:")
    try:
        try:
            retry_on_lock(
                lambda: con.execute("ATTACH ? AS live (READ_ONLY)", [str(source)]),
                source,
                lock_timeout,
            )
            refuse_truncated(con, source, "live")
            con.execute(
                f"ATTACH ? AS snapshot (STORAGE_VERSION '{STORAGE_COMPATIBILITY}')",
                [str(temporary)],
            )
            con.execute("COPY FROM DATABASE live TO snapshot")
        except duckdb.Error as exc:
            raise_if_damage(exc, source)
            raise
        row = con.execute("SELECT count(*) FROM snapshot.posts").fetchone()
        con.execute("DETACH snapshot")
        con.execute("DETACH live")
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    if keep is not None and keep > 1 and target.exists():
        _keep_aside(target)
    temporary.replace(target)
    if keep is not None:
        prune_snapshots(target, keep)
    return SnapshotResult(
        path=target,
        posts=int(row[0]) if row else 0,
        bytes=target.stat().st_size,
        seconds=time.monotonic() - started,
    )


def remove_abandoned(target: Path) -> list[Path]:
    """Delete half-written copies left by a killed process (its pid no longer runs).

    A copy still being written by a live process (another ``fanpulse snapshot``) stays.
    """
    removed = []
    for leftover in target.parent.glob(f".{target.name}.*.tmp*"):
        match = re.fullmatch(rf"\.{re.escape(target.name)}\.(\d+)\.tmp(\.wal)?", leftover.name)
        if match and not _running(int(match.group(1))):
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


def _keep_aside(target: Path) -> None:
    """Give the current snapshot a timestamped name too, before it is replaced.

    A hard link, so the stable path never goes missing, even for an instant.
    """
    taken = datetime.fromtimestamp(target.stat().st_mtime, UTC)
    aside = target.with_name(f"{target.stem}-{taken.strftime(_STAMP)}{target.suffix}")
    if aside.exists():
        return
    try:
        os.link(target, aside)
    except OSError:  # a file system without hard links: a copy does the same job
        shutil.copy2(target, aside)


def snapshot_files(target: Path) -> list[Path]:
    """The snapshot at ``target`` and its timestamped predecessors, newest first."""
    pattern = re.compile(
        re.escape(target.stem) + r"-(\d{8}T\d{6}Z)" + re.escape(target.suffix) + "$"
    )
    older = sorted(
        (p for p in target.parent.glob(f"{target.stem}-*{target.suffix}") if pattern.match(p.name)),
        key=lambda p: p.name,
        reverse=True,
    )
    return ([target] if target.exists() else []) + older


def prune_snapshots(target: Path, keep: int) -> list[Path]:
    """Delete timestamped snapshots beyond the newest ``keep`` (stable path included)."""
    removed = snapshot_files(target)[max(keep, 1) :]
    for path in removed:
        if path != target:
            path.unlink()
    return removed


__all__ = ["DatabaseBusy", "SnapshotResult", "snapshot_files", "write_snapshot"]
