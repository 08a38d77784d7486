"""The merge contract on both backends: what people add to a shared sheet is theirs, whatever it holds.

Each test plays a person editing the sheet the way the app lets them (a formula typed as a formula,
a deleted tab), then syncs and checks that nothing of theirs moved, changed or went.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font

from connectors.sheets import MEMORY_TAB, SYNC_STATUS, Column, SheetLayoutError, Table
from connectors.sheets.memory import fitting, memory_from_text, read_memory
from connectors.sheets.ownership import TabMemory, row_id
from sandbox.core import RunningService
from sandbox.sheets import SheetsState
from tests import test_sheet_backends as backends
from tests.sheets_fixtures import GoogleHarness, Harness, WorkbookHarness
from tests.test_sheet_backends import CHART, TODAY, charted, table

harness = backends.harness  # the acceptance suite's fixtures: each test runs on both backends
sandbox = backends.sandbox


def type_cells(harness: Harness, tab: str, a1: str, rows: list[list[Any]]) -> None:
    """A person typing: "=SUM(…)" becomes a formula on both backends, 101 a number."""
    if isinstance(harness, GoogleHarness):
        harness.state.edit(harness.key, f"'{tab}'!{a1}", rows, user_entered=True)
    else:
        harness.set_cells(tab, a1, rows)


def delete_tab(harness: Harness, tab: str) -> None:
    if isinstance(harness, GoogleHarness):
        sheet_id = harness.sheet_id(tab)
        harness.human_request(
            "POST", ":batchUpdate", json={"requests": [{"deleteSheet": {"sheetId": sheet_id}}]}
        )
    else:
        with harness.edit_workbook() as wb:
            del wb[tab]


def test_a_total_row_and_a_copied_header_survive_unchanged_and_changing_syncs(harness: Harness) -> None:
    harness.sheet.sync([table(["a", "b", "c"])], today=TODAY)
    header = harness.grid("Budget")[0]
    type_cells(harness, "Budget", "A5", [["Total", None, "=SUM(C2:C4)"], [], header])
    before = harness.grid("Budget")
    writes = harness.writes()
    unchanged = harness.sheet.sync([table(["a", "b", "c"])], today=TODAY)
    assert harness.writes() == writes and unchanged.warnings == []
    assert harness.grid("Budget") == before and harness.is_formula("Budget", 4, 2)
    harness.sheet.sync([table(["a", "c", "d"], version=2)], today=TODAY)  # b leaves, d joins
    grid = harness.grid("Budget")
    keys = [r[0] if r else None for r in grid]
    assert keys[:4] == ["Key", "a", "c", "Total"] and "b" not in keys and grid[5] == header
    assert keys[6] == "d" and harness.is_formula("Budget", 3, 2)


def test_a_retyped_number_key_is_the_same_row(harness: Harness) -> None:
    harness.sheet.sync([table(["101", "102"])], today=TODAY)
    type_cells(harness, "Budget", "A2", [[101]])  # Sheets and Excel store the number 101
    writes = harness.writes()
    result = harness.sheet.sync([table(["101", "102"])], today=TODAY)
    assert harness.writes() == writes and result.tabs[0].rows_kept == 0 and result.tabs[0].rows_added == 0
    assert [r[0] for r in harness.grid("Budget")[1:]] == [101, "102"]


def test_a_persons_column_named_like_a_column_opsheets_starts_to_own_is_refused(harness: Harness) -> None:
    harness.sheet.sync([table(["a", "b"])], today=TODAY)
    type_cells(harness, "Budget", "H1", [["Region"], ["north"], ["=1+1"]])
    before = harness.fingerprint()
    base = table(["a", "b"])
    rows = [{**row, "Region": "from the source"} for row in base.rows]
    wider = Table("Budget", [*base.columns, Column("Region")], base.key, rows=rows)
    with pytest.raises(SheetLayoutError) as refused:
        harness.sheet.sync([wider], today=TODAY)
    message = str(refused.value)
    assert "'Team budgets" in message and "tab 'Budget'" in message and "column 'Region'" in message
    assert "rename" in message and "Fix:" in message
    assert harness.fingerprint() == before


def test_ownership_survives_a_deleted_memory_tab(harness: Harness) -> None:
    weeks = [Column("Key"), Column("W47", "hours"), Column("W48", "hours")]
    first = Table("Weeks", weeks, ("Key",), rows=[{"Key": k, "W47": 1, "W48": 2} for k in "abc"])
    harness.sheet.sync([first], today=TODAY)
    type_cells(harness, "Weeks", "A6", [["Total", "=SUM(B2:B4)"]])
    delete_tab(harness, MEMORY_TAB)
    rolled = [Column("Key"), Column("W48", "hours"), Column("W49", "hours")]
    later = Table("Weeks", rolled, ("Key",), rows=[{"Key": k, "W48": 2, "W49": 3} for k in "ab"])
    result = harness.sheet.sync([later], today=TODAY)
    grid = harness.grid("Weeks")
    assert grid[0] == ["Key", "W48", "W49", SYNC_STATUS]  # the stale week went
    assert [r[0] for r in grid[1:] if r] == ["a", "b", "Total"]  # the leaver went, the total stayed
    assert result.warnings == []
    writes = harness.writes()
    harness.sheet.sync([later], today=TODAY)
    assert harness.writes() == writes


def test_the_workbook_keeps_its_memory_in_document_properties(tmp_path: Path) -> None:
    book = WorkbookHarness(tmp_path / "book.xlsx")
    book.sheet.sync([table(["a"])], today=TODAY)
    props = openpyxl.load_workbook(book.path).custom_doc_props.props
    assert [p.name for p in props] == ["opsheets memory 0001"] and '"Budget"' in props[0].value


def test_google_keeps_its_memory_in_developer_metadata_of_each_tab(
    sandbox: tuple[RunningService, SheetsState],
) -> None:
    google = GoogleHarness(*sandbox)
    google.sheet.sync([table(["a", "b"])], today=TODAY)
    (entry,) = google.state.sheet_metadata(google.key, "Budget")["developerMetadata"]
    assert entry["metadataKey"] == "opsheets.memory" and entry["visibility"] == "DOCUMENT"
    assert memory_from_text(entry["metadataValue"]) == read_memory(google.state.grid(google.key, MEMORY_TAB))
    writes = google.writes()
    google.sheet.sync([table(["a", "b"])], today=TODAY)
    assert google.writes() == writes


def test_a_copy_too_long_for_its_place_keeps_columns_and_key_but_not_rows() -> None:
    line = TabMemory(("Key", "Name"), ("Key",), frozenset(row_id((str(n),)) for n in range(5000)))
    assert fitting("T", line, None) == line and fitting("T", line, 10**6) == line
    assert fitting("T", line, 30_000) == TabMemory(("Key", "Name"), ("Key",), None)


def add_human_rule(harness: Harness, tab: str, col: int, first_row: int, to_end: bool) -> None:
    """A person's "less than 0" rule over one column from `first_row` (0-based): open-ended (`E2:E`)
    or, in a workbook, a whole column's worth of rows as Excel stores `E:E`."""
    if isinstance(harness, GoogleHarness):
        box = {"sheetId": harness.sheet_id(tab), "startRowIndex": first_row}
        box |= {"startColumnIndex": col, "endColumnIndex": col + 1}
        condition = {"type": "NUMBER_LESS", "values": [{"userEnteredValue": "0"}]}
        bold = {"textFormat": {"bold": True}}
        rule = {"ranges": [box], "booleanRule": {"condition": condition, "format": bold}}
        harness.human_request(
            "POST", ":batchUpdate", json={"requests": [{"addConditionalFormatRule": {"rule": rule}}]}
        )
        return
    letter = chr(ord("A") + col)
    with harness.edit_workbook() as wb:
        cells = f"{letter}{first_row + 1}:{letter}{1048576 if to_end else 50}"
        wb[tab].conditional_formatting.add(
            cells, CellIsRule(operator="lessThan", formula=["0"], font=Font(b=True))
        )


def human_rules(harness: Harness, tab: str) -> list[str]:
    """Every rule on the tab that is not opsheets' red fill, as "<columns>@<first row>"."""
    if isinstance(harness, GoogleHarness):
        found = harness.state.sheet_metadata(harness.key, tab).get("conditionalFormats", [])
        return sorted(
            f"{r['ranges'][0]['startColumnIndex']}@{r['ranges'][0].get('startRowIndex', 0)}"
            for r in found
            if r.get("booleanRule", {}).get("format", {}).get("textFormat", {}).get("bold")
        )
    ws = openpyxl.load_workbook(harness.path)[tab]
    return sorted(
        f"{rng.min_col - 1}@{rng.min_row - 1}"
        for cf in ws.conditional_formatting
        for rule in cf.rules
        for rng in cf.sqref.ranges
        if rule.dxf is not None and rule.dxf.font is not None and rule.dxf.font.b
    )


def test_a_persons_conditional_formats_survive_a_relayout_whatever_their_shape(harness: Harness) -> None:
    harness.sheet.sync([table(["a", "b"])], today=TODAY)
    ours = _count_rules(harness, "Budget")
    add_human_rule(harness, "Budget", 4, 1, to_end=True)  # E2:E — the shape of one of ours, on Day
    add_human_rule(harness, "Budget", 3, 1, to_end=True)  # the very cells our Cost rule covers
    add_human_rule(harness, "Budget", 1, 0, to_end=True)  # B:B, the whole column
    base = table(["a", "b"])
    wider = Table("Budget", [*base.columns, Column("Region")], base.key, rows=base.rows, rules=base.rules)
    harness.sheet.sync([wider], today=TODAY)  # a new owned column: the layout is redone
    assert human_rules(harness, "Budget") == ["1@0", "3@1", "4@1"]
    assert _count_rules(harness, "Budget") == ours + 3  # ours replaced, not doubled


def _count_rules(harness: Harness, tab: str) -> int:
    if isinstance(harness, GoogleHarness):
        return len(harness.state.sheet_metadata(harness.key, tab).get("conditionalFormats", []))
    return sum(len(cf.rules) for cf in openpyxl.load_workbook(harness.path)[tab].conditional_formatting)


def test_a_persons_chart_titled_like_ours_is_never_taken_for_ours(harness: Harness) -> None:
    harness.sheet.sync([charted(["a", "b"])], today=TODAY)
    harness.add_human_chart("Budget", CHART.title)  # their own chart, by chance under our title
    harness.sheet.sync([charted(["a", "b", "c"])], today=TODAY)  # our chart must grow by a row
    titles = sorted((title, category) for title, _, category, _ in harness.charts("Budget"))
    assert titles == [(CHART.title, ""), (CHART.title, "B1:B4")]  # theirs as it was, ours re-laid
    harness.sheet.sync([charted([])], today=TODAY)
    assert [(title, category) for title, _, category, _ in harness.charts("Budget")] == [(CHART.title, "")]
