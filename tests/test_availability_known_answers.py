"""Known answers, computed by hand from the rules, for what a planner reads on the availability sheet.

Today is Tuesday 2026-12-01 (W49, Monday 30 Nov). Two week columns: W49 and W50 (Monday 7 Dec).
Everyone is in Germany (no public holiday from 30 Nov to 11 Dec), 8 h a day, full time.

- Current week from today: W49 has four days left (Tue–Fri) → 32 h of capacity, whatever happened on
  Monday (Ana's day off on Monday 30 Nov takes nothing off). Ana has 36 h due Friday 4 Dec → 36 h
  allocated, −4 h available: overbooked.
- Ben is on leave Tue 1 – Fri 4 Dec and has 10 h due Friday → no free day before it is due: at risk,
  the 10 h land on Friday → W49 available 0 − 10 = −10.
- Chloé hides her email in Jira; her display name is unique among active employees → one row, team
  Mobile, 32 h in W49; her 8 h due Friday are allocated (available 24).
- Kim Agency is a Jira user nobody in BambooHR matches → capacity blank, 6 h of work unscheduled and
  counted as unmatched, not in any team's sums.
- Dan was hired twice: record 7 (2015–2019, inactive) and record 8 (active since 2024), one email → 8.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from domain.availability import NO_TEAM
from domain.availability_model import UNKNOWN_CAPACITY, Calendar, Sources, compute_availability
from domain.overrides import PersonOverride
from domain.people import MATCHED_BY_NAME, NO_BAMBOOHR_MATCH
from domain.records import Employee, JiraIssue, JiraUser, TimeOffDay, Worklog
from flows.availability_report import build_report, person_labels
from flows.availability_tables import availability_tables

TODAY = date(2026, 12, 1)
FRIDAY = date(2026, 12, 4)
W49, W50 = "W49 · 30 Nov", "W50 · 7 Dec"
CALENDAR = Calendar.of(TODAY, weeks=2, actuals_weeks=1)
H = 3600


def employee(eid: str, name: str, email: str | None, team: str, **kw: Any) -> Employee:
    fields = {"status": "Active", "employment_status": "Full-Time", "hire_date": date(2020, 1, 6),
              "termination_date": None} | kw  # fmt: skip
    return Employee(eid, name, email, team, "DE", **fields)


def issue(key: str, assignee: str, hours: float, due: date | None = FRIDAY) -> JiraIssue:
    seconds = int(hours * H)
    summary, project = f"Work on {key}", key.split("-")[0]
    return JiraIssue(key, summary, "To Do", project, assignee, None, None, seconds, seconds, None, due=due)


EMPLOYEES = [
    employee("1", "Ana Muster", "ana@org.example", "Platform"),
    employee("2", "Ben Smith", "ben@org.example", "Payments"),
    employee("3", "Chloé Weber", "chloe@org.example", "Mobile"),
    employee(
        "7",
        "Dan Berg",
        "dan@org.example",
        "Platform",
        status="Inactive",
        hire_date=date(2015, 3, 1),
        termination_date=date(2019, 6, 30),
    ),
    employee("8", "Dan Berg", "dan@org.example", "Platform", hire_date=date(2024, 2, 1)),
]
USERS = [
    JiraUser("acc-ana", "Ana Muster", "ana@org.example"),
    JiraUser("acc-ben", "Ben Smith", "ben@org.example"),
    JiraUser("acc-chloe", "Chloé Weber", None),
    JiraUser("acc-dan", "Dan Berg", "DAN@org.example"),
    JiraUser("acc-kim", "Kim Agency", "kim@agency.example"),
]
ISSUES = [
    issue("A-1", "acc-ana", 36),
    issue("B-1", "acc-ben", 10),
    issue("C-1", "acc-chloe", 8),
    issue("K-1", "acc-kim", 6),
]
TIME_OFF = [TimeOffDay("1", date(2026, 11, 30), 1, "days")] + [
    TimeOffDay("2", date(2026, 12, day), 1, "days") for day in range(1, 5)
]


def model(**changes: Any) -> Any:
    base = Sources(ISSUES, USERS, 8.0, EMPLOYEES, time_off=TIME_OFF)
    return compute_availability(Sources(**(base.__dict__ | changes)), CALENDAR)


def tab(built: Any, name: str) -> dict[str, dict[str, Any]]:
    table = next(t for t in availability_tables(built) if t.tab == name)
    return {row["Person id"]: row for row in table.rows}


def test_the_current_week_counts_capacity_from_today_like_allocation() -> None:
    built = model()
    capacity, available = tab(built, "Capacity"), tab(built, "Availability")
    assert capacity["acc-ana"][W49] == 32.0  # Tue–Fri; Monday's day off is in the past and changes nothing
    assert capacity["acc-ana"][W50] == 40.0
    assert tab(built, "Allocated")["acc-ana"][W49] == 36.0
    assert available["acc-ana"][W49] == -4.0 and available["acc-ana"]["Overbooked weeks"] == 1


def test_work_due_before_any_free_day_is_overbooked_and_flagged_at_risk() -> None:
    built = model()
    ben = tab(built, "Availability")["acc-ben"]
    assert (ben[W49], ben["Overbooked weeks"], ben["At risk"], ben["Unscheduled"]) == (-10.0, 1, "B-1", 0.0)
    issues = {
        row["Key"]: row for row in next(t for t in availability_tables(built) if t.tab == "Issues").rows
    }
    assert "at risk: due 2026-12-04, before any free day" in issues["B-1"]["Problems"]
    summary = build_report(built, [], dry_run=False).summary
    assert "1 issue at risk (due before any free day of the assignee): B-1 (Ben Smith (Payments), due " \
           "2026-12-04)" in summary  # fmt: skip


def test_a_hidden_email_is_matched_by_its_unique_display_name_one_person_one_row() -> None:
    built = model()
    chloe = [p for p in built.people if p.name == "Chloé Weber"]
    assert len(chloe) == 1 and (chloe[0].key, chloe[0].employee_id, chloe[0].team) == (
        "acc-chloe",
        "3",
        "Mobile",
    )
    assert MATCHED_BY_NAME in chloe[0].flags
    assert tab(built, "Capacity")["acc-chloe"][W49] == 32.0
    assert tab(built, "Availability")["acc-chloe"][W49] == 24.0
    assert any("Chloé Weber" in w and "by display name" in w for w in built.warnings)
    teams = {
        (r["Team"], r["Measure"]): r
        for r in next(t for t in availability_tables(built) if t.tab == "Teams").rows
    }
    assert teams[("Mobile", "Capacity")][W49] == 32.0  # counted once, under her real team
    assert ("(no team)", "Capacity") not in teams


def test_the_people_tab_still_overrides_a_name_match() -> None:
    built = model(overrides=[PersonOverride("acc-chloe", employee_id="1")])
    chloe = next(p for p in built.people if p.key == "acc-chloe")
    assert (chloe.employee_id, chloe.team, MATCHED_BY_NAME in chloe.flags) == ("1", "Platform", False)
    assert any(p.key == "bamboohr:3" for p in built.people)  # the real Chloé, now without a Jira user


def test_team_sums_leave_out_people_whose_capacity_is_unknown() -> None:
    built = model()
    kim = next(row for row in built.planned if row.person.key == "acc-kim")
    assert kim.capacity is None and kim.person.team is None and kim.unscheduled == 6.0
    sums = built.team_weeks
    assert NO_TEAM not in sums.allocated and NO_TEAM not in sums.available  # no "(no team)" rows for Kim
    monday = built.calendar.weeks[0]  # W49
    assert sum(team[monday] for team in sums.capacity.values()) == 32 + 0 + 32 + 32


def test_a_name_shared_by_two_active_employees_is_not_guessed() -> None:
    twin = employee("4", "Chloé Weber", "chloe.w@org.example", "Payments")
    built = model(employees=[*EMPLOYEES, twin])
    chloe = next(p for p in built.people if p.key == "acc-chloe")
    assert NO_BAMBOOHR_MATCH in chloe.flags and not chloe.capacity_known


def test_an_unmatched_jira_user_has_blank_capacity_and_their_work_counts_as_unmatched() -> None:
    built = model()
    kim_capacity, kim_free = tab(built, "Capacity")["acc-kim"], tab(built, "Availability")["acc-kim"]
    assert (kim_capacity[W49], kim_capacity[W50], kim_capacity["Total"]) == (None, None, None)
    assert (kim_free[W49], kim_free["Overbooked weeks"], kim_free["Unscheduled"]) == (None, None, 6.0)
    assert built.allocations["K-1"].reason == UNKNOWN_CAPACITY
    teams = next(t for t in availability_tables(built) if t.tab == "Teams").rows
    # Ana 32 + Ben 0 (on leave) + Chloé 32 + Dan 32; Kim's blank adds nothing
    assert sum(r[W49] for r in teams if r["Measure"] == "Capacity") == 32 + 0 + 32 + 32
    summary = build_report(built, [], dry_run=False).summary
    assert any(line.startswith("1 Jira user matched to nobody") and "6.0 h" in line and "Kim Agency" in line
               for line in summary)  # fmt: skip


def test_worklogs_of_an_unmatched_user_count_for_nobody() -> None:
    logs = (Worklog("K-1", "acc-kim", None, datetime(2026, 11, 24, 9, tzinfo=UTC), 3 * H),
            Worklog("A-1", "acc-ana", None, datetime(2026, 11, 24, 9, tzinfo=UTC), 2 * H))  # fmt: skip
    built = model(worklogs=list(logs))
    assert built.actuals.hours["acc-ana"] == {date(2026, 11, 23): 2.0}
    assert "acc-kim" not in built.actuals.hours and built.actuals.unmatched == {"acc-kim": 3.0}
    assert tab(built, "Actuals")["acc-kim"]["W48 · 23 Nov"] is None


def test_a_rehired_person_is_matched_to_the_active_record() -> None:
    dan = next(p for p in model().people if p.key == "acc-dan")
    assert (dan.employee_id, dan.flags) == ("8", ())


def test_summary_lists_every_overbooked_person_or_says_how_many_more_and_tells_namesakes_apart() -> None:
    staff = [employee(str(10 + n), f"Person {n:02d}", f"p{n}@org.example", "Platform") for n in range(11)]
    staff += [employee("30", "Kate Sánchez", "kate.m@org.example", "Mobile"),
              employee("31", "Kate Sánchez", "kate.p@org.example", "Payments")]  # fmt: skip
    users = [JiraUser(f"acc-{e.id}", e.name, e.email) for e in staff]
    work = [issue(f"X-{e.id}", f"acc-{e.id}", 40) for e in staff]  # 40 h by Friday, 32 h left: overbooked
    built = compute_availability(Sources(work, users, 8.0, staff), CALENDAR)
    line = next(s for s in build_report(built, [], dry_run=False).summary if "overbooked people" in s)
    assert line.startswith("13 overbooked people: ") and line.endswith(" and 3 more")
    assert "Kate Sánchez (Mobile)" in line and "Kate Sánchez (Payments)" in line
    same_team = [
        employee("40", "Kate Sánchez", None, "Mobile"),
        employee("41", "Kate Sánchez", None, "Mobile"),
    ]
    people = compute_availability(Sources([], [], 8.0, same_team), CALENDAR).people
    assert sorted(person_labels(people).values()) == [
        "Kate Sánchez (Mobile) #40",
        "Kate Sánchez (Mobile) #41",
    ]
