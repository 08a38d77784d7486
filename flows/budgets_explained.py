"""The `How it's computed` tab of a team's budget spreadsheet: the rule, with the team's own figures.

A team lead should be able to check their budget without asking PeopleOps: the formula with this
period's numbers filled in, what "average heads" means, and who joined, left or moved (by name only
when the Roster tab is on: that switch decides whether names appear in team sheets at all).
Pure: no Prefect, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from connectors.sheets import Column, Table
from domain.budgets import BudgetLine
from domain.periods import Period
from domain.records import Employee
from flows.budgets_tables import RosterEntry

EXPLAINED_TAB = "How it's computed"
TOPIC, HOW = "Topic", "How"


@dataclass(frozen=True)
class Change:
    """One person's start or end in the team within the period, and why."""

    kind: str  # "Joined", "Left", "Moved in", "Moved out", "Counted from", "Counted until"
    entry: RosterEntry
    day: date
    other_team: str | None = None


def explanation_table(
    team: str,
    line: BudgetLine,
    period: Period,
    roster: Mapping[str, Sequence[RosterEntry]],
    employees: Mapping[str, Employee],
    *,
    currency: str,
    excluded_statuses: Collection[str],
    carry_over: bool,
    names: bool,
) -> Table:
    """The tab for one team and the current period; `roster` is every team's (to tell where movers went)."""
    money = _money(currency)
    carried = f" + {money(line.carried_over)} carried over" if carry_over else ""
    rows = [
        (f"Budget {period.label}", f"{money(line.allowance)} per head × {line.head_days} head-days ÷ "
         f"{line.days} days in the period = {money(line.budget)}{carried}"),
        ("Head-days", _head_days_rule(excluded_statuses)),
        ("Average heads", f"{line.head_days} head-days ÷ {line.days} days = {line.average_heads} heads; "
         f"{line.headcount} people were counted at some point in {period.label}"),
        ("Spent", f"{money(line.spent)}: this team's ledger rows dated {period.start} – {period.end} "
         f"(Spend tab); remaining {money(line.remaining)}"),
    ]  # fmt: skip
    changes = _changes(team, period, roster, employees)
    for kind in ("Joined", "Left", "Moved in", "Moved out", "Counted from", "Counted until"):
        of_kind = [c for c in changes if c.kind == kind]
        if of_kind:
            rows.append((kind, "; ".join(_describe(c) for c in of_kind) if names else _count(of_kind)))
    table = empty_explanation()
    table.rows = [{TOPIC: topic, HOW: text} for topic, text in rows]
    return table


def empty_explanation() -> Table:
    """The tab's layout without figures (what `opsheets check` compares a sheet with)."""
    return Table(EXPLAINED_TAB, [Column(TOPIC, "text", 160), Column(HOW, "text", 720)], (TOPIC,))


def _money(currency: str) -> Callable[[Decimal], str]:
    return lambda amount: f"{Decimal(amount):,.2f} {currency}"


def _head_days_rule(excluded_statuses: Collection[str]) -> str:
    rule = (
        "every day a person is employed (hire date to termination date, both included) and in this team "
        "counts one head-day; a transfer counts in each team for its own days"
    )
    if excluded_statuses:
        rule += f"; days with employment status {', '.join(sorted(excluded_statuses))} do not count"
    return rule


def _changes(
    team: str, period: Period, roster: Mapping[str, Sequence[RosterEntry]], employees: Mapping[str, Employee]
) -> list[Change]:
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


def _describe(change: Change) -> str:
    entry = change.entry
    where = {"Moved in": " from ", "Moved out": " to "}.get(change.kind, "")
    where = f"{where}{change.other_team}" if where else ""
    when = "from" if change.kind in ("Joined", "Moved in", "Counted from") else "until"
    return f"{entry.name}{where} ({when} {change.day}, {entry.days} days in this team)"


def _count(changes: list[Change]) -> str:
    days = sum(c.entry.days for c in changes)
    people = "1 person" if len(changes) == 1 else f"{len(changes)} people"
    return f"{people} ({days} head-days in this team)"
