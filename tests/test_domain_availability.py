from datetime import date

from domain.allocation import Allocation
from domain.availability import (
    NO_TEAM,
    allocated_by_person,
    available,
    on_weeks,
    overbooked_weeks,
    team_sums,
    unscheduled_by_person,
)

W1, W2, W3 = date(2026, 11, 30), date(2026, 12, 7), date(2026, 12, 14)


def test_allocated_hours_are_summed_per_iso_week_and_unassigned_left_out() -> None:
    allocations = [
        Allocation("A-1", "p", {date(2026, 12, 4): 2.0, date(2026, 12, 7): 1.0}),
        Allocation("A-2", "p", {date(2026, 12, 8): 3.0}, unscheduled=1.5),
        Allocation("A-3", None, {date(2026, 12, 8): 9.0}, unscheduled=4.0),
    ]
    assert allocated_by_person(allocations) == {"p": {W1: 2.0, W2: 4.0}}
    assert unscheduled_by_person(allocations) == {"p": 1.5}


def test_available_is_capacity_minus_allocated_on_the_week_columns() -> None:
    result = available({W1: 40.0, W2: 32.0, W3: 40.0}, {W1: 10.0, W2: 36.0}, [W1, W2, W3])
    assert result == {W1: 30.0, W2: -4.0, W3: 40.0}
    assert overbooked_weeks(result) == 1


def test_a_float_crumb_is_not_overbooking() -> None:
    assert overbooked_weeks({W1: -1e-9, W2: -0.004, W3: -0.006}) == 1


def test_on_weeks_fills_missing_weeks_with_zero_and_drops_others() -> None:
    assert on_weeks({W1: 5.0, date(2027, 1, 4): 9.0}, [W1, W2]) == {W1: 5.0, W2: 0.0}


def test_team_sums_group_people_and_name_the_teamless() -> None:
    grid = {"a": {W1: 10.0, W2: 5.0}, "b": {W1: -2.0}, "c": {W2: 7.0}}
    teams = team_sums(grid, {"a": "Platform", "b": "Platform", "c": None}, [W1, W2])
    assert teams == {NO_TEAM: {W1: 0.0, W2: 7.0}, "Platform": {W1: 8.0, W2: 5.0}}
