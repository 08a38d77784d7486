"""The spreadsheets each configured flow reads or writes, with the tabs and columns it expects there.

`opsheets check` compares these with the real sheets (Spreadsheet.check_layout) without fetching any
source data: the tables are built from empty inputs, and an owned header is found or missing the same
whether or not rows come with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from connectors.sheets import Table
from domain.availability_model import Calendar, Sources, compute_availability
from domain.headcount import RosterEntry
from flows import budgets_tables as bt
from flows.availability_tables import availability_tables
from flows.budgets_explained import empty_explanation
from flows.config import Config


@dataclass(frozen=True)
class SheetLayout:
    name: str  # what people call it: "Budget Platform"
    key: str  # spreadsheet key (Google) or workbook name
    tables: list[Table] = field(default_factory=list)  # tabs opsheets writes
    read_tab: str | None = None  # a tab opsheets only reads (the ledger)
    read_columns: tuple[str, ...] = ()
    setting: str = ""  # the config key that names the spreadsheet, for the fix when it is wrong


def expected_layouts(config: Config, today: date) -> list[SheetLayout]:
    layouts = []
    if config.jira and config.bamboohr:
        layouts.append(availability_layout(config, today))
    if config.budgets and config.bamboohr:
        layouts += budget_layouts(config, today)
    return layouts


def availability_layout(config: Config, today: date) -> SheetLayout:
    settings = config.availability
    calendar = Calendar.of(today, settings.weeks, settings.actuals_weeks, config.timezone)
    model = compute_availability(Sources([], [], 8.0, []), calendar)
    return SheetLayout(
        "Resource availability",
        settings.spreadsheet,
        availability_tables(model),
        setting="availability.spreadsheet",
    )


def budget_layouts(config: Config, today: date) -> list[SheetLayout]:
    from domain.ledger import REQUIRED_COLUMNS
    from flows.budgets import OVERVIEW_NAME
    from flows.budgets_periods import periods_to_date

    settings = config.budgets
    assert settings is not None
    periods = periods_to_date(settings, today)
    roster: list[RosterEntry] | None = [] if settings.roster else None
    ledger = SheetLayout(
        "Spend ledger",
        settings.ledger.spreadsheet,
        read_tab=settings.ledger.tab,
        read_columns=tuple(REQUIRED_COLUMNS),
        setting="budgets.ledger.spreadsheet",
    )
    teams = [
        SheetLayout(
            f"Budget {team}",
            key,
            [
                *bt.team_tables(team, [], [], periods, roster, settings.currency, settings.carry_over),
                empty_explanation(),
            ],
            setting=f"budgets.teams.{team}",
        )
        for team, key in sorted(settings.teams.items())
    ]
    overview = bt.overview_tables([], [], settings.currency, settings.carry_over)
    overview_layout = SheetLayout(
        OVERVIEW_NAME, settings.overview_spreadsheet, overview, setting="budgets.overview_spreadsheet"
    )
    return [ledger, *teams, overview_layout]
