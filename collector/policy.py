"""When a channel is due next: the one place that decides polling and backoff.

A success waits the source's interval. Each consecutive failure doubles the wait, up to
16 intervals and never more than a day: a source down for a day is then polled hourly-ish
(for a 1h interval) rather than hammered, and one success resets it. A server's
Retry-After can only push the next poll later, never earlier.
"""

from __future__ import annotations

from datetime import datetime, timedelta

MAX_BACKOFF_FACTOR = 16
MAX_BACKOFF = timedelta(days=1)


def next_due(
    now: datetime,
    interval: timedelta,
    consecutive_failures: int,
    retry_after: float | None = None,
) -> datetime:
    wait = interval
    if consecutive_failures > 0:
        factor = min(2 ** (consecutive_failures - 1), MAX_BACKOFF_FACTOR)
        wait = max(interval, min(interval * factor, MAX_BACKOFF))
    if retry_after is not None:
        wait = max(wait, timedelta(seconds=retry_after))
    return now + wait
