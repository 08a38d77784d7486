"""Chart wishes on plain plans: where the chart reads and when the tab's chart must be replaced."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from connectors.sheets.charts import ChartRanges, FoundChart, chart_change
from connectors.sheets.google_charts import found_charts
from connectors.sheets.merge import plan_tab
from connectors.sheets.ownership import TabMemory
from connectors.sheets.table import SYNC_STATUS, ChartSpec, Column, Table

TODAY = date(2026, 11, 26)
COLS = [Column("Team"), Column("Budget", "money"), Column("Spent", "money")]
SPEC = ChartSpec("Budget vs spent", "Team", ("Budget", "Spent"))
OWNED = ["Team", "Budget", "Spent", SYNC_STATUS]


def teams(names: list[str], spec: ChartSpec | None = SPEC) -> Table:
    rows = [{"Team": n, "Budget": 100, "Spent": 10 * i} for i, n in enumerate(names)]
    return Table("Current period", COLS, ("Team",), rows, chart=spec)


def test_chart_columns_must_be_table_columns() -> None:
    with pytest.raises(ValueError, match="chart column 'Cost' is not a column"):
        Table("T", COLS, ("Team",), chart=ChartSpec("x", "Team", ("Cost",)))
    with pytest.raises(ValueError, match="at least one series"):
        Table("T", COLS, ("Team",), chart=ChartSpec("x", "Team", ()))


def test_a_fresh_tab_gets_the_chart_over_header_and_rows_beside_the_table() -> None:
    change = chart_change(plan_tab("Book", teams(["A", "B"]), None, None, TODAY), [])
    assert change is not None and change.remove == ()
    assert change.place is not None and change.place.title == "Budget vs spent"
    assert change.place.ranges == ChartRanges("column", header_row=0, end_row=3, category=0, series=(1, 2))
    assert change.place.anchor_col == 5  # A:D is the table, E stays free


def test_the_same_chart_found_means_no_change_a_moved_one_is_replaced() -> None:
    grid = [["Note", *OWNED], ["", "A", 100, 0], ["", "B", 100, 10]]  # a human column in front
    plan = plan_tab("Book", teams(["A", "B"]), grid, TabMemory(tuple(OWNED)), TODAY)
    current = FoundChart("Budget vs spent", ChartRanges("column", 0, 3, 1, (2, 3)), ref=7)
    assert chart_change(plan, [current]) is None
    moved = FoundChart("Budget vs spent", ChartRanges("column", 0, 3, 0, (1, 2)), ref=7)
    change = chart_change(plan, [moved])
    assert change is not None and change.remove == (7,) and change.place is not None
    assert change.place.ranges == current.ranges


def test_copies_of_our_chart_are_removed_and_other_titles_left_alone() -> None:
    plan = plan_tab("Book", teams(["A"]), None, None, TODAY)
    ours = FoundChart("Budget vs spent", ChartRanges("column", 0, 2, 0, (1, 2)), ref=1)
    theirs = FoundChart("Spend by month", None, ref=2)
    assert chart_change(plan, [ours, theirs]) is None
    change = chart_change(plan, [ours, theirs, ours])
    assert change is not None and change.remove == (1, 1)


def test_no_rows_removes_our_chart_and_no_wish_touches_no_chart() -> None:
    empty = plan_tab("Book", teams([]), None, None, TODAY)
    ours = FoundChart("Budget vs spent", ChartRanges("column", 0, 2, 0, (1, 2)), ref=1)
    change = chart_change(empty, [ours])
    assert change is not None and change.remove == (1,) and change.place is None
    assert chart_change(empty, []) is None
    assert chart_change(plan_tab("Book", teams(["A"], spec=None), None, None, TODAY), [ours]) is None


def test_a_chart_read_back_from_sheets_metadata_without_its_zero_fields_is_recognised() -> None:
    def source(col: int) -> dict[str, Any]:
        box = {"sheetId": 5, "startRowIndex": 0, "endRowIndex": 3, "startColumnIndex": col}
        box["endColumnIndex"] = col + 1
        return {"sourceRange": {"sources": [{k: v for k, v in box.items() if v}]}}  # as Google sends it

    basic = {
        "chartType": "COLUMN",
        "headerCount": 1,
        "domains": [{"domain": source(0)}],
        "series": [{"series": source(1)}, {"series": source(2)}],
    }
    sheet = {"charts": [{"chartId": 9, "spec": {"title": "Budget vs spent", "basicChart": basic}}]}
    plan = plan_tab("Book", teams(["A", "B"]), None, None, TODAY)
    assert found_charts(sheet) == [FoundChart("Budget vs spent", ChartRanges("column", 0, 3, 0, (1, 2)), 9)]
    assert chart_change(plan, found_charts(sheet)) is None
    basic["series"] = [{"series": {"sourceRange": {"sources": [{"sheetId": 5, "startColumnIndex": 1}]}}}]
    assert found_charts(sheet)[0].ranges is None  # open-ended: not a chart opsheets wrote
