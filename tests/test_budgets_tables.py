"""Budget tables for the team spreadsheets and the overview, built without Prefect or any sheet."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from domain.budgets import BudgetRules, compute_budgets
from domain.ledger import Rejection
from domain.records import Spend
from domain.roster import roster
from flows import budgets_tables as bt
from tests.budget_org import HISTORY, Q4, QUARTERS, RULES, SPENDS, STAFF, emp


def lines() -> list:
    return compute_budgets(STAFF, HISTORY, SPENDS, RULES, QUARTERS, ["Platform", "Data"])


def cells(tables: list) -> set[str]:
    return {str(v) for t in tables for row in t.rows for v in row.values()} | {
        c.name for t in tables for c in t.columns
    }


def test_used_share_is_a_fraction_matching_the_budget_rule_and_percent_format() -> None:
    table = bt.budget_table("Platform", lines(), "EUR", carry_over=False)
    pct = next(c for c in table.columns if c.name == bt.PCT_USED)
    rule = next(r for r in table.rules if r.kind == "budget")
    assert pct.kind == "percent" and rule.columns == (bt.PCT_USED,)
    q4 = next(r for r in table.rows if r["Period"] == "2026-Q4")
    # Platform Q4: Ana 92 + Ben 47 + Dia 61 = 200 head-days → 100 × 200 / 92 = 217.39; spent 120.50
    assert q4["Budget"] == Decimal("217.39") and q4["Spent"] == Decimal("120.50")
    assert q4["Remaining"] == Decimal("96.89")
    assert q4[bt.PCT_USED] == Decimal("0.554")  # 55.4 %, written as the share the rule compares to 0.9 / 1.0


def test_budget_tab_has_one_row_per_period_of_its_team_only() -> None:
    table = bt.budget_table("Data", lines(), "EUR", carry_over=False)
    assert [r["Period"] for r in table.rows] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert table.key == ("Period",)
    assert [r["Spent"] for r in table.rows] == [Decimal("80.00"), 0, 0, Decimal("40.00")]
    assert bt.CARRIED not in [c.name for c in table.columns]


def test_carried_over_column_only_when_carry_over_is_configured() -> None:
    rules = BudgetRules("quarter", Decimal("100"), carry_over=True)
    carried = compute_budgets(STAFF, HISTORY, SPENDS, rules, QUARTERS)
    table = bt.budget_table("Data", carried, "EUR", carry_over=True)
    assert bt.CARRIED in [c.name for c in table.columns]
    assert table.rows[1][bt.CARRIED] == table.rows[0]["Remaining"]


def test_spend_tab_holds_only_the_teams_accepted_rows_keyed_by_content_and_occurrence() -> None:
    twice = Spend(
        7, date(2026, 10, 9), "Data", Decimal("40.00"), "EUR", " data ESCAPE room"
    )  # the same again
    table = bt.spend_table("Data", [*SPENDS, twice], QUARTERS, "EUR")
    assert table.key == ("Date", "Amount", "Description", "Occurrence")
    assert [(r["Period"], r["Amount"], r["Occurrence"]) for r in table.rows] == [
        ("2026-Q1", Decimal("80.00"), None),
        ("2026-Q4", Decimal("40.00"), None),
        ("2026-Q4", Decimal("40.00"), 2),
    ]


def test_spend_tab_is_keyed_by_the_ledgers_id_when_it_has_one() -> None:
    spends = [replace(s, entry_id=f"INV-{s.row_number}") for s in SPENDS]
    table = bt.spend_table("Data", spends, QUARTERS, "EUR", id_column="Ref")
    assert table.key == ("Ref",) and table.columns[0].name == "Ref"
    assert [r["Ref"] for r in table.rows] == ["INV-2", "INV-3"]


def test_roster_tab_is_keyed_by_employee_id_so_namesakes_both_show() -> None:
    twins = [emp("7", "Alex Kim", "Web"), emp("8", "Alex Kim", "Web")]
    table = bt.roster_table("Web", roster(twins, [], Q4)["Web"], Q4)
    assert table.key == ("Employee ID",)
    assert sorted(r["Employee ID"] for r in table.rows) == ["7", "8"]
    assert {r["Period"] for r in table.rows} == {"2026-Q4"}


def test_team_tables_never_carry_another_teams_people_or_spend() -> None:
    everyone = [e for es in roster(STAFF, HISTORY, Q4, {"Contractor"}).values() for e in es]
    platform = bt.team_tables("Platform", lines(), SPENDS, QUARTERS, everyone, "EUR", False)
    data = bt.team_tables("Data", lines(), SPENDS, QUARTERS, everyone, "EUR", False)
    assert [t.tab for t in platform] == ["Budget", "Spend", "Roster"]
    assert not {"Fay Data", "Data pizza", "Data escape room"} & cells(platform)
    assert not {"Ana Platform", "Ben Joiner", "Platform bowling"} & cells(data)
    assert "Dia Mover" in cells(platform) and "Dia Mover" in cells(data)  # the transfer counts for both


def test_roster_switched_off_leaves_the_tab_out() -> None:
    tables = bt.team_tables("Data", lines(), SPENDS, QUARTERS, None, "EUR", False)
    assert [t.tab for t in tables] == ["Budget", "Spend"]


def test_overview_has_a_row_per_team_and_period_keyed_by_both() -> None:
    table = bt.overview_table(lines(), "EUR", carry_over=False)
    assert table.key == ("Team", "Period")
    assert len(table.rows) == 8 + 4  # and a total row per period
    assert {r["Team"] for r in table.rows} == {"Data", "Platform", bt.TOTAL}
    assert any(r.kind == "budget" and r.columns == (bt.PCT_USED,) for r in table.rules)


def test_current_period_tab_charts_budget_against_spent_per_team() -> None:
    tables = bt.overview_tables(lines(), [], "EUR", carry_over=False, current_period="2026-Q4")
    assert [t.tab for t in tables] == ["Current period", "Overview", "Rejected"]
    current = tables[0]
    assert current.key == ("Team",)
    assert [(r["Team"], r["Period"], r["Budget"], r["Spent"]) for r in current.rows] == [
        ("Data", "2026-Q4", Decimal("133.70"), Decimal("40.00")),  # Fay 92 + Dia 31 (Dec) head-days
        ("Platform", "2026-Q4", Decimal("217.39"), Decimal("120.50")),
    ]
    assert current.chart is not None and current.chart.category == "Team"
    assert current.chart.series == ("Budget", "Spent") and current.chart.kind == "column"
    assert any(r.kind == "budget" for r in current.rules)


def test_rejected_tab_lists_row_reason_and_the_raw_cells() -> None:
    rejection = Rejection(
        9, "amount 'TBD' is not a number", {"date": date(2026, 3, 1), "TEAM": "Data", "Amount": "TBD"}
    )
    table = bt.rejected_table([rejection])
    assert table.key == ("Row",)
    assert table.rows == [
        {
            "Row": 9,
            "Reason": "amount 'TBD' is not a number",
            "Date": "2026-03-01",
            "Team": "Data",
            "Amount": "TBD",
            "Currency": None,
            "Description": None,
        }
    ]


def test_figures_are_the_current_periods_line_per_team() -> None:
    computed = compute_budgets(STAFF, HISTORY, SPENDS, RULES, QUARTERS)
    figures = bt.figures(computed, "2026-Q4")
    assert [f["team"] for f in figures] == ["Data", "Platform"]
    assert set(figures[0]) == {"team", "period", "budget", "spent", "remaining", "% used"}
