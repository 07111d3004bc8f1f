"""What "the last N days" means, for the CLI and the dashboard alike.

The rule: a period is a run of whole UTC days, and "the last N days" at a moment are the N
days that end with that moment's UTC day, which is included even though it is not over.
Whole days, because a day is what a reader names ("29 Nov – 5 Dec") and what the daily
charts bucket by; today included, because a listening tool is opened to see what is being
said now (a premiere night), and leaving today out would hide it until tomorrow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Period:
    """The UTC days ``first`` to ``last``, both included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"a period cannot end ({self.last}) before it starts ({self.first})")

    @property
    def start(self) -> datetime:
        """The first moment in the period (midnight UTC of ``first``)."""
        return datetime.combine(self.first, time(), tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """The first moment after the period (midnight UTC after ``last``): exclusive."""
        return datetime.combine(self.last + ONE_DAY, time(), tzinfo=UTC)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def label(self) -> str:
        """The period as dates, the same wherever it is printed: "2026-11-29 – 2026-12-05 (UTC)"."""
        return f"{self.first:%Y-%m-%d} – {self.last:%Y-%m-%d} (UTC)"


def utc_day(moment: datetime) -> date:
    """The UTC day of a moment; a naive moment is taken as UTC already."""
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


def last_days(n: int, now: datetime) -> Period:
    """The ``n`` whole UTC days ending with ``now``'s UTC day (see the module's rule)."""
    if n < 1:
        raise ValueError(f"a period needs at least one day, not {n}")
    last = utc_day(now)
    return Period(last - timedelta(days=n - 1), last)


def period_of(start: datetime, end: datetime) -> Period:
    """The days from ``start`` up to the exclusive ``end`` (both on day boundaries)."""
    return Period(utc_day(start), utc_day(end - ONE_DAY))


ONE_HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Hours:
    """Whole UTC hours from ``start`` (inclusive) to ``end`` (exclusive)."""

    start: datetime
    end: datetime

    def label(self) -> str:
        """As dates and hours: "2026-12-05 18:00 – 21:00 (UTC)"."""
        last = self.end - ONE_HOUR
        to = (
            f"{self.end:%H:%M}"
            if last.date() == self.start.date()
            else f"{self.end:%Y-%m-%d %H:%M}"
        )
        return f"{self.start:%Y-%m-%d %H:%M} – {to} (UTC)"


def last_hours(n: int, now: datetime) -> Hours:
    """The ``n`` whole UTC hours ending with ``now``'s hour, which is included (as today is
    in :func:`last_days`): "the last 3 hours" at 20:40 are 18:00 to 21:00."""
    if n < 1:
        raise ValueError(f"a period needs at least one hour, not {n}")
    moment = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
    end = moment.replace(minute=0, second=0, microsecond=0) + ONE_HOUR
    return Hours(end - n * ONE_HOUR, end)
