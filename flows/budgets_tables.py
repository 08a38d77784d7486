"""Team event budgets laid out as sheet tables: one spreadsheet per team, an overview for PeopleOps.

Pure: budget lines, accepted spend, the roster and rejected ledger rows in, `Table`s out. Every
team table is built from rows filtered by that team here, so no caller can leak another team's
people or spend into a team's spreadsheet.

"% used" is written as a fraction (0.923 shown as 92%), the scale the sheet connector's "budget"
rule (>= 0.9 amber, > 1.0 red) and the "percent" number format both expect.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from connectors.sheets import ChartSpec, Column, ConditionalRule, Table
from connectors.sheets.table import Value
from domain.budgets import BudgetLine, total_line
from domain.headcount import History, counted_spans
from domain.ledger import LEDGER_COLUMNS, Rejection
from domain.periods import Period, overlap_days
from domain.records import Employee, JobInfoEntry, Spend, StatusEntry
from domain.teams import TeamNames, team_key
from flows.budgets_spend import DEFAULT_ID_COLUMN, period_label, spend_table

BUDGET_TAB, ROSTER_TAB = "Budget", "Roster"
OVERVIEW_TAB, REJECTED_TAB, CURRENT_TAB = "Overview", "Rejected", "Current period"
# Budget lines of years older than the kept ones: the same columns as Budget (team sheets) or Overview.
ARCHIVE_TAB = "Archive"
PCT_USED = "% used"
CARRIED = "Carried over"
# "Headcount" used to mean anyone counted at some point in the period; the columns now say which is which.
PEOPLE_COUNTED, AVERAGE_HEADS, HEAD_DAYS = "People counted", "Average heads", "Head-days"
TOTAL = "All teams"  # the Team cell of the Overview's total rows
_BUDGET_RULES = [ConditionalRule("budget", (PCT_USED,)), ConditionalRule("negative", ("Remaining",))]


@dataclass(frozen=True)
class RosterEntry:
    """A person counted for a team in a period: days in the team, and the first and last of them."""

    team: str
    employee_id: str
    name: str
    days: int
    first_day: date
    last_day: date


def used_fraction(line: BudgetLine) -> Decimal | None:
    """BudgetLine.pct_used (percent, one decimal) as the share the sheet's percent format shows."""
    return None if line.pct_used is None else line.pct_used / 100


def canonical_teams(
    employees: Iterable[Employee], job_history: Iterable[JobInfoEntry], configured: Iterable[str]
) -> list[str]:
    """Every team name known, one spelling each: BambooHR's first, configured names only when BambooHR
    lacks them (see domain.teams)."""
    return TeamNames((e.team for e in employees), (j.team for j in job_history), configured).names()


def spreadsheet_keys(teams: Iterable[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """team (canonical spelling) → spreadsheet key, team names compared as domain.teams.team_key does."""
    by_name = {team_key(name): key for name, key in mapping.items()}
    return {team: by_name[team_key(team)] for team in teams if team_key(team) in by_name}


def roster(
    employees: Iterable[Employee],
    job_history: Iterable[JobInfoEntry],
    period: Period,
    excluded_statuses: Collection[str] = (),
    status_history: Iterable[StatusEntry] = (),
) -> dict[str, list[RosterEntry]]:
    """team → people counted in the period, by name; the same rules as domain.headcount.head_days."""
    history = History.of(job_history, status_history)
    spans: dict[tuple[str, str], list[tuple[date, date, int]]] = defaultdict(list)
    names: dict[str, str] = {}
    for employee in employees:
        names[employee.id] = employee.name
        for span in counted_spans(employee, history, excluded_statuses):
            counted = overlap_days(period, span.start, span.end)
            if counted:
                first, last = max(span.start, period.start), min(span.end, period.end)
                spans[(span.team, employee.id)].append((first, last, counted))
    result: dict[str, list[RosterEntry]] = defaultdict(list)
    for (team, employee_id), parts in spans.items():
        entry = RosterEntry(
            team=team,
            employee_id=employee_id,
            name=names[employee_id],
            days=sum(p[2] for p in parts),
            first_day=min(p[0] for p in parts),
            last_day=max(p[1] for p in parts),
        )
        result[team].append(entry)
    return {
        team: sorted(entries, key=lambda e: (e.name.casefold(), e.employee_id))
        for team, entries in result.items()
    }


def _money_columns(carry_over: bool) -> list[Column]:
    carried = [Column(CARRIED, "money", 110)] if carry_over else []
    return [
        Column("Budget", "money", 110),
        *carried,
        Column("Spent", "money", 110),
        Column("Remaining", "money", 110),
        Column(PCT_USED, "percent", 80),
    ]


def _money_values(line: BudgetLine, carry_over: bool) -> dict[str, Value]:
    carried: dict[str, Value] = {CARRIED: line.carried_over} if carry_over else {}
    return {
        "Budget": line.budget,
        **carried,
        "Spent": line.spent,
        "Remaining": line.remaining,
        PCT_USED: used_fraction(line),
    }


def _head_columns() -> list[Column]:
    return [
        Column(PEOPLE_COUNTED, "int", 110),
        Column(AVERAGE_HEADS, "decimal", 110),
        Column(HEAD_DAYS, "int"),
    ]


def _head_values(line: BudgetLine) -> dict[str, Value]:
    """Anyone counted at some point in the period, and the heads the budget pays for (head-days ÷ days)."""
    return {PEOPLE_COUNTED: line.headcount, AVERAGE_HEADS: line.average_heads, HEAD_DAYS: line.head_days}


def budget_table(
    team: str, lines: Iterable[BudgetLine], currency: str, carry_over: bool, tab: str = BUDGET_TAB
) -> Table:
    """The team's `Budget` tab (or its `Archive`, for older years): one row per period, keyed by period."""
    columns = [Column("Period", "text", 90), *_head_columns()]
    rows = [
        {"Period": line.period_label, **_head_values(line), **_money_values(line, carry_over)}
        for line in lines
        if line.team == team
    ]
    return Table(tab, columns + _money_columns(carry_over), ("Period",), rows, currency, _BUDGET_RULES)


def roster_table(team: str, entries: Iterable[RosterEntry], period: Period) -> Table:
    """The team's `Roster` tab: who counts in the current period and for how many days.

    Keyed by BambooHR employee id, since two people may share a name.
    """
    columns = [
        Column("Name", "text", 200),
        Column("Period", "text", 90),
        Column("Days", "int", 70),
        Column("From", "date"),
        Column("To", "date"),
        Column("Employee ID", "text", 100),
    ]
    rows: list[dict[str, Value]] = [
        {
            "Name": e.name,
            "Period": period.label,
            "Days": e.days,
            "From": e.first_day,
            "To": e.last_day,
            "Employee ID": e.employee_id,
        }
        for e in entries
        if e.team == team
    ]
    return Table(ROSTER_TAB, columns, ("Employee ID",), rows)


def team_tables(
    team: str,
    lines: Iterable[BudgetLine],
    spends: Iterable[Spend],
    periods: Sequence[Period],
    roster_entries: Iterable[RosterEntry] | None,
    currency: str,
    carry_over: bool,
    id_column: str = DEFAULT_ID_COLUMN,
) -> list[Table]:
    """Everything in one team's spreadsheet; `roster_entries` None leaves the Roster tab out."""
    spend = spend_table(team, spends, periods, currency, id_column)
    tables = [budget_table(team, lines, currency, carry_over), spend]
    if roster_entries is not None:
        tables.append(roster_table(team, roster_entries, periods[-1]))
    return tables


def overview_table(
    lines: Iterable[BudgetLine], currency: str, carry_over: bool, tab: str = OVERVIEW_TAB
) -> Table:
    """PeopleOps' `Overview` tab (or `Archive`): one row per team and period, then a total row per period."""
    columns = [
        Column("Team", "text", 160),
        Column("Period", "text", 90),
        *_head_columns(),
        Column("Allowance per head", "money", 130),
    ]
    lines = list(lines)
    by_period: dict[str, list[BudgetLine]] = defaultdict(list)
    for line in lines:
        by_period[line.period_label].append(line)
    totals = [total_line(group, TOTAL) for _, group in sorted(by_period.items())]
    rows = [_overview_row(line, line.allowance, carry_over) for line in lines]
    rows += [_overview_row(total, None, carry_over) for total in totals]  # teams' allowances may differ
    return Table(tab, columns + _money_columns(carry_over), ("Team", "Period"), rows, currency, _BUDGET_RULES)


def _overview_row(line: BudgetLine, allowance: Decimal | None, carry_over: bool) -> dict[str, Value]:
    return {
        "Team": line.team,
        "Period": line.period_label,
        **_head_values(line),
        "Allowance per head": allowance,
        **_money_values(line, carry_over),
    }


def current_period_table(
    lines: Iterable[BudgetLine], period_label: str, currency: str, carry_over: bool
) -> Table:
    """The overview's `Current period` tab: one row per team for today's period, and the chart.

    The chart lives here rather than on `Overview` because Overview holds every period of the year:
    a chart over it would put Q1's bars next to Q4's, and one over "this period's rows" would break
    as soon as PeopleOps sorts or filters. Keyed by team, so a new period rewrites the same rows and
    the chart stays put; only a team joining or leaving the list re-lays it out.
    """
    columns = [Column("Team", "text", 160), Column("Period", "text", 90)]
    rows = [
        {"Team": line.team, "Period": line.period_label, **_money_values(line, carry_over)}
        for line in lines
        if line.period_label == period_label
    ]
    chart = ChartSpec("Budget vs spent, current period", category="Team", series=("Budget", "Spent"))
    return Table(
        CURRENT_TAB,
        columns + _money_columns(carry_over),
        ("Team",),
        rows,
        currency,
        _BUDGET_RULES,
        chart=chart,
    )


def _raw_cell(cells: Mapping[str, object], column: str) -> Value:
    """The cell as typed, found by header case-insensitively; dates shown as ISO text."""
    wanted = column.casefold()
    value = next((v for k, v in cells.items() if str(k).strip().casefold() == wanted), None)
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | Decimal | bool):
        return value
    return str(value)


def rejected_table(rejections: Iterable[Rejection]) -> Table:
    """The overview's `Rejected` tab: every ledger row not counted, why, and the row as typed."""
    columns = [Column("Row", "int", 60), Column("Reason", "text", 420)]
    columns += [Column(name, "text", 280 if name == "Description" else 110) for name in LEDGER_COLUMNS]
    rows = [
        {"Row": r.row_number, "Reason": r.reason, **{c: _raw_cell(r.cells, c) for c in LEDGER_COLUMNS}}
        for r in rejections
    ]
    return Table(REJECTED_TAB, columns, ("Row",), rows)


def overview_tables(
    lines: Iterable[BudgetLine],
    rejections: Iterable[Rejection],
    currency: str,
    carry_over: bool,
    current_period: str = "",
) -> list[Table]:
    """PeopleOps' spreadsheet: this period at a glance (with the chart), every period, rejected rows."""
    lines = list(lines)
    return [
        current_period_table(lines, current_period, currency, carry_over),
        overview_table(lines, currency, carry_over),
        rejected_table(rejections),
    ]


def over_budget(lines: Iterable[BudgetLine], period_label: str) -> list[BudgetLine]:
    """Lines of the period whose spend exceeds what was available."""
    return [line for line in lines if line.period_label == period_label and line.remaining < 0]


def figures(lines: Iterable[BudgetLine], period_label: str) -> list[dict[str, object]]:
    """The run's key figures (artifact table): the period's line per team."""
    return [
        {
            "team": line.team,
            "period": line.period_label,
            "budget": str(line.budget),
            "spent": str(line.spent),
            "remaining": str(line.remaining),
            "% used": "" if line.pct_used is None else f"{line.pct_used} %",
        }
        for line in lines
        if line.period_label == period_label
    ]


def mapping_warnings(
    lines: Iterable[BudgetLine], keys: Mapping[str, str], provisioned: bool = False
) -> list[str]:
    """Teams with people or spend but no spreadsheet, and configured teams nobody is in (a typo?).
    With provisioning, a team without a spreadsheet gets one (or the run says why not): no advice to
    add it under budgets.teams; a team nobody is in any more is marked in the Teams tab instead."""
    lines = list(lines)
    active = {line.team for line in lines if line.head_days or line.spent}
    if provisioned:
        return [
            f"team '{team}' has a spreadsheet but no people or spend in the periods shown: the spreadsheet "
            f"is kept and marked in the Teams tab{_did_you_mean(team, active)}"
            for team in sorted(set(keys) - active)
        ]
    unmapped = [
        f"team '{team}' has people or spend but no spreadsheet: add '{team}: <spreadsheet key>' "
        f"under budgets.teams in the config"
        for team in sorted(active - set(keys))
    ]
    empty = [
        f"budgets.teams names '{team}', but nobody in BambooHR is in it in the periods shown and it has no "
        f"spend: check the spelling against the BambooHR team field{_did_you_mean(team, active)}"
        for team in sorted(set(keys) - active)
    ]
    return unmapped + empty


def _did_you_mean(team: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(team_key(team), [team_key(k) for k in known], n=1, cutoff=0.75)
    spelled = next((k for k in known if close and team_key(k) == close[0]), None)
    return f" (did you mean '{spelled}'?)" if spelled else ""


def uncounted_spend_warnings(spends: Iterable[Spend], periods: Sequence[Period]) -> list[str]:
    """Accepted ledger rows dated outside the periods computed (another year, or a future period)."""
    outside = sorted(s.row_number for s in spends if not period_label(s.day, periods))
    if not outside:
        return []
    shown = ", ".join(str(n) for n in outside[:10]) + (" …" if len(outside) > 10 else "")
    return [
        f"{len(outside)} ledger row(s) dated outside {periods[0].start} – {periods[-1].end} are not "
        f"counted (rows {shown}): check their dates"
    ]
