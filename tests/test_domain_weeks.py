from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.weeks import (
    days_between,
    horizon,
    is_working_day,
    next_working_day,
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


def test_week_label_names_the_iso_week_and_its_monday() -> None:
    assert week_label(date(2026, 11, 30)) == "W49 · 30 Nov"
    assert week_label(date(2026, 12, 3)) == "W49 · 30 Nov"  # any day of the week: its Monday
    assert week_label(date(2026, 12, 28)) == "W53 · 28 Dec"  # 2026 starts on a Thursday: 53 ISO weeks
    assert week_label(date(2027, 1, 4)) == "W01 · 4 Jan"
    assert week_label(date(2024, 12, 30)) == "W01 · 30 Dec"  # calendar 2024, ISO 2025


def test_week_labels_of_a_year_long_horizon_are_distinct_and_in_iso_order() -> None:
    mondays = horizon(date(2026, 11, 26), weeks=52)
    labels = [week_label(m) for m in mondays]
    assert len(set(labels)) == 52
    assert labels[:6] == ["W48 · 23 Nov", "W49 · 30 Nov", "W50 · 7 Dec", "W51 · 14 Dec", "W52 · 21 Dec",
                          "W53 · 28 Dec"]  # fmt: skip
    assert labels[6] == "W01 · 4 Jan"


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
    assert week_label(day).startswith(f"W{day.isocalendar().week:02d} · {monday.day} ")


def test_next_working_day_by_hand() -> None:
    # Fri 27 Nov 2026 stays; Sat 28 and Sun 29 go to Mon 30 Nov; Sat 2 Jan 2027 to Mon 4 Jan (across the year)
    assert next_working_day(date(2026, 11, 27)) == date(2026, 11, 27)
    assert next_working_day(date(2026, 11, 28)) == next_working_day(date(2026, 11, 29)) == date(2026, 11, 30)
    assert next_working_day(date(2027, 1, 2)) == date(2027, 1, 4)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_next_working_day_is_the_first_weekday_from_the_day_on(day: date) -> None:
    found = next_working_day(day)
    assert is_working_day(found) and timedelta(0) <= found - day <= timedelta(days=2)
    assert not any(is_working_day(d) for d in days_between(day, found - timedelta(days=1)))
