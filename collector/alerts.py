"""Find new alerts after collection and send them to the configured webhooks.

Webhook URLs hold their own secret token, so they come only from the environment variable
named by ``alerts.webhooks_env`` and are never logged (only their host is). The message is
Slack- and Discord-compatible JSON: ``text`` for Slack, ``content`` for Discord, each
ignoring the other's key. A delivery that fails is retried on later checks, up to
``MAX_DELIVERY_ATTEMPTS``; one that succeeded is never sent again.

Why not apprise: this is one POST of one payload; apprise is a large synchronous dependency
with its own URL scheme, which would change what users configure.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx

from analytics.core.config import AppConfig
from analytics.core.filters import Filters
from analytics.queries.alerts import (
    Alert,
    drop_continuations,
    first_of_episodes,
    health_alerts,
    spike_alert,
    undelivered,
)
from analytics.queries.health import source_health
from analytics.store import connect, transaction
from analytics.store.alerts import mark_delivery, record_new

log = logging.getLogger(__name__)

# Discord refuses messages over 2,000 characters; Slack's limit is far higher.
MAX_MESSAGE_CHARS = 1_900
WEBHOOK_TIMEOUT = 10.0
# A spike the day after (or within this long of) an alerted one is the same buzz.
SPIKE_QUIET_PERIOD = timedelta(days=3)


def webhook_urls(config: AppConfig) -> list[str]:
    raw = os.environ.get(config.alerts.webhooks_env, "")
    return [url for url in re.split(r"[\s,]+", raw) if url]


def find_alerts(config: AppConfig, now: datetime | None = None) -> list[Alert]:
    """Detect spikes and unhealthy sources, record the new ones; return those (blocking)."""
    from analytics.queries.spikes import detect_spikes

    now = now or datetime.now(UTC)
    settings = config.alerts
    with connect(
        config.database_path, lock_timeout=config.database.spool_after.total_seconds()
    ) as con:
        # detect_spikes reads the baseline window before this period by itself.
        spikes = detect_spikes(
            con,
            Filters(start=now - settings.lookback, end=now),
            bucket="day",
            threshold=settings.spike_z,
            min_posts=settings.spike_min_posts,
        )
        # The lookback spans two days, so a spike continuing from yesterday is seen with
        # its first day and is not news again.
        fresh = drop_continuations(
            con, first_of_episodes(spikes, timedelta(days=1)), SPIKE_QUIET_PERIOD
        )
        found = [spike_alert(s) for s in fresh]
        found += health_alerts(source_health(con, list(config.source_specs()), now))
        with transaction(con):
            return record_new(con, found, now)


def _payload(alert: Alert) -> dict[str, str]:
    text = alert.text
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[: MAX_MESSAGE_CHARS - 1] + "…"
    return {"text": text, "content": text, "username": "fanpulse"}


def webhook_key(url: str) -> str:
    """What the database keeps to know which webhook still owes an alert: not the URL."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


async def deliver(config: AppConfig, client: httpx.AsyncClient) -> tuple[int, int]:
    """Send every undelivered alert to each webhook that has not had it; (sent, failed)."""
    urls = {webhook_key(url): url for url in webhook_urls(config)}
    if not urls:
        return 0, 0
    db = config.database_path
    lock = config.database.spool_after.total_seconds()
    with connect(db, lock_timeout=lock) as con:
        pending = undelivered(con)
    results: list[tuple[str, list[str], str | None]] = []
    for alert, owed in pending:
        failed, errors = [], []
        for key, url in urls.items():
            if owed is not None and key not in owed:
                continue  # this webhook already has it
            try:
                response = await client.post(url, json=_payload(alert), timeout=WEBHOOK_TIMEOUT)
                problem = f"HTTP {response.status_code}" if response.status_code >= 300 else None
            except httpx.HTTPError as exc:
                problem = type(exc).__name__
            if problem:
                failed.append(key)
                errors.append(f"{urlsplit(url).hostname}: {problem}")
        results.append((alert.alert_id, failed, "; ".join(errors) or None))
    with connect(db, lock_timeout=lock) as con, transaction(con):
        for alert_id, failed, error in results:
            mark_delivery(con, alert_id, failed, error)
    failures = sum(1 for _, failed, _ in results if failed)
    if failures:
        log.warning(
            "%d of %d alerts could not be delivered to every webhook", failures, len(results)
        )
    return len(results) - failures, failures
