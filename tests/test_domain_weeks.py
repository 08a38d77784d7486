from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.weeks import (
    days_between,
    horizon,
    is_working_day,
    past_weeks,
    week_friday,
    week_label,
    week_start,
    working_days,
)


def test_week_start_is_the_monday_of_the_iso_week() -> None:
    assert week_start(date(2026, 11, 26)) == date(2026, 11, 23)  # Thursday → Monday
    assert week_start(date(2026, 11, 23)) == date(2026, 11, 23)
    assert week_start(date(2026, 11, 29)) == date(2026, 11, 23)  # Sunday belongs to the week before


def test_week_friday() -> None:
    assert week_friday(date(2026, 11, 29)) == date(2026, 11, 27)


def test_week_label_uses_the_iso_year_around_new_year() -> None:
    assert week_label(date(2026, 11, 23)) == "2026-W48"
    assert week_label(date(2026, 12, 28)) == "2026-W53"  # 2026 starts on a Thursday: 53 ISO weeks
    assert week_label(date(2027, 1, 4)) == "2027-W01"
    assert week_label(date(2024, 12, 30)) == "2025-W01"  # calendar 2024, ISO 2025


def test_horizon_starts_with_the_current_week() -> None:
    weeks = horizon(date(2026, 11, 26), weeks=3)
    assert weeks == [date(2026, 11, 23), date(2026, 11, 30), date(2026, 12, 7)]
    assert len(horizon(date(2026, 11, 26))) == 12


def test_horizon_rejects_non_positive_length() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        horizon(date(2026, 11, 26), weeks=0)


def test_past_weeks_end_before_the_current_week_unless_asked() -> None:
    assert past_weeks(date(2026, 11, 26), 2) == [date(2026, 11, 9), date(2026, 11, 16)]
    assert past_weeks(date(2026, 11, 26), 2, include_current=True) == [date(2026, 11, 16), date(2026, 11, 23)]


def test_working_days_are_monday_to_friday() -> None:
    assert working_days(date(2026, 11, 27), date(2026, 12, 1)) == [
        date(2026, 11, 27),
        date(2026, 11, 30),
        date(2026, 12, 1),
    ]
    assert not is_working_day(date(2026, 11, 28))
    assert list(days_between(date(2026, 11, 2), date(2026, 11, 1))) == []


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_every_day_belongs_to_the_week_of_its_monday(day: date) -> None:
    monday = week_start(day)
    assert monday.weekday() == 0
    assert timedelta(0) <= day - monday < timedelta(days=7)
    assert week_label(monday) == f"{day.isocalendar().year}-W{day.isocalendar().week:02d}"
