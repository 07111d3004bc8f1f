"""The one rule for "the last N days": whole UTC days ending with today, today included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from analytics.core.periods import Period, last_days, period_of


def test_last_days_are_whole_utc_days_ending_with_today() -> None:
    period = last_days(7, datetime(2026, 12, 5, 14, 30, tzinfo=UTC))
    assert (period.first, period.last) == (date(2026, 11, 29), date(2026, 12, 5))
    assert period.start == datetime(2026, 11, 29, tzinfo=UTC)
    assert period.end == datetime(2026, 12, 6, tzinfo=UTC)  # exclusive: all of today is in
    assert period.days == 7
    assert period.label() == "2026-11-29 – 2026-12-05 (UTC)"


@pytest.mark.parametrize(
    ("now", "last"),
    [
        (datetime(2026, 12, 5, 0, 0, tzinfo=UTC), date(2026, 12, 5)),  # the first instant
        (datetime(2026, 12, 5, 23, 59, 59, 999999, tzinfo=UTC), date(2026, 12, 5)),
        # 01:00 in UTC+2 on the 6th is still the 5th in UTC; 20:00 in UTC-5 is the 6th.
        (datetime(2026, 12, 6, 1, 0, tzinfo=timezone(timedelta(hours=2))), date(2026, 12, 5)),
        (datetime(2026, 12, 5, 20, 0, tzinfo=timezone(timedelta(hours=-5))), date(2026, 12, 6)),
    ],
)
def test_the_last_day_is_the_utc_day_of_now(now: datetime, last: date) -> None:
    period = last_days(1, now)
    assert period.first == period.last == last
    assert period.start <= now < period.end


def test_one_period_follows_the_other_without_gap_or_overlap() -> None:
    now = datetime(2026, 3, 1, 9, tzinfo=UTC)  # across the end of February
    week = last_days(7, now)
    assert week.label() == "2026-02-23 – 2026-03-01 (UTC)"
    assert last_days(14, now).start == week.start - timedelta(days=7)
    assert period_of(week.start, week.end) == week


def test_a_period_needs_a_day_and_an_order() -> None:
    with pytest.raises(ValueError, match="at least one day"):
        last_days(0, datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="cannot end"):
        Period(date(2026, 1, 2), date(2026, 1, 1))
