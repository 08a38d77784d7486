"""The budgets computation: BambooHR's people and the ledger's rows in, every figure the sheets show out.

The domain rules (team names, ledger parsing, periods kept and archived, head-days, budgets, roster)
composed in one call, the flow's compute step, so it is tested without Prefect, stand-ins or a sheet.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from domain.budgets import BudgetLine, BudgetRules, compute_budgets, over_budget
from domain.headcount import RosterEntry
from domain.ledger import Rejection, parse_ledger
from domain.periods import BudgetHistory, Period, budget_history, period_label
from domain.records import Employee, JobInfoEntry, LedgerRow, Spend, StatusEntry
from domain.roster import roster
from domain.teams import canonical_people, spreadsheet_keys, team_key

MAX_LISTED_ROWS = 10


@dataclass(frozen=True)
class Staff:
    """Employees (name, dates, team, statuses), their job history (transfers) and their employment-status
    history (what a leaver was before "Terminated", conversions)."""

    employees: list[Employee]
    job_history: list[JobInfoEntry]
    status_history: list[StatusEntry]


@dataclass(frozen=True)
class BudgetSetup:
    """What the configuration decides for a run."""

    rules: BudgetRules
    spreadsheets: Mapping[str, str] = field(default_factory=dict)  # team name as configured → key
    keep_years: int = 1
    archive_years: int = 0
    id_column: str | None = None  # the ledger's column of entry IDs
    provisioned: bool = False  # teams get their spreadsheet made: no advice to map one by hand


@dataclass(frozen=True)
class BudgetModel:
    employees: list[Employee]  # teams in their one spelling
    keys: dict[str, str]  # team → spreadsheet key, for every mapped team
    spends: list[Spend]  # accepted ledger rows
    rejections: list[Rejection]  # the others, with their reason
    history: BudgetHistory
    lines: list[BudgetLine]  # per team and period of `history.all`
    roster: dict[str, list[RosterEntry]]  # team → people counted in the current period
    warnings: list[str]

    @property
    def current(self) -> Period:
        return self.history.current

    @property
    def kept(self) -> list[BudgetLine]:
        return [line for line in self.lines if line.period_label in self.history.kept_labels]

    @property
    def archived(self) -> list[BudgetLine]:
        return [line for line in self.lines if line.period_label not in self.history.kept_labels]

    @property
    def over_budget(self) -> list[BudgetLine]:
        return over_budget(self.lines, self.current.label)

    def current_line(self, team: str) -> BudgetLine:
        return next(x for x in self.kept if x.team == team and x.period_label == self.current.label)


def compute_team_budgets(
    staff: Staff, ledger: list[LedgerRow], setup: BudgetSetup, today: date
) -> BudgetModel:
    """Every team in one spelling (`platform` in history and `Platform` today are one), the ledger parsed
    against those teams, and every kept and archived period computed for every mapped team."""
    rules = setup.rules
    canonical, teams = canonical_staff(staff, setup.spreadsheets)
    employees, job_history = canonical.employees, canonical.job_history
    spends, rejections = parse_ledger(ledger, teams, rules.currency, setup.id_column)
    keys = spreadsheet_keys(teams, setup.spreadsheets)
    first_year = first_year_with_data(employees, job_history, spends)
    history = budget_history(rules.period_kind, today, setup.keep_years, setup.archive_years, first_year)
    lines = compute_budgets(
        employees, job_history, spends, rules, history.all, sorted(keys), staff.status_history
    )
    kept = [line for line in lines if line.period_label in history.kept_labels]
    warnings = mapping_warnings(kept, keys, setup.provisioned) + uncounted_spend_warnings(spends, history.all)
    counted = roster(employees, job_history, history.current, rules.excluded_statuses, staff.status_history)
    return BudgetModel(employees, keys, spends, rejections, history, lines, counted, warnings)


def canonical_staff(staff: Staff, spreadsheets: Mapping[str, str]) -> tuple[Staff, list[str]]:
    """The staff with every team in one spelling, and those team names (the configured spelling wins)."""
    employees, job_history, names = canonical_people(staff.employees, staff.job_history, spreadsheets)
    return Staff(employees, job_history, staff.status_history), names.names()


def first_year_with_data(
    employees: Iterable[Employee], job_history: Iterable[JobInfoEntry], spends: Iterable[Spend]
) -> int | None:
    """The earliest year anyone was hired or moved, or anything was spent: archived years start there, so
    a late expense for an old period still counts in it."""
    years = [s.day.year for s in spends] + [e.hire_date.year for e in employees if e.hire_date]
    years += [j.effective.year for j in job_history]
    return min(years, default=None)


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
    shown = ", ".join(str(n) for n in outside[:MAX_LISTED_ROWS])
    shown += " …" if len(outside) > MAX_LISTED_ROWS else ""
    return [
        f"{len(outside)} ledger row(s) dated outside {periods[0].start} – {periods[-1].end} are not "
        f"counted (rows {shown}): check their dates"
    ]
