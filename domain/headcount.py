"""Team membership over time, and head-days per team in a period.

Rules (chosen here, documented for the flow and the sheets):
- Employment runs from the hire date to the termination date, both inclusive. No hire date means
  "employed since before any period we look at"; no termination date means still employed.
- A termination date before the hire date belongs to an earlier stint of a rehired person, so it
  is ignored. An Inactive employee without any termination date cannot be placed in time and is
  not counted (counting them forever would inflate budgets).
- Team over time comes from the jobInfo history: each entry holds from its effective date until the
  next entry. Entries before the hire date are clamped to it; of several entries on one day the last
  one given wins. Days between hire and the first entry belong to the earliest known team. Without
  any history the employee's current team holds for the whole employment.
- Employment status over time comes the same way from the employmentStatus history. A status listed
  as excluded (compared case-insensitively, e.g. "Contractor") is not counted on the days a person
  held it: a contractor converted to full-time counts from the conversion on. A departed person reads
  "Terminated" today, so their earlier status is only in that history; "Terminated" rows themselves
  are skipped (the termination date already ends the employment). Without any history the current
  status holds throughout, unless it is "Terminated", which says nothing about the time employed.
- Days in no team (team empty) are not counted for anyone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from domain.periods import Period, overlap_days
from domain.records import Employee, JobInfoEntry, StatusEntry

TERMINATED = "terminated"
T = TypeVar("T")


@dataclass(frozen=True)
class TeamSpan:
    """The employee belonged to `team` from `start` to `end`, both inclusive."""

    employee_id: str
    team: str
    start: date
    end: date


@dataclass(frozen=True)
class History:
    """Everyone's team and status history, grouped by employee once."""

    jobs: dict[str, list[JobInfoEntry]]
    statuses: dict[str, list[StatusEntry]]

    @classmethod
    def of(cls, job_history: Iterable[JobInfoEntry], status_history: Iterable[StatusEntry] = ()) -> History:
        jobs: dict[str, list[JobInfoEntry]] = defaultdict(list)
        for entry in job_history:
            jobs[entry.employee_id].append(entry)
        statuses: dict[str, list[StatusEntry]] = defaultdict(list)
        for row in status_history:
            if (row.status or "").strip().casefold() != TERMINATED:
                statuses[row.employee_id].append(row)
        return cls(dict(jobs), dict(statuses))


def employment_range(employee: Employee) -> tuple[date, date] | None:
    """First and last day employed, or None when the employee cannot be placed in time."""
    start = employee.hire_date or date.min
    end = employee.termination_date
    if end is not None and end < start:
        end = None
    if end is None and employee.status.strip().casefold() == "inactive":
        return None
    return start, end or date.max


def _changes(entries: Sequence[tuple[date, T]], start: date) -> list[tuple[date, T]]:
    """(from-day, value) in order, one per day, the first starting on the employment start."""
    by_day: dict[date, T] = {}
    for effective, value in sorted(entries, key=lambda e: e[0]):
        by_day[max(effective, start)] = value
    changes = sorted(by_day.items(), key=lambda c: c[0])
    first_day, first_value = changes[0]
    if first_day > start:
        changes.insert(0, (start, first_value))
    return changes


def _spans(changes: list[tuple[date, T]], end: date) -> list[tuple[date, date, T]]:
    kept = [c for c in changes if c[0] <= end]
    return [
        (first, kept[i + 1][0] - timedelta(days=1) if i + 1 < len(kept) else end, value)
        for i, (first, value) in enumerate(kept)
    ]


def team_spans(employee: Employee, history: Iterable[JobInfoEntry]) -> list[TeamSpan]:
    """The employee's consecutive team memberships within their employment (empty teams left out)."""
    employed = employment_range(employee)
    if employed is None:
        return []
    start, end = employed
    entries = [(e.effective, (e.team or "").strip()) for e in history]
    entries = entries or [(start, (employee.team or "").strip())]
    return [TeamSpan(employee.id, team, a, b) for a, b, team in _spans(_changes(entries, start), end) if team]


def status_spans(employee: Employee, history: Iterable[StatusEntry]) -> list[tuple[date, date, str | None]]:
    """(first day, last day, status) within the employment; a status of None is unknown."""
    employed = employment_range(employee)
    if employed is None:
        return []
    start, end = employed
    entries = [(r.effective, r.status) for r in history if (r.status or "").strip().casefold() != TERMINATED]
    if not entries:
        current = employee.employment_status
        entries = [(start, None if (current or "").strip().casefold() == TERMINATED else current)]
    return _spans(_changes(entries, start), end)


def counted_spans(employee: Employee, history: History, excluded_statuses: Collection[str]) -> list[TeamSpan]:
    """The employee's team spans, cut to the days their status then was not an excluded one."""
    teams = team_spans(employee, history.jobs.get(employee.id, []))
    excluded = {s.strip().casefold() for s in excluded_statuses}
    if not excluded:
        return teams
    counted = [
        (a, b) for a, b, status in status_spans(employee, history.statuses.get(employee.id, []))
        if (status or "").strip().casefold() not in excluded
    ]  # fmt: skip
    return [
        TeamSpan(span.employee_id, span.team, max(span.start, a), min(span.end, b))
        for span in teams
        for a, b in counted
        if max(span.start, a) <= min(span.end, b)
    ]


@dataclass(frozen=True)
class RosterEntry:
    """A person counted for a team in a period: days in the team, and the first and last of them."""

    team: str
    employee_id: str
    name: str
    days: int
    first_day: date
    last_day: date


def memberships(
    employees: Iterable[Employee],
    job_history: Iterable[JobInfoEntry],
    period: Period,
    excluded_statuses: Collection[str] = (),
    status_history: Iterable[StatusEntry] = (),
) -> list[RosterEntry]:
    """One entry per team and person with at least one counted day in the period; a transfer gives a
    person one entry in each team. Head-days and the roster are both read off these."""
    history = History.of(job_history, status_history)
    parts: dict[tuple[str, str], list[tuple[date, date, int]]] = defaultdict(list)
    names: dict[str, str] = {}
    for employee in employees:
        names[employee.id] = employee.name
        for span in counted_spans(employee, history, excluded_statuses):
            counted = overlap_days(period, span.start, span.end)
            if counted:
                first, last = max(span.start, period.start), min(span.end, period.end)
                parts[(span.team, employee.id)].append((first, last, counted))
    return [
        RosterEntry(
            team=team,
            employee_id=employee_id,
            name=names[employee_id],
            days=sum(p[2] for p in spans),
            first_day=min(p[0] for p in spans),
            last_day=max(p[1] for p in spans),
        )
        for (team, employee_id), spans in parts.items()
    ]


def head_days(
    employees: Iterable[Employee],
    job_history: Iterable[JobInfoEntry],
    period: Period,
    excluded_statuses: Collection[str] = (),
    status_history: Iterable[StatusEntry] = (),
) -> dict[str, dict[str, int]]:
    """team → employee id → days that person was counted in that team during the period.

    Only people with at least one day in the period appear; a transfer puts a person under both teams.
    """
    result: dict[str, dict[str, int]] = defaultdict(dict)
    for entry in memberships(employees, job_history, period, excluded_statuses, status_history):
        result[entry.team][entry.employee_id] = entry.days
    return dict(result)
