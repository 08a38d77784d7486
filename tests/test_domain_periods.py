from datetime import date
from itertools import pairwise

import pytest

from domain.periods import Period, days, overlap_days, period_containing, periods_in_year


def test_months_of_leap_year_end_on_the_right_day() -> None:
    months = periods_in_year("month", 2028)
    assert [p.label for p in months][:3] == ["2028-01", "2028-02", "2028-03"]
    assert months[1].end == date(2028, 2, 29)
    assert [days(p) for p in months] == [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def test_february_of_common_and_century_years_has_28_days() -> None:
    assert days(period_containing("month", date(2026, 2, 10))) == 28
    assert days(period_containing("month", date(2100, 2, 10))) == 28  # divisible by 100, not by 400
    assert days(period_containing("month", date(2000, 2, 10))) == 29  # divisible by 400


def test_quarters_cover_the_year_without_gaps() -> None:
    quarters = periods_in_year("quarter", 2028)
    assert [q.label for q in quarters] == ["2028-Q1", "2028-Q2", "2028-Q3", "2028-Q4"]
    assert [days(q) for q in quarters] == [91, 91, 92, 92]  # Q1 = 31 + 29 + 31
    assert sum(days(q) for q in periods_in_year("quarter", 2026)) == 365
    for earlier, later in pairwise(quarters):
        assert (later.start - earlier.end).days == 1


def test_year_period() -> None:
    (year,) = periods_in_year("year", 2028)
    assert year == Period("year", date(2028, 1, 1), date(2028, 12, 31), "2028")
    assert days(year) == 366
    assert days(period_containing("year", date(2026, 6, 1))) == 365


@pytest.mark.parametrize(
    ("kind", "day", "label"),
    [
        ("month", date(2028, 2, 29), "2028-02"),
        ("quarter", date(2028, 2, 29), "2028-Q1"),
        ("quarter", date(2026, 3, 31), "2026-Q1"),
        ("quarter", date(2026, 4, 1), "2026-Q2"),
        ("quarter", date(2026, 11, 15), "2026-Q4"),
        ("year", date(2026, 12, 31), "2026"),
    ],
)
def test_period_containing_a_day(kind: str, day: date, label: str) -> None:
    period = period_containing(kind, day)  # type: ignore[arg-type]
    assert period.label == label
    assert period.start <= day <= period.end


def test_unknown_kind_is_an_error_naming_the_choices() -> None:
    with pytest.raises(ValueError, match="month, quarter, year"):
        periods_in_year("week", 2026)  # type: ignore[arg-type]


def test_overlap_days_is_inclusive_and_zero_when_disjoint() -> None:
    november = period_containing("month", date(2026, 11, 1))
    assert overlap_days(november, date(2026, 11, 15), date(2027, 1, 1)) == 16
    assert overlap_days(november, date(2026, 11, 30), date(2026, 11, 30)) == 1
    assert overlap_days(november, date(2026, 12, 1), date(2026, 12, 31)) == 0
    assert overlap_days(november, date.min, date.max) == 30
