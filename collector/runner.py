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
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from analytics.core.config import AppConfig
from analytics.core.models import Attention, RunBatch, RunRecord, SourceState
from analytics.store import (
    load_states,
    prepare_database,
    save_batches,
)
from collector.failures import (
    MAX_ERROR_CHARS,
    StorageFailed,
    describe_failure,
    is_storage_failure,
)
from collector.http import Fetcher, FetchError
from collector.matching import Matcher
from collector.pipeline import process_posts
from collector.policy import next_due
from collector.sources import Source, SourceError
from collector.spool import Spool, SpoolFileError
from collector.storage_health import StorageHealth

log = logging.getLogger(__name__)

# At most this many batches, or (past the first batch) posts, in one group commit.
MAX_GROUP = 1000
MAX_GROUP_POSTS = 5000
# A fetched batch waits for the fetches still under way, so that a cycle is stored in one
# transaction (each costs an open, a commit and a checkpoint: ~50 ms, the price of 200
# unchanged feeds' requests). It waits no longer than this, and not once this many posts
# are queued (posts held in memory are what a collector's peak size is made of).
MAX_HOLD = 1.0
FLUSH_POSTS = 2000
# While storage is failing, a write waits at most this long for the file before the batch
# is spooled: a hold of minutes must not slow polling down.
PROBE_LOCK_TIMEOUT = 1.0
# Where a fetched batch went.
STORED, SPOOLED, IN_MEMORY, REJECTED = "stored", "spooled", "in memory", "rejected"


@dataclass(frozen=True, slots=True)
class ChannelJob:
    source: Source
    channel: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.source.name, self.channel)


class Collector:
    """Holds what runs share: config, fetcher, matcher, saved states and the write lock.

    Where a fetched batch goes: the database; else (any storage failure) the spool; else
    (the spool cannot be written either) an in-memory backlog. Older batches always reach
    the database first, so a channel's newer state is never overwritten by an older one:
    spool files are older than the memory backlog, which is older than new batches.
    """

    def __init__(self, config: AppConfig, fetcher: Fetcher, sources: Sequence[Source]) -> None:
        self.config = config
        self.fetcher = fetcher
        self.sources = list(sources)
        self.matcher = Matcher(config.watchlist)
        self.states: dict[tuple[str, str], SourceState] = {}
        self.spool = Spool(config.database.spool)
        self.health = StorageHealth(config.database)
        self.backlog: list[RunBatch] = []  # neither stored nor spooled, oldest first
        self.prepared = False  # schema migrated and saved states loaded
        self.write_lock = asyncio.Lock()
        self._queue: list[tuple[RunBatch, asyncio.Future[str]]] = []
        self._queued_posts = 0
        self._queued_since = 0.0  # loop time the oldest queued batch arrived
        self._fetching = 0  # runs between their start and their fetched batch
        self._draining = False  # store what is queued without waiting for fetches
        self._hold_timer: asyncio.TimerHandle | None = None
        self._writer: asyncio.Task[None] | None = None
        self._lock_timeout = config.database.lock_timeout.total_seconds()
        self._spool_after = config.database.spool_after.total_seconds()
        self._backlog_cap = config.database.memory_backlog_posts
        self._paused_logged = False
        self._spool_error: str | None = None  # why the spool refused the latest batch
        self.outcomes: Counter[str] = Counter()  # where this process's batches went

    def prepare(self) -> None:
        """Create/upgrade the database, sync entities, load saved state (blocking).

        Batches left in the spool are stored first. If the file cannot be opened (held
        read-write by another process, a full or read-only disk), collection starts anyway:
        channel states come from the spool, batches are spooled, and the database is
        prepared once it can be written.
        """
        try:
            self._prepare_database(self._spool_after)
        except Exception as exc:
            if not is_storage_failure(exc):
                raise
            log.warning(
                "database %s cannot be written yet (%s); collecting into the spool %s",
                self.config.database_path,
                describe_failure(exc),
                self.spool.directory,
            )
            self._record_health(describe_failure(exc))
        for file in self.spool.pending():
            try:
                for state in self.spool.load(file).states:
                    self.states[(state.source_name, state.channel)] = state
            except SpoolFileError as exc:
                self.spool.reject(file, str(exc))

    def _prepare_database(self, lock_timeout: float) -> None:
        """Migrate, store what the spool holds, and load saved states, once; states
        already known here (from the spool or from polls since) are newer."""
        if self.prepared:
            return
        path = self.config.database_path
        prepare_database(path, self.config.watchlist.entities(), lock_timeout)
        self.flush_spool(lock_timeout)
        for key, state in load_states(path, lock_timeout).items():
            self.states.setdefault(key, state)
        self.prepared = True

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

    @property
    def backlog_posts(self) -> int:
        return sum(max(1, len(batch.posts)) for batch in self.backlog)

    @property
    def polling_paused(self) -> bool:
        """The memory backlog is over its cap: polling waits, so cursors stay put."""
        return self.backlog_posts > self._backlog_cap

    @property
    def needs_catch_up(self) -> bool:
        """Something waits for the database: spooled or in-memory batches, or preparing."""
        return bool(self.backlog) or not self.prepared or bool(self.spool.pending())

    async def run(self, job: ChannelJob, on_fetched: Callable[[], None] | None = None) -> RunRecord:
        """Fetch, process and store one channel; never raises for a source's failure.

        The channel's state (ETag, cursor, due time) advances only together with its
        batch: stored, spooled, or held in memory while neither can be written.
        """
        clock = time.monotonic()
        self._fetching += 1
        try:
            batch = await self.fetch(job)
        finally:
            self._fetching -= 1
        if on_fetched:
            on_fetched()
        outcome = await self.save(batch)
        self.outcomes[outcome] += 1
        for state in batch.states:
            self.states[(state.source_name, state.channel)] = state
        run = batch.run
        log.info(
            "source=%s channel=%s status=%s fetched=%d new=%s off_topic=%d duration=%.2fs%s",
            run.source_name,
            run.channel,
            run.status,
            run.fetched,
            run.inserted if outcome == STORED else outcome,
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

    async def save(self, batch: RunBatch) -> str:
        """Store the batch, or keep it (spool, else memory); return where it went.

        Batches are stored together (a group commit): those that arrive while other
        fetches are still under way wait for them (at most ``MAX_HOLD`` seconds, or until
        ``FLUSH_POSTS`` posts are queued), so a cycle of 200 unchanged feeds costs one
        transaction rather than one per feed.
        """
        loop = asyncio.get_running_loop()
        done: asyncio.Future[str] = loop.create_future()
        if not self._queue:
            self._queued_since = loop.time()
        self._queue.append((batch, done))
        self._queued_posts += len(batch.posts)
        self._start_writer()
        return await asyncio.shield(done)

    def _ready_to_write(self) -> bool:
        if not self._queue:
            return False
        waited = asyncio.get_running_loop().time() - self._queued_since
        return (
            self._draining
            or self._fetching == 0
            or self._queued_posts >= FLUSH_POSTS
            or waited >= MAX_HOLD
        )

    def _start_writer(self) -> None:
        """Start the writer when the queue is ready; else look again when the hold ends."""
        if self._writer is not None and not self._writer.done():
            return  # it looks at the queue again after each group
        if self._ready_to_write():
            self._writer = asyncio.create_task(self._write_queued())
        elif self._queue:
            self._arm_hold_timer()

    def _arm_hold_timer(self) -> None:
        if self._hold_timer is not None:
            return
        loop = asyncio.get_running_loop()
        delay = max(0.0, self._queued_since + MAX_HOLD - loop.time())
        self._hold_timer = loop.call_later(delay, self._hold_ended)

    def _hold_ended(self) -> None:
        self._hold_timer = None
        self._start_writer()

    def _next_group(self) -> list[tuple[RunBatch, asyncio.Future[str]]]:
        """The oldest queued batches, up to ``MAX_GROUP`` batches and ``MAX_GROUP_POSTS``
        posts (always at least one batch)."""
        count, posts = 0, 0
        for batch, _ in self._queue[:MAX_GROUP]:
            if count and posts + len(batch.posts) > MAX_GROUP_POSTS:
                break
            count += 1
            posts += len(batch.posts)
        group, self._queue = self._queue[:count], self._queue[count:]
        # The rest arrived after the oldest: keeping its time only ends their hold sooner.
        self._queued_posts -= posts
        return group

    async def _write_queued(self) -> None:
        while self._ready_to_write():
            group = self._next_group()
            async with self.write_lock:
                try:
                    outcomes: list[str | BaseException] = list(
                        await asyncio.to_thread(self._store_or_keep, [b for b, _ in group])
                    )
                except Exception as exc:  # a bug here must not hang the waiting runs
                    log.exception("writing a group of %d batches failed", len(group))
                    outcomes = [exc] * len(group)
            for (_, done), outcome in zip(group, outcomes, strict=True):
                if isinstance(outcome, BaseException):
                    done.set_exception(outcome)
                else:
                    done.set_result(outcome)
        if self._queue:
            self._arm_hold_timer()

    async def drain(self) -> None:
        """Store (or keep) every queued batch now, without waiting for fetches still under
        way (before shutting down, and at the end of a single pass)."""
        self._draining = True
        try:
            while self._queue or (self._writer is not None and not self._writer.done()):
                self._start_writer()
                if self._writer is not None:
                    await asyncio.gather(self._writer, return_exceptions=True)
        finally:
            self._draining = False

    def _store_or_keep(self, batches: list[RunBatch]) -> list[str]:
        """Store the group after everything older; on a storage failure keep it instead.

        While storage is failing, each attempt waits for the file only briefly, so a long
        hold does not slow polling down: batches go to the spool at once.
        """
        try:
            self._catch_up(self._write_timeout())
            outcomes = self._store_in_order(batches, self._write_timeout())
        except StorageFailed as exc:
            handled = exc.outcomes
            kept = self._keep(batches[len(handled) :]) if len(handled) < len(batches) else []
            # A failure while catching up leaves ``handled`` empty: all of them are kept.
            self._record_health(str(exc))
            return handled + kept
        self._record_health(None)
        return outcomes

    def _write_timeout(self) -> float:
        if self.health.failing:
            return min(self._spool_after, PROBE_LOCK_TIMEOUT)
        return self._spool_after

    def _catch_up(self, lock_timeout: float) -> None:
        """Prepare the database if still needed, then store the spool and the memory
        backlog in order. Raises StorageFailed; what was stored stays stored."""
        try:
            self._prepare_database(lock_timeout)
            self.flush_spool(lock_timeout)
        except StorageFailed:
            raise
        except Exception as exc:
            if not is_storage_failure(exc):
                raise
            raise StorageFailed(exc, []) from exc
        while self.backlog:
            chunk = self.backlog[:MAX_GROUP]
            try:
                self._store_in_order(chunk, lock_timeout)
            except StorageFailed as exc:
                del self.backlog[: len(exc.outcomes)]
                raise StorageFailed(exc.cause, []) from exc.cause
            del self.backlog[: len(chunk)]

    def _store_in_order(self, batches: list[RunBatch], lock_timeout: float) -> list[str]:
        """Store ``batches`` in one transaction, or one by one when one of them is refused
        for its own content (that one is set aside in the spool's ``rejected/``)."""
        if not batches:
            return []
        path = self.config.database_path
        try:
            save_batches(path, batches, lock_timeout=lock_timeout)
            return [STORED] * len(batches)
        except Exception as exc:
            if is_storage_failure(exc):
                raise StorageFailed(exc, []) from exc
            if len(batches) == 1:
                return [self._set_aside(batches[0], exc, [])]
            log.warning("a group of %d batches failed (%s); storing one by one", len(batches), exc)
        outcomes: list[str] = []
        for batch in batches:
            try:
                save_batches(path, [batch], lock_timeout=lock_timeout)
                outcomes.append(STORED)
            except Exception as exc:
                if is_storage_failure(exc):
                    raise StorageFailed(exc, outcomes) from exc
                outcomes.append(self._set_aside(batch, exc, outcomes))
        return outcomes

    def _set_aside(self, batch: RunBatch, exc: BaseException, outcomes: list[str]) -> str:
        try:
            self.spool.reject_batch(batch, describe_failure(exc))
        except OSError as write_error:
            raise StorageFailed(write_error, outcomes) from write_error
        return REJECTED

    def _keep(self, batches: list[RunBatch]) -> list[str]:
        """Spool ``batches``; what the spool refuses waits in memory, in order."""
        self._backlog_to_spool()
        outcomes: list[str] = []
        for index, batch in enumerate(batches):
            if self.backlog:  # something older waits in memory: keep the order
                self.backlog.extend(batches[index:])
                outcomes += [IN_MEMORY] * (len(batches) - index)
                break
            try:
                path = self.spool.put(batch)
            except OSError as exc:
                log.error(
                    "cannot spool the batch of %s either (%s); keeping it in memory",
                    batch.run.source_name,
                    describe_failure(exc),
                )
                self._spool_error = describe_failure(exc)
                self.backlog.append(batch)
                outcomes.append(IN_MEMORY)
                continue
            log.warning("storage failing; spooled %s", path.name)
            outcomes.append(SPOOLED)
        self._check_backlog_cap()
        return outcomes

    def _backlog_to_spool(self) -> None:
        while self.backlog:
            try:
                self.spool.put(self.backlog[0])
            except OSError as exc:
                self._spool_error = describe_failure(exc)
                return
            self.backlog.pop(0)
            self._spool_error = None
            self._check_backlog_cap()

    def _check_backlog_cap(self) -> None:
        paused = self.polling_paused
        if paused and not self._paused_logged:
            log.error(
                "%d batches (%d posts) wait in memory, over database.memory_backlog_posts "
                "(%d): polling stops until the database or the spool can be written again",
                len(self.backlog),
                self.backlog_posts,
                self._backlog_cap,
            )
        elif not paused and self._paused_logged:
            log.warning("memory backlog down to %d batches; polling resumes", len(self.backlog))
        self._paused_logged = paused

    def _record_health(self, reason: str | None) -> None:
        if self.backlog and self._spool_error:
            reason = f"{reason or 'the database cannot be written'}; spool: {self._spool_error}"
        self.health.update(
            reason,
            memory_batches=len(self.backlog),
            memory_posts=self.backlog_posts,
            polling_paused=self.polling_paused,
        )

    def flush_spool(self, lock_timeout: float | None = None) -> int:
        """Store spooled batches in order (blocking); see :meth:`Spool.store_into`."""
        timeout = self._spool_after if lock_timeout is None else lock_timeout
        return self.spool.store_into(self.config.database_path, timeout)

    async def catch_up(self) -> bool:
        """Offer what waits (spool, memory) to the database; True when nothing waits."""
        async with self.write_lock:
            return await asyncio.to_thread(self._catch_up_and_record)

    def _catch_up_and_record(self) -> bool:
        try:
            self._catch_up(self._write_timeout())
        except StorageFailed as exc:
            self._backlog_to_spool()  # the spool may work again even if the database does not
            self._record_health(str(exc))
            return False
        self._record_health(None)
        return True
