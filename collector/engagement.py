"""Refreshing the counts of recent posts, one source at a time, within each API's budget.

Polls see most posts once, so every ``collector.engagement.refresh_every`` the daemon asks
each source that can look posts up by id (Mastodon, Reddit, Bluesky, YouTube) for the
counts of its posts younger than ``refresh_for``: those asked for longest ago first, at most
``max_calls`` requests per source. Requests go through the shared fetcher (retries,
``Retry-After``, per-host limits); a server asking to wait longer than the fetcher waits
puts that source's refresh off until then, and the other sources carry on.

Storage: counts are re-fetchable, so a refresh whose result cannot be written (the file is
held, the disk is full) is dropped, not spooled; its posts were not marked as asked for,
so the next refresh asks for them again. Only history points are missed, never counts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from analytics.core.config import AppConfig
from analytics.core.models import RefreshResult
from analytics.store.engagement import last_refresh, refresh_targets, save_refresh
from collector.failures import describe_failure, is_storage_failure
from collector.http import Fetcher
from collector.settings import EngagementConfig, collector_settings
from collector.sources import Source

log = logging.getLogger(__name__)

# Posts asked for per request at most, across platforms: bounds how many targets are read.
MAX_BATCH = 100
# A refresh runs when the last one is at least this share of refresh_every ago.
EARLY_SHARE = 0.9


@dataclass(slots=True)
class RefreshReport:
    """What one refresh did, per source name."""

    results: dict[str, RefreshResult] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # source name → why
    history_rows: int = 0
    stored: bool = False
    storage_error: str | None = None


class EngagementRefresher:
    """Holds what refreshes share: the sources, the settings, and when each may ask again."""

    def __init__(self, config: AppConfig, fetcher: Fetcher, sources: Sequence[Source]) -> None:
        self.config = config
        self.fetcher = fetcher
        self.sources = list(sources)
        self.settings: EngagementConfig = collector_settings(config).engagement
        self.not_before: dict[str, datetime] = {}  # source name → asked to wait until

    async def refresh_if_due(self, now: datetime, write_lock: asyncio.Lock) -> RefreshReport | None:
        """:meth:`refresh`, unless the last one (perhaps before a restart) was too recent."""
        every = self.settings.refresh_every
        if every is None:
            return None
        try:
            async with write_lock:
                last = await asyncio.to_thread(
                    last_refresh,
                    self.config.database_path,
                    self.config.database.spool_after.total_seconds(),
                )
        except Exception as exc:
            if not is_storage_failure(exc):
                raise
            log.info("engagement refresh postponed: %s", describe_failure(exc))
            return None
        # A little early is fine: the job's own clock drifts against the stored times.
        if last is not None and last + every * EARLY_SHARE > now:
            return None
        return await self.refresh(now, write_lock)

    async def refresh(self, now: datetime, write_lock: asyncio.Lock) -> RefreshReport:
        """One refresh of every source that can; never raises for a source's failure."""
        report = RefreshReport()
        since = now - self.settings.refresh_for
        path = self.config.database_path
        timeout = self.config.database.spool_after.total_seconds()
        for source in (s for s in self.sources if s.can_refresh_counts()):
            wait_until = self.not_before.get(source.name)
            if wait_until is not None and wait_until > now:
                report.skipped[source.name] = f"asked to wait until {wait_until:%H:%M:%S} UTC"
                continue
            try:
                async with write_lock:  # a read here would block the writer's next batch
                    targets = await asyncio.to_thread(
                        refresh_targets,
                        path,
                        source.name,
                        since,
                        self.settings.max_calls * MAX_BATCH,
                        timeout,
                    )
            except Exception as exc:
                if not is_storage_failure(exc):
                    raise
                report.skipped[source.name] = describe_failure(exc)
                log.info("engagement refresh postponed: %s", describe_failure(exc))
                return report  # the file cannot be read: nothing could be stored either
            if not targets:
                continue
            try:
                result = await source.refresh_counts(self.fetcher, targets, self.settings.max_calls)
            except Exception as exc:  # a parser bug must not stop the other sources
                log.exception("engagement refresh of %s failed unexpectedly", source.name)
                report.skipped[source.name] = f"internal error: {type(exc).__name__}: {exc}"
                continue
            self._note(source.name, result, now)
            report.results[source.name] = result
        if any(r.asked for r in report.results.values()):
            await self._store(report, now, write_lock)
        return report

    def _note(self, name: str, result: RefreshResult, now: datetime) -> None:
        if result.retry_after is not None:
            self.not_before[name] = now + timedelta(seconds=result.retry_after)
        if result.error:
            log.warning(
                "engagement refresh of %s stopped after %d requests: %s",
                name,
                result.calls,
                result.error,
            )
        log.info(
            "engagement refresh of %s: %d posts asked for in %d requests, %d answered, %d gone",
            name,
            len(result.asked),
            result.calls,
            len(result.counts),
            len(result.gone),
        )

    async def _store(self, report: RefreshReport, now: datetime, write_lock: asyncio.Lock) -> None:
        path = self.config.database_path
        timeout = self.config.database.spool_after.total_seconds()
        try:
            async with write_lock:
                report.history_rows = await asyncio.to_thread(
                    save_refresh, path, list(report.results.values()), now, timeout
                )
        except Exception as exc:
            if not is_storage_failure(exc):
                raise
            # Counts can be asked for again: dropped, and the posts stay due.
            report.storage_error = describe_failure(exc)
            log.warning("engagement refresh not stored (%s); asked again next time", exc)
            return
        report.stored = True
