"""The budgets computation as one domain call: team names, ledger, periods, roster and warnings.

Pure: no Prefect, no stand-in, no sheet.
"""

from datetime import date
from decimal import Decimal

from domain.budget_model import (
    BudgetSetup,
    Staff,
    compute_team_budgets,
    first_year_with_data,
    mapping_warnings,
    uncounted_spend_warnings,
)
from domain.budgets import compute_budgets, over_budget
from domain.headcount import head_days
from domain.records import JobInfoEntry, LedgerRow, Spend, StatusEntry
from domain.roster import roster, roster_changes
from domain.teams import canonical_people, spreadsheet_keys
from tests.budget_org import HISTORY, Q4, QUARTERS, RULES, SPENDS, STAFF, emp

TODAY = date(2026, 11, 26)


def test_roster_splits_a_transfer_and_leaves_out_excluded_statuses() -> None:
    counted = roster(STAFF, HISTORY, Q4, {"contractor"})
    platform = {e.name: (e.days, e.first_day, e.last_day) for e in counted["Platform"]}
    assert platform == {
        "Ana Platform": (92, date(2026, 10, 1), date(2026, 12, 31)),
        "Ben Joiner": (47, date(2026, 11, 15), date(2026, 12, 31)),
        "Dia Mover": (61, date(2026, 10, 1), date(2026, 11, 30)),
    }
    data = {e.name: (e.days, e.first_day) for e in counted["Data"]}
    assert data == {"Dia Mover": (31, date(2026, 12, 1)), "Fay Data": (92, date(2026, 10, 1))}


def test_roster_days_add_up_to_the_head_days_the_budget_uses() -> None:
    counted = roster(STAFF, HISTORY, Q4, {"Contractor"})
    expected = head_days(STAFF, HISTORY, Q4, {"Contractor"})
    assert {t: {e.employee_id: e.days for e in es} for t, es in counted.items()} == expected


def test_roster_sorts_by_name_and_keeps_namesakes_apart() -> None:
    twins = [emp("8", "alex Kim", "Web"), emp("7", "Alex Kim", "Web"), emp("9", "Abe Lo", "Web")]
    assert [e.employee_id for e in roster(twins, [], Q4)["Web"]] == ["9", "7", "8"]


def test_changes_tell_joiners_leavers_and_movers_apart() -> None:
    staff = [*STAFF, emp("6", "Gil Leaver", "Data", left=date(2026, 10, 20))]
    statuses = [
        StatusEntry("4", date(2020, 1, 1), "Contractor"),
        StatusEntry("4", date(2026, 11, 2), "Full-Time"),
    ]
    counted = roster(staff, HISTORY, Q4, {"Contractor"}, statuses)
    employees = {e.id: e for e in staff}
    platform = [
        (c.kind, c.entry.name, c.day, c.other_team)
        for c in roster_changes("Platform", Q4, counted, employees)
    ]
    assert platform == [  # by the day each person's time in the team starts
        ("Moved out", "Dia Mover", date(2026, 11, 30), "Data"),
        ("Counted from", "Eve Contractor", date(2026, 11, 2), None),  # converted from contractor
        ("Joined", "Ben Joiner", date(2026, 11, 15), None),
    ]
    data = [(c.kind, c.entry.name, c.other_team) for c in roster_changes("Data", Q4, counted, employees)]
    assert data == [("Left", "Gil Leaver", None), ("Moved in", "Dia Mover", "Platform")]


def test_team_names_follow_bamboohr_spelling_and_config_keys_match_case_insensitively() -> None:
    _, _, names = canonical_people(STAFF, HISTORY, ["platform", "Web"])
    assert names.names() == ["Data", "Platform", "Web"]
    assert spreadsheet_keys(names.names(), {"platform": "k1", "WEB": "k2"}) == {"Platform": "k1", "Web": "k2"}


def test_over_budget_looks_at_the_given_period_only() -> None:
    spends = [*SPENDS, Spend(5, date(2026, 12, 1), "Data", Decimal("500"), "EUR", "Offsite")]
    computed = compute_budgets(STAFF, HISTORY, spends, RULES, QUARTERS)
    assert [line.team for line in over_budget(computed, "2026-Q4")] == ["Data"]
    assert over_budget(computed, "2026-Q3") == []


def test_warnings_name_unmapped_active_teams_and_configured_teams_nobody_is_in() -> None:
    computed = compute_budgets(STAFF, HISTORY, SPENDS, RULES, QUARTERS, ["Platform", "Data", "Platfrom"])
    warnings = mapping_warnings(computed, {"Platform": "k1", "Platfrom": "k2"})
    assert len(warnings) == 2
    assert "'Data' has people or spend but no spreadsheet" in warnings[0] and "budgets.teams" in warnings[0]
    assert "'Platfrom'" in warnings[1] and "check the spelling" in warnings[1]
    assert mapping_warnings(computed, {"Platform": "k1", "Data": "k2"}) == []


def test_with_provisioning_no_advice_to_map_by_hand_and_a_team_nobody_is_in_is_kept() -> None:
    computed = compute_budgets(STAFF, HISTORY, SPENDS, RULES, QUARTERS, ["Platform", "Data", "Legal"])
    warnings = mapping_warnings(computed, {"Platform": "k1", "Legal": "k3"}, provisioned=True)
    assert len(warnings) == 1
    assert "'Legal' has a spreadsheet but no people or spend" in warnings[0]
    assert "kept and marked in the Teams tab" in warnings[0] and "budgets.teams" not in warnings[0]


def test_spend_outside_the_computed_periods_is_a_warning_naming_its_rows() -> None:
    so_far = QUARTERS[:3]  # as of a day in Q3: Q4 spend is in the future
    late = Spend(9, date(2025, 12, 31), "Data", Decimal("5"), "EUR", "Last year")
    warnings = uncounted_spend_warnings([*SPENDS, late], so_far)
    assert warnings == [
        "3 ledger row(s) dated outside 2026-01-01 – 2026-09-30 are not counted (rows 3, 4, 9): "
        "check their dates"
    ]
    assert uncounted_spend_warnings(SPENDS, QUARTERS) == []


def test_first_year_with_data_is_the_earliest_hire_move_or_expense() -> None:
    assert first_year_with_data(STAFF, HISTORY, SPENDS) == 2019  # Dia's first job entry
    assert first_year_with_data(STAFF, [], SPENDS) == 2020
    assert first_year_with_data([], [], []) is None


def ledger_row(number: int, day: str, team: str, amount: str) -> LedgerRow:
    return LedgerRow(number, {"Date": day, "Team": team, "Amount": amount, "Description": f"row {number}"})


def test_one_call_computes_every_figure_the_sheets_show() -> None:
    staff = Staff(
        [
            emp("1", "Ana", "Platform", hired=date(2023, 3, 1)),
            emp("2", "Ben", "platform ", hired=date(2024, 1, 1)),
        ],
        [JobInfoEntry("2", date(2024, 1, 1), " PLATFORM")],
        [],
    )
    ledger = [
        ledger_row(2, "2026-11-03", "platform", "500"),
        ledger_row(3, "2024-05-01", "Platform", "10"),  # an archived year
        ledger_row(4, "2027-01-04", "Platform", "7"),  # a future period: counted nowhere
        ledger_row(5, "2026-11-04", "Payments", "20"),  # nobody's team, no spreadsheet
        ledger_row(6, "2026-11-05", "Platform", "TBD"),
    ]
    setup = BudgetSetup(RULES, {"PLATFORM": "k1", "Paymnts": "k2"}, keep_years=1, archive_years=5)
    model = compute_team_budgets(staff, ledger, setup, TODAY)

    assert model.keys == {"Platform": "k1", "Paymnts": "k2"}  # a configured team is a team, if empty
    assert {e.team for e in model.employees} == {"Platform"}
    assert [s.row_number for s in model.spends] == [2, 3, 4]
    assert [r.row_number for r in model.rejections] == [5, 6]
    assert model.current == Q4
    assert [p.label for p in model.history.archived][:1] == ["2023-Q1"]  # from Ana's hire
    assert {line.period_label for line in model.kept} == {p.label for p in model.history.kept}
    assert {line.period_label[:4] for line in model.archived} == {"2023", "2024"}
    line = model.current_line("Platform")
    assert (line.head_days, line.spent) == (184, Decimal("500.00"))
    assert model.over_budget == [line]  # 100 × 184 / 92 = 200 budget against 500 spent
    assert [e.name for e in model.roster["Platform"]] == ["Ana", "Ben"]
    assert [r.row_number for r in model.rejections if "not a known team" in r.reason] == [5]
    assert model.warnings[0].startswith("budgets.teams names 'Paymnts', but nobody in BambooHR is in it")
    assert model.warnings[1:] == [
        "1 ledger row(s) dated outside 2023-01-01 – 2026-12-31 are not counted (rows 4): check their dates",
    ]
