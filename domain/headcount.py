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
- Days in no team (team empty) are not counted for anyone. Employment statuses listed as excluded
  (compared case-insensitively, e.g. "Contractor") are not counted at all: BambooHR gives only the
  current status, so a contractor converted to full-time counts for their whole employment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from domain.periods import Period, overlap_days
from domain.records import Employee, JobInfoEntry


@dataclass(frozen=True)
class TeamSpan:
    """The employee belonged to `team` from `start` to `end`, both inclusive."""

    employee_id: str
    team: str
    start: date
    end: date


def employment_range(employee: Employee) -> tuple[date, date] | None:
    """First and last day employed, or None when the employee cannot be placed in time."""
    start = employee.hire_date or date.min
    end = employee.termination_date
    if end is not None and end < start:
        end = None
    if end is None and employee.status.strip().casefold() == "inactive":
        return None
    return start, end or date.max


def is_counted(employee: Employee, excluded_statuses: Collection[str]) -> bool:
    excluded = {s.strip().casefold() for s in excluded_statuses}
    status = (employee.employment_status or "").strip().casefold()
    return status not in excluded


def _team_changes(employee: Employee, history: list[JobInfoEntry], start: date) -> list[tuple[date, str]]:
    """(from-day, team) in order, one per day, the first starting on the employment start."""
    if not history:
        return [(start, (employee.team or "").strip())]
    by_day: dict[date, str] = {}
    for entry in sorted(history, key=lambda e: e.effective):
        by_day[max(entry.effective, start)] = (entry.team or "").strip()
    changes = sorted(by_day.items())
    first_day, first_team = changes[0]
    if first_day > start:
        changes.insert(0, (start, first_team))
    return changes


def team_spans(employee: Employee, history: Iterable[JobInfoEntry]) -> list[TeamSpan]:
    """The employee's consecutive team memberships within their employment (empty teams left out)."""
    employed = employment_range(employee)
    if employed is None:
        return []
    start, end = employed
    changes = [c for c in _team_changes(employee, list(history), start) if c[0] <= end]
    spans = []
    for index, (first, team) in enumerate(changes):
        last = changes[index + 1][0] - timedelta(days=1) if index + 1 < len(changes) else end
        if team:
            spans.append(TeamSpan(employee.id, team, first, last))
    return spans


def head_days(
    employees: Iterable[Employee],
    job_history: Iterable[JobInfoEntry],
    period: Period,
    excluded_statuses: Collection[str] = (),
) -> dict[str, dict[str, int]]:
    """team → employee id → days that person was employed in that team during the period.

    Only people with at least one day in the period appear; a transfer puts a person under both teams.
    """
    history_by_employee: dict[str, list[JobInfoEntry]] = defaultdict(list)
    for entry in job_history:
        history_by_employee[entry.employee_id].append(entry)
    result: dict[str, dict[str, int]] = defaultdict(dict)
    for employee in employees:
        if not is_counted(employee, excluded_statuses):
            continue
        for span in team_spans(employee, history_by_employee.get(employee.id, [])):
            counted = overlap_days(period, span.start, span.end)
            if counted:
                per_person = result[span.team]
                per_person[employee.id] = per_person.get(employee.id, 0) + counted
    return dict(result)
