"""A budgets run's day, periods and setup, from the configuration."""

from __future__ import annotations

from datetime import date

from domain.budget_model import BudgetSetup
from domain.budgets import BudgetRules
from domain.periods import Period, budget_history
from flows.config import BudgetSettings, Config


def run_day(config: Config, today: str | None) -> date:
    if today:
        return date.fromisoformat(today)
    return config.now().date()


def periods_to_date(settings: BudgetSettings, today: date) -> list[Period]:
    """The periods the Budget and Overview tabs show: the kept past years', then this year's up to today's."""
    return budget_history(settings.period, today, settings.keep_years).kept


def budget_setup(settings: BudgetSettings) -> BudgetSetup:
    rules = BudgetRules(
        period_kind=settings.period,
        allowance_per_head=settings.allowance_per_head,
        overrides=dict(settings.overrides),
        excluded_statuses=frozenset(settings.excluded_statuses),
        carry_over=settings.carry_over,
        currency=settings.currency,
    )
    return BudgetSetup(
        rules, settings.teams, settings.keep_years, settings.archive_years, settings.ledger.id_column
    )
