"""Scheduled collection: each channel polled when due, until SIGTERM or Ctrl-C.

APScheduler is only the clock. When a channel is due next lives in ``source_state``
(decided by :mod:`collector.policy`) and in this process's mirror of it, so a restart
resumes where it stopped and a failing source stays backed off. One persistent interval
job, the dispatcher, asks every second "which channels are due now?" and starts each one
that is not already running; only a finished run moves a channel's due time on. No channel
can leave the schedule: there is no per-channel job to be skipped or lost, and a watchdog
reports (and re-arms) any channel more than twice its interval past due.
"""

from __future__ import annotations

import asyncio
import logging
import random
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import httpx
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from analytics.core.config import AppConfig
from analytics.queries.health import stall_limit
from analytics.store import DatabaseBusy, DatabaseMissing, StorageIOError
from analytics.store.damage import DatabaseDamaged
from analytics.store.snapshot import write_snapshot
from collector.alerts import deliver, find_alerts
from collector.digest import BriefSource, Digest
from collector.engagement import EngagementRefresher
from collector.failures import describe_failure
from collector.http import Fetcher
from collector.runner import ChannelJob, Collector
from collector.settings import collector_settings
from collector.sources import build_sources

log = logging.getLogger(__name__)

# A job that could not start on time (e.g. the machine slept) still runs when it can.
MISFIRE_GRACE = timedelta(hours=6)
# How often the dispatcher looks for due channels.
TICK_SECONDS = 1.0
# Spread polls by up to this share of the interval so sources do not fire in lockstep;
# at start-up, over at most STARTUP_SPREAD so a fresh install collects at once.
JITTER_SHARE = 0.1
STARTUP_SPREAD = 20.0
# A run that failed unexpectedly (a bug, not a source's failure) is retried this much later.
STORE_RETRY = 60
# On SIGTERM, running channels get this long to finish their batch before being cancelled.
STOP_GRACE_SECONDS = 10.0
# Batches waiting in the spool or in memory are offered to the database this often.
SPOOL_FLUSH_SECONDS = 5
# The first snapshot after start waits for the first collections to land (or one
# snapshot_every, when that is shorter).
FIRST_SNAPSHOT_DELAY = timedelta(minutes=2)
FIRST_ALERT_CHECK_DELAY = timedelta(minutes=1)
# The first counts refresh after start waits for the first polls (or one refresh_every).
FIRST_REFRESH_DELAY = timedelta(minutes=2)

Key = tuple[str, str]


class Daemon:
    def __init__(
        self, config: AppConfig, fetcher: Fetcher, brief: BriefSource | None = None
    ) -> None:
        self.config = config
        # The emailed brief, when configured; the app hands in what makes the brief.
        self.digest = (
            Digest(config, brief, lock_timeout=config.database.spool_after.total_seconds())
            if brief is not None and config.digest.enabled
            else None
        )
        self.collector = Collector(config, fetcher, build_sources(config))
        self.scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": int(MISFIRE_GRACE.total_seconds()),
            },
        )
        self.scheduler.add_listener(self._on_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)
        self.refresher = EngagementRefresher(config, fetcher, self.collector.sources)
        self.jobs: dict[Key, ChannelJob] = {}
        self.due: dict[Key, datetime] = {}  # the mirror of source_state.next_due_at, jittered
        self.polls: dict[Key, asyncio.Task[None]] = {}  # channels being polled now
        self.phase: dict[Key, tuple[str, float]] = {}  # "fetching"/"storing", since (monotonic)
        self.running: set[asyncio.Task[object]] = set()  # snapshot, alerts, spool flush
        self.stopping = False
        settings = fetcher.settings
        self.slots = settings.concurrency
        self._late: set[Key] = set()  # channels the watchdog has warned about
        # The longest a fetch can take with its retries, before it counts as stuck.
        self._fetch_budget = (
            settings.timeout.total_seconds() * (settings.retries + 1)
            + settings.max_retry_wait.total_seconds() * settings.retries
        )

    def arm(self, now: datetime) -> None:
        """Every channel's first due time: its saved one, or soon (spread) when it is past."""
        for job in self.collector.jobs():
            self.jobs[job.key] = job
            due = self.collector.state_for(job).next_due_at
            if due is None or due <= now:
                self.due[job.key] = now + self._jitter(job, max_spread=STARTUP_SPREAD)
            else:
                self.due[job.key] = due + self._jitter(job)

    def start(self) -> None:
        now = datetime.now(UTC)
        self.arm(now)
        for when in self.due.values():
            self._wake_at(when)
        self.scheduler.add_job(
            self._dispatch, "interval", seconds=TICK_SECONDS, next_run_time=now, id="dispatch"
        )
        self.scheduler.add_job(
            self._flush_spool, "interval", seconds=SPOOL_FLUSH_SECONDS, id="flush-spool"
        )
        if self.config.alerts.enabled:
            self.scheduler.add_job(
                self._check_alerts,
                "interval",
                seconds=self.config.alerts.check_every.total_seconds(),
                next_run_time=now + FIRST_ALERT_CHECK_DELAY,
                id="alerts",
            )
        refresh_every = self.refresher.settings.refresh_every
        if refresh_every is not None:
            self.scheduler.add_job(
                self._refresh_engagement,
                "interval",
                seconds=refresh_every.total_seconds(),
                next_run_time=now + min(FIRST_REFRESH_DELAY, refresh_every),
                id="engagement",
            )
        if self.digest is not None:
            self.scheduler.add_job(self._send_digest, digest_trigger(self.config), id="digest")
        every = self.config.database.snapshot_every
        if every is not None:
            self.scheduler.add_job(
                self._snapshot,
                "interval",
                seconds=every.total_seconds(),
                next_run_time=self._first_snapshot(now, every),
                id="snapshot",
            )
        self.scheduler.start()
        log.info("scheduled %d channels", len(self.jobs))

    def _jitter(self, job: ChannelJob, max_spread: float | None = None) -> timedelta:
        spread = self.collector.interval(job.source).total_seconds() * JITTER_SHARE
        if max_spread is not None:
            spread = min(spread, max_spread)
        return timedelta(seconds=random.uniform(0, spread))

    async def _dispatch(self) -> None:
        """The clock's tick: the guarantee that every due channel is seen within a second."""
        self._dispatch_now()

    def _wake_at(self, when: datetime) -> None:
        """Also look exactly when a channel falls due, so short intervals are kept to the
        millisecond rather than rounded up to the next tick."""
        delay = max(0.0, (when - datetime.now(UTC)).total_seconds())
        asyncio.get_running_loop().call_later(delay, self._dispatch_now)

    def _dispatch_now(self) -> None:
        """Start every due channel that is not running, most overdue first."""
        if self.stopping:
            return
        now = datetime.now(UTC)
        self._watchdog(now)
        if self.collector.polling_paused:
            return  # nothing could keep a new batch: cursors stay where they are
        free = self.slots - len(self.polls)
        if free <= 0:
            return
        due = sorted(
            (when, key) for key, when in self.due.items() if when <= now and key not in self.polls
        )
        for _, key in due[:free]:
            self._start(self.jobs[key])

    def _start(self, job: ChannelJob) -> None:
        task = asyncio.create_task(self._run(job), name=f"poll {job.source.name} {job.channel}")
        self.polls[job.key] = task
        task.add_done_callback(lambda done, key=job.key: self._finished(key, done))

    def _finished(self, key: Key, task: asyncio.Task[None]) -> None:
        if self.polls.get(key) is task:
            del self.polls[key]
        self.phase.pop(key, None)
        if not self.stopping:  # a slot is free: a channel waiting for one may start now
            asyncio.get_running_loop().call_soon(self._dispatch_now)

    def _watchdog(self, now: datetime) -> None:
        """Re-arm any channel more than twice its interval past due, and say so."""
        for key, job in self.jobs.items():
            due = self.due.get(key)
            if due is None:  # cannot happen by construction; never let a channel go
                log.warning("channel %s %s had no due time; due now", job.source.name, job.channel)
                self.due[key] = now
                continue
            limit = stall_limit(self.collector.interval(job.source))
            late = now - due
            if late <= limit:
                self._late.discard(key)
                continue
            task = self.polls.get(key)
            phase, since = self.phase.get(key, ("starting", time.monotonic()))
            running_for = time.monotonic() - since
            if task is not None and phase == "fetching" and running_for > self._fetch_budget:
                # Nothing fetched is kept yet and the state has not moved: safe to redo.
                log.warning(
                    "stalled: %s %s has been fetching for %.0fs, %s past due; cancelled and "
                    "re-armed to poll again now",
                    job.source.name,
                    job.channel,
                    running_for,
                    _seconds(late),
                )
                task.cancel()
                self.due[key] = datetime.now(UTC)
                self._late.add(key)
            elif key not in self._late:
                self._late.add(key)
                log.warning(
                    "stalled: %s %s is %s past due (limit %s); %s",
                    job.source.name,
                    job.channel,
                    _seconds(late),
                    _seconds(limit),
                    self._why_late(task, phase, running_for),
                )

    def _why_late(self, task: asyncio.Task[None] | None, phase: str, running_for: float) -> str:
        if task is not None and phase == "storing":
            # The batch is already with the writer, which stores, spools or keeps it: waiting
            # for it loses nothing, while polling again would only queue the same posts.
            return f"its batch has waited {running_for:.0f}s to be stored"
        if task is not None:
            return f"its poll has run for {running_for:.0f}s"
        if self.collector.polling_paused:
            return "polling is paused while batches wait in memory (storage failing)"
        return f"it runs as soon as one of the {self.slots} polling slots frees"

    async def _run(self, job: ChannelJob) -> None:
        key = job.key
        self.phase[key] = ("fetching", time.monotonic())

        def fetched() -> None:
            self.phase[key] = ("storing", time.monotonic())

        try:
            await self.collector.run(job, on_fetched=fetched)
        except asyncio.CancelledError:
            if not self.stopping:
                raise  # the watchdog gave up on it and has re-armed it
            # Abandoned on shutdown before its batch was written: nothing half-stored,
            # and the channel's saved state still says it is due, so it runs next start.
            log.info("abandoned %s on shutdown", job.source.name)
            return
        except Exception:
            # A bug, not a source's failure or storage's (both are values by now): the
            # state did not advance, so the retry fetches the same posts.
            log.exception("run of %s failed; retrying in %ss", job.source.name, STORE_RETRY)
            retry_at = datetime.now(UTC) + timedelta(seconds=STORE_RETRY)
            self.due[key] = retry_at + self._jitter(job, max_spread=STORE_RETRY * JITTER_SHARE)
            self._wake_at(self.due[key])
            return
        due = self.collector.state_for(job).next_due_at
        if due is None:  # a source that saved no state: its interval from now
            due = datetime.now(UTC) + self.collector.interval(job.source)
        self.due[key] = due + self._jitter(job)
        self._wake_at(self.due[key])

    def _first_snapshot(self, now: datetime, every: timedelta) -> datetime:
        snapshot = self.config.database.snapshot
        if snapshot.exists():
            taken = datetime.fromtimestamp(snapshot.stat().st_mtime, UTC)
            if taken + every > now:
                return taken + every
        # Never later than one period: a daemon restarted more often than the delay (a
        # crash loop) would otherwise never take a snapshot at all.
        return now + min(FIRST_SNAPSHOT_DELAY, every)

    async def _flush_spool(self) -> None:
        """Offer spooled and in-memory batches to the database (and prepare it, when the
        file was held at start-up); a failure is recorded as storage health, not raised."""
        if self.stopping or not self.collector.needs_catch_up:
            return
        with self._tracked():
            if not await self.collector.catch_up():
                log.info(
                    "batches still wait for the database: %s", self.collector.health.report.reason
                )

    async def _check_alerts(self) -> None:
        """Record new spikes and unhealthy sources, then send what is undelivered."""
        if self.stopping:
            return
        with self._tracked():
            try:
                async with self.collector.write_lock:
                    new = await asyncio.to_thread(find_alerts, self.config)
                if new:
                    log.info("%d new alerts: %s", len(new), "; ".join(a.title for a in new))
                async with httpx.AsyncClient(follow_redirects=False) as client:
                    await deliver(self.config, client)
            except DatabaseBusy as exc:
                log.info("alert check postponed: %s", exc)

    async def _send_digest(self) -> None:
        """Email the brief of the last days; the outcome is kept in digest_deliveries."""
        if self.stopping or self.digest is None:
            return
        with self._tracked():
            try:
                await self.digest.run(
                    "scheduled",
                    datetime.now(UTC),
                    lock=self.collector.write_lock,
                    stopping=lambda: self.stopping,
                )
            except (DatabaseBusy, DatabaseMissing, StorageIOError) as exc:
                log.error("digest not sent: its figures could not be read: %s", exc)

    async def _refresh_engagement(self) -> None:
        """Ask the platforms again for the counts of recent posts (see collector.engagement).

        Never while storage fails (the answer could not be kept) or a stop is under way; a
        failure is logged and the next period tries again: polling goes on regardless.
        """
        if self.stopping or self.collector.health.failing or not self.collector.prepared:
            return
        with self._tracked():
            try:
                report = await self.refresher.refresh_if_due(
                    datetime.now(UTC), self.collector.write_lock
                )
            except Exception:
                log.exception("engagement refresh failed; the next period tries again")
                return
        if report is not None and report.results:
            log.info(
                "engagement refreshed for %d sources: %d history rows%s",
                len(report.results),
                report.history_rows,
                "" if report.stored else f" (not stored: {report.storage_error})",
            )

    async def _snapshot(self) -> None:
        if self.stopping:
            return
        database = self.config.database
        with self._tracked():
            # Under the write lock: our own batches wait (in memory) rather than spool.
            async with self.collector.write_lock:
                try:
                    result = await asyncio.to_thread(
                        write_snapshot,
                        database.path,
                        database.snapshot,
                        database.lock_timeout.total_seconds(),
                        database.snapshot_keep,
                    )
                except DatabaseBusy as exc:
                    log.warning("snapshot skipped: %s", exc)
                    return
                except DatabaseDamaged as exc:  # older snapshots stay as they are
                    log.error("snapshot skipped: %s", exc)
                    return
                except (OSError, StorageIOError) as exc:
                    # Its disk is full or failing: the older snapshots stay, the next
                    # period tries again.
                    log.error("snapshot not written: %s", describe_failure(exc))
                    return
        log.info(
            "snapshot %s: %d posts, %.1f MB in %.1fs",
            result.path,
            result.posts,
            result.bytes / 1e6,
            result.seconds,
        )

    @contextmanager
    def _tracked(self) -> Iterator[None]:
        """Count the current task as running work, which a stop lets finish."""
        task = asyncio.current_task()
        if task is not None:
            self.running.add(task)
        try:
            yield
        finally:
            if task is not None:
                self.running.discard(task)

    def _on_event(self, event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            log.warning("job %s missed its time %s", event.job_id, event.scheduled_run_time)
        else:
            log.error("job %s failed: %r", event.job_id, event.exception)

    async def stop(self) -> None:
        """Stop taking work, give running batches time to finish, then cancel them."""
        self.stopping = True
        self.scheduler.pause()  # shutdown() would cancel running jobs at once
        work = set(self.running) | set(self.polls.values())
        if work:
            log.info("waiting for %d running channels to finish", len(work))
            _, pending = await asyncio.wait(work, timeout=STOP_GRACE_SECONDS)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        # Batches already handed to the writer are stored (or spooled) before exit; any it
        # could not reach in time were never stored, so their channels are fetched again.
        # Batches held in memory (neither database nor spool writable) get one last try.
        try:
            await asyncio.wait_for(self.collector.drain(), timeout=STOP_GRACE_SECONDS)
        except TimeoutError:
            log.warning("stopped before every fetched batch was stored; they are fetched again")
        if self.collector.backlog and not await self.collector.catch_up():
            log.error(
                "%d batches could be neither stored nor spooled (%s); their channels' saved "
                "state did not move, so the next start fetches them again",
                len(self.collector.backlog),
                self.collector.health.report.reason,
            )
        self.scheduler.shutdown(wait=False)


def digest_trigger(config: AppConfig) -> CronTrigger:
    """The digest's clock: every day, or one weekday, at its UTC time."""
    settings = config.digest
    at = settings.send_time
    day = settings.day[:3] if settings.schedule == "weekly" else "*"
    return CronTrigger(day_of_week=day, hour=at.hour, minute=at.minute, timezone=UTC)


def _seconds(delta: timedelta) -> str:
    return f"{delta.total_seconds():.0f}s"


async def run_daemon(
    config: AppConfig, stop: asyncio.Event | None = None, brief: BriefSource | None = None
) -> None:
    """Collect until ``stop`` (or SIGTERM/SIGINT); ``brief`` makes the emailed digest."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with Fetcher(collector_settings(config)) as fetcher:
        daemon = Daemon(config, fetcher, brief)
        await asyncio.to_thread(daemon.collector.prepare)
        daemon.start()
        await stop.wait()
        log.info("stopping")
        await daemon.stop()
    log.info("stopped")
