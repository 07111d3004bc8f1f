"""How the digest is doing: the latest emailed brief and whether it arrived.

Read by `fanpulse status` and the dashboard's Collection health; written by the collector
through :mod:`analytics.store.digests`. A file from before the table existed has no digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from analytics.store import Connection


@dataclass(frozen=True, slots=True)
class DigestStatus:
    digest_id: str
    trigger: str
    period_first: date
    period_last: date
    recipients: tuple[str, ...]
    attempts: int
    last_attempt_at: datetime
    sent_at: datetime | None
    error: str | None
    last_sent_at: datetime | None  # the latest digest that did arrive, whichever it was

    @property
    def failing(self) -> bool:
        """The latest digest did not reach its recipients."""
        return self.sent_at is None


_LATEST = """
SELECT digest_id, trigger, period_first, period_last, recipients, attempts,
       last_attempt_at, sent_at, error,
       (SELECT max(sent_at) FROM digest_deliveries) AS last_sent_at
FROM digest_deliveries ORDER BY last_attempt_at DESC, digest_id DESC LIMIT 1
"""


def latest_digest(con: Connection) -> DigestStatus | None:
    """The most recently attempted digest; None when none was ever attempted."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'digest_deliveries'"
    ).fetchall()[0][0]
    if not exists:
        return None
    rows = con.execute(_LATEST).fetchall()
    if not rows:
        return None
    (digest_id, trigger, first, last, recipients, attempts, attempted, sent, error, ever) = rows[0]
    return DigestStatus(
        digest_id=digest_id,
        trigger=trigger,
        period_first=first,
        period_last=last,
        recipients=tuple(recipients),
        attempts=int(attempts),
        last_attempt_at=attempted,
        sent_at=sent,
        error=error,
        last_sent_at=ever,
    )


def describe_digest(status: DigestStatus) -> str:
    """One line for people: delivered when and to how many, or why not."""
    period = f"{status.period_first:%Y-%m-%d} – {status.period_last:%Y-%m-%d}"
    if not status.failing:
        count = len(status.recipients)
        line = (
            f"digest of {period} delivered {status.sent_at:%Y-%m-%d %H:%M} UTC to "
            f"{count} recipient{'' if count == 1 else 's'}"
        )
        return f"{line} (refused: {status.error})" if status.error else line
    before = (
        f"; last delivered {status.last_sent_at:%Y-%m-%d %H:%M} UTC"
        if status.last_sent_at
        else "; none delivered yet"
    )
    return (
        f"digest of {period} NOT delivered after {status.attempts} attempts "
        f"(last {status.last_attempt_at:%Y-%m-%d %H:%M} UTC): {status.error}{before}"
    )
