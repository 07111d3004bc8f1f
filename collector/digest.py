"""The digest: the brief of the last days, emailed on schedule (or by hand), its outcome kept.

The brief itself is made by whoever hands in a :class:`BriefSource` (the app shell), in two
steps: ``read`` on the database, under the caller's lock so the collector's own writes never
meet it, then ``render`` without the file. Delivery is tried ``retries`` more times on a
failure that may pass (a refused connection, a 4xx answer), waiting longer each time up to
``max_retry_wait``; a refused login or recipient is not retried. The outcome goes to
``digest_deliveries``, which `fanpulse status` and Collection health read.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from analytics.core.config import AppConfig
from analytics.core.filters import Filters
from analytics.core.periods import Period
from analytics.store import DatabaseBusy, StorageIOError, connect
from analytics.store.digests import DeliveryRecord, record_delivery
from analytics.store.schema import migrate
from collector.smtp import DeliveryFailed, MailContent, compose, send_once

log = logging.getLogger(__name__)


class BriefSource(Protocol):
    def read(self, config: AppConfig, filters: Filters, now: datetime) -> Any:
        """The brief's figures, read from the database (blocking)."""

    def render(self, data: Any) -> MailContent:
        """The email made of them (blocking, no database)."""


def digest_period(days: int, now: datetime) -> Period:
    """The ``days`` whole UTC days ending the day before ``now``: a digest reports on days
    that are over."""
    last = now.astimezone(UTC).date() - timedelta(days=1)
    return Period(last - timedelta(days=days - 1), last)


class Digest:
    def __init__(
        self,
        config: AppConfig,
        brief: BriefSource,
        environ: Mapping[str, str] | None = None,
        lock_timeout: float | None = None,
    ) -> None:
        """``lock_timeout``: how long recording the outcome waits for the file (default
        ``database.lock_timeout``; the collector, which must not stall, passes less)."""
        self.config = config
        self.lock_timeout = (
            config.database.lock_timeout.total_seconds() if lock_timeout is None else lock_timeout
        )
        self.settings = config.digest
        self.brief = brief
        self.environ = os.environ if environ is None else environ

    def missing(self) -> list[str]:
        """What the settings lack for any send (an enabled digest is checked at load)."""
        found = [k for k in ("host", "sender") if not getattr(self.settings, k)]
        return found + ([] if self.settings.recipients else ["recipients"])

    async def run(
        self,
        trigger: str,
        now: datetime,
        *,
        lock: AbstractAsyncContextManager[Any] | None = None,
        stopping: Callable[[], bool] = lambda: False,
    ) -> DeliveryRecord:
        """Make, send and record one digest; ``trigger`` is "scheduled" or "manual"."""
        period = digest_period(self.settings.period_days, now)
        filters = Filters(start=period.start, end=period.end)
        async with lock or contextlib.nullcontext():
            data = await asyncio.to_thread(self.brief.read, self.config, filters, now)
        content = await asyncio.to_thread(self.brief.render, data)
        record = await self._deliver(content, trigger, period, now, stopping)
        async with lock or contextlib.nullcontext():
            try:
                await asyncio.to_thread(self._record, record)
            except (DatabaseBusy, StorageIOError, OSError) as exc:
                # Sent (or not) all the same: say so rather than lose the outcome silently.
                log.error("digest outcome not recorded, so status cannot show it: %s", exc)
        return record

    def _password(self) -> str | None:
        name = self.settings.password_env
        if name is None:
            return None
        value = self.environ.get(name)
        if not value:
            raise DeliveryFailed(
                f"the environment variable {name} (digest.password_env) is not set",
                permanent=True,
            )
        return value

    async def _deliver(
        self,
        content: MailContent,
        trigger: str,
        period: Period,
        now: datetime,
        stopping: Callable[[], bool],
    ) -> DeliveryRecord:
        settings = self.settings
        message = compose(content, settings)
        first = datetime.now(UTC)
        attempts, wait, error, refused = 0, settings.retry_backoff.total_seconds(), None, None
        while True:
            attempts += 1
            try:
                refused = await asyncio.to_thread(send_once, message, settings, self._password())
                break
            except DeliveryFailed as exc:
                error = str(exc)
                log.warning(
                    "digest: attempt %d of %d failed: %s", attempts, settings.retries + 1, error
                )
                if exc.permanent or attempts > settings.retries or stopping():
                    break
            await asyncio.sleep(wait)
            wait = min(wait * 2, settings.max_retry_wait.total_seconds())
        sent = refused is not None
        if sent:  # the failures before it are logged; the outcome is what counts
            error = "refused by the server: " + ", ".join(refused) if refused else None
        record = DeliveryRecord(
            digest_id=_digest_id(trigger, settings.schedule, period, now),
            trigger=trigger,
            period_first=period.first,
            period_last=period.last,
            recipients=list(settings.recipients),
            attempts=attempts,
            first_attempt_at=first,
            last_attempt_at=datetime.now(UTC),
            sent_at=datetime.now(UTC) if sent else None,
            error=error,
        )
        where, label = f"{settings.host}:{settings.smtp_port}", period.label()
        count = len(settings.recipients)
        if sent:
            log.info("digest of %s sent to %d recipient(s) via %s", label, count, where)
        else:
            log.error("digest of %s not delivered via %s: %s", label, where, error)
        return record

    def _record(self, record: DeliveryRecord) -> None:
        with connect(self.config.database_path, lock_timeout=self.lock_timeout) as con:
            migrate(con)  # a file the collector has not upgraded yet gets the table first
            record_delivery(con, record)


def _digest_id(trigger: str, schedule: str, period: Period, now: datetime) -> str:
    if trigger == "scheduled":
        return f"{schedule}:{period.first:%Y-%m-%d}:{period.last:%Y-%m-%d}"
    return f"{trigger}:{now.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%f}"
