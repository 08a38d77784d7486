"""The availability spreadsheet's tabs: an `AvailabilityModel` laid out as sheet `Table`s.

Pure: no Prefect, no I/O. Column names here are the sheet's contract with its readers (and, for
the People tab, with the humans who type overrides into it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from connectors.sheets import Column, ConditionalRule, Table
from connectors.sheets.table import Value
from domain.actuals import percent_of_capacity
from domain.allocation import Allocation, seconds_to_hours
from domain.availability_model import AvailabilityModel, PersonWeeks
from domain.overrides import PersonOverride
from domain.people import BAMBOOHR_KEY_PREFIX, NO_BAMBOOHR_MATCH, NO_JIRA_USER, Person
from domain.weeks import week_label

AVAILABILITY, CAPACITY, ALLOCATED, TEAMS = "Availability", "Capacity", "Allocated", "Teams"
ISSUES, ACTUALS, PEOPLE, SYNC_LOG = "Issues", "Actuals", "People", "Sync log"
TABS = (AVAILABILITY, CAPACITY, ALLOCATED, TEAMS, ISSUES, ACTUALS, PEOPLE, SYNC_LOG)

PERSON_ID, NAME, TEAM = "Person id", "Name", "Team"
UNSCHEDULED, OVERBOOKED, TOTAL, AT_RISK = "Unscheduled", "Overbooked weeks", "Total", "At risk"
MEASURE = "Measure"
# People tab: what a human may type to correct the sources (read back as overrides every run).
EMAIL, JIRA_ACCOUNT, EMPLOYEE_ID = "Email", "Jira account id", "Employee id"
FTE, WEEKLY_HOURS, COUNTRY, EXCLUDE, MATCH = "FTE %", "Weekly hours", "Country", "Exclude", "Match"
MATCHED = "matched"
RUN_AT = "Run at"

HOURS_DIGITS = 2  # shown to one decimal; two keep sums honest without float crumbs causing writes
WEEK_WIDTH = 100  # fits "W49 · 30 Nov"


@dataclass(frozen=True)
class RunFacts:
    """One Sync log row."""

    run_at: str  # ISO timestamp in the configured time zone: the row's key
    today: date
    people: int
    issues: int
    unestimated: int
    overbooked_people: int
    cells_written: int
    warnings: int


def availability_tables(model: AvailabilityModel) -> list[Table]:
    """Every tab except the Sync log, which is only written when these changed something."""
    return [
        availability_table(model),
        capacity_table(model),
        allocated_table(model),
        teams_table(model),
        issues_table(model),
        actuals_table(model),
        people_table(model.people),
    ]


def hours(value: float | None) -> float | None:
    return None if value is None else round(value, HOURS_DIGITS)


def week_columns(weeks: Sequence[date]) -> list[Column]:
    return [Column(week_label(monday), "hours", WEEK_WIDTH) for monday in weeks]


def _person_columns() -> list[Column]:
    return [Column(NAME, "text", 180), Column(TEAM, "text", 140)]


def _person_cells(person: Person) -> dict[str, Value]:
    return {NAME: person.name, TEAM: person.team, PERSON_ID: person.key}


def _week_cells(per_week: Mapping[date, float] | None, weeks: Sequence[date]) -> dict[str, Value]:
    """Hours per week column; all blank when the figure is unknown (a person nobody could match)."""
    if per_week is None:
        return dict.fromkeys((week_label(monday) for monday in weeks), None)
    return {week_label(monday): hours(per_week.get(monday, 0.0)) for monday in weeks}


def _by_team(rows: Iterable[PersonWeeks]) -> list[PersonWeeks]:
    return sorted(rows, key=lambda r: ((r.person.team or "").lower(), r.person.name.lower(), r.person.key))


def _week_grid(
    tab: str, model: AvailabilityModel, extra: list[Column], rules: list[ConditionalRule]
) -> Table:
    columns = [*_person_columns(), *week_columns(model.calendar.weeks), *extra, Column(PERSON_ID)]
    return Table(tab, columns, key=(PERSON_ID,), rules=rules)


def availability_table(model: AvailabilityModel) -> Table:
    """Available hours per week as a heat map: red below zero (overbooked), white at zero, greener with
    more free hours, on one scale across every week column."""
    weeks = model.calendar.weeks
    labels = tuple(week_label(monday) for monday in weeks)
    rules = [ConditionalRule("negative", labels), ConditionalRule("scale", labels)]
    extra = [Column(UNSCHEDULED, "hours"), Column(OVERBOOKED, "int"), Column(AT_RISK, "text", 160)]
    table = _week_grid(AVAILABILITY, model, extra, rules)
    table.rows = [
        _person_cells(row.person)
        | _week_cells(row.available, weeks)
        | {
            UNSCHEDULED: hours(row.unscheduled),
            OVERBOOKED: row.overbooked_weeks,
            AT_RISK: ", ".join(row.at_risk) or None,
        }
        for row in _by_team(model.planned)
    ]
    return table


def capacity_table(model: AvailabilityModel) -> Table:
    weeks = model.calendar.weeks
    labels = tuple(week_label(monday) for monday in weeks)
    table = _week_grid(CAPACITY, model, [Column(TOTAL, "hours")], [ConditionalRule("scale", labels)])
    table.rows = [
        _person_cells(row.person)
        | _week_cells(row.capacity, weeks)
        | {TOTAL: None if row.capacity is None else hours(sum(row.capacity.get(m, 0.0) for m in weeks))}
        for row in _by_team(model.planned)
    ]
    return table


def allocated_table(model: AvailabilityModel) -> Table:
    weeks = model.calendar.weeks
    table = _week_grid(ALLOCATED, model, [Column(UNSCHEDULED, "hours")], [])
    table.rows = [
        _person_cells(row.person) | _week_cells(row.allocated, weeks) | {UNSCHEDULED: hours(row.unscheduled)}
        for row in _by_team(model.planned)
    ]
    return table


def teams_table(model: AvailabilityModel) -> Table:
    """Team × week sums of capacity, allocation and availability: three rows per team."""
    weeks = model.calendar.weeks
    sums = model.team_weeks
    grids = {"Capacity": sums.capacity, "Allocated": sums.allocated, "Available": sums.available}
    labels = tuple(week_label(monday) for monday in weeks)
    columns = [Column(TEAM, "text", 140), Column(MEASURE, "text", 100), *week_columns(weeks)]
    table = Table(TEAMS, columns, key=(TEAM, MEASURE), rules=[ConditionalRule("negative", labels)])
    table.rows = [
        {TEAM: team, MEASURE: measure, **_week_cells(grid[team], weeks)}
        for team in sums.capacity
        for measure, grid in grids.items()
    ]
    return table


ISSUE_COLUMNS = [
    Column("Key", "text", 100),
    Column("Summary", "text", 320),
    Column("Assignee", "text", 160),
    Column(TEAM, "text", 140),
    Column("Status", "text", 110),
    Column("Original (h)", "hours"),
    Column("Remaining (h)", "hours"),
    Column("Spent (h)", "hours"),
    Column("Start", "date"),
    Column("End", "date"),
    Column("End source", "text", 110),
    Column("Unscheduled (h)", "hours"),
    Column("Problems", "text", 320),
]


def issues_table(model: AvailabilityModel) -> Table:
    """One row per issue; a human `Notes` column added next to these stays with its row."""
    rows: list[dict[str, Value]] = []
    for issue in model.issues:
        allocation = model.allocations[issue.key]
        person = model.person(issue.assignee_account_id)
        rows.append(
            {
                "Key": issue.key,
                "Summary": issue.summary,
                "Assignee": person.name if person else issue.assignee_name,
                TEAM: person.team if person else None,
                "Status": issue.status,
                "Original (h)": hours(seconds_to_hours(issue.original_seconds)),
                "Remaining (h)": None if allocation.unestimated else hours(allocation.remaining),
                "Spent (h)": hours(seconds_to_hours(issue.spent_seconds)),
                "Start": allocation.start,
                "End": allocation.end,
                "End source": _end_source(allocation),
                "Unscheduled (h)": hours(allocation.unscheduled) or None,
                "Problems": "; ".join(_problems(allocation, issue.warnings)) or None,
            }
        )
    return Table(ISSUES, list(ISSUE_COLUMNS), key=("Key",), rows=rows)


def _end_source(allocation: Allocation) -> str:
    return f"{allocation.end_source} (overdue)" if allocation.overdue else allocation.end_source


def _problems(allocation: Allocation, warnings: Iterable[str]) -> list[str]:
    problems = [allocation.reason] if allocation.reason else []
    if allocation.overdue:
        problems.append(f"overdue since {allocation.end}: squeezed into this week")
    return [*problems, *warnings]


def actuals_table(model: AvailabilityModel) -> Table:
    """Hours logged per past week and the share of that week's capacity they are."""
    past = model.calendar.past
    columns = [*_person_columns()]
    for monday in past:
        columns += [
            Column(week_label(monday), "hours", WEEK_WIDTH),
            Column(f"{week_label(monday)} %", "percent"),
        ]
    columns += [Column(TOTAL, "hours"), Column(PERSON_ID)]
    rows = []
    for row in _by_team(model.planned):
        cells = _person_cells(row.person)
        logged = model.actuals.hours.get(row.person.key)
        if logged is None or row.past_capacity is None:  # hours of an unmatched user count for nobody
            rows.append(cells | _week_cells(None, past))
            continue
        shares = percent_of_capacity(logged, row.past_capacity)
        cells[TOTAL] = hours(sum(logged.values()))
        for monday in past:
            share = shares.get(monday)
            cells[week_label(monday)] = hours(logged.get(monday, 0.0))
            cells[f"{week_label(monday)} %"] = None if share is None else round(share / 100, 4)
        rows.append(cells)
    return Table(ACTUALS, columns, key=(PERSON_ID,), rows=rows)


PEOPLE_COLUMNS = [
    Column(PERSON_ID, "text", 200),
    Column(NAME, "text", 180),
    Column(EMAIL, "text", 220),
    Column(JIRA_ACCOUNT, "text", 200),
    Column(EMPLOYEE_ID, "text", 100),
    Column(TEAM, "text", 140),
    Column(FTE, "percent"),
    Column(WEEKLY_HOURS, "hours"),
    Column(COUNTRY, "text", 80),
    Column(EXCLUDE, "text", 80),
    Column(MATCH, "text", 320),
]


def people_table(people: Iterable[Person]) -> Table:
    """Filled, never overwritten: a new person arrives with who they are and how they were matched.

    The override columns (Team, FTE %, Weekly hours, Country, Exclude) start empty, meaning "as the
    sources say": a found value written there would read back as a human override on every later
    run and pin, say, a team BambooHR has since changed. The current team is in the other tabs.
    """
    rows: list[dict[str, Value]] = [
        {
            PERSON_ID: p.key,
            NAME: p.name,
            EMAIL: p.email,
            JIRA_ACCOUNT: p.jira_account_id,
            EMPLOYEE_ID: p.employee_id,
            MATCH: match_text(p),
        }
        for p in people
    ]
    return Table(PEOPLE, list(PEOPLE_COLUMNS), key=(PERSON_ID,), rows=rows, mode="fill")


def match_text(person: Person) -> str:
    if NO_BAMBOOHR_MATCH in person.flags or NO_JIRA_USER in person.flags:
        return "; ".join(person.flags)
    return "; ".join([MATCHED, *person.flags])


def overrides_from_rows(rows: Iterable[Mapping[str, object]]) -> tuple[list[PersonOverride], list[str]]:
    """People tab rows → overrides. A row with a bad cell is skipped with a warning naming the cell,
    so one typo does not stop the whole sync (the person is planned as the sources say)."""
    overrides, warnings = [], []
    for row in rows:
        key = str(row.get(PERSON_ID) or "").strip()
        if not key:
            continue
        try:
            override = PersonOverride.parse(
                key,
                employee_id=row.get(EMPLOYEE_ID),
                team=row.get(TEAM),
                fte=row.get(FTE),
                weekly_hours=row.get(WEEKLY_HOURS),
                country=row.get(COUNTRY),
                exclude=row.get(EXCLUDE),
            )
        except ValueError as exc:
            warnings.append(f"{PEOPLE} tab: {exc}; this row's overrides are ignored until it is fixed")
            continue
        if override.employee_id == key.removeprefix(BAMBOOHR_KEY_PREFIX):
            override = replace(override, employee_id=None)  # the sync's own fill, not a mapping
        if override != PersonOverride(key):
            overrides.append(override)  # a row with nothing typed must not keep a leaver on the map
    return overrides, warnings


SYNC_LOG_COLUMNS = [
    Column(RUN_AT, "text", 200),
    Column("Today", "date"),
    Column("People", "int"),
    Column("Issues", "int"),
    Column("Unestimated issues", "int"),
    Column("Overbooked people", "int"),
    Column("Cells written", "int"),
    Column("Warnings", "int"),
]


def sync_log_table(facts: RunFacts) -> Table:
    """Filled mode: earlier runs' rows are never deleted, each run appends its own row."""
    row: dict[str, Value] = {
        RUN_AT: facts.run_at,
        "Today": facts.today,
        "People": facts.people,
        "Issues": facts.issues,
        "Unestimated issues": facts.unestimated,
        "Overbooked people": facts.overbooked_people,
        "Cells written": facts.cells_written,
        "Warnings": facts.warnings,
    }
    return Table(SYNC_LOG, list(SYNC_LOG_COLUMNS), key=(RUN_AT,), rows=[row], mode="fill")
