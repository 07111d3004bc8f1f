"""A durable on-disk queue of batches the database could not take yet.

When the database cannot take a batch — a reader holds the DuckDB file longer than
``database.spool_after`` (an analyst's open session), its disk is full or read-only, an I/O
error — the collector writes the batch here instead of dropping it, moves on, and stores it
later. ``database.spool_dir`` may live on another disk than the database for that reason.
Each batch is one JSON file, written to a temporary name, synced and then renamed, so a
killed process leaves either a whole file or none. File names sort in the order batches were
spooled, which is the order they must be stored in (a channel's later state must not be
overwritten by an earlier one).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from analytics.core.models import (
    Attention,
    Mention,
    Post,
    RunBatch,
    RunRecord,
    ScoredPost,
    Sentiment,
    SourceState,
)
from analytics.core.post_ids import upgrade_stored_id
from analytics.store import connect, store_batches, transaction
from collector.failures import describe_failure, is_storage_failure

log = logging.getLogger(__name__)

FORMAT_VERSION = 2
# Format 1 batches were spooled before feed guids were qualified by their feed: their ids
# are upgraded as schema version 8 upgraded the stored ones, or a re-poll would store them twice.
_UNQUALIFIED_IDS_FORMAT = 1
REJECTED = "rejected"


class SpoolFileError(Exception):
    """A spooled file that cannot be read back (kept aside in ``rejected/``, never deleted)."""


class Spool:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._sequence = 0
        self._lock = threading.Lock()

    def put(self, batch: RunBatch) -> Path:
        """Write ``batch`` durably; return its file."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._lock:
            self._sequence += 1
            name = f"{time.time_ns():020d}-{os.getpid()}-{self._sequence:06d}.json"
        final = self.directory / name
        write_durably(final, _json_bytes(encode_batch(batch)))
        return final

    def pending(self) -> list[Path]:
        """Spooled batch files, oldest first (unfinished ``.tmp`` files are not batches)."""
        if not self.directory.is_dir():
            return []
        # Batch files are named by the time they were spooled; other files are not batches.
        return sorted(p for p in self.directory.glob("*.json") if p.name[:1].isdigit())

    def latest_states(self) -> dict[tuple[str, str], SourceState]:
        """The newest channel states the spooled batches carry (they are newer than the
        database's until stored); unreadable files are skipped here, rejected when stored."""
        states: dict[tuple[str, str], SourceState] = {}
        for file in self.pending():
            try:
                batch = self.load(file)
            except (SpoolFileError, OSError):
                continue
            for state in batch.states:
                states[(state.source_name, state.channel)] = state
        return states

    def oldest_age(self) -> float | None:
        """Seconds since the oldest waiting batch was spooled, or None when empty."""
        files = self.pending()
        if not files:
            return None
        spooled_ns = int(files[0].name.split("-", 1)[0])
        return max(0.0, (time.time_ns() - spooled_ns) / 1e9)

    def load(self, path: Path) -> RunBatch:
        try:
            return decode_batch(json.loads(path.read_bytes()))
        except (ValueError, KeyError, TypeError) as exc:
            raise SpoolFileError(f"{path.name}: {type(exc).__name__}: {exc}") from exc

    def remove(self, path: Path) -> None:
        path.unlink(missing_ok=True)

    def reject(self, path: Path, reason: str) -> Path:
        """Keep a batch that cannot be stored out of the queue, for a person to look at."""
        rejected = self.directory / REJECTED
        rejected.mkdir(exist_ok=True)
        target = rejected / path.name
        path.rename(target)
        log.error("spooled batch %s cannot be stored (%s); kept in %s", path.name, reason, target)
        return target

    def reject_batch(self, batch: RunBatch, reason: str) -> Path:
        """Keep a batch the database refused for its own content (never a storage failure)
        aside in ``rejected/``, so its channel moves on and a person can look at it."""
        rejected = self.directory / REJECTED
        rejected.mkdir(parents=True, exist_ok=True)
        with self._lock:
            self._sequence += 1
            name = f"{time.time_ns():020d}-{os.getpid()}-{self._sequence:06d}.json"
        target = rejected / name
        write_durably(target, _json_bytes({**encode_batch(batch), "rejected_because": reason}))
        log.error(
            "batch of %s (%s) cannot be stored (%s); kept in %s",
            batch.run.source_name,
            batch.run.channel,
            reason,
            target,
        )
        return target

    def store_into(self, database: Path, lock_timeout: float) -> int:
        """Store spooled batches in order (blocking); return how many were stored.

        Raises on a storage failure (DatabaseBusy, OSError, …); what was stored stays
        stored. A file that cannot be read back, or that the database refuses for its own
        content, is moved to ``rejected/`` and the others go on.
        """
        files = self.pending()
        if not files:
            return 0
        stored = 0
        with connect(database, lock_timeout=lock_timeout) as con:
            for file in files:
                try:
                    batch = self.load(file)
                except SpoolFileError as exc:
                    self.reject(file, str(exc))
                    continue
                try:
                    with transaction(con):
                        store_batches(con, [batch])
                except Exception as exc:
                    if is_storage_failure(exc):
                        raise
                    self.reject(file, describe_failure(exc))
                    continue
                # Removed after the commit: a crash in between stores it again, and
                # the batch id makes that second store a no-op.
                self.remove(file)
                stored += 1
        log.info("stored %d spooled batches", stored)
        return stored


def _json_bytes(content: dict[str, Any]) -> bytes:
    return json.dumps(content, ensure_ascii=False).encode("utf-8")


def write_durably(final: Path, data: bytes) -> None:
    """Temporary file, fsync, rename, fsync the directory: a whole file or none, even when
    the process is killed; a failed write (disk full) leaves no partial file behind."""
    temporary = final.with_suffix(".tmp")
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(final)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
    _sync_directory(final.parent)


def _sync_directory(directory: Path) -> None:
    # The rename is durable only once the directory entry itself is on disk.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def encode_batch(batch: RunBatch) -> dict[str, Any]:
    return {"format": FORMAT_VERSION, **_json_value(asdict(batch))}


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def decode_batch(data: dict[str, Any]) -> RunBatch:
    data = {key: value for key, value in data.items() if key != "rejected_because"}
    if data.get("format") not in (_UNQUALIFIED_IDS_FORMAT, FORMAT_VERSION):
        raise ValueError(f"unknown spool format {data.get('format')!r}")
    upgrade_ids = data["format"] == _UNQUALIFIED_IDS_FORMAT
    run = data["run"]
    return RunBatch(
        run=RunRecord(
            **{
                **run,
                "started_at": _time(run["started_at"]),
                "finished_at": _time(run["finished_at"]),
            }
        ),
        posts=[_scored_post(item, upgrade_ids) for item in data["posts"]],
        states=[_state(item) for item in data["states"]],
        attention=[
            Attention(**{**a, "day": date.fromisoformat(a["day"])}) for a in data["attention"]
        ],
    )


def _scored_post(item: dict[str, Any], upgrade_ids: bool) -> ScoredPost:
    post = item["post"]
    post_id = post["post_id"]
    if upgrade_ids:
        post_id = upgrade_stored_id(post_id, post["source"], post["channel"])
    return ScoredPost(
        post=Post(**{**post, "post_id": post_id, "created_at": _time(post["created_at"])}),
        sentiment=Sentiment(**item["sentiment"]),
        content_hash=item["content_hash"],
        mentions=[Mention(**{**m, "post_id": post_id}) for m in item["mentions"]],
    )


def _state(item: dict[str, Any]) -> SourceState:
    times = ("next_due_at", "last_attempt_at", "last_success_at")
    return SourceState(**{**item, **{key: _time(item[key]) for key in times}})
