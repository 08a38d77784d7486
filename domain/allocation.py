"""Spreading an issue's remaining hours over its assignee's capacity between its start and its end.

Each issue is spread on its own: issues do not consume each other's capacity, because showing a
person booked beyond their capacity (overbooking) is the signal planners need, not something to hide.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from domain.records import JiraIssue, Sprint
from domain.weeks import days_between, next_working_day, week_friday

SECONDS_PER_HOUR = 3600
END_DUE = "due date"
END_SPRINT = "sprint end"
END_FIX_VERSION = "fix version"
END_NONE = "none"
AT_RISK = "at risk"


PLANNING_LIMIT_DAYS = 3 * 366  # beyond this, an end date is treated as "far away", not planned per day


@dataclass(frozen=True)
class Window:
    """When an issue's hours may land: `start`..`spread_end`, both included.

    `end` is the issue's own end as its source says (possibly past); `spread_end` differs from it only
    for an overdue issue, which is squeezed into the rest of the current week, and for an end beyond
    the planning limit (a typo like 2099), which is spread up to the limit instead of over decades.
    """

    start: date
    end: date | None
    end_source: str
    spread_end: date | None
    overdue: bool


@dataclass(frozen=True)
class Allocation:
    issue_key: str
    person_key: str | None
    per_day: dict[date, float] = field(default_factory=dict)  # only days that received hours
    unscheduled: float = 0.0
    remaining: float = 0.0
    start: date | None = None
    end: date | None = None
    end_source: str = END_NONE
    spread_end: date | None = None
    overdue: bool = False
    unestimated: bool = False
    # The assignee has no free hour between start and end: the hours sit on the end day, so the person
    # shows overbooked there, and the issue is flagged rather than parked out of sight as unscheduled.
    at_risk: bool = False
    reason: str = ""  # why hours are unscheduled or at risk, or why the issue is unestimated

    @property
    def allocated(self) -> float:
        return sum(self.per_day.values())


def seconds_to_hours(seconds: int | None) -> float | None:
    return None if seconds is None else seconds / SECONDS_PER_HOUR


def remaining_hours(issue: JiraIssue) -> float | None:
    """Remaining estimate; without one, original − spent floored at 0; None when nothing is estimated."""
    if issue.remaining_seconds is not None:
        return max(0.0, issue.remaining_seconds / SECONDS_PER_HOUR)
    if issue.original_seconds is None:
        return None
    return max(0.0, (issue.original_seconds - (issue.spent_seconds or 0)) / SECONDS_PER_HOUR)


def plan_window(issue: JiraIssue, today: date) -> Window:
    """Start: the start-date field, else the open sprint's start, but never before the first working
    day from today on. End: due date, else the open sprint's end, else the earliest unreleased fix
    version's release date.

    A run on a Saturday or Sunday plans from the Monday after: work due before it is overdue and goes
    to that week, exactly as a Monday run would place it, instead of into a week that has no working
    day left (which left its hours unscheduled).
    """
    first = next_working_day(today)
    sprint = open_sprint(issue.sprints)
    planned_start = issue.start or (sprint.start if sprint else None)
    start = max(planned_start, first) if planned_start else first
    end, source = _end_of(issue, sprint)
    if end is None:
        return Window(start, None, source, None, overdue=False)
    if end < first:
        return Window(first, end, source, week_friday(first), overdue=True)
    limit = first + timedelta(days=PLANNING_LIMIT_DAYS)
    return Window(min(start, limit), end, source, min(end, limit), overdue=False)


def open_sprint(sprints: Iterable[Sprint]) -> Sprint | None:
    """The active sprint, else the next future one; closed sprints only tell history."""
    by_state: dict[str, list[Sprint]] = {"active": [], "future": []}
    for sprint in sprints:
        by_state.get(sprint.state.lower(), []).append(sprint)
    for candidates in by_state.values():
        if candidates:
            return min(candidates, key=lambda s: (s.start or date.max, s.id))
    return None


def spread(hours: float, capacity: Mapping[date, float], start: date, end: date) -> dict[date, float]:
    """`hours` over `start`..`end` in proportion to each day's capacity; {} when there is none.

    `capacity` must cover every day of the range: a missing day would silently shift hours elsewhere.
    """
    days = list(days_between(start, end))
    try:
        shares = [(d, capacity[d]) for d in days]
    except KeyError:
        missing = [d for d in days if d not in capacity]
        raise ValueError(
            f"capacity is missing {len(missing)} day(s) from {missing[0]} on; compute it up to {end}"
        ) from None
    working = [(d, c) for d, c in shares if c > 0]
    total = sum(c for _, c in working)
    if hours <= 0 or total <= 0:
        return {}
    placed = {d: hours * (c / total) for d, c in working}
    placed = {d: h for d, h in placed.items() if h > 0}  # a share too small for a float is no booking
    if not placed:
        return {}
    # Float shares can miss `hours` by a crumb; the busiest day absorbs it so the invariant is exact.
    busiest = max(placed, key=lambda d: capacity[d])
    placed[busiest] += hours - sum(placed.values())
    return placed


def allocate(
    issue: JiraIssue, person_key: str | None, capacity: Mapping[date, float], today: date
) -> Allocation:
    """Place one issue's remaining hours on its assignee's days; what cannot be placed is unscheduled."""
    remaining = remaining_hours(issue)
    window = plan_window(issue, today)
    return Allocation(
        issue_key=issue.key,
        person_key=person_key,
        remaining=remaining or 0.0,
        start=window.start,
        end=window.end,
        end_source=window.end_source,
        spread_end=window.spread_end,
        overdue=window.overdue,
        **_placement(remaining, window, person_key, capacity),
    )


def _placement(
    remaining: float | None, window: Window, person_key: str | None, capacity: Mapping[date, float]
) -> dict[str, Any]:
    """The per-day hours, or why (some of) the remaining hours could not be placed."""
    if remaining is None:
        return {"unestimated": True, "reason": "no estimate (original or remaining)"}
    reason = _why_unplaceable(window, person_key)
    if reason:
        return _unscheduled(remaining, reason)
    assert window.spread_end is not None  # _why_unplaceable covers the open-ended window
    per_day = spread(remaining, capacity, window.start, window.spread_end)
    if per_day or remaining <= 0:
        return {"per_day": per_day}
    due = "overdue, and no free day is left this week" if window.overdue else f"due {window.end}"
    return {
        "per_day": {window.spread_end: remaining},
        "at_risk": True,
        "reason": f"{AT_RISK}: {due}, before any free day of the assignee",
    }


def _end_of(issue: JiraIssue, sprint: Sprint | None) -> tuple[date | None, str]:
    if issue.due:
        return issue.due, END_DUE
    if sprint and sprint.end:
        return sprint.end, END_SPRINT
    if issue.fix_version_dates:
        return min(issue.fix_version_dates), END_FIX_VERSION
    return None, END_NONE


def _why_unplaceable(window: Window, person_key: str | None) -> str:
    if person_key is None:
        return "unassigned, or the assignee is not a planned person"
    if window.spread_end is None:
        return "no end: no due date, open sprint or unreleased fix version"
    if window.start > window.spread_end:
        return f"starts {window.start}, after its end {window.spread_end}"
    return ""


def _unscheduled(remaining: float, reason: str) -> dict[str, Any]:
    if remaining <= 0:
        return {}
    return {"unscheduled": remaining, "reason": reason}
