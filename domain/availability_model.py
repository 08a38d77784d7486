"""The availability computation: source records in, every figure the sheet shows out.

The domain rules (people matching, capacity, allocation, availability, actuals) composed in one call,
the flow's compute step, so it is tested without Prefect, stand-ins or a sheet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from domain.actuals import Actuals, logged_hours
from domain.allocation import Allocation, allocate, plan_window
from domain.availability import (
    allocated_by_person,
    available,
    on_weeks,
    overbooked_weeks,
    team_sums,
    unscheduled_by_person,
)
from domain.availability_warnings import actuals_warnings, issue_warnings, people_warnings
from domain.capacity import daily_capacity, weekly
from domain.overrides import PersonOverride
from domain.people import Person, match_people
from domain.records import CompanyHoliday, Employee, JiraIssue, JiraUser, TimeOffDay, Worklog
from domain.regions import RegionRules, region_warnings
from domain.teams import TeamNames
from domain.weeks import horizon, past_weeks

UNKNOWN_CAPACITY = (
    "the assignee has no BambooHR match, so their capacity is unknown: map the account in the People tab"
)


@dataclass(frozen=True)
class Calendar:
    """The week columns of the forecast tabs and of the Actuals tab."""

    today: date  # in `zone`
    weeks: list[date]  # Mondays, current week first
    past: list[date]  # Mondays before the current week, oldest first; empty when actuals are off
    zone: str = "UTC"  # the configured timezone: worklogs are put in weeks by their instant there

    @classmethod
    def of(cls, today: date, weeks: int, actuals_weeks: int, zone: str = "UTC") -> Calendar:
        past = past_weeks(today, actuals_weeks) if actuals_weeks else []
        return cls(today, horizon(today, weeks), past, zone)

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
    # Worklogs of issues outside `issues` (done or unassigned work in scope): they count in Actuals only.
    worklogs: list[Worklog] = field(default_factory=list)
    # The days `time_off` and `holidays` were read for (capacity_range's, taken before reading them);
    # None when none were read, and capacity is needed on the days capacity_range gives.
    capacity_days: tuple[date, date] | None = None


@dataclass(frozen=True)
class PersonWeeks:
    """One planned person's rows of the week grids. Capacity figures are None when it is unknown (a Jira
    user matched to nobody): blank in the sheet, never an invented working week."""

    person: Person
    capacity: dict[date, float] | None  # horizon weeks, the current one from today on (gone days are gone)
    past_capacity: dict[date, float] | None  # the actuals weeks, whole
    allocated: dict[date, float]  # horizon weeks
    available: dict[date, float] | None  # horizon weeks; negative = overbooked
    unscheduled: float
    overbooked_weeks: int | None
    at_risk: tuple[str, ...] = ()  # keys of issues due before any free day of this person


@dataclass(frozen=True)
class TeamWeeks:
    """Team × week sums, teams sorted: team → week (Monday) → hours."""

    capacity: dict[str, dict[date, float]]
    allocated: dict[str, dict[date, float]]
    available: dict[str, dict[date, float]]


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

    @property
    def at_risk(self) -> list[Allocation]:
        return [a for a in self.allocations.values() if a.at_risk]

    @property
    def unknown_capacity(self) -> list[PersonWeeks]:
        return [row for row in self.planned if row.capacity is None]

    @property
    def team_weeks(self) -> TeamWeeks:
        """Capacity, allocation and availability per team and horizon week. People whose capacity is
        unknown are left out: their work would otherwise weigh on capacity nobody has."""
        weeks = self.calendar.weeks
        known = [row for row in self.planned if row.capacity is not None and row.available is not None]
        team_of = {row.person.key: row.person.team for row in known}
        return TeamWeeks(
            capacity=team_sums({row.person.key: row.capacity or {} for row in known}, team_of, weeks),
            allocated=team_sums({row.person.key: row.allocated for row in known}, team_of, weeks),
            available=team_sums({row.person.key: row.available or {} for row in known}, team_of, weeks),
        )


def capacity_range(issues: Sequence[JiraIssue], calendar: Calendar) -> tuple[date, date]:
    """Days capacity (and so time off) is needed for: the actuals weeks, the horizon, and every day an
    issue's hours may be spread on, since an issue ending after the horizon still takes its share."""
    ends = [w.spread_end for w in (plan_window(i, calendar.today) for i in issues) if w.spread_end]
    return calendar.first_day, max([calendar.last_day, *ends])


def compute_availability(
    sources: Sources, calendar: Calendar, *, focus: float = 1.0, regions: RegionRules = RegionRules()
) -> AvailabilityModel:
    people = match_people(
        sources.employees,
        sources.jira_users,
        sources.overrides,
        hours_per_day=sources.hours_per_day,
        focus=focus,
        regions=regions,
    )
    names = TeamNames((e.team for e in sources.employees), (o.team for o in sources.overrides))
    people = [replace(p, team=names.canonical(p.team)) for p in people]  # `platform` typed is Platform
    start, end = sources.capacity_days or capacity_range(sources.issues, calendar)
    planned = [p for p in people if not p.excluded]
    warnings = region_warnings(((p.name, p.country) for p in planned if p.capacity_known), regions)
    daily: dict[str, dict[date, float]] = {}
    for person in planned:
        if not person.capacity_known:
            continue
        result = daily_capacity(person, start, end, sources.time_off, sources.holidays)
        daily[person.key] = result.per_day
        warnings += result.warnings
    unknown = {p.key for p in planned if not p.capacity_known}
    allocations = {issue.key: _allocate(issue, daily, unknown, calendar.today) for issue in sources.issues}
    rows = _person_weeks(planned, daily, list(allocations.values()), calendar)
    worklogs = [w for issue in sources.issues for w in issue.worklogs] + list(sources.worklogs)
    counted = [p for p in people if p.capacity_known]  # hours of an unmatched user count for nobody
    zone = ZoneInfo(calendar.zone)
    actuals = logged_hours(worklogs, counted, calendar.past, zone=zone) if calendar.past else Actuals({}, {})
    warnings = people_warnings(people) + warnings + issue_warnings(sources.issues, allocations)
    warnings += actuals_warnings(actuals, people)
    return AvailabilityModel(calendar, people, rows, sources.issues, allocations, actuals, warnings)


def _allocate(
    issue: JiraIssue, daily: dict[str, dict[date, float]], unknown: set[str], today: date
) -> Allocation:
    assignee = issue.assignee_account_id or ""
    if assignee in unknown:
        allocation = allocate(issue, None, {}, today)
        reason = UNKNOWN_CAPACITY if allocation.unscheduled else allocation.reason
        return replace(allocation, person_key=assignee, reason=reason)
    return allocate(issue, assignee if assignee in daily else None, daily.get(assignee, {}), today)


def _person_weeks(
    planned: list[Person],
    daily: dict[str, dict[date, float]],
    allocations: list[Allocation],
    calendar: Calendar,
) -> list[PersonWeeks]:
    weeks, today = calendar.weeks, calendar.today
    allocated = allocated_by_person(allocations)
    unscheduled = unscheduled_by_person(allocations)
    at_risk: dict[str, list[str]] = defaultdict(list)
    for allocation in allocations:
        if allocation.at_risk and allocation.person_key:
            at_risk[allocation.person_key].append(allocation.issue_key)
    rows = []
    for person in planned:
        booked = on_weeks(allocated.get(person.key, {}), weeks)
        per_day = daily.get(person.key)
        if per_day is None:
            rows.append(PersonWeeks(person, None, None, booked, None, unscheduled.get(person.key, 0.0), None))
            continue
        ahead = on_weeks(weekly({d: h for d, h in per_day.items() if d >= today}), weeks)
        past = on_weeks(weekly(per_day), calendar.past)
        free = available(ahead, booked, weeks)
        row = PersonWeeks(person, ahead, past, booked, free, unscheduled.get(person.key, 0.0), 0)
        rows.append(replace(row, overbooked_weeks=overbooked_weeks(free), at_risk=tuple(at_risk[person.key])))
    return rows
