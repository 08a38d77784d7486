"""The same data planned on every day of one week, and at every hour, gives the same plan.

Ana (Germany, 8 h a day, full time; no German public holiday from 16 Nov to 4 Dec 2026) has:
- OVER: 16 h due Friday 20 Nov, overdue all week;
- NEXT: 20 h from Monday 30 Nov, due Friday 4 Dec.

By hand, for a run on each day of the week of Monday 23 Nov:
- NEXT: 4 h on each of Mon 30 Nov – Fri 4 Dec, whatever the run day.
- OVER goes to the rest of the current week, from the first working day on: Mon 3.2 h × 5,
  Tue 4 h × 4, Wed 16/3 h × 3, Thu 8 h × 2, Fri 16 h on Friday. Saturday and Sunday have no working
  day left in their week, so they plan from Monday 30 Nov: 3.2 h on each of Mon 30 Nov – Fri 4 Dec,
  exactly what a run on Monday 30 Nov gives. Every run: 16 h allocated, none unscheduled.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.jira_parse import CustomFieldIds, parse_issue
from domain.availability_model import Calendar, Sources, compute_availability
from domain.records import Employee, JiraIssue, JiraUser
from domain.weeks import local_date
from flows.config import Config

H = 3600
MONDAY = date(2026, 11, 23)
NEXT_WEEK = [date(2026, 11, 30) + timedelta(days=i) for i in range(5)]
ANA = Employee("1", "Ana", "ana@org.example", "Platform", "DE", "Active", "Full-Time", date(2020, 1, 6), None)
USERS = [JiraUser("acc-ana", "Ana", "ana@org.example")]


def issue(key: str, hours: int, due: date, start: date | None = None) -> JiraIssue:
    seconds = hours * H
    return JiraIssue(
        key, key, "To Do", "P", "acc-ana", None, None, seconds, seconds, None, due=due, start=start
    )


ISSUES = [issue("P-OVER", 16, date(2026, 11, 20)), issue("P-NEXT", 20, date(2026, 12, 4), start=NEXT_WEEK[0])]
SOURCES = Sources(ISSUES, USERS, 8.0, [ANA])


def days(first: date, count: int, hours: float) -> dict[date, float]:
    return {first + timedelta(days=i): hours for i in range(count)}


OVERDUE_BY_RUN_DAY = {
    date(2026, 11, 23): days(MONDAY, 5, 3.2),
    date(2026, 11, 24): days(date(2026, 11, 24), 4, 4.0),
    date(2026, 11, 25): days(date(2026, 11, 25), 3, 16 / 3),
    date(2026, 11, 26): days(date(2026, 11, 26), 2, 8.0),
    date(2026, 11, 27): {date(2026, 11, 27): 16.0},
    date(2026, 11, 28): days(NEXT_WEEK[0], 5, 3.2),
    date(2026, 11, 29): days(NEXT_WEEK[0], 5, 3.2),
    date(2026, 11, 30): days(NEXT_WEEK[0], 5, 3.2),
}


def plan(today: date, zone: str = "Europe/Berlin") -> dict[str, dict[date, float]]:
    model = compute_availability(SOURCES, Calendar.of(today, weeks=3, actuals_weeks=0, zone=zone))
    for allocation in model.allocations.values():
        assert allocation.unscheduled == 0, allocation.reason
        assert allocation.allocated == pytest.approx(allocation.remaining)
    return {key: a.per_day for key, a in model.allocations.items()}


@pytest.mark.parametrize("today", sorted(OVERDUE_BY_RUN_DAY))
def test_every_day_of_the_week_places_every_hour(today: date) -> None:
    placed = plan(today)
    assert placed["P-NEXT"] == pytest.approx(dict.fromkeys(NEXT_WEEK, 4.0))
    assert placed["P-OVER"] == pytest.approx(OVERDUE_BY_RUN_DAY[today])


def test_a_weekend_run_plans_as_the_monday_after_does() -> None:
    monday = plan(date(2026, 11, 30))
    assert plan(date(2026, 11, 28)) == monday
    assert plan(date(2026, 11, 29)) == monday


# Every hour of the week, in UTC: "today" is the date in the configured zone, and each run places
# every hour, with the plan of that local day.
@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/Los_Angeles", "Pacific/Auckland"])
def test_every_hour_of_the_week_plans_as_its_local_day(zone: str) -> None:
    plans = {day: plan(day, zone) for day in OVERDUE_BY_RUN_DAY}
    start = datetime(2026, 11, 23, tzinfo=ZoneInfo(zone))
    for hour in range(7 * 24):
        today = local_date((start + timedelta(hours=hour)).astimezone(UTC), ZoneInfo(zone))
        assert today == MONDAY + timedelta(days=hour // 24)
        assert plan(today, zone) == plans[today]


def test_late_evening_utc_is_already_tomorrow_in_berlin() -> None:
    # Sunday 22 Nov 23:30 UTC is Monday 23 Nov 00:30 in Berlin (UTC+1 in winter), 15:30 Sunday in LA.
    instant = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert local_date(instant, ZoneInfo("Europe/Berlin")) == date(2026, 11, 23)
    assert local_date(instant, ZoneInfo("America/Los_Angeles")) == date(2026, 11, 22)


def test_now_is_taken_in_the_configured_zone() -> None:
    # Kiritimati is UTC+14 all year, Pago Pago UTC−11: "today" differs by a day for most of the day.
    assert Config(timezone="Pacific/Kiritimati").now().utcoffset() == timedelta(hours=14)
    assert Config(timezone="Pacific/Pago_Pago").now().utcoffset() == timedelta(hours=-11)


@settings(max_examples=120, deadline=None)
@given(
    today=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
    overdue_by=st.integers(min_value=1, max_value=40),
    hours=st.integers(min_value=1, max_value=60),
)
def test_overdue_work_is_placed_on_every_day_of_the_year(today: date, overdue_by: int, hours: int) -> None:
    # Whatever the day (weekend, public holiday, year end), overdue work is allocated in full to the first
    # working week from today on: spread over its free days, or at risk on its Friday when it has none.
    late = issue("P-LATE", hours, today - timedelta(days=overdue_by))
    model = compute_availability(
        Sources([late], USERS, 8.0, [ANA]), Calendar.of(today, 2, 0, "Europe/Berlin")
    )
    allocation = model.allocations["P-LATE"]
    assert allocation.unscheduled == 0 and allocation.allocated == pytest.approx(hours)
    first = today if today.weekday() < 5 else today + timedelta(days=7 - today.weekday())
    assert all(first <= day <= first + timedelta(days=4 - first.weekday()) for day in allocation.per_day)
    if today.weekday() >= 5:  # a weekend run plans as the Monday after does
        monday = compute_availability(
            Sources([late], USERS, 8.0, [ANA]), Calendar.of(first, 2, 0, "Europe/Berlin")
        )
        assert monday.allocations["P-LATE"].per_day == allocation.per_day


@pytest.mark.parametrize(
    ("zone", "start", "end"),
    [
        ("Europe/Berlin", date(2026, 11, 23), date(2026, 12, 4)),
        ("UTC", date(2026, 11, 22), date(2026, 12, 4)),
        ("Australia/Sydney", date(2026, 11, 23), date(2026, 12, 5)),
    ],
)
def test_a_sprints_days_are_taken_in_the_configured_zone(zone: str, start: date, end: date) -> None:
    # Monday 23 Nov 00:00 in Berlin is Sunday 22 Nov 23:00 UTC, and 10:00 in Sydney (UTC+11);
    # Friday 4 Dec 17:00 in Berlin is 16:00 UTC, and Saturday 03:00 in Sydney.
    sprint = {"id": 7, "name": "S7", "state": "active",
              "startDate": "2026-11-22T23:00:00.000Z", "endDate": "2026-12-04T16:00:00.000Z"}  # fmt: skip
    raw = {"key": "P-1", "fields": {"customfield_10020": [sprint]}}
    parsed = parse_issue(raw, CustomFieldIds("customfield_10020", None), zone=ZoneInfo(zone))
    assert (parsed.sprints[0].start, parsed.sprints[0].end) == (start, end)
