"""Keeping ``digest_deliveries``: what became of each emailed brief.

One row per digest: the scheduled one of a period, or one sent by hand. Writing the same
digest again (a later try of the same period) replaces its outcome and adds its attempts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import duckdb


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    digest_id: str  # "weekly:2026-11-30", "manual:2026-12-06T21:40:00"
    trigger: str  # scheduled | manual
    period_first: date
    period_last: date
    recipients: Sequence[str]
    attempts: int
    first_attempt_at: datetime
    last_attempt_at: datetime
    sent_at: datetime | None  # None: not delivered
    error: str | None


def record_delivery(con: duckdb.DuckDBPyConnection, record: DeliveryRecord) -> None:
    """Store the outcome of ``record``'s attempts (in one statement: no partial row)."""
    con.execute(
        """
        INSERT INTO digest_deliveries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (digest_id) DO UPDATE SET
            attempts = digest_deliveries.attempts + excluded.attempts,
            recipients = excluded.recipients,
            last_attempt_at = excluded.last_attempt_at,
            sent_at = excluded.sent_at,
            error = excluded.error
        """,
        [
            record.digest_id,
            record.trigger,
            record.period_first,
            record.period_last,
            list(record.recipients),
            record.attempts,
            record.first_attempt_at,
            record.last_attempt_at,
            record.sent_at,
            record.error,
        ],
    )
