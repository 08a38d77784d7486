"""Event budget per team per period, spend against it, and what is left.

budget(team, period) = allowance per head × head-days in the period ÷ days in the period, kept exact
and rounded to cents (half up) once, at the end.

Carry-over (only when `BudgetRules.carry_over`): each period starts with the previous period's
remaining amount in the same calendar year, the first period of a year with nothing. Overspend
carries too, as a negative amount: a team that overspent in October has that much less in
November, so over a year remaining always equals budgets minus spend.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from domain.headcount import head_days
from domain.periods import Period, PeriodKind, days, periods_in_year
from domain.records import Employee, JobInfoEntry, Spend, StatusEntry
from domain.teams import team_key

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BudgetRules:
    period_kind: PeriodKind
    allowance_per_head: Decimal  # per head per full period of `period_kind`
    overrides: Mapping[str, Decimal] = field(default_factory=dict)  # team → allowance per head
    excluded_statuses: frozenset[str] = frozenset()  # employment statuses that do not count
    carry_over: bool = False
    currency: str = "EUR"

    def allowance_for(self, team: str) -> Decimal:
        """The team's override if any (names compared as `team_key` does), else the default."""
        wanted = team_key(team)
        for name, allowance in self.overrides.items():
            if team_key(name) == wanted:
                return Decimal(allowance)
        return Decimal(self.allowance_per_head)


@dataclass(frozen=True)
class BudgetLine:
    team: str
    period_label: str
    headcount: int  # distinct people with at least one day in the team in the period
    head_days: int
    days: int  # in the period
    allowance: Decimal  # per head per period
    budget: Decimal
    carried_over: Decimal
    spent: Decimal
    remaining: Decimal  # budget + carried_over - spent
    pct_used: Decimal | None  # percent of budget + carried_over spent, one decimal; None when that is <= 0
    # Who was counted (employee ids): a total over teams counts a transfer once.
    employee_ids: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def average_heads(self) -> Decimal:
        """Head-days ÷ days in the period, to two decimals: the heads the budget pays for."""
        return (Decimal(self.head_days) / self.days).quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def budget_amount(allowance: Decimal, team_head_days: int, period: Period) -> Decimal:
    return to_cents(allowance * team_head_days / days(period))


def percent_used(spent: Decimal, available: Decimal) -> Decimal | None:
    if available <= 0:
        return None
    return (spent * 100 / available).quantize(TENTH, rounding=ROUND_HALF_UP)


def spent_by_team_period(
    spends: Iterable[Spend], periods: Iterable[Period]
) -> dict[tuple[str, str], Decimal]:
    """(team, period label) → total spend dated inside that period; spend outside every period is left out."""
    periods = list(periods)
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for spend in spends:
        for period in periods:
            if period.start <= spend.day <= period.end:
                totals[(spend.team, period.label)] += spend.amount
    return dict(totals)


def _periods_to_compute(periods: Sequence[Period]) -> list[Period]:
    """The requested periods plus every earlier one of the same year, which carry-over needs."""
    needed: set[Period] = set(periods)
    for period in periods:
        needed.update(p for p in periods_in_year(period.kind, period.start.year) if p.start < period.start)
    return sorted(needed, key=lambda p: (p.start, p.end))


def _line(
    team: str,
    period: Period,
    per_person: Mapping[str, int],
    rules: BudgetRules,
    spent: Decimal,
    carried: Decimal,
) -> BudgetLine:
    allowance = rules.allowance_for(team)
    total_days = sum(per_person.values())
    budget = budget_amount(allowance, total_days, period)
    available = budget + carried
    return BudgetLine(
        team=team,
        period_label=period.label,
        headcount=sum(1 for d in per_person.values() if d > 0),
        head_days=total_days,
        days=days(period),
        allowance=allowance,
        budget=budget,
        carried_over=carried,
        spent=spent,
        remaining=available - spent,
        pct_used=percent_used(spent, available),
        employee_ids=frozenset(person for person, d in per_person.items() if d > 0),
    )


def total_line(lines: Sequence[BudgetLine], label: str = "Total") -> BudgetLine:
    """All teams' lines of one period added up; people counted once even when they moved teams."""
    if not lines or len({line.period_label for line in lines}) != 1:
        raise ValueError("a total adds up lines of exactly one period")
    budget = sum((line.budget for line in lines), ZERO)
    carried = sum((line.carried_over for line in lines), ZERO)
    spent = sum((line.spent for line in lines), ZERO)
    people = frozenset().union(*(line.employee_ids for line in lines))
    return BudgetLine(
        team=label,
        period_label=lines[0].period_label,
        headcount=len(people),
        head_days=sum(line.head_days for line in lines),
        days=lines[0].days,
        allowance=ZERO,  # teams may differ: no single allowance
        budget=budget,
        carried_over=carried,
        spent=spent,
        remaining=budget + carried - spent,
        pct_used=percent_used(spent, budget + carried),
        employee_ids=people,
    )


def compute_budgets(
    employees: Iterable[Employee],
    job_history: Iterable[JobInfoEntry],
    spends: Iterable[Spend],
    rules: BudgetRules,
    periods: Sequence[Period],
    teams: Collection[str] = (),
    status_history: Iterable[StatusEntry] = (),
) -> list[BudgetLine]:
    """One line per team and requested period, ordered by team then period.

    Teams are those given, those with head-days in any computed period and those with spend in one,
    so spend of a team nobody is in still shows (budget 0). Earlier periods of the same year are
    computed as well when carry-over needs them, but only the requested periods are returned.
    """
    if any(p.kind != rules.period_kind for p in periods):
        raise ValueError(f"budgets are per {rules.period_kind}; got periods of another kind")
    employees, job_history, status_history = list(employees), list(job_history), list(status_history)
    computed = _periods_to_compute(periods)
    excluded = rules.excluded_statuses
    days_by_period = {p: head_days(employees, job_history, p, excluded, status_history) for p in computed}
    spent = spent_by_team_period(spends, computed)
    all_teams = set(teams) | {t for d in days_by_period.values() for t in d} | {t for t, _ in spent}
    wanted = set(periods)
    lines = []
    for team in sorted(all_teams):
        remaining_by_year: dict[int, Decimal] = {}
        for period in computed:
            year = period.start.year
            carried = remaining_by_year.get(year, ZERO) if rules.carry_over else ZERO
            team_spent = spent.get((team, period.label), ZERO)
            line = _line(team, period, days_by_period[period].get(team, {}), rules, team_spent, carried)
            remaining_by_year[year] = line.remaining
            if period in wanted:
                lines.append(line)
    return lines


def over_budget(lines: Iterable[BudgetLine], period_label: str) -> list[BudgetLine]:
    """Lines of the period whose spend exceeds what was available."""
    return [line for line in lines if line.period_label == period_label and line.remaining < 0]
