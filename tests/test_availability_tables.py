"""The availability computation and its tabs, on a hand-built organisation (no Prefect, no I/O).

Today is Monday 2026-11-23 (W48); the forecast shows W48 and W49, actuals W46 and W47.
Ana (DE) has 16 h due this Friday; Ben (GB) has 60 h due this Friday (overbooked by 20 h), an
unestimated issue and half a day off on Monday 30 Nov; Kim is a Jira user BambooHR does not know.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from connectors.sheets import ConditionalRule, Table
from domain.availability_model import Calendar, Sources, capacity_range, compute_availability
from domain.overrides import PersonOverride
from domain.people import NO_BAMBOOHR_MATCH
from domain.records import Employee, JiraIssue, JiraUser, TimeOffDay, Worklog
from flows.availability_tables import (
    TABS,
    RunFacts,
    availability_tables,
    match_text,
    overrides_from_rows,
    sync_log_table,
)

TODAY = date(2026, 11, 23)
CALENDAR = Calendar.of(TODAY, weeks=2, actuals_weeks=2)
FRIDAY = date(2026, 11, 27)
H = 3600


def employee(eid: str, name: str, team: str, country: str) -> Employee:
    email = f"{name.split()[0].lower()}@org.example"
    return Employee(eid, name, email, team, country, "Active", "Full-Time", date(2020, 1, 6), None)


def issue(key: str, assignee: str, remaining_h: float | None, due: date | None, **extra: Any) -> JiraIssue:
    seconds = None if remaining_h is None else int(remaining_h * H)
    fields: dict[str, Any] = {"summary": f"Work on {key}", "status": "To Do", "project": "A"}
    fields |= {"assignee_name": assignee, "assignee_email": None, "spent_seconds": None}
    return JiraIssue(key=key, assignee_account_id=assignee, original_seconds=seconds,
                     remaining_seconds=seconds, due=due, **(fields | extra))  # fmt: skip


def worklog(author: str, started: datetime, hours: float = 1.0) -> Worklog:
    return Worklog("A-1", author, None, started, int(hours * H))


ANA_LOGS = tuple(
    worklog("acc-ana", datetime(2026, 11, 16, 9, tzinfo=UTC) + timedelta(hours=n % 9, days=n % 5))
    for n in range(45)
)
OTHER_LOGS = (
    worklog("acc-ana", datetime(2026, 11, 2, 9, tzinfo=UTC), 5.0),  # W45: before the actuals window
    worklog("acc-ghost", datetime(2026, 11, 10, 9, tzinfo=UTC), 2.0),  # nobody we know
)


def sources(overrides: list[PersonOverride] | None = None, **changes: Any) -> Sources:
    base = Sources(
        issues=[
            issue("A-1", "acc-ana", 16, FRIDAY, worklogs=ANA_LOGS + OTHER_LOGS),
            issue("A-2", "acc-ben", 60, FRIDAY),
            issue("A-3", "acc-ben", None, FRIDAY, warnings=("original estimate of 9000 h looks wrong",)),
            issue("A-4", "acc-kim", 8, None, summary="=SUM(A1:A3)"),
        ],
        jira_users=[
            JiraUser("acc-ana", "Ana M", "ana@org.example"),
            JiraUser("acc-ben", "Ben S", "ben@org.example"),
            JiraUser("acc-kim", "Kim Agency", None),
        ],
        hours_per_day=8.0,
        employees=[
            employee("1", "Ana Muster", "Platform", "DE"),
            employee("2", "Ben Smith", "Payments", "GB"),
        ],
        time_off=[TimeOffDay("2", date(2026, 11, 30), 0.5, "days")],
        overrides=overrides or [],
    )
    return Sources(**(base.__dict__ | changes))


def tables(overrides: list[PersonOverride] | None = None) -> dict[str, Table]:
    model = compute_availability(sources(overrides), CALENDAR)
    return {t.tab: t for t in availability_tables(model)}


def rows(table: Table) -> dict[Any, dict[str, Any]]:
    return {tuple(r[k] for k in table.key) if len(table.key) > 1 else r[table.key[0]]: r for r in table.rows}


def test_every_tab_is_built_and_week_columns_are_labelled_with_their_monday() -> None:
    built = tables()
    assert [*built, "Sync log"] == list(TABS)
    names = [c.name for c in built["Availability"].columns]
    assert names[2:4] == ["W48 · 23 Nov", "W49 · 30 Nov"]
    assert names[4:] == ["Unscheduled", "Overbooked weeks", "At risk", "Person id"]
    assert built["Availability"].key == ("Person id",)
    assert built["Availability"].rules == [  # red first: it must win over the scale
        ConditionalRule("negative", ("W48 · 23 Nov", "W49 · 30 Nov")),
        ConditionalRule("scale", ("W48 · 23 Nov", "W49 · 30 Nov")),
    ]
    assert all(t.mode == "managed" for name, t in built.items() if name != "People")


def test_week_grids_show_capacity_allocation_and_what_is_left() -> None:
    built = tables()
    capacity, allocated, free = (rows(built[tab]) for tab in ("Capacity", "Allocated", "Availability"))
    w48, w49 = "W48 · 23 Nov", "W49 · 30 Nov"
    assert (capacity["acc-ben"][w48], capacity["acc-ben"][w49]) == (40.0, 36.0)  # half day off
    assert capacity["acc-ben"]["Total"] == 76.0
    assert (allocated["acc-ana"][w48], allocated["acc-ana"][w49]) == (16.0, 0.0)
    assert free["acc-ana"] | {w48: 24.0, w49: 40.0, "Overbooked weeks": 0} == free["acc-ana"]
    assert (free["acc-ben"]["W48 · 23 Nov"], free["acc-ben"]["Overbooked weeks"]) == (-20.0, 1)
    assert free["acc-kim"]["Unscheduled"] == 8.0 and allocated["acc-kim"]["Unscheduled"] == 8.0
    teams = rows(built["Teams"])
    assert teams[("Payments", "Available")]["W48 · 23 Nov"] == -20.0
    assert teams[("Platform", "Allocated")]["W48 · 23 Nov"] == 16.0


def test_unmatched_jira_assignee_is_listed_and_flagged_not_dropped() -> None:
    built = tables()
    kim = rows(built["People"])["acc-kim"]
    assert NO_BAMBOOHR_MATCH in kim["Match"] and kim["Employee id"] is None
    assert "acc-kim" in rows(built["Availability"])
    assert rows(built["People"])["acc-ana"]["Match"] == "matched"


def test_people_tab_is_filled_with_who_people_are_and_leaves_override_cells_to_humans() -> None:
    people = tables()["People"]
    assert people.mode == "fill" and people.key == ("Person id",)
    assert {"Team", "FTE %", "Weekly hours", "Country", "Exclude"} <= {c.name for c in people.columns}
    ana = rows(people)["acc-ana"]
    assert ana == {"Person id": "acc-ana", "Name": "Ana Muster", "Email": "ana@org.example",
                   "Jira account id": "acc-ana", "Employee id": "1", "Match": "matched"}  # fmt: skip


def test_people_rows_with_nothing_typed_are_no_overrides() -> None:
    overrides, _ = overrides_from_rows(
        [
            {"Person id": "acc-ana", "Name": "Ana Muster", "Employee id": "1", "Team": ""},
            {"Person id": "bamboohr:7", "Name": "Leaver", "Employee id": 7.0},  # the sync's own fill
            {"Person id": "acc-kim", "Employee id": "2"},  # a human mapping
        ]
    )
    assert [(o.key, o.employee_id) for o in overrides] == [("acc-ana", "1"), ("acc-kim", "2")]


def test_overrides_typed_into_people_change_capacity_team_and_who_is_planned() -> None:
    overrides, warnings = overrides_from_rows(
        [
            {"Person id": "acc-ben", "FTE %": "50 %", "Team": "Skunkworks"},
            {"Person id": "acc-kim", "Exclude": "yes"},
            {"Person id": "", "Team": "a human's note row"},
        ]
    )
    assert warnings == []
    built = tables(overrides)
    ben = rows(built["Capacity"])["acc-ben"]
    assert (ben["W48 · 23 Nov"], ben["W49 · 30 Nov"], ben["Team"]) == (20.0, 18.0, "Skunkworks")
    assert "acc-kim" not in rows(built["Availability"])
    assert "acc-kim" in rows(built["People"])  # still listed, so the Exclude cell stays visible
    issues = rows(built["Issues"])
    assert issues["A-4"]["Unscheduled (h)"] == 8.0 and "not a planned person" in issues["A-4"]["Problems"]


def test_a_bad_override_cell_is_a_warning_naming_it_and_the_row_is_ignored() -> None:
    overrides, warnings = overrides_from_rows(
        [{"Person id": "acc-ben", "FTE %": "half"}, {"Person id": "acc-ana", "Weekly hours": 32}]
    )
    assert [o.key for o in overrides] == ["acc-ana"] and overrides[0].weekly_hours == 32
    assert len(warnings) == 1 and "acc-ben" in warnings[0] and "'half'" in warnings[0]


def test_actuals_count_every_worklog_in_the_window_and_compare_with_capacity() -> None:
    model = compute_availability(sources(), CALENDAR)
    ana = rows(tables()["Actuals"])["acc-ana"]
    assert (ana["W47 · 16 Nov"], ana["W47 · 16 Nov %"]) == (45.0, 1.125)  # all 45, vs 40 h of capacity
    assert (ana["W46 · 9 Nov"], ana["Total"]) == (0.0, 45.0)  # the W45 worklog is outside the window
    assert any("2.0 h logged by acc-ghost" in w for w in model.warnings)


def test_issues_tab_keeps_text_literal_and_names_each_problem() -> None:
    issues = rows(tables()["Issues"])
    assert issues["A-4"]["Summary"] == "=SUM(A1:A3)"
    assert issues["A-3"]["Remaining (h)"] is None
    assert "no estimate" in issues["A-3"]["Problems"] and "9000 h looks wrong" in issues["A-3"]["Problems"]
    assert (issues["A-1"]["End"], issues["A-1"]["End source"], issues["A-1"]["Team"]) == (
        FRIDAY,
        "due date",
        "Platform",
    )
    assert "Notes" not in [c.name for c in tables()["Issues"].columns]  # a human's column, never owned


def test_overdue_issue_is_marked_in_its_end_source() -> None:
    late = issue("A-9", "acc-ana", 4, date(2026, 11, 2))
    model = compute_availability(sources(issues=[late]), CALENDAR)
    row = rows({t.tab: t for t in availability_tables(model)}["Issues"])["A-9"]
    assert row["End source"] == "due date (overdue)" and row["Start"] == TODAY


def test_warnings_name_unmatched_people_unestimated_issues_and_issue_problems() -> None:
    warnings = compute_availability(sources(), CALENDAR).warnings
    assert any("Kim Agency (acc-kim) has no BambooHR match" in w for w in warnings)
    assert "1 issue(s) have no estimate and are allocated nothing: A-3" in warnings
    assert "A-3: original estimate of 9000 h looks wrong" in warnings


def test_unknown_country_is_a_warning_not_a_failure() -> None:
    staff = [employee("1", "Ana Muster", "Platform", "ZZ"), employee("2", "Ben Smith", "Payments", "GB")]
    warnings = compute_availability(sources(employees=staff), CALENDAR).warnings
    assert any("Ana Muster" in w and "'ZZ'" in w for w in warnings)


def test_capacity_is_needed_up_to_the_latest_issue_end_beyond_the_horizon() -> None:
    later = [issue("A-1", "acc-ana", 4, date(2027, 3, 1))]
    assert capacity_range(later, CALENDAR) == (date(2026, 11, 9), date(2027, 3, 1))
    assert capacity_range([], CALENDAR) == (date(2026, 11, 9), date(2026, 12, 6))


def test_capacity_is_computed_on_the_days_time_off_was_read_for() -> None:
    later = [issue("A-1", "acc-ana", 16, date(2027, 3, 1))]
    read_for = capacity_range(later, CALENDAR)
    given = compute_availability(sources(issues=later, capacity_days=read_for), CALENDAR)
    assert given == compute_availability(sources(issues=later), CALENDAR)
    horizon_only = (CALENDAR.first_day, CALENDAR.last_day)  # too few days for an issue ending in March
    with pytest.raises(ValueError, match="capacity is missing"):
        compute_availability(sources(issues=later, capacity_days=horizon_only), CALENDAR)


def test_match_text_lists_flags_after_the_verdict() -> None:
    person = compute_availability(sources(), CALENDAR).person("acc-kim")
    assert person is not None and match_text(person).startswith(NO_BAMBOOHR_MATCH)


def test_sync_log_appends_one_row_per_run_keyed_by_run_time() -> None:
    facts = RunFacts("2026-11-23T09:00:00.000+00:00", TODAY, 3, 4, 1, 1, 120, 5)
    table = sync_log_table(facts)
    assert table.mode == "fill" and table.key == ("Run at",)
    assert table.rows == [
        {"Run at": facts.run_at, "Today": TODAY, "People": 3, "Issues": 4, "Unestimated issues": 1,
         "Overbooked people": 1, "Cells written": 120, "Warnings": 5}
    ]  # fmt: skip
