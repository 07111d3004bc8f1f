"""Run sources: fetch each channel, keep the relevant posts, store them with the run's record.

Errors are values here: a channel that fails (network, HTTP status, not a feed, a bug in a
parser) becomes an ``error`` row in ``collection_runs`` and a failure count on its state,
and every other channel carries on. Writes go through one lock, one transaction per run.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from analytics.config import AppConfig
from analytics.models import Attention, RunBatch, RunRecord, SourceState
from analytics.store import (
    DatabaseBusy,
    connect,
    load_states,
    prepare_database,
    save_batches,
    store_batches,
    transaction,
)
from collector.http import Fetcher, FetchError
from collector.matching import Matcher
from collector.pipeline import process_posts
from collector.policy import next_due
from collector.sources import Source, SourceError, build_sources
from collector.spool import Spool, SpoolFileError

log = logging.getLogger(__name__)

MAX_ERROR_CHARS = 500
# At most this many batches in one group commit.
MAX_GROUP = 100


@dataclass(frozen=True, slots=True)
class ChannelJob:
    source: Source
    channel: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.source.name, self.channel)


class Collector:
    """Holds what runs share: config, fetcher, matcher, saved states and the write lock."""

    def __init__(self, config: AppConfig, fetcher: Fetcher, sources: Sequence[Source]) -> None:
        self.config = config
        self.fetcher = fetcher
        self.sources = list(sources)
        self.matcher = Matcher(config.watchlist)
        self.states: dict[tuple[str, str], SourceState] = {}
        self.spool = Spool(config.database.spool)
        self.write_lock = asyncio.Lock()
        self._queue: list[tuple[RunBatch, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None
        self._lock_timeout = config.database.lock_timeout.total_seconds()
        self._spool_after = config.database.spool_after.total_seconds()

    def prepare(self) -> None:
        """Create/upgrade the database, sync entities, load saved state (blocking).

        Batches left in the spool are stored first; if the file is still held, their
        channel states are taken from the spool so nothing is fetched twice or skipped.
        """
        path = self.config.database_path
        prepare_database(path, self.config.watchlist.entities(), self._lock_timeout)
        try:
            self.flush_spool()
        except DatabaseBusy as exc:
            log.warning("spooled batches wait for the database: %s", exc)
        self.states = load_states(path, self._lock_timeout)
        for file in self.spool.pending():
            try:
                for state in self.spool.load(file).states:
                    self.states[(state.source_name, state.channel)] = state
            except SpoolFileError as exc:
                self.spool.reject(file, str(exc))

    def jobs(self) -> list[ChannelJob]:
        return [
            ChannelJob(source, channel) for source in self.sources for channel in source.channels()
        ]

    def interval(self, source: Source) -> timedelta:
        return source.entry.interval or self.config.collector.default_interval

    def state_for(self, job: ChannelJob) -> SourceState:
        return self.states.get(job.key) or SourceState(
            source_name=job.source.name, channel=job.channel, source=job.source.kind
        )

    async def run(self, job: ChannelJob) -> RunRecord:
        """Fetch, process and store one channel; never raises for a source's failure.

        The channel's state (ETag, cursor, due time) advances only once its batch is
        stored or spooled: if both fail, the next poll fetches the same posts again.
        """
        clock = time.monotonic()
        batch = await self.fetch(job)
        spooled = await self.save(batch)
        for state in batch.states:
            self.states[(state.source_name, state.channel)] = state
        run = batch.run
        log.info(
            "source=%s channel=%s status=%s fetched=%d new=%s off_topic=%d duration=%.2fs%s",
            run.source_name,
            run.channel,
            run.status,
            run.fetched,
            "spooled" if spooled else run.inserted,
            run.off_topic,
            time.monotonic() - clock,
            f" error={run.error!r}" if run.error else "",
        )
        return run

    async def fetch(self, job: ChannelJob) -> RunBatch:
        state = self.state_for(job)
        started = datetime.now(UTC)
        status, error, http_status, retry_after = "ok", None, None, None
        posts, off_topic, fetched = [], 0, 0
        attention: list[Attention] = []
        new_state = state
        try:
            collected = await job.source.collect(self.fetcher, job.channel, state)
            processed = await asyncio.to_thread(
                process_posts, collected.posts, self.matcher, show=job.source.entry.show
            )
            posts, off_topic, fetched = processed.relevant, processed.off_topic, collected.fetched
            http_status, new_state = collected.http_status, collected.state
            attention = collected.attention
            status = "not_modified" if collected.not_modified else "ok"
        except FetchError as exc:
            status, error, http_status, retry_after = "error", str(exc), exc.status, exc.retry_after
        except SourceError as exc:
            status, error = "error", str(exc)
        except Exception as exc:  # a parser bug must not stop the other sources
            log.exception("source %s failed unexpectedly on %s", job.source.name, job.channel)
            status, error = "error", f"internal error: {type(exc).__name__}: {exc}"
        finished = datetime.now(UTC)
        error = error[:MAX_ERROR_CHARS] if error else None
        failures = 0 if status != "error" else state.consecutive_failures + 1
        saved_state = replace(
            new_state if status != "error" else state,
            consecutive_failures=failures,
            last_error=error if status == "error" else None,
            last_attempt_at=finished,
            last_success_at=finished if status != "error" else state.last_success_at,
            next_due_at=next_due(finished, self.interval(job.source), failures, retry_after),
        )
        run = RunRecord(
            source_name=job.source.name,
            source=job.source.kind,
            channel=job.channel,
            started_at=started,
            finished_at=finished,
            status=status,
            fetched=fetched,
            off_topic=off_topic,
            http_status=http_status,
            error=error,
            batch_id=uuid.uuid4().hex,
        )
        return RunBatch(run=run, posts=posts, states=[saved_state], attention=attention)

    async def save(self, batch: RunBatch) -> bool:
        """Store the batch, or spool it if the file stays held; True when spooled.

        Batches that finish while a write is under way are stored together in the next
        transaction (a group commit): opening the file and committing cost ~30 ms, so a
        cycle of 200 feeds would otherwise spend seconds queueing for the file.
        """
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._queue.append((batch, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_queued())
        return await asyncio.shield(done)

    async def _write_queued(self) -> None:
        while self._queue:
            group, self._queue = self._queue[:MAX_GROUP], self._queue[MAX_GROUP:]
            async with self.write_lock:
                try:
                    outcomes = await asyncio.to_thread(
                        self._store_or_spool, [batch for batch, _ in group]
                    )
                except Exception as exc:  # e.g. the spool's disk is full: each run reports it
                    outcomes = [exc] * len(group)
            for (_, done), outcome in zip(group, outcomes, strict=True):
                if isinstance(outcome, BaseException):
                    done.set_exception(outcome)
                else:
                    done.set_result(outcome)

    async def drain(self) -> None:
        """Wait until every queued batch is stored or spooled (before shutting down)."""
        if self._writer is not None:
            await asyncio.gather(self._writer, return_exceptions=True)

    def _store_or_spool(self, batches: list[RunBatch]) -> list[bool | Exception]:
        """Store the group; per batch, True if spooled, False if stored, or its error."""
        try:
            # Older spooled batches go first, so a channel's newer state is never
            # overwritten by an older one.
            self.flush_spool()
            return self._save_group(batches)
        except DatabaseBusy as exc:
            for batch in batches:
                path = self.spool.put(batch)
                log.warning("database held by another process (%s); spooled %s", exc, path.name)
            return [True] * len(batches)

    def _save_group(self, batches: list[RunBatch]) -> list[bool | Exception]:
        path = self.config.database_path
        try:
            save_batches(path, batches, lock_timeout=self._spool_after)
            return [False] * len(batches)
        except DatabaseBusy:
            raise
        except Exception as exc:
            if len(batches) == 1:
                return [exc]
            # One bad batch must not fail the others it happened to be grouped with.
            log.warning("a group of %d batches failed (%s); storing one by one", len(batches), exc)
        outcomes: list[bool | Exception] = []
        for batch in batches:
            try:
                save_batches(path, [batch], lock_timeout=self._spool_after)
                outcomes.append(False)
            except DatabaseBusy:
                outcomes.append(self._spool_one(batch))
            except Exception as exc:
                outcomes.append(exc)
        return outcomes

    def _spool_one(self, batch: RunBatch) -> bool:
        path = self.spool.put(batch)
        log.warning("database held by another process; spooled %s", path.name)
        return True

    def flush_spool(self) -> int:
        """Store spooled batches in order (blocking); return how many were stored.

        Raises DatabaseBusy if the file is still held; what was stored stays stored.
        """
        files = self.spool.pending()
        if not files:
            return 0
        stored = 0
        with connect(self.config.database_path, lock_timeout=self._spool_after) as con:
            for file in files:
                try:
                    batch = self.spool.load(file)
                except SpoolFileError as exc:
                    self.spool.reject(file, str(exc))
                    continue
                with transaction(con):
                    store_batches(con, [batch])
                # Removed after the commit: a crash in between stores it again, and
                # the batch id makes that second store a no-op.
                self.spool.remove(file)
                stored += 1
        log.info("stored %d spooled batches", stored)
        return stored

    async def flush_spool_async(self) -> int:
        async with self.write_lock:
            return await asyncio.to_thread(self.flush_spool)


async def collect_once(
    config: AppConfig,
    *,
    on_start: Callable[[list[ChannelJob]], None] | None = None,
    on_done: Callable[[RunRecord], None] | None = None,
    fetcher: Fetcher | None = None,
) -> list[RunRecord]:
    """Run every enabled source's channels once, concurrently; return their run records."""
    sources = build_sources(config)
    async with fetcher or Fetcher(config.collector) as shared:
        collector = Collector(config, shared, sources)
        await asyncio.to_thread(collector.prepare)
        jobs = collector.jobs()
        if on_start:
            on_start(jobs)

        async def run_and_report(job: ChannelJob) -> RunRecord:
            record = await collector.run(job)
            if on_done:
                on_done(record)
            return record

        return list(await asyncio.gather(*(run_and_report(job) for job in jobs)))
