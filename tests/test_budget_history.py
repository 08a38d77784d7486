"""Budgets across the year boundary: which periods are shown, and known answers written by hand.

One team, Platform, 100 per head per period (month, quarter or year alike):
  Ana  employed all along (hired 2024-03-01)
  Ben  joins 2026-12-16 (16 days of December 2026: 16–31)
Ledger: 50.00 on 2026-12-20 (entered late, in January: it still counts in December 2026),
        30.00 on 2027-01-05.

Quarters (Q1 2026 90 days, Q2 91, Q3 92, Q4 92; Q1 2027 90):
  2026-Q1..Q3  Ana alone: 100 × d / d = 100.00 each, nothing spent
  2026-Q4      Ana 92 + Ben 16 = 108 head-days → 100 × 108 / 92 = 117.391… → 117.39; spent 50 → 67.39
  2027-Q1      2 × 90 = 180 → 200.00; spent 30 → 170.00
  carry-over:  Q2 carries 100, Q3 200, Q4 300 → 300 + 117.39 − 50 = 367.39;
               2027-Q1 carries nothing: carry-over stops at the year boundary (documented) → 170.00
Months:
  2026-12      Ana 31 + Ben 16 = 47 → 100 × 47 / 31 = 151.612… → 151.61; spent 50 → 101.61
  2027-01      62 → 200.00; spent 30 → 170.00
  carry-over:  January–November 2026 leave 100.00 each → December carries 1100.00 → 1201.61;
               2027-01 carries nothing → 170.00
Years:
  2026         Ana 365 + Ben 16 = 381 → 100 × 381 / 365 = 104.383… → 104.38; spent 50 → 54.38
  2027         730 → 200.00; spent 30 → 170.00 (a year is the first period of its year: never carries)
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.budgets import BudgetRules, compute_budgets
from domain.periods import PeriodKind, budget_history
from domain.records import Employee, JobInfoEntry, Spend

ANA = Employee("1", "Ana", "ana@org.example", "Platform", "DE", "Active", "Full-Time", date(2024, 3, 1), None)
BEN = Employee(
    "2", "Ben", "ben@org.example", "Platform", "DE", "Active", "Full-Time", date(2026, 12, 16), None
)
HISTORY = [JobInfoEntry("1", date(2024, 3, 1), "Platform"), JobInfoEntry("2", date(2026, 12, 16), "Platform")]
LATE_DECEMBER = Spend(
    7, date(2026, 12, 20), "Platform", Decimal("50.00"), "EUR", "December lunch, entered in January"
)
JANUARY = Spend(8, date(2027, 1, 5), "Platform", Decimal("30.00"), "EUR", "January bowling")
NEW_YEARS_DAY = date(2027, 1, 1)


def lines_on(
    today: date, kind: PeriodKind, carry_over: bool, spends: list[Spend]
) -> dict[str, tuple[str, str, str]]:
    """period label → (budget, carried over, remaining) as the sheet shows them, on `today`."""
    history = budget_history(kind, today, keep_years=1)
    rules = BudgetRules(kind, Decimal(100), carry_over=carry_over)
    lines = compute_budgets([ANA, BEN], HISTORY, spends, rules, history.all, ["Platform"])
    return {x.period_label: (str(x.budget), str(x.carried_over), str(x.remaining)) for x in lines}


@pytest.mark.parametrize(
    ("kind", "carry_over", "last_year", "this_year"),
    [
        (
            "quarter",
            False,
            ("2026-Q4", ("117.39", "0.00", "67.39")),
            ("2027-Q1", ("200.00", "0.00", "170.00")),
        ),
        (
            "quarter",
            True,
            ("2026-Q4", ("117.39", "300.00", "367.39")),
            ("2027-Q1", ("200.00", "0.00", "170.00")),
        ),
        (
            "month",
            False,
            ("2026-12", ("151.61", "0.00", "101.61")),
            ("2027-01", ("200.00", "0.00", "170.00")),
        ),
        (
            "month",
            True,
            ("2026-12", ("151.61", "1100.00", "1201.61")),
            ("2027-01", ("200.00", "0.00", "170.00")),
        ),
        ("year", False, ("2026", ("104.38", "0.00", "54.38")), ("2027", ("200.00", "0.00", "170.00"))),
        ("year", True, ("2026", ("104.38", "0.00", "54.38")), ("2027", ("200.00", "0.00", "170.00"))),
    ],
)
def test_the_year_boundary_by_hand(
    kind: PeriodKind,
    carry_over: bool,
    last_year: tuple[str, tuple[str, ...]],
    this_year: tuple[str, tuple[str, ...]],
) -> None:
    for today in (NEW_YEARS_DAY, date(2027, 1, 31)):
        lines = lines_on(today, kind, carry_over, [LATE_DECEMBER, JANUARY])
        assert lines[last_year[0]] == last_year[1]  # last year is still there, with the late expense
        assert lines[this_year[0]] == this_year[1]
    # On 31 December the same December line, before the late expense was entered.
    december = lines_on(date(2026, 12, 31), kind, carry_over, [])[last_year[0]]
    spent_back = Decimal(last_year[1][2]) + 50
    assert december == (last_year[1][0], last_year[1][1], str(spent_back))


def test_periods_kept_and_archived_on_new_years_day() -> None:
    quarters = budget_history("quarter", NEW_YEARS_DAY, keep_years=1, archive_years=5, first_year=2024)
    assert [p.label for p in quarters.kept] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]
    assert [p.label for p in quarters.archived] == [f"{y}-Q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)]
    assert quarters.current.label == "2027-Q1"
    years = budget_history("year", NEW_YEARS_DAY, keep_years=0, archive_years=2, first_year=2020)
    assert ([p.label for p in years.kept], [p.label for p in years.archived]) == (["2027"], ["2025", "2026"])
    months = budget_history("month", date(2026, 12, 31), keep_years=0)
    assert [p.label for p in months.kept] == [f"2026-{m:02d}" for m in range(1, 13)] and not months.archived
    with pytest.raises(ValueError, match="0 or more"):
        budget_history("month", NEW_YEARS_DAY, keep_years=-1)


DAYS_OF_2027 = st.integers(min_value=0, max_value=364).map(lambda n: NEW_YEARS_DAY + timedelta(days=n))


@settings(max_examples=60, deadline=None)
@given(today=DAYS_OF_2027, kind=st.sampled_from(["month", "quarter", "year"]), carry=st.booleans())
def test_every_day_of_a_year_shows_last_year_whole_and_counts_every_expense_once(
    today: date, kind: PeriodKind, carry: bool
) -> None:
    history = budget_history(kind, today, keep_years=1, archive_years=1, first_year=2024)
    # The same years every day of 2027: 2026 whole and kept, 2025 whole and archived, 2027 up to today.
    assert {p.start.year for p in history.kept} == {2026, 2027} and {
        p.start.year for p in history.archived
    } == {2025}
    assert history.current.start <= today <= history.current.end
    assert history.kept[0].start == date(2026, 1, 1) and history.archived[-1].end == date(2025, 12, 31)
    spends = [
        Spend(n, day, "Platform", Decimal(n), "EUR", "")
        for n, day in enumerate(
            [date(2025, 6, 30), date(2026, 2, 28), date(2026, 12, 31), date(2027, 1, 1)], 1
        )
    ]
    lines = compute_budgets(
        [ANA, BEN], HISTORY, spends, BudgetRules(kind, Decimal(100), carry_over=carry), history.all
    )
    # Every expense dated up to today counts in exactly one line: 1 + 2 + 3 + 4 = 10.
    assert sum(x.spent for x in lines) == 10
    last_year = [x for x in lines if x.period_label.startswith("2026")]
    assert sum(x.spent for x in last_year) == 5
