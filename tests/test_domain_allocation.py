"""Allocation and availability on a hand-built organisation, plus properties on random issues.

The organisation (today = Monday 2026-12-21, 8 h days, company holiday Thu 24 Dec for everyone):
  Anna  DE, 100 %, half-day leave Tue 22 Dec
  Ben   GB,  50 % (People tab: "50 %", team Mobile, Jira hides his email → mapped by employee id)
  Chloe DE, 100 %, hired Wed 23 Dec, 2 h off Tue 29 Dec

Daily capacity by hand (weekends 0):
            Mon 21  Tue 22  Wed 23  Thu 24  Fri 25 | Mon 28  Tue 29  Wed 30  Thu 31  Fri 1
  Anna        8       4       8       0c      0DE  |   8       8       8       8       0
  Ben         4       4       4       0c      0GB  |   0GB     4       4       4       0
  Chloe       0h      0h      8       0c      0DE  |   8       6       8       8       0
  (c company holiday, DE/GB public holiday: 25 Dec both, 28 Dec Boxing Day observed GB only,
   1 Jan both; h before hire date)
Weekly capacity: Anna 20 | 32, Ben 12 | 12, Chloe 8 | 30.
"""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.allocation import (
    END_DUE,
    END_FIX_VERSION,
    END_NONE,
    END_SPRINT,
    Allocation,
    allocate,
    open_sprint,
    plan_window,
    remaining_hours,
    spread,
)
from domain.availability import (
    allocated_by_person,
    available,
    on_weeks,
    overbooked_weeks,
    team_sums,
    unscheduled_by_person,
)
from domain.capacity import daily_capacity, weekly
from domain.overrides import PersonOverride
from domain.people import match_people
from domain.records import CompanyHoliday, Employee, JiraIssue, JiraUser, Sprint, TimeOffDay
from domain.weeks import horizon

TODAY = date(2026, 12, 21)
W52, W53 = date(2026, 12, 21), date(2026, 12, 28)
H = 3600  # seconds per hour


def employee(id_: str, name: str, email: str, country: str, hired: date) -> Employee:
    return Employee(id_, name, email, "Platform", country, "Active", "Full-Time", hired, None)


EMPLOYEES = [
    employee("1", "Anna", "anna@example.com", "DE", date(2020, 1, 1)),
    employee("2", "Ben", "ben@example.com", "GB", date(2021, 5, 1)),
    employee("3", "Chloe", "chloe@example.com", "DE", date(2026, 12, 23)),
]
JIRA_USERS = [
    JiraUser("acc-anna", "Anna S", "ANNA@example.com"),
    JiraUser("acc-ben", "Ben J", None),
    JiraUser("acc-chloe", "Chloe W", "chloe@example.com"),
]
OVERRIDES = [PersonOverride.parse("acc-ben", employee_id="2", team="Mobile", fte="50 %")]
TIME_OFF = [
    TimeOffDay("1", date(2026, 12, 22), 0.5, "days"),
    TimeOffDay("3", date(2026, 12, 29), 2, "hours"),
]
COMPANY = [CompanyHoliday(date(2026, 12, 24), "Christmas Eve")]
SPRINT_CLOSED = Sprint(41, "Sprint 41", "closed", date(2026, 11, 30), date(2026, 12, 11))
SPRINT_ACTIVE = Sprint(42, "Sprint 42", "active", date(2026, 12, 14), date(2026, 12, 29))


def issue(key: str, assignee: str | None, **kw: object) -> JiraIssue:
    fields: dict[str, object] = {"original_seconds": None, "remaining_seconds": None, "spent_seconds": None}
    fields.update(kw)
    return JiraIssue(key, key, "To Do", "PLAT", assignee, None, None, **fields)  # type: ignore[arg-type]


ISSUES = [
    # 12 h until Wed: capacity 8+4+8 = 20 → 4.8, 2.4, 4.8
    issue("PLAT-1", "acc-anna", remaining_seconds=12 * H, due=date(2026, 12, 23)),
    # 18 h in sprint 42 (ends Tue 29; the closed sprint is history): capacity Mon 21..Tue 29 =
    # 8+4+8+0+0 + 8+8 = 36 → 4, 2, 4, then Christmas and the company day get nothing, then 4, 4
    issue("PLAT-2", "acc-anna", remaining_seconds=18 * H, sprints=(SPRINT_CLOSED, SPRINT_ACTIVE)),
    # due last Friday → overdue: 6 h over the rest of this week, 4+4+4 = 12 → 2, 2, 2
    issue("PLAT-3", "acc-ben", remaining_seconds=6 * H, due=date(2026, 12, 18)),
    # no due date, sprint or fix version → all 10 h unscheduled
    issue("PLAT-4", "acc-chloe", remaining_seconds=10 * H),
    # nothing estimated → unestimated, nothing allocated
    issue("PLAT-5", "acc-ben", spent_seconds=2 * H),
    # remaining missing: 20 − 5 = 15 h, from Mon 28 (start field) to the earliest unreleased fix
    # version Thu 31: capacity 8+6+8+8 = 30 → 4, 3, 4, 4
    issue(
        "PLAT-6",
        "acc-chloe",
        original_seconds=20 * H,
        spent_seconds=5 * H,
        start=date(2026, 12, 28),
        fix_version_dates=(date(2027, 1, 15), date(2026, 12, 31)),
    ),
    # window Thu 24..Fri 25 is all holiday: no free day before it is due → at risk, the 3 h on Fri 25
    issue("PLAT-7", "acc-ben", remaining_seconds=3 * H, start=date(2026, 12, 24), due=date(2026, 12, 25)),
]


@pytest.fixture(scope="module")
def org() -> dict[str, object]:
    people = {p.key: p for p in match_people(EMPLOYEES, JIRA_USERS, OVERRIDES)}
    capacity = {
        key: daily_capacity(p, TODAY, date(2027, 1, 10), TIME_OFF, COMPANY).per_day
        for key, p in people.items()
    }
    allocations = {
        i.key: allocate(i, i.assignee_account_id, capacity[i.assignee_account_id], TODAY) for i in ISSUES
    }
    return {"people": people, "capacity": capacity, "allocations": allocations}


def per_day(allocation: Allocation) -> dict[date, float]:
    return {d: round(h, 6) for d, h in allocation.per_day.items()}


def test_org_weekly_capacity(org: dict) -> None:
    weeks = horizon(TODAY, weeks=2)
    got = {key: on_weeks(weekly(daily), weeks) for key, daily in org["capacity"].items()}
    assert got == {
        "acc-anna": {W52: 20, W53: 32},
        "acc-ben": {W52: 12, W53: 12},
        "acc-chloe": {W52: 8, W53: 30},
    }


def test_org_allocations_by_hand(org: dict) -> None:
    a = org["allocations"]
    d = date
    assert per_day(a["PLAT-1"]) == {d(2026, 12, 21): 4.8, d(2026, 12, 22): 2.4, d(2026, 12, 23): 4.8}
    assert a["PLAT-1"].end_source == END_DUE
    assert per_day(a["PLAT-2"]) == {
        d(2026, 12, 21): 4,
        d(2026, 12, 22): 2,
        d(2026, 12, 23): 4,
        d(2026, 12, 28): 4,
        d(2026, 12, 29): 4,
    }
    assert (a["PLAT-2"].start, a["PLAT-2"].end, a["PLAT-2"].end_source) == (
        TODAY,
        d(2026, 12, 29),
        END_SPRINT,
    )
    assert per_day(a["PLAT-3"]) == {d(2026, 12, 21): 2, d(2026, 12, 22): 2, d(2026, 12, 23): 2}
    assert a["PLAT-3"].overdue
    assert (a["PLAT-3"].end, a["PLAT-3"].spread_end) == (d(2026, 12, 18), d(2026, 12, 25))
    assert (a["PLAT-4"].per_day, a["PLAT-4"].unscheduled, a["PLAT-4"].end_source) == ({}, 10, END_NONE)
    assert a["PLAT-4"].reason.startswith("no end")
    assert (a["PLAT-5"].unestimated, a["PLAT-5"].remaining, a["PLAT-5"].per_day) == (True, 0, {})
    assert a["PLAT-5"].unscheduled == 0
    assert a["PLAT-6"].remaining == 15
    assert per_day(a["PLAT-6"]) == {
        d(2026, 12, 28): 4,
        d(2026, 12, 29): 3,
        d(2026, 12, 30): 4,
        d(2026, 12, 31): 4,
    }
    assert a["PLAT-6"].end_source == END_FIX_VERSION
    assert (a["PLAT-7"].unscheduled, a["PLAT-7"].at_risk) == (0, True)
    assert a["PLAT-7"].per_day == {d(2026, 12, 25): 3}
    assert a["PLAT-7"].reason == "at risk: due 2026-12-25, before any free day of the assignee"
    assert not any(a[k].at_risk for k in ("PLAT-1", "PLAT-2", "PLAT-3", "PLAT-4", "PLAT-5", "PLAT-6"))


def test_org_availability_overbooking_and_teams(org: dict) -> None:
    # Allocated: Anna W52 12 + 10 = 22, W53 8; Ben W52 6 + 3 (at risk, on Fri 25); Chloe W53 15.
    # Available: Anna 20−22 = −2 | 32−8 = 24; Ben 12−9 = 3 | 12; Chloe 8 | 30−15 = 15.
    weeks = horizon(TODAY, weeks=2)
    allocations = list(org["allocations"].values())
    allocated = allocated_by_person(allocations)
    avail = {
        key: available(weekly(daily), allocated.get(key, {}), weeks) for key, daily in org["capacity"].items()
    }
    assert {k: {w: round(h, 6) for w, h in v.items()} for k, v in avail.items()} == {
        "acc-anna": {W52: -2, W53: 24},
        "acc-ben": {W52: 3, W53: 12},
        "acc-chloe": {W52: 8, W53: 15},
    }
    assert {k: overbooked_weeks(v) for k, v in avail.items()} == {"acc-anna": 1, "acc-ben": 0, "acc-chloe": 0}
    assert unscheduled_by_person(allocations) == {"acc-chloe": 10}
    team_of = {key: p.team for key, p in org["people"].items()}
    teams = team_sums(avail, team_of, weeks)
    assert list(teams) == ["Mobile", "Platform"]
    assert teams["Mobile"] == {W52: 3, W53: 12}
    assert teams["Platform"] == {W52: pytest.approx(6), W53: pytest.approx(39)}


def test_remaining_hours_rules() -> None:
    assert remaining_hours(issue("A", None, remaining_seconds=0, original_seconds=10 * H)) == 0
    assert remaining_hours(issue("A", None, original_seconds=2 * H, spent_seconds=5 * H)) == 0
    assert remaining_hours(issue("A", None, original_seconds=90 * 60)) == 1.5
    assert remaining_hours(issue("A", None, spent_seconds=H)) is None


def test_open_sprint_prefers_active_then_earliest_future() -> None:
    later = Sprint(44, "44", "future", date(2027, 1, 11), date(2027, 1, 22))
    sooner = Sprint(43, "43", "FUTURE", date(2026, 12, 30), date(2027, 1, 8))
    assert open_sprint([SPRINT_CLOSED, later, sooner]) == sooner
    assert open_sprint([later, SPRINT_ACTIVE]) == SPRINT_ACTIVE
    assert open_sprint([SPRINT_CLOSED]) is None


def test_window_start_is_never_before_today_and_due_beats_sprint() -> None:
    window = plan_window(issue("A", None, sprints=(SPRINT_ACTIVE,), due=date(2027, 1, 5)), TODAY)
    assert (window.start, window.end, window.end_source, window.overdue) == (
        TODAY,
        date(2027, 1, 5),
        END_DUE,
        False,
    )


def test_start_after_end_and_unassigned_are_unscheduled_with_a_reason() -> None:
    capacity = dict.fromkeys((TODAY + timedelta(days=i) for i in range(30)), 8.0)
    late_start = issue("A", "p", remaining_seconds=H, start=date(2027, 1, 8), due=date(2027, 1, 5))
    result = allocate(late_start, "p", capacity, TODAY)
    assert (result.unscheduled, result.reason) == (1, "starts 2027-01-08, after its end 2027-01-05")
    unassigned = allocate(issue("B", None, remaining_seconds=H, due=TODAY), None, capacity, TODAY)
    assert unassigned.unscheduled == 1
    assert unassigned.reason.startswith("unassigned")


def test_capacity_must_cover_the_window() -> None:
    with pytest.raises(ValueError, match="missing 2 day"):
        spread(5, {TODAY: 8.0}, TODAY, TODAY + timedelta(days=2))


def test_overdue_on_a_weekend_goes_to_the_next_working_week() -> None:
    # Sat 26 Dec: the week has no working day left, so the overdue hour goes to Mon 28 Dec – Fri 1 Jan,
    # in proportion to capacity (Mon 28 Dec 0 here), as a Monday run would place it.
    saturday = date(2026, 12, 26)
    capacity = dict.fromkeys((saturday + timedelta(days=i) for i in range(10)), 8.0)
    capacity[saturday] = capacity[saturday + timedelta(days=1)] = capacity[date(2026, 12, 28)] = 0.0
    result = allocate(
        issue("A", "p", remaining_seconds=4 * H, due=date(2026, 12, 1)), "p", capacity, saturday
    )
    assert result.overdue and result.unscheduled == 0
    assert (result.start, result.spread_end) == (date(2026, 12, 28), date(2027, 1, 1))
    assert result.per_day == pytest.approx(
        {date(2026, 12, d): 1.0 for d in (29, 30, 31)} | {date(2027, 1, 1): 1.0}
    )


# --- properties ---------------------------------------------------------------------------------

BASE = date(2026, 12, 1)
SPAN = 160  # capacity is known from BASE − 60 to BASE + 100 days; every window fits inside
maybe_seconds = st.one_of(st.none(), st.integers(min_value=0, max_value=400 * H))
near = st.dates(min_value=BASE - timedelta(days=30), max_value=BASE + timedelta(days=60))
sprints = st.builds(
    lambda id_, state, start, length: Sprint(id_, str(id_), state, start, start + timedelta(days=length)),
    st.integers(1, 99),
    st.sampled_from(["active", "future", "closed"]),
    near,
    st.integers(0, 28),
)
issues = st.builds(
    issue,
    key=st.just("P-1"),
    assignee=st.just("p"),
    original_seconds=maybe_seconds,
    remaining_seconds=maybe_seconds,
    spent_seconds=maybe_seconds,
    due=st.one_of(st.none(), near),
    start=st.one_of(st.none(), near),
    sprints=st.lists(sprints, max_size=3).map(tuple),
    fix_version_dates=st.lists(near, max_size=3).map(tuple),
)


def capacity_calendar(week_pattern: list[float], closed_days: set[int]) -> dict[date, float]:
    first = BASE - timedelta(days=60)
    return {first + timedelta(days=i): 0.0 if i in closed_days else week_pattern[i % 7] for i in range(SPAN)}


# A repeating week with random hours (zeros included) plus random closed days: cheap to draw, and
# covers holidays inside windows, all-zero windows and uneven days.
capacities = st.builds(
    capacity_calendar,
    st.lists(
        st.sampled_from([0.0, 0.0, 1.5, 4.0, 8.0]) | st.floats(min_value=0, max_value=10),
        min_size=7,
        max_size=7,
    ),
    st.sets(st.integers(0, SPAN - 1), max_size=40),
)


@settings(max_examples=300, deadline=None)
@given(work=issues, capacity=capacities, today=st.dates(min_value=BASE, max_value=BASE + timedelta(days=20)))
def test_allocation_properties(work: JiraIssue, capacity: dict[date, float], today: date) -> None:
    result = allocate(work, "p", capacity, today)
    # allocated + unscheduled = remaining, per issue
    assert abs(result.allocated + result.unscheduled - result.remaining) <= 0.01
    if result.unestimated:
        assert (result.per_day, result.unscheduled, result.remaining) == ({}, 0, 0)
    for day, hours in result.per_day.items():
        # a day with zero capacity gets nothing, unless no day of the window has any: then the issue is
        # at risk and all of it sits on the window's last day; nothing lands outside the window
        assert hours > 0
        assert capacity[day] > 0 or (result.at_risk and day == result.spread_end)
        assert result.start is not None and result.spread_end is not None
        assert today <= result.start <= day <= result.spread_end
    if result.at_risk:
        assert result.per_day == {result.spread_end: result.remaining} and result.remaining > 0
    assert result.unscheduled >= 0


@settings(max_examples=100, deadline=None)
@given(hours=st.floats(min_value=0.01, max_value=500), capacity=capacities)
def test_spread_is_proportional_to_capacity(hours: float, capacity: dict[date, float]) -> None:
    start, end = BASE, BASE + timedelta(days=40)
    placed = spread(hours, capacity, start, end)
    total = sum(capacity[d] for d in placed)
    for day, share in placed.items():
        assert share == pytest.approx(hours * capacity[day] / total)


def test_nothing_remaining_is_neither_allocated_nor_unscheduled() -> None:
    done_ish = issue("A", "p", remaining_seconds=0, original_seconds=8 * H)
    result = allocate(done_ish, "p", {}, TODAY)
    assert (result.per_day, result.unscheduled, result.reason, result.unestimated) == ({}, 0, "", False)


def test_spread_keeps_every_hour_even_with_a_vanishing_capacity_share() -> None:
    first, second = TODAY, TODAY + timedelta(days=1)
    assert spread(10, {first: 5e-324, second: 0.0}, first, second) == {first: 10}
    placed = spread(1 / 3, {first: 1e-300, second: 8.0}, first, second)
    assert sum(placed.values()) == pytest.approx(1 / 3, abs=1e-12)
    assert all(hours > 0 for hours in placed.values())


def test_far_future_due_date_is_spread_up_to_the_planning_limit() -> None:
    from domain.allocation import PLANNING_LIMIT_DAYS, plan_window
    from domain.records import JiraIssue

    today = date(2026, 11, 26)
    issue = JiraIssue(
        key="X-1", summary="typo in due date", status="To Do", project="X",
        assignee_account_id="a", assignee_name="A", assignee_email=None,
        original_seconds=3600, remaining_seconds=3600, spent_seconds=0, due=date(2099, 1, 1),
    )  # fmt: skip
    window = plan_window(issue, today)
    assert window.end == date(2099, 1, 1)
    assert window.spread_end == today + timedelta(days=PLANNING_LIMIT_DAYS)
