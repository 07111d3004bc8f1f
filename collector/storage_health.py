"""Can the collector write? Recorded by the collector, read by `fanpulse status`.

The collector and `status` are different processes, so the collector keeps its view of
storage in a small JSON file, replaced atomically (temporary file, fsync, rename): next to
the spool, or next to the database when the spool's disk refuses it too. When nothing can
be written at all, that file may be stale, so `status` also looks at the file systems
themselves: one with (almost) no free space or mounted read-only is reported as failing.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analytics.core.config import DatabaseConfig
from collector.spool import write_durably

log = logging.getLogger(__name__)

HEALTH_FILE = "storage-health.state"  # JSON; not "*.json", which are spooled batches
# Below this much free space a write of one batch (and DuckDB's WAL) cannot be trusted.
LOW_SPACE_BYTES = 1_000_000
# While storage fails, the file is refreshed at least this often (its "updated" moves on).
REFRESH_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class StorageReport:
    failing: bool
    reason: str | None = None
    since: datetime | None = None
    updated: datetime | None = None
    memory_batches: int = 0  # neither stored nor spooled: held in the collector's memory
    memory_posts: int = 0
    polling_paused: bool = False  # the memory backlog is full: no channel is polled

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("since", "updated"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StorageReport:
        times = {
            key: datetime.fromisoformat(data[key]) if data.get(key) else None
            for key in ("since", "updated")
        }
        return cls(
            failing=bool(data["failing"]),
            reason=data.get("reason"),
            memory_batches=int(data.get("memory_batches", 0)),
            memory_posts=int(data.get("memory_posts", 0)),
            polling_paused=bool(data.get("polling_paused", False)),
            **times,
        )


def health_paths(database: DatabaseConfig) -> list[Path]:
    """Where the report is written, in order of preference."""
    return [
        database.spool / HEALTH_FILE,
        database.path.with_name(f"{database.path.stem}-{HEALTH_FILE}"),
    ]


class StorageHealth:
    """The collector's side: remember whether the last write worked, and publish it."""

    def __init__(self, database: DatabaseConfig) -> None:
        self._paths = health_paths(database)
        self.report = StorageReport(failing=False)
        self._written: StorageReport | None = None
        self._written_at = 0.0

    @property
    def failing(self) -> bool:
        return self.report.failing

    def update(
        self,
        reason: str | None,
        *,
        memory_batches: int = 0,
        memory_posts: int = 0,
        polling_paused: bool = False,
    ) -> None:
        """Record the outcome of the latest write: ``reason`` is None when it worked."""
        now = datetime.now(UTC)
        failing = reason is not None or memory_batches > 0
        self._log_change(failing, reason)
        since = (self.report.since or now) if failing and self.report.failing else now
        report = StorageReport(
            failing=failing,
            reason=reason if failing else None,
            since=since if failing else None,
            updated=now,
            memory_batches=memory_batches,
            memory_posts=memory_posts,
            polling_paused=polling_paused,
        )
        self.report = report
        unchanged = self._written is not None and replace(self._written, updated=None) == replace(
            report, updated=None
        )
        stale = time.monotonic() - self._written_at > REFRESH_SECONDS
        if not unchanged or (failing and stale):
            self._publish(report)

    def _log_change(self, failing: bool, reason: str | None) -> None:
        if failing and not self.report.failing:
            log.error("storage failing: %s", reason or "batches wait in memory")
        elif not failing and self.report.failing:
            log.warning("storage works again (failing since %s)", self.report.since)

    def _publish(self, report: StorageReport) -> None:
        data = json.dumps(report.to_json()).encode()
        problems = []
        for path in self._paths:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                write_durably(path, data)
            except OSError as exc:
                problems.append(f"{path}: {exc.strerror or exc}")
                continue
            self._written, self._written_at = report, time.monotonic()
            # A report left at the other place by an earlier failure must not outlive this.
            for other in self._paths:
                if other != path:
                    _remove_quietly(other)
            return
        log.warning("cannot record storage health (%s)", "; ".join(problems))


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:  # e.g. its directory cannot be reached: then nothing is there
        log.debug("cannot remove %s: %s", path, exc)


def read_storage_health(database: DatabaseConfig) -> StorageReport:
    """What `status` says about storage: the collector's latest report, overruled by a
    file system that is full or read-only right now."""
    reports = []
    for path in health_paths(database):
        try:
            reports.append(StorageReport.from_json(json.loads(path.read_bytes())))
        except FileNotFoundError:
            continue
        except (OSError, ValueError, KeyError, TypeError) as exc:
            reports.append(StorageReport(failing=True, reason=f"unreadable {path}: {exc}"))
    recorded = max(
        reports,
        key=lambda r: r.updated or datetime.min.replace(tzinfo=UTC),
        default=StorageReport(failing=False),
    )
    problem = file_system_problem([database.path.parent, database.spool])
    if problem is None:
        return recorded
    reason = f"{problem}; {recorded.reason}" if recorded.reason else problem
    return replace(recorded, failing=True, reason=reason)


def file_system_problem(directories: list[Path]) -> str | None:
    """A full or read-only file system under any of ``directories``, named; else None."""
    problems = []
    seen: set[int] = set()
    for directory in directories:
        existing = _nearest_existing(directory)
        try:
            stat = os.statvfs(existing)
            device = os.stat(existing).st_dev
        except OSError as exc:
            problems.append(f"cannot inspect {existing}: {exc.strerror or exc}")
            continue
        if device in seen:
            continue
        seen.add(device)
        if stat.f_flag & os.ST_RDONLY:
            problems.append(f"read-only file system at {existing}")
        elif (free := stat.f_bavail * stat.f_frsize) < LOW_SPACE_BYTES:
            problems.append(f"no space left on the file system of {existing} ({free // 1024} KB)")
    return "; ".join(problems) or None


def _nearest_existing(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path.parent != path:
        path = path.parent
    return path
