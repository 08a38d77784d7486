"""The availability computation: source records in, every figure the sheet shows out.

Pure wiring of the domain rules (people matching, capacity, allocation, availability, actuals) so
the flow's compute step can be tested without Prefect, stand-ins or a sheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.actuals import Actuals, logged_hours
from domain.allocation import Allocation, allocate, plan_window
from domain.availability import (
    allocated_by_person,
    available,
    on_weeks,
    overbooked_weeks,
    unscheduled_by_person,
)
from domain.capacity import daily_capacity, weekly
from domain.people import NO_BAMBOOHR_MATCH, NO_JIRA_USER, Person, PersonOverride, match_people
from domain.records import CompanyHoliday, Employee, JiraIssue, JiraUser, TimeOffDay
from domain.weeks import horizon, past_weeks

MAX_LISTED_KEYS = 10


@dataclass(frozen=True)
class Calendar:
    """The week columns of the forecast tabs and of the Actuals tab."""

    today: date
    weeks: list[date]  # Mondays, current week first
    past: list[date]  # Mondays before the current week, oldest first; empty when actuals are off

    @classmethod
    def of(cls, today: date, weeks: int, actuals_weeks: int) -> Calendar:
        past = past_weeks(today, actuals_weeks) if actuals_weeks else []
        return cls(today, horizon(today, weeks), past)

    @property
    def first_day(self) -> date:
        return (self.past or self.weeks)[0]

    @property
    def last_day(self) -> date:
        return self.weeks[-1] + timedelta(days=6)


@dataclass(frozen=True)
class Sources:
    """Everything read from Jira, BambooHR and the People tab for one run."""

    issues: list[JiraIssue]
    jira_users: list[JiraUser]
    hours_per_day: float
    employees: list[Employee]
    time_off: list[TimeOffDay] = field(default_factory=list)
    holidays: list[CompanyHoliday] = field(default_factory=list)
    overrides: list[PersonOverride] = field(default_factory=list)


@dataclass(frozen=True)
class PersonWeeks:
    """One planned person's rows of the week grids."""

    person: Person
    capacity: dict[date, float]  # every Monday of the capacity range, past weeks included
    allocated: dict[date, float]  # horizon weeks
    available: dict[date, float]  # horizon weeks; negative = overbooked
    unscheduled: float
    overbooked_weeks: int


@dataclass(frozen=True)
class AvailabilityModel:
    calendar: Calendar
    people: list[Person]  # everyone found, excluded people too (the People tab lists them)
    planned: list[PersonWeeks]  # people not excluded, in People order
    issues: list[JiraIssue]
    allocations: dict[str, Allocation]  # by issue key
    actuals: Actuals
    warnings: list[str]

    def person(self, key: str | None) -> Person | None:
        return next((p for p in self.people if p.key == key), None)

    @property
    def unestimated(self) -> list[str]:
        return [key for key, a in self.allocations.items() if a.unestimated]

    @property
    def overbooked(self) -> list[PersonWeeks]:
        return [row for row in self.planned if row.overbooked_weeks]


def capacity_range(issues: Sequence[JiraIssue], calendar: Calendar) -> tuple[date, date]:
    """Days capacity (and so time off) is needed for: the actuals weeks, the horizon, and every day an
    issue's hours may be spread on, since an issue ending after the horizon still takes its share."""
    ends = [w.spread_end for w in (plan_window(i, calendar.today) for i in issues) if w.spread_end]
    return calendar.first_day, max([calendar.last_day, *ends])


def compute_availability(sources: Sources, calendar: Calendar, *, focus: float = 1.0) -> AvailabilityModel:
    people = match_people(
        sources.employees,
        sources.jira_users,
        sources.overrides,
        hours_per_day=sources.hours_per_day,
        focus=focus,
    )
    start, end = capacity_range(sources.issues, calendar)
    planned = [p for p in people if not p.excluded]
    warnings: list[str] = []
    daily: dict[str, dict[date, float]] = {}
    for person in planned:
        result = daily_capacity(person, start, end, sources.time_off, sources.holidays)
        daily[person.key] = result.per_day
        if NO_BAMBOOHR_MATCH not in person.flags:  # the unmatched warning already says it
            warnings += result.warnings
    allocations = {
        issue.key: allocate(
            issue,
            issue.assignee_account_id if issue.assignee_account_id in daily else None,
            daily.get(issue.assignee_account_id or "", {}),
            calendar.today,
        )
        for issue in sources.issues
    }
    rows = _person_weeks(planned, daily, list(allocations.values()), calendar.weeks)
    worklogs = [w for issue in sources.issues for w in issue.worklogs]
    actuals = logged_hours(worklogs, people, calendar.past) if calendar.past else Actuals({}, {})
    warnings = _people_warnings(people) + warnings + _issue_warnings(sources.issues, allocations)
    warnings += _actuals_warnings(actuals)
    return AvailabilityModel(calendar, people, rows, sources.issues, allocations, actuals, warnings)


def _person_weeks(
    planned: list[Person],
    daily: dict[str, dict[date, float]],
    allocations: list[Allocation],
    weeks: list[date],
) -> list[PersonWeeks]:
    allocated = allocated_by_person(allocations)
    unscheduled = unscheduled_by_person(allocations)
    rows = []
    for person in planned:
        capacity = weekly(daily[person.key])
        booked = on_weeks(allocated.get(person.key, {}), weeks)
        free = available(capacity, booked, weeks)
        rows.append(
            PersonWeeks(
                person, capacity, booked, free, unscheduled.get(person.key, 0.0), overbooked_weeks(free)
            )
        )
    return rows


def _people_warnings(people: list[Person]) -> list[str]:
    warnings = []
    for person in people:
        if person.excluded:
            continue
        others = [flag for flag in person.flags if flag not in (NO_BAMBOOHR_MATCH, NO_JIRA_USER)]
        if NO_BAMBOOHR_MATCH in person.flags:
            why = "".join(f"; {flag}" for flag in others)
            warnings.append(
                f"Jira user {person.name} ({person.key}) has no BambooHR match, so is planned at "
                f"{person.hours_per_day:g} h/day with no time off or public holidays{why}; map the account "
                f"to an employee id in the People tab, or set Exclude"
            )
        else:
            warnings += [f"{person.name}: {flag}" for flag in others]
    return warnings


def _issue_warnings(issues: list[JiraIssue], allocations: dict[str, Allocation]) -> list[str]:
    warnings = [f"{issue.key}: {warning}" for issue in issues for warning in issue.warnings]
    unestimated = [key for key, a in allocations.items() if a.unestimated]
    if unestimated:
        listed = ", ".join(unestimated[:MAX_LISTED_KEYS])
        more = f" (+{len(unestimated) - MAX_LISTED_KEYS} more)" if len(unestimated) > MAX_LISTED_KEYS else ""
        warnings.append(
            f"{len(unestimated)} issue(s) have no estimate and are allocated nothing: {listed}{more}"
        )
    return warnings


def _actuals_warnings(actuals: Actuals) -> list[str]:
    return [
        f"{hours:.1f} h logged by {author} count for nobody: the author is not a known person"
        for author, hours in sorted(actuals.unmatched.items())
    ]
