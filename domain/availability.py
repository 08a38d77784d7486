"""Available = capacity − allocated, per person and week; team sums. Plain dicts the flow lays out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from domain.allocation import Allocation
from domain.weeks import week_start

NO_TEAM = "(no team)"
# Hours are shown to one decimal; a float crumb below this is not overbooking.
OVERBOOKED_TOLERANCE = 0.005


def on_weeks(per_week: Mapping[date, float], weeks: Sequence[date]) -> dict[date, float]:
    """The given week columns only, 0 where nothing was recorded."""
    return {monday: per_week.get(monday, 0.0) for monday in weeks}


def allocated_by_person(allocations: Iterable[Allocation]) -> dict[str, dict[date, float]]:
    """Allocated hours per person key and ISO week (Monday); unassigned allocations are left out."""
    sums: dict[str, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    for allocation in allocations:
        if allocation.person_key is None:
            continue
        for day, hours in allocation.per_day.items():
            sums[allocation.person_key][week_start(day)] += hours
    return {key: dict(weeks) for key, weeks in sums.items()}


def unscheduled_by_person(allocations: Iterable[Allocation]) -> dict[str, float]:
    sums: dict[str, float] = defaultdict(float)
    for allocation in allocations:
        if allocation.person_key is not None and allocation.unscheduled:
            sums[allocation.person_key] += allocation.unscheduled
    return dict(sums)


def available(
    capacity: Mapping[date, float], allocated: Mapping[date, float], weeks: Sequence[date]
) -> dict[date, float]:
    """Capacity − allocated per week column; negative means overbooked."""
    return {monday: capacity.get(monday, 0.0) - allocated.get(monday, 0.0) for monday in weeks}


def overbooked_weeks(available_per_week: Mapping[date, float]) -> int:
    return sum(1 for hours in available_per_week.values() if hours < -OVERBOOKED_TOLERANCE)


def team_sums(
    per_person: Mapping[str, Mapping[date, float]], team_of: Mapping[str, str | None], weeks: Sequence[date]
) -> dict[str, dict[date, float]]:
    """Team × week sums of any person × week grid (capacity, allocated or available), teams sorted."""
    sums: dict[str, dict[date, float]] = {}
    for key, per_week in per_person.items():
        team = team_of.get(key) or NO_TEAM
        row = sums.setdefault(team, dict.fromkeys(weeks, 0.0))
        for monday in weeks:
            row[monday] += per_week.get(monday, 0.0)
    return dict(sorted(sums.items()))
