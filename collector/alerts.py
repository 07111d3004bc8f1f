"""Find new alerts after collection and send them to the configured webhooks.

Spikes are looked for by the day and, with ``[alerts.hourly]``, by the hour, so a trailer
dropped in the evening is alerted that evening; co-spiking entities of one show make one
alert (:mod:`analytics.queries.spike_groups`).

Webhook URLs hold their own secret token, so they come only from the environment variable
named by ``alerts.webhooks_env`` and are never logged (only their host is). The message is
Slack-, Discord- and plain-JSON-compatible (:mod:`collector.alert_messages`). A delivery
that fails is retried on later checks, up to ``MAX_DELIVERY_ATTEMPTS``; one that succeeded
is never sent again.

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
    health_alerts,
    known_spike_alerts,
    spike_group_alert,
    undelivered,
)
from analytics.queries.health import source_health
from analytics.queries.spike_groups import (
    QUIET_PERIOD,
    SpikeLike,
    plan_spike_alerts,
    show_memberships,
)
from analytics.queries.timeseries import Bucket
from analytics.store import Connection, connect, transaction
from analytics.store.alerts import mark_delivery, record_new, set_members
from collector.alert_messages import payload

log = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = 10.0


def webhook_urls(config: AppConfig) -> list[str]:
    raw = os.environ.get(config.alerts.webhooks_env, "")
    return [url for url in re.split(r"[\s,]+", raw) if url]


def find_alerts(config: AppConfig, now: datetime | None = None) -> list[Alert]:
    """Detect spikes and unhealthy sources, record the new ones; return those (blocking)."""
    now = now or datetime.now(UTC)
    with connect(
        config.database_path, lock_timeout=config.database.spool_after.total_seconds()
    ) as con:
        found = find_spikes(con, config, now)
        earliest = min((s.bucket for _, spikes in found for s in spikes), default=now)
        # Enough history for the quiet period and an adjoining daily alert.
        known = known_spike_alerts(con, earliest - QUIET_PERIOD - timedelta(days=1))
        plan = plan_spike_alerts(found, show_memberships(config.watchlist), known)
        alerts = [spike_group_alert(group) for group in plan.new]
        alerts += health_alerts(source_health(con, list(config.source_specs()), now))
        with transaction(con):
            for alert_id, members in plan.joined.items():
                set_members(con, alert_id, members)
            return record_new(con, alerts, now)


def find_spikes(
    con: Connection, config: AppConfig, now: datetime
) -> list[tuple[Bucket, list[SpikeLike]]]:
    """Daily spikes of ``alerts.lookback`` and, when on, hourly ones of the hourly lookback."""
    from analytics.queries.spikes import detect_spikes

    settings = config.alerts
    # detect_spikes reads the baseline window before this period by itself.
    daily: list[SpikeLike] = list(
        detect_spikes(
            con,
            Filters(start=now - settings.lookback, end=now),
            bucket="day",
            window=settings.baseline_days,
            threshold=settings.spike_z,
            min_posts=settings.spike_min_posts,
            limit=None,
        )
    )
    found: list[tuple[Bucket, list[SpikeLike]]] = [("day", daily)]
    hourly = settings.hourly
    if hourly.enabled:
        spikes = detect_spikes(
            con,
            Filters(start=now - hourly.lookback, end=now),
            bucket="hour",
            window=hourly.baseline_days,
            daily_rhythm=True,
            threshold=hourly.spike_z,
            min_posts=hourly.spike_min_posts,
            limit=None,
        )
        found.append(("hour", list(spikes)))
    return found


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
                response = await client.post(url, json=payload(alert), timeout=WEBHOOK_TIMEOUT)
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
