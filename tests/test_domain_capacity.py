from collections.abc import Sequence
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.capacity import daily_capacity, public_holidays, time_off_hours, weekly
from domain.people import Person
from domain.records import CompanyHoliday, TimeOffDay

XMAS_WEEK = date(2026, 12, 21)  # Mon 21 .. Sun 27; Fri 25 is Christmas in DE and GB
NEW_YEAR_WEEK = date(2026, 12, 28)  # Mon 28 is Boxing Day (observed) in GB only; Fri 1 Jan everywhere
COMPANY_DAY = CompanyHoliday(date(2026, 12, 24), "Christmas Eve (company)")


def person(key: str = "anna", country: str | None = "DE", **kw: object) -> Person:
    fields: dict[str, object] = {"hours_per_day": 8.0, "employee_id": key}
    fields.update(kw)
    return Person(key=key, name=key.title(), email=None, team="Platform", country=country, **fields)  # type: ignore[arg-type]


def week(
    p: Person, monday: date, time_off: Sequence[TimeOffDay] = (), company: Sequence[CompanyHoliday] = ()
) -> list[float]:
    result = daily_capacity(p, monday, monday + timedelta(days=6), time_off, company)
    return [result.per_day[monday + timedelta(days=i)] for i in range(7)]


def test_full_time_de_week_with_half_day_leave_company_and_public_holiday() -> None:
    # Mon 8; Tue 8 − 0.5 day × 8 h = 4; Wed 8; Thu company holiday 0; Fri Christmas (DE) 0; weekend 0 → 20
    leave = [TimeOffDay("anna", date(2026, 12, 22), 0.5, "days")]
    days = week(person(), XMAS_WEEK, leave, [COMPANY_DAY])
    assert days == [8, 4, 8, 0, 0, 0, 0]
    assert weekly(dict(zip([XMAS_WEEK + timedelta(days=i) for i in range(7)], days, strict=True))) == {
        XMAS_WEEK: 20
    }


def test_half_time_gb_person_follows_gb_holidays() -> None:
    # 8 h × 50 % = 4 h/day. Mon 28 Boxing Day (observed, GB) 0; Tue–Thu 4 each; Fri 1 Jan 0 → 12
    ben = person("ben", "GB", fte=0.5)
    assert week(ben, NEW_YEAR_WEEK) == [0, 4, 4, 4, 0, 0, 0]
    # the same week in DE has no holiday on Monday
    assert week(person("anna", "DE"), NEW_YEAR_WEEK)[0] == 8


def test_time_off_days_are_in_the_persons_own_contract_days() -> None:
    # 50 % FTE: a full day off removes the whole 4 h day, a half day 2 h; hours are taken as given
    ben = person("ben", "GB", fte=0.5)
    off = [
        TimeOffDay("ben", date(2026, 12, 1), 1, "days"),
        TimeOffDay("ben", date(2026, 12, 2), 0.5, "days"),
        TimeOffDay("ben", date(2026, 12, 3), 1.5, "hours"),
        TimeOffDay("ben", date(2026, 12, 4), 3, "hours"),
        TimeOffDay("ben", date(2026, 12, 4), 3, "hours"),  # two requests on one day add up, floored at 0
    ]
    assert week(ben, date(2026, 11, 30), off)[:5] == [4, 0, 2, 2.5, 0]


def test_focus_factor_applies_to_the_hours_left_after_time_off() -> None:
    # (8 − 4) × 0.8 = 3.2: half a day off leaves half a day's focused work (6.4 / 2)
    anna = person(focus=0.8)
    days = week(anna, date(2026, 11, 30), [TimeOffDay("anna", date(2026, 11, 30), 0.5, "days")])
    assert days[:2] == [pytest.approx(3.2), pytest.approx(6.4)]


def test_other_peoples_time_off_does_not_count() -> None:
    off = [TimeOffDay("someone-else", date(2026, 11, 30), 1, "days")]
    assert week(person(), date(2026, 11, 30), off)[0] == 8
    assert time_off_hours(person(employee_id=None), off) == {}


def test_unknown_time_off_unit_is_an_error_naming_it() -> None:
    with pytest.raises(ValueError, match="unknown unit 'weeks'"):
        time_off_hours(person(), [TimeOffDay("anna", date(2026, 11, 30), 1, "weeks")])


def test_no_capacity_before_hire_or_after_termination() -> None:
    # hired Wed 2 Dec, leaves Thu 3 Dec (last working day included)
    anna = person(hire_date=date(2026, 12, 2), termination_date=date(2026, 12, 3))
    assert week(anna, date(2026, 11, 30))[:5] == [0, 0, 8, 8, 0]


@pytest.mark.parametrize(
    ("country", "expected_warning"), [("XX", "unknown to the holidays package"), (None, "no country")]
)
def test_unknown_or_missing_country_gives_no_holidays_and_a_warning(
    country: str | None, expected_warning: str
) -> None:
    kim = person("kim", country)
    result = daily_capacity(kim, date(2026, 12, 25), date(2026, 12, 25))
    assert result.per_day == {date(2026, 12, 25): 8}
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("Kim: ")
    assert expected_warning in result.warnings[0]


def test_subdivision_holidays_apply() -> None:
    epiphany = date(2027, 1, 6)  # a holiday in Bavaria, not in Germany as a whole
    assert daily_capacity(person(country="DE-BY"), epiphany, epiphany).per_day[epiphany] == 0
    assert daily_capacity(person(country="DE"), epiphany, epiphany).per_day[epiphany] == 8
    holidays_de, warning = public_holidays("de", [2026])
    assert holidays_de[date(2026, 10, 3)] == "German Unity Day"
    assert warning is None


def test_range_must_not_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="ends"):
        daily_capacity(person(), date(2026, 12, 2), date(2026, 12, 1))


def test_weekly_sums_by_iso_week() -> None:
    daily = {date(2026, 12, 27): 1.0, date(2026, 12, 28): 2.0, date(2026, 12, 29): 3.0}
    assert weekly(daily) == {date(2026, 12, 21): 1.0, date(2026, 12, 28): 5.0}


time_off_rows = st.lists(
    st.builds(
        TimeOffDay,
        employee_id=st.just("p"),
        day=st.dates(min_value=date(2026, 12, 1), max_value=date(2027, 1, 31)),
        amount=st.floats(min_value=0, max_value=30, allow_nan=False),
        unit=st.sampled_from(["days", "hours"]),
    ),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(
    fte=st.floats(min_value=0, max_value=1),
    hours_per_day=st.floats(min_value=0, max_value=12),
    focus=st.floats(min_value=0, max_value=1),
    country=st.sampled_from(["DE", "GB", "XX", None]),
    time_off=time_off_rows,
    company_days=st.lists(st.dates(min_value=date(2026, 12, 1), max_value=date(2027, 1, 31)), max_size=5),
)
def test_capacity_is_never_negative_nor_above_the_contract(
    fte: float,
    hours_per_day: float,
    focus: float,
    country: str | None,
    time_off: list[TimeOffDay],
    company_days: list[date],
) -> None:
    p = Person(
        "p", "P", None, None, country, fte=fte, hours_per_day=hours_per_day, focus=focus, employee_id="p"
    )
    company = [CompanyHoliday(d, "company") for d in company_days]
    result = daily_capacity(p, date(2026, 12, 1), date(2027, 1, 31), time_off, company)
    ceiling = hours_per_day * fte * focus
    for day, hours in result.per_day.items():
        assert 0 <= hours <= ceiling + 1e-9
        if day.weekday() >= 5 or day in company_days:
            assert hours == 0
    assert len(result.per_day) == 62
