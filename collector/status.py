"""`fanpulse status`: every source's health, plus storage, the spool and the snapshot, for
people and for monitoring (exit status, ``--json``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from analytics.core.config import AppConfig
from analytics.queries.digests import DigestStatus, latest_digest
from analytics.queries.health import SourceHealth, source_health
from analytics.store import connect
from collector.sources import build_sources
from collector.spool import Spool
from collector.storage_health import StorageReport, read_storage_health

# Batches waiting longer than this mean a reader has held the file far too long.
SPOOL_STALE = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class StatusReport:
    sources: list[SourceHealth]
    spooled: int
    spool_oldest: timedelta | None
    snapshot_taken_at: datetime | None
    storage: StorageReport = StorageReport(failing=False)
    digest: DigestStatus | None = None  # the latest emailed brief, if any was attempted

    @property
    def spool_stale(self) -> bool:
        return self.spool_oldest is not None and self.spool_oldest > SPOOL_STALE

    @property
    def healthy(self) -> bool:
        return (
            all(s.healthy for s in self.sources)
            and not self.spool_stale
            and not self.storage.failing
            and not (self.digest is not None and self.digest.failing)
        )


def _idle_sources(config: AppConfig) -> dict[str, str]:
    """Sources with nothing to poll (e.g. a search without its credentials), and why."""
    return {
        source.name: f"nothing to poll: {source.auth_status()}"
        for source in build_sources(config)
        if not source.channels()
    }


def collection_status(config: AppConfig, now: datetime | None = None) -> StatusReport:
    spool = Spool(config.database.spool)
    with connect(
        config.database_path,
        read_only=True,
        lock_timeout=config.database.lock_timeout.total_seconds(),
    ) as con:
        sources = source_health(con, list(config.source_specs()), now, spool.latest_states())
        digest = latest_digest(con)
    idle = _idle_sources(config)
    sources = [
        replace(s, status="idle", detail=idle[s.name]) if s.name in idle else s for s in sources
    ]
    oldest = spool.oldest_age()
    snapshot = config.database.snapshot
    return StatusReport(
        sources=sources,
        spooled=len(spool.pending()),
        spool_oldest=timedelta(seconds=oldest) if oldest is not None else None,
        snapshot_taken_at=(
            datetime.fromtimestamp(snapshot.stat().st_mtime, UTC) if snapshot.exists() else None
        ),
        storage=read_storage_health(config.database),
        digest=digest,
    )
