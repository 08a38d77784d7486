"""The `How it's computed` tab of a team's budget spreadsheet: the rule, with the team's own figures.

A team lead should be able to check their budget without asking PeopleOps: the formula with this
period's numbers filled in, what "average heads" means, and who joined, left or moved (by name only
when the Roster tab is on: that switch decides whether names appear in team sheets at all).
Pure: no Prefect, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from decimal import Decimal

from connectors.sheets import Column, Table
from domain.budgets import BudgetLine
from domain.headcount import RosterEntry
from domain.periods import Period
from domain.records import Employee
from domain.roster import CHANGE_KINDS, Change, roster_changes

EXPLAINED_TAB = "How it's computed"
TOPIC, HOW = "Topic", "How"


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
    changes = roster_changes(team, period, roster, employees)
    for kind in CHANGE_KINDS:
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
