"""Scheduled collection: each channel polled when due, until SIGTERM or Ctrl-C.

APScheduler is only the clock. When a channel is due next lives in ``source_state``
(decided by :mod:`collector.policy`), so a restart resumes where it stopped and a failing
source stays backed off. Each channel is a one-shot job that re-arms itself after its run.
"""

from __future__ import annotations

import asyncio
import logging
import random
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import httpx
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from analytics.config import AppConfig
from analytics.damage import DatabaseDamaged
from analytics.snapshot import write_snapshot
from analytics.store import DatabaseBusy
from collector.alerts import deliver, find_alerts
from collector.http import Fetcher
from collector.runner import ChannelJob, Collector
from collector.sources import build_sources

log = logging.getLogger(__name__)

# A job that could not start on time (e.g. the machine slept) still runs when it can.
MISFIRE_GRACE = timedelta(hours=6)
# Spread polls by up to this share of the interval so sources do not fire in lockstep;
# at start-up, over at most STARTUP_SPREAD so a fresh install collects at once.
JITTER_SHARE = 0.1
STARTUP_SPREAD = 20.0
# A batch that could not be stored is fetched again after this many seconds.
STORE_RETRY = 60
# On SIGTERM, running channels get this long to finish their batch before being cancelled.
STOP_GRACE_SECONDS = 10.0
# Spooled batches (the file was held by a reader) are offered to the database this often.
SPOOL_FLUSH_SECONDS = 15
# The first snapshot after start waits for the first collections to land.
FIRST_SNAPSHOT_DELAY = timedelta(minutes=2)
FIRST_ALERT_CHECK_DELAY = timedelta(minutes=1)


class Daemon:
    def __init__(self, config: AppConfig, fetcher: Fetcher) -> None:
        self.config = config
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
        self.running: set[asyncio.Task[object]] = set()
        self.stopping = False

    def start(self) -> None:
        now = datetime.now(UTC)
        for job in self.collector.jobs():
            due = self.collector.state_for(job).next_due_at
            self._arm(job, due if due and due > now else now, max_jitter=STARTUP_SPREAD)
        channels = len(self.scheduler.get_jobs())
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
        log.info("scheduled %d channels", channels)

    def _first_snapshot(self, now: datetime, every: timedelta) -> datetime:
        snapshot = self.config.database.snapshot
        if snapshot.exists():
            taken = datetime.fromtimestamp(snapshot.stat().st_mtime, UTC)
            if taken + every > now:
                return taken + every
        return now + FIRST_SNAPSHOT_DELAY

    async def _flush_spool(self) -> None:
        if self.stopping or not self.collector.spool.pending():
            return
        with self._tracked():
            try:
                await self.collector.flush_spool_async()
            except DatabaseBusy as exc:
                log.info("spooled batches still wait: %s", exc)

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

    def _arm(self, job: ChannelJob, when: datetime, max_jitter: float | None = None) -> None:
        spread = self.collector.interval(job.source).total_seconds() * JITTER_SHARE
        if max_jitter is not None:
            spread = min(spread, max_jitter)
        jitter = timedelta(seconds=random.uniform(0, spread))
        self.scheduler.add_job(
            self._run,
            "date",
            run_date=when + jitter,
            args=[job],
            id=f"{job.source.name}|{job.channel}",
            name=job.source.name,
            replace_existing=True,
        )

    async def _run(self, job: ChannelJob) -> None:
        if self.stopping:
            return
        stored = False
        try:
            with self._tracked():
                await self.collector.run(job)
            stored = True
        except asyncio.CancelledError:
            if not self.stopping:
                raise
            # Abandoned on shutdown before its batch was written: nothing half-stored,
            # and the channel's saved state still says it is due, so it runs next start.
            log.info("abandoned %s on shutdown", job.source.name)
        except Exception:
            # The batch could be neither stored nor spooled (e.g. the disk is full).
            # The channel's state did not advance, so the retry fetches the same posts.
            log.exception("could not store %s; retrying in %ss", job.source.name, STORE_RETRY)
        finally:
            # When stopping, nothing more is armed: saved due times resume on the next start.
            if not self.stopping:
                self._rearm(job, stored)

    def _rearm(self, job: ChannelJob, stored: bool) -> None:
        due = self.collector.state_for(job).next_due_at
        if stored and due is not None:
            self._arm(job, due)
        else:
            retry_at = datetime.now(UTC) + timedelta(seconds=STORE_RETRY)
            self._arm(job, retry_at, max_jitter=STORE_RETRY * JITTER_SHARE)

    def _on_event(self, event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            log.warning("job %s missed its time %s", event.job_id, event.scheduled_run_time)
        else:
            log.error("job %s failed: %r", event.job_id, event.exception)

    async def stop(self) -> None:
        """Stop taking work, give running batches time to finish, then cancel them."""
        self.stopping = True
        self.scheduler.pause()  # shutdown() would cancel running jobs at once
        if self.running:
            log.info("waiting for %d running channels to finish", len(self.running))
            _, pending = await asyncio.wait(set(self.running), timeout=STOP_GRACE_SECONDS)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        # Batches already handed to the writer are stored (or spooled) before exit; any it
        # could not reach in time were never stored, so their channels are fetched again.
        try:
            await asyncio.wait_for(self.collector.drain(), timeout=STOP_GRACE_SECONDS)
        except TimeoutError:
            log.warning("stopped before every fetched batch was stored; they are fetched again")
        self.scheduler.shutdown(wait=False)


async def run_daemon(config: AppConfig, stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with Fetcher(config.collector) as fetcher:
        daemon = Daemon(config, fetcher)
        await asyncio.to_thread(daemon.collector.prepare)
        daemon.start()
        await stop.wait()
        log.info("stopping")
        await daemon.stop()
    log.info("stopped")
