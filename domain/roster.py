"""Who counts for each team in a period, and who joined, left or moved within it.

The entries are domain.headcount's memberships, so the roster's days are the head-days the budget uses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from domain.headcount import RosterEntry, memberships
from domain.periods import Period
from domain.records import Employee, JobInfoEntry, StatusEntry

# The kinds of change, in the order a team's explanation lists them.
CHANGE_KINDS = ("Joined", "Left", "Moved in", "Moved out", "Counted from", "Counted until")


@dataclass(frozen=True)
class Change:
    """One person's start or end in the team within the period, and why."""

    kind: str  # one of CHANGE_KINDS
    entry: RosterEntry
    day: date
    other_team: str | None = None


def roster(
    employees: Iterable[Employee],
    job_history: Iterable[JobInfoEntry],
    period: Period,
    excluded_statuses: Collection[str] = (),
    status_history: Iterable[StatusEntry] = (),
) -> dict[str, list[RosterEntry]]:
    """team → people counted in the period, by name (then id: two people may share a name)."""
    by_team: dict[str, list[RosterEntry]] = defaultdict(list)
    for entry in memberships(employees, job_history, period, excluded_statuses, status_history):
        by_team[entry.team].append(entry)
    return {
        team: sorted(entries, key=lambda e: (e.name.casefold(), e.employee_id))
        for team, entries in by_team.items()
    }


def roster_changes(
    team: str, period: Period, roster: Mapping[str, Sequence[RosterEntry]], employees: Mapping[str, Employee]
) -> list[Change]:
    """The team's joiners, leavers and movers in the period, by first day; `roster` is every team's, to
    tell a move (the day before or after is in another team) from a hire or a termination."""
    elsewhere = {
        (entry.employee_id, day): other
        for other, entries in roster.items()
        if other != team
        for entry in entries
        for day in (entry.first_day, entry.last_day)
    }
    changes = []
    for entry in sorted(roster.get(team, []), key=lambda e: (e.first_day, e.name.casefold())):
        employee = employees.get(entry.employee_id)
        if entry.first_day > period.start:
            came_from = elsewhere.get((entry.employee_id, entry.first_day - timedelta(days=1)))
            hired = employee is not None and employee.hire_date == entry.first_day
            kind = "Joined" if hired else "Moved in" if came_from else "Counted from"
            changes.append(Change(kind, entry, entry.first_day, came_from))
        if entry.last_day < period.end:
            went_to = elsewhere.get((entry.employee_id, entry.last_day + timedelta(days=1)))
            left = employee is not None and employee.termination_date == entry.last_day
            kind = "Left" if left else "Moved out" if went_to else "Counted until"
            changes.append(Change(kind, entry, entry.last_day, went_to))
    return changes
