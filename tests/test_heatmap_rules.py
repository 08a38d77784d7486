"""The Availability heat map as written, read back: which colour wins for a negative, a zero and a positive
cell in Excel, LibreOffice and Google Sheets (tests/conditional_colours.py models each app's precedence).

Known answers by hand: today Monday 2026-11-23, one week of 40 h each. Ana has 113.3 h due Friday →
−73.3 (overbooked: red everywhere); Ben 40 h → 0 (white); Cem 27.5 h → 12.5 (a light green, between white
and the full green); Dora nothing → 40, the largest value (the full green).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from connectors.sheets import Spreadsheet
from connectors.sheets.layout import GREEN, RED, WHITE
from domain.availability_model import Calendar, Sources, compute_availability
from domain.records import Employee, JiraIssue, JiraUser
from flows.availability_tables import AVAILABILITY, availability_table
from sandbox.sheets import SheetsState
from tests.conditional_colours import (
    excel_colour,
    google_colour,
    google_rules,
    libreoffice_colour,
    xlsx_rules,
)
from tests.sheets_fixtures import GoogleHarness, WorkbookHarness, running_sandbox

TODAY = date(2026, 11, 23)
FRIDAY = date(2026, 11, 27)
WEEK = "W48 · 23 Nov"
PEOPLE = {"ana": 113.3, "ben": 40.0, "cem": 27.5, "dora": None}
EXPECTED = {"ana": -73.3, "ben": 0.0, "cem": 12.5, "dora": 40.0}


def _rgb(colour: tuple[float, float, float]) -> tuple[int, int, int]:
    return tuple(round(c * 255) for c in colour)  # type: ignore[return-value]


def _table() -> tuple[Spreadsheet, object]:
    employees = [
        Employee(str(n), name.title(), f"{name}@org.example", "Platform", "DE", "Active", "Full-Time",
                 date(2020, 1, 6), None)
        for n, name in enumerate(PEOPLE)
    ]  # fmt: skip
    users = [JiraUser(f"acc-{name}", name.title(), f"{name}@org.example") for name in PEOPLE]
    issues = [
        JiraIssue(f"A-{n}", "work", "To Do", "A", f"acc-{name}", name, None, int(h * 3600), int(h * 3600),
                  None, due=FRIDAY)
        for n, (name, h) in enumerate(PEOPLE.items())
        if h is not None
    ]  # fmt: skip
    sources = Sources(issues, users, 8.0, employees)
    sources = Sources(**(sources.__dict__ | {"holidays": []}))
    model = compute_availability(sources, Calendar.of(TODAY, weeks=1, actuals_weeks=0))
    return availability_table(model)


@pytest.fixture
def sandbox() -> Iterator:
    yield from running_sandbox()


def _written_values(table: object) -> dict[str, float]:
    return {row["Person id"].removeprefix("acc-"): row[WEEK] for row in table.rows}  # type: ignore[attr-defined]


def test_the_hand_computed_figures_are_what_the_tab_holds() -> None:
    assert _written_values(_table()) == EXPECTED


def _expect_colours(colour_of: dict[str, tuple[int, int, int] | None], app: str) -> None:
    assert colour_of["ana"] == _rgb(RED), f"{app}: −73.3 must be red"
    assert colour_of["ben"] == _rgb(WHITE), f"{app}: 0 must be white"
    assert colour_of["dora"] == _rgb(GREEN), f"{app}: the largest value is the full green"
    cem = colour_of["cem"]
    assert cem is not None and cem not in (_rgb(RED), _rgb(WHITE), _rgb(GREEN)), f"{app}: 12.5 light green"
    assert all(min(w, g) <= c <= max(w, g) for c, w, g in zip(cem, _rgb(WHITE), _rgb(GREEN), strict=True))


def test_workbook_rules_make_negatives_red_in_excel_and_libreoffice(tmp_path: Path) -> None:
    table = _table()
    harness = WorkbookHarness(tmp_path / "availability.xlsx")
    harness.sheet.sync([table], today=TODAY)
    ws = openpyxl.load_workbook(harness.path)[AVAILABILITY]
    header = [c.value for c in ws[1]]
    column = header.index(WEEK)
    values = _written_values(table)
    cells = {
        row[header.index("Person id")].value.removeprefix("acc-"): row[column].coordinate
        for row in ws.iter_rows(min_row=2)
    }
    numbers = list(values.values())
    for app, colour in (("Excel", excel_colour), ("LibreOffice", libreoffice_colour)):
        seen = {
            name: colour(xlsx_rules(str(harness.path), AVAILABILITY, cells[name]), values[name], numbers)
            for name in values
        }
        _expect_colours(seen, app)


def test_one_scale_spans_every_week_column_in_the_workbook(tmp_path: Path) -> None:
    harness = WorkbookHarness(tmp_path / "availability.xlsx")
    harness.sheet.sync([_table()], today=TODAY)
    ws = openpyxl.load_workbook(harness.path)[AVAILABILITY]
    scales = [cf for cf in ws.conditional_formatting if any(r.type == "colorScale" for r in cf.rules)]
    assert len(scales) == 1  # not one per column


def test_google_rules_make_negatives_red_in_sheets(sandbox: tuple) -> None:
    service, state = sandbox
    assert isinstance(state, SheetsState)
    harness = GoogleHarness(service, state, title="Resource availability")
    table = _table()
    harness.sheet.sync([table], today=TODAY)
    stored = state.sheet_metadata(harness.key, AVAILABILITY)["conditionalFormats"]
    grid = state.grid(harness.key, AVAILABILITY)
    column = grid[0].index(WEEK)
    values = _written_values(table)
    rules = google_rules(stored, column)
    assert [r.kind for r in rules][-1] == "scale" and len([r for r in rules if r.kind == "scale"]) == 1
    seen = {name: google_colour(rules, value, list(values.values())) for name, value in values.items()}
    _expect_colours(seen, "Google Sheets")
