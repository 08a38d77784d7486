"""A budgets run's day, periods and rules, from the configuration."""

from __future__ import annotations

from datetime import date

from domain.budgets import BudgetRules
from domain.periods import BudgetHistory, Period, budget_history
from domain.records import Employee, JobInfoEntry, Spend
from flows.config import BudgetSettings, Config


def run_day(config: Config, today: str | None) -> date:
    if today:
        return date.fromisoformat(today)
    return config.now().date()


def periods_to_date(settings: BudgetSettings, today: date) -> list[Period]:
    """The periods the Budget and Overview tabs show: the kept past years', then this year's up to today's."""
    return budget_history(settings.period, today, settings.keep_years).kept


def history_of(
    settings: BudgetSettings,
    today: date,
    employees: list[Employee],
    history: list[JobInfoEntry],
    spends: list[Spend],
) -> BudgetHistory:
    """The kept periods, and the archived years back to the first with data (a hire, an expense): a late
    expense for an old period still counts in it, and a year leaving the kept ones moves to the Archive
    tab instead of disappearing."""
    years = [s.day.year for s in spends] + [e.hire_date.year for e in employees if e.hire_date]
    years += [j.effective.year for j in history]
    first_year = min(years, default=None)
    return budget_history(settings.period, today, settings.keep_years, settings.archive_years, first_year)


def budget_rules(settings: BudgetSettings) -> BudgetRules:
    return BudgetRules(
        period_kind=settings.period,
        allowance_per_head=settings.allowance_per_head,
        overrides=dict(settings.overrides),
        excluded_statuses=frozenset(settings.excluded_statuses),
        carry_over=settings.carry_over,
        currency=settings.currency,
    )
