"""A small organisation for budget tests: a joiner, a transfer, a contractor, spend in two teams."""

from datetime import date
from decimal import Decimal

from domain.budgets import BudgetRules
from domain.periods import period_containing, periods_in_year
from domain.records import Employee, JobInfoEntry, Spend

Q4 = period_containing("quarter", date(2026, 11, 26))
QUARTERS = periods_in_year("quarter", 2026)


def emp(
    id_: str,
    name: str,
    team: str,
    hired: date = date(2020, 1, 1),
    kind: str = "Full-Time",
    left: date | None = None,
) -> Employee:
    return Employee(id_, name, None, team, "DE", "Inactive" if left else "Active", kind, hired, left)


STAFF = [
    emp("1", "Ana Platform", "Platform"),
    emp("2", "Ben Joiner", "Platform", hired=date(2026, 11, 15)),  # Nov 15..Dec 31 = 47 days
    emp("3", "Dia Mover", "Data"),  # Platform until Nov 30, Data from Dec 1
    emp("4", "Eve Contractor", "Platform", kind="Contractor"),
    emp("5", "Fay Data", "Data"),
]
HISTORY = [JobInfoEntry("3", date(2019, 1, 1), "Platform"), JobInfoEntry("3", date(2026, 12, 1), "Data")]
SPENDS = [
    Spend(4, date(2026, 11, 3), "Platform", Decimal("120.50"), "EUR", "Platform bowling"),
    Spend(2, date(2026, 2, 1), "Data", Decimal("80.00"), "EUR", "Data pizza"),
    Spend(3, date(2026, 10, 9), "Data", Decimal("40.00"), "EUR", "Data escape room"),
]
RULES = BudgetRules("quarter", Decimal("100"), excluded_statuses=frozenset({"Contractor"}))
