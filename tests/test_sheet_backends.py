"""The sheet connector's acceptance suite, run against both backends.

Google runs through the real gspread client against the Sheets stand-in (URL rewritten by the
shared HTTP layer); the workbook runs through openpyxl on a temp file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from connectors.sheets import (
    SYNC_STATUS,
    ChartSpec,
    Column,
    ConditionalRule,
    OnChange,
    SheetLayoutError,
    Table,
)
from sandbox.core import RunningService
from sandbox.sheets import SheetsState
from tests.sheets_fixtures import (
    GoogleHarness,
    Harness,
    WorkbookHarness,
    running_sandbox,
)


@pytest.fixture
def sandbox() -> Iterator[tuple[RunningService, SheetsState]]:
    yield from running_sandbox()


TODAY = date(2026, 11, 26)
COLUMNS = [
    Column("Key"),
    Column("Name"),
    Column("Hours", "hours"),
    Column("Cost", "money"),
    Column("Day", "date"),
]


def table(keys: list[str], version: int = 1) -> Table:
    rows = [
        {
            "Key": k,
            "Name": f"name {k}",
            "Hours": 1.5 * i + version,
            "Cost": Decimal("10.25") * i,
            "Day": date(2026, 11, i + 1),
        }
        for i, k in enumerate(keys)
    ]
    rules = [ConditionalRule("negative", ("Cost",))]
    return Table("Budget", COLUMNS, key=("Key",), rows=rows, rules=rules)


CHART = ChartSpec("Hours and cost", category="Name", series=("Hours", "Cost"))


def charted(keys: list[str]) -> Table:
    return replace(table(keys), chart=CHART)


@pytest.fixture(params=["workbook", "google"])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Harness:
    if request.param == "workbook":
        return WorkbookHarness(tmp_path / "Team budgets.xlsx")
    service, state = request.getfixturevalue("sandbox")
    return GoogleHarness(service, state)


def by_key(harness: Harness, tab: str = "Budget") -> tuple[list[Any], dict[str, list[Any]]]:
    grid = harness.grid(tab)
    header = grid[0]
    return header, {r[header.index("Key")]: r for r in grid[1:] if r}


def column(header: list[Any], row: list[Any], name: str) -> Any:
    i = header.index(name)
    return row[i] if i < len(row) else ""


def test_human_column_between_owned_columns_follows_its_row(harness: Harness) -> None:
    harness.sheet.sync([table(["a", "b", "c", "d", "e"])], today=TODAY)
    harness.insert_column("Budget", 2)  # between Name and Hours
    harness.set_cells("Budget", "C1", [["Note"], ["note a"], ["note b"], [None], ["note d"], [None]])

    result = harness.sheet.sync([table(["e", "d", "a", "f", "b", "g"], version=2)], today=TODAY)

    header, rows = by_key(harness)
    assert header[:3] == ["Key", "Name", "Note"]
    assert set(rows) == {"a", "b", "d", "e", "f", "g"}  # c had no human content: removed
    expected_notes = {"a": "note a", "b": "note b", "d": "note d", "e": "", "f": "", "g": ""}
    for key, note in expected_notes.items():
        assert column(header, rows[key], "Note") == note
        assert column(header, rows[key], "Name") == f"name {key}"
    assert column(header, rows["a"], "Hours") == pytest.approx(1.5 * 2 + 2)
    assert [r[0] for r in harness.grid("Budget")[1:]] == ["a", "b", "d", "e", "f", "g"]  # human order kept
    assert result.tabs[0].rows_added == 2 and result.tabs[0].rows_removed == 1


def test_removed_key_with_human_note_is_kept_and_marked_without_is_removed(harness: Harness) -> None:
    harness.sheet.sync([table(["a", "b", "c"])], today=TODAY)
    harness.set_cells("Budget", "G1", [["Comment"], [None], ["ask finance"]])
    result = harness.sheet.sync([table(["a"])], today=TODAY)
    header, rows = by_key(harness)
    assert "c" not in rows
    assert column(header, rows["b"], SYNC_STATUS) == "removed from source 2026-11-26"
    assert column(header, rows["b"], "Comment") == "ask finance"
    assert result.tabs[0].rows_kept == 1 and result.tabs[0].rows_removed == 1


def test_second_sync_with_unchanged_data_writes_nothing(harness: Harness) -> None:
    harness.sheet.sync([table(["a", "b", "c"])], today=TODAY)
    before = harness.writes()
    result = harness.sheet.sync([table(["a", "b", "c"])], today=TODAY)
    assert harness.writes() == before
    assert result.cells_written == 0


def test_full_first_sync_of_2000_by_20_is_one_write_in_at_most_3_requests(harness: Harness) -> None:
    columns = (
        [Column("Key")] + [Column(f"W{i:02d}", "hours") for i in range(1, 19)] + [Column("Since", "date")]
    )
    rows = [
        {
            "Key": f"P{r:04d}",
            **{f"W{i:02d}": (r * i) % 40 / 2 for i in range(1, 19)},
            "Since": date(2026, 1, 1 + r % 28),
        }
        for r in range(2000)
    ]
    big = Table("Weeks", columns, key=("Key",), rows=rows)
    harness.sheet.sync([big], today=TODAY)
    assert harness.requests() <= 3 and harness.writes() == 1  # Google: metadata, one structural batch
    grid = harness.grid("Weeks")
    assert len(grid) == 2001 and len(grid[0]) == 21  # 20 columns + Sync status
    assert grid[1234][0] == "P1233" and grid[1234][5] == pytest.approx((1233 * 5) % 40 / 2)
    writes = harness.writes()
    harness.sheet.sync([big], today=TODAY)
    assert harness.writes() == writes


def _assert_refused(harness: Harness, tables: list[Table], column_name: str) -> None:
    before = harness.fingerprint()
    with pytest.raises(SheetLayoutError) as refused:
        harness.sheet.sync(tables, today=TODAY)
    message = str(refused.value)
    assert "Team budgets" in message and "'Budget'" in message and f"'{column_name}'" in message
    assert "Fix:" in message
    assert harness.fingerprint() == before  # nothing written


def test_renamed_owned_header_stops_the_sync_and_changes_nothing(harness: Harness) -> None:
    harness.sheet.sync([table(["a", "b"])], today=TODAY)
    harness.set_cells("Budget", "C1", [["Hours (old)"]])
    _assert_refused(harness, [table(["a", "c"])], "Hours")


def test_deleted_owned_column_stops_the_sync_and_changes_nothing(harness: Harness) -> None:
    harness.sheet.sync([table(["a", "b"])], today=TODAY)
    harness.delete_column("Budget", 3)  # Cost
    _assert_refused(harness, [table(["a", "c"])], "Cost")


def test_duplicated_key_in_the_source_stops_the_sync_a_copied_one_in_the_sheet_is_left_alone(
    harness: Harness,
) -> None:
    harness.sheet.sync([table(["a", "b"])], today=TODAY)
    _assert_refused(harness, [table(["a", "b", "a"])], "Key")
    harness.set_cells("Budget", "A3", [["a"]])  # a human copied a key over b's
    copied = harness.grid("Budget")[2]
    result = harness.sheet.sync([table(["a"])], today=TODAY)
    assert harness.grid("Budget")[2] == copied and len(harness.grid("Budget")) == 3
    assert any("row 3: " in w for w in result.warnings)


FORMULA_LOOKALIKES = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", '=HYPERLINK("http://x","y")']


def test_formula_lookalike_strings_stay_literal_text(harness: Harness) -> None:
    rows = [{"Key": f"k{i}", "Name": text} for i, text in enumerate(FORMULA_LOOKALIKES)]
    harness.sheet.sync([Table("Budget", COLUMNS[:2], key=("Key",), rows=rows)], today=TODAY)
    read = harness.sheet.read_rows("Budget", required=("Key",))
    assert [values["Name"] for _, values in read] == FORMULA_LOOKALIKES
    assert [number for number, _ in read] == [2, 3, 4, 5, 6]
    for row in range(1, 6):
        assert not harness.is_formula("Budget", row, 1)


def test_week_columns_roll_and_human_columns_to_the_right_keep_their_data(harness: Harness) -> None:
    def weeks(names: list[str]) -> Table:
        cols = [Column("Person"), *(Column(n, "hours") for n in names)]
        rows = [{"Person": p, **{n: float(i) for i, n in enumerate(names)}} for p in ("ann", "bob")]
        return Table("Budget", cols, key=("Person",), rows=rows)

    harness.sheet.sync([weeks(["W47", "W48"])], today=TODAY)
    harness.set_cells("Budget", "E1", [["Comment"], ["ann's note"], ["bob's note"]])
    harness.sheet.sync([weeks(["W48", "W49"])], today=TODAY)
    assert harness.grid("Budget") == [
        ["Person", "W48", "W49", SYNC_STATUS, "Comment"],
        ["ann", 0, 1, "", "ann's note"],
        ["bob", 0, 1, "", "bob's note"],
    ]


def test_dry_run_lists_cell_changes_and_writes_nothing(harness: Harness) -> None:
    harness.sheet.sync([table(["a", "b"])], today=TODAY)
    before = harness.fingerprint()
    changed = table(["a", "b"])
    changed.rows[1]["Name"] = "renamed"
    result = harness.sheet.sync([changed], today=TODAY, dry_run=True)
    assert [(c.tab, c.cell, c.old, c.new) for c in result.changes] == [("Budget", "B3", "name b", "renamed")]
    assert harness.fingerprint() == before


def test_check_layout_reports_without_writing(harness: Harness) -> None:
    harness.sheet.sync([table(["a"])], today=TODAY)
    harness.set_cells("Budget", "B1", [["Full name"]])
    problems = harness.sheet.check_layout([table(["a"])])
    assert len(problems) == 1 and "'Name'" in problems[0]


def test_read_rows_gives_sheet_row_numbers_and_dates_back(harness: Harness) -> None:
    harness.sheet.sync([table(["a", "b"])], today=TODAY)
    rows = harness.sheet.read_rows("Budget", required=("Key",), dates=("Day",))
    assert [(n, r["Key"], r["Day"], r["Cost"]) for n, r in rows] == [
        (2, "a", date(2026, 11, 1), 0),
        (3, "b", date(2026, 11, 2), 10.25),
    ]


def test_fill_mode_tab_keeps_human_edits_and_only_appends(harness: Harness) -> None:
    def people(names: dict[str, str]) -> Table:
        rows = [{"Email": e, "Name": n, "Hours per week": 40} for e, n in names.items()]
        cols = [Column("Email"), Column("Name"), Column("Hours per week", "hours")]
        return Table("People", cols, key=("Email",), rows=rows, mode="fill")

    harness.sheet.sync([people({"ann@x": "Ann", "bob@x": "Bob"})], today=TODAY)
    harness.set_cells("People", "C2", [[32]])  # PeopleOps: Ann works part-time
    harness.sheet.sync([people({"bob@x": "Bobby", "cid@x": "Cid"})], today=TODAY)
    assert harness.grid("People") == [
        ["Email", "Name", "Hours per week"],
        ["ann@x", "Ann", 32],
        ["bob@x", "Bob", 40],
        ["cid@x", "Cid", 40],
    ]
    rows = harness.sheet.read_rows("People", required=("Email",))
    assert rows[0] == (2, {"Email": "ann@x", "Name": "Ann", "Hours per week": 32})


def test_chart_covers_the_rows_and_is_replaced_not_duplicated(harness: Harness) -> None:
    first = harness.sheet.sync([charted(["a", "b", "c"])], today=TODAY)
    assert harness.charts("Budget") == [("Hours and cost", "column", "B1:B4", ("C1:C4", "D1:D4"))]
    assert first.tabs[0].chart_replaced

    writes = harness.writes()
    rerun = harness.sheet.sync([charted(["a", "b", "c"])], today=TODAY)
    assert harness.writes() == writes and not rerun.tabs[0].chart_replaced

    harness.add_human_chart("Budget", "My own chart")
    harness.sheet.sync([charted(["a", "b", "c", "d", "e"])], today=TODAY)
    ours = [c for c in harness.charts("Budget") if c[0] == "Hours and cost"]
    assert ours == [("Hours and cost", "column", "B1:B6", ("C1:C6", "D1:D6"))]
    assert [c[0] for c in harness.charts("Budget")].count("My own chart") == 1

    harness.insert_column("Budget", 1)  # a human column before Name moves every owned column right
    harness.sheet.sync([charted(["a", "b"])], today=TODAY)
    ours = [c for c in harness.charts("Budget") if c[0] == "Hours and cost"]
    assert ours == [("Hours and cost", "column", "C1:C3", ("D1:D3", "E1:E3"))]
    writes = harness.writes()
    harness.sheet.sync([charted(["a", "b"])], today=TODAY)
    assert harness.writes() == writes


def test_chart_goes_when_the_table_has_no_rows_and_a_human_chart_stays(harness: Harness) -> None:
    harness.sheet.sync([charted(["a", "b"])], today=TODAY)
    harness.add_human_chart("Budget", "My own chart")
    result = harness.sheet.sync([charted([])], today=TODAY)
    assert [c[0] for c in harness.charts("Budget")] == ["My own chart"]
    assert result.tabs[0].chart_replaced


def test_read_rows_finds_headers_whatever_their_case_and_spaces(harness: Harness) -> None:
    harness.sheet.sync([table(["a", "b"])], today=TODAY)
    harness.set_cells("Budget", "A1", [[" key ", "NAME"]])  # PeopleOps retyped two headers
    harness.set_cells("Budget", "E1", [["day  "]])
    rows = harness.sheet.read_rows("Budget", required=("Key", "Name"), dates=("Day",))
    assert [(n, r["Key"], r["Name"], r["Day"], r["Hours"]) for n, r in rows] == [
        (2, "a", "name a", date(2026, 11, 1), 1),
        (3, "b", "name b", date(2026, 11, 2), 2.5),
    ]
    assert " key " not in rows[0][1] and "day  " not in rows[0][1]


def test_chart_survives_a_sync_that_changes_another_tab(harness: Harness) -> None:
    def notes(text: str) -> Table:
        return Table("Notes", [Column("Key"), Column("Text")], ("Key",), [{"Key": "k", "Text": text}])

    harness.sheet.sync([charted(["a", "b"]), notes("first")], today=TODAY)
    result = harness.sheet.sync([charted(["a", "b"]), notes("second")], today=TODAY)
    assert result.cells_written == 1 and not result.tabs[0].chart_replaced
    assert harness.charts("Budget") == [("Hours and cost", "column", "B1:B3", ("C1:C3", "D1:D3"))]
    writes = harness.writes()
    harness.sheet.sync([charted(["a", "b"]), notes("second")], today=TODAY)
    assert harness.writes() == writes


def run_log(run: str, calls: list[int]) -> OnChange:
    def tables(cells: int) -> list[Table]:
        calls.append(cells)
        columns = [Column("Run"), Column("Cells", "int")]
        return [Table("Log", columns, key=("Run",), rows=[{"Run": run, "Cells": cells}], mode="fill")]

    return OnChange(("Log",), tables)


def test_on_change_table_rides_in_the_same_write_only_when_the_others_change(harness: Harness) -> None:
    calls: list[int] = []
    first = harness.sheet.sync([table(["a", "b"])], today=TODAY, on_change=run_log("r1", calls))
    assert harness.writes() == 1 and calls == [first.tabs[0].cells_written]  # the other tables' cells
    assert harness.grid("Log") == [["Run", "Cells"], ["r1", calls[0]]]

    rerun = harness.sheet.sync([table(["a", "b"])], today=TODAY, on_change=run_log("r2", calls))
    assert harness.writes() == 1 and rerun.cells_written == 0 and len(calls) == 1

    harness.sheet.sync([table(["a", "b"], version=2)], today=TODAY, on_change=run_log("r3", calls))
    assert harness.writes() == 2 and calls[1] == 2  # Hours of a and b
    assert harness.grid("Log") == [["Run", "Cells"], ["r1", calls[0]], ["r3", 2]]  # read, so appended

    before = harness.fingerprint()
    dry = harness.sheet.sync([table(["a"])], today=TODAY, dry_run=True, on_change=run_log("r4", calls))
    assert {c.tab for c in dry.changes} == {"Budget", "Log"} and harness.fingerprint() == before


def test_on_change_tables_must_be_declared_and_apart_from_the_others(harness: Harness) -> None:
    stray = OnChange(("Log",), lambda _cells: [table(["x"])])  # writes Budget, declared Log
    with pytest.raises(ValueError, match="declared tabs"):
        harness.sheet.sync([replace(table(["a"]), tab="Other")], today=TODAY, on_change=stray)
    with pytest.raises(ValueError, match="same tab"):
        harness.sheet.sync([table(["a"])], today=TODAY, on_change=OnChange(("Budget",), lambda _c: []))
    assert harness.writes() == 0
