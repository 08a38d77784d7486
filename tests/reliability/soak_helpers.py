"""The human side of the soak: someone editing an opsheets tab in the spreadsheet UI, per backend.

Each editor plays the human the way the UI would: typing a cell, inserting or deleting a row or
column, sorting rows (rows move whole, formulas included), merging cells, adding a picture, a
conditional format or a dropdown, deleting a tab. For the workbook this goes through openpyxl,
with rows and columns inserted and deleted as Excel does it (references, rules, validation,
merges and pictures follow: `connectors.sheets.xlsx_moves`, checked against Excel's answers in
tests/test_xlsx_references.py); the Google editor is in soak_google.py.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any, Protocol

import openpyxl
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation
from PIL import Image as PILImage

from connectors.sheets import Spreadsheet
from connectors.sheets.values import a1
from connectors.sheets.xlsx_moves import delete_cols, delete_rows, insert_cols, insert_rows
from tests.sheets_fixtures import WorkbookHarness

Box = tuple[int, int, int, int]  # first row, first column, last row, last column (0-based, inclusive)
RULE_ROWS = 40  # how far down a human's rule or dropdown reaches


class HumanEditor(Protocol):
    name: str
    sheet: Spreadsheet
    pictures: bool  # whether the backend lets a person place a picture over the cells

    def grid(self, tab: str) -> list[list[Any]]: ...
    def type_cell(self, tab: str, row: int, col: int, value: Any) -> None: ...
    def insert_row(self, tab: str, index: int) -> None: ...
    def insert_column(self, tab: str, index: int) -> None: ...
    def delete_row(self, tab: str, index: int) -> None: ...
    def delete_column(self, tab: str, index: int) -> None: ...
    def reorder_rows(self, tab: str, first: int, order: list[int]) -> None: ...
    def is_formula(self, tab: str, row: int, col: int) -> bool: ...
    def merge(self, tab: str, box: Box) -> None: ...
    def unmerge(self, tab: str, box: Box) -> None: ...
    def merges(self, tab: str) -> list[Box]: ...
    def add_rule(self, tab: str, col: int, first_row: int, marker: str) -> None: ...
    def add_dropdown(self, tab: str, col: int, first_row: int, marker: str) -> None: ...
    def rules(self, tab: str) -> dict[str, set[int]]: ...
    def dropdowns(self, tab: str) -> dict[str, set[int]]: ...
    def add_picture(self, tab: str, row: int, col: int) -> None: ...
    def picture_count(self, tab: str) -> int: ...
    def delete_tab(self, tab: str) -> None: ...
    def tabs(self) -> list[str]: ...
    def during_next_write(self, edit: Callable[[], None]) -> None: ...
    def pending_mid_run(self) -> list[Callable[[], None]]: ...


def moves_for(first: int, order: list[int]) -> list[tuple[int, int]]:
    """(source row, destination row) single-row moves that put row `order[i]` at `first + i`."""
    current = list(range(first, first + len(order)))
    moves = []
    for i, wanted in enumerate(order):
        at = current.index(wanted)
        if at != i:
            moves.append((first + at, first + i))
            current.insert(i, current.pop(at))
    return moves


def png() -> BytesIO:
    data = BytesIO()
    PILImage.new("RGB", (4, 4), "green").save(data, format="PNG")
    return data


def columns_of(sqref: str) -> set[int]:
    """0-based columns an A1 range list covers (`E3:E40 G:G` → {4, 6})."""
    cols: set[int] = set()
    for part in str(sqref).split():
        c0, _, c1, _ = range_boundaries(part)
        cols.update(range((c0 or 1) - 1, c1 or c0 or 1))
    return cols


class WorkbookEditor:
    name = "workbook"
    pictures = True

    def __init__(self, path: Path) -> None:
        self.harness = WorkbookHarness(path)
        self.path = path
        self.sheet = self.harness.sheet

    def grid(self, tab: str) -> list[list[Any]]:
        return self.harness.grid(tab)

    def type_cell(self, tab: str, row: int, col: int, value: Any) -> None:
        # openpyxl, like Excel, makes "=..." typed by a human a formula.
        self.harness.set_cells(tab, a1(row, col), [[value]])

    def insert_row(self, tab: str, index: int) -> None:
        with self.harness.edit_workbook() as wb:
            insert_rows(wb[tab], index + 1)

    def insert_column(self, tab: str, index: int) -> None:
        with self.harness.edit_workbook() as wb:
            insert_cols(wb[tab], index + 1)

    def delete_row(self, tab: str, index: int) -> None:
        with self.harness.edit_workbook() as wb:
            delete_rows(wb[tab], index + 1)

    def delete_column(self, tab: str, index: int) -> None:
        with self.harness.edit_workbook() as wb:
            delete_cols(wb[tab], index + 1)

    def reorder_rows(self, tab: str, first: int, order: list[int]) -> None:
        with self.harness.edit_workbook() as wb:
            ws = wb[tab]
            width = ws.max_column
            block = range(first, first + len(order))
            saved = {r: [(c.value, c.data_type) for c in ws[r + 1][:width]] for r in block}
            for i, old in enumerate(order):
                for col, (value, data_type) in enumerate(saved[old]):
                    cell = ws.cell(row=first + i + 1, column=col + 1)
                    cell.value = value
                    if value is not None:
                        cell.data_type = data_type

    def is_formula(self, tab: str, row: int, col: int) -> bool:
        return openpyxl.load_workbook(self.path)[tab].cell(row=row + 1, column=col + 1).data_type == "f"

    def merge(self, tab: str, box: Box) -> None:
        with self.harness.edit_workbook() as wb:
            wb[tab].merge_cells(
                start_row=box[0] + 1, start_column=box[1] + 1, end_row=box[2] + 1, end_column=box[3] + 1
            )

    def unmerge(self, tab: str, box: Box) -> None:
        with self.harness.edit_workbook() as wb:
            wb[tab].unmerge_cells(
                start_row=box[0] + 1, start_column=box[1] + 1, end_row=box[2] + 1, end_column=box[3] + 1
            )

    def merges(self, tab: str) -> list[Box]:
        ranges = openpyxl.load_workbook(self.path)[tab].merged_cells.ranges
        return [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1) for r in ranges]

    def add_rule(self, tab: str, col: int, first_row: int, marker: str) -> None:
        letter = get_column_letter(col + 1)
        fill = PatternFill(start_color="FFFF00", end_color="FFFF00", fill_type="solid")
        rule = CellIsRule(operator="equal", formula=[f'"{marker}"'], fill=fill)
        with self.harness.edit_workbook() as wb:
            wb[tab].conditional_formatting.add(
                f"{letter}{first_row + 1}:{letter}{first_row + RULE_ROWS}", rule
            )

    def add_dropdown(self, tab: str, col: int, first_row: int, marker: str) -> None:
        letter = get_column_letter(col + 1)
        with self.harness.edit_workbook() as wb:
            dropdown = DataValidation(type="list", formula1=f'"{marker},done"', allow_blank=True)
            dropdown.add(f"{letter}{first_row + 1}:{letter}{first_row + RULE_ROWS}")
            wb[tab].add_data_validation(dropdown)

    def rules(self, tab: str) -> dict[str, set[int]]:
        found: dict[str, set[int]] = {}
        for cf in openpyxl.load_workbook(self.path)[tab].conditional_formatting:
            for rule in cf.rules:
                for text in rule.formula or []:
                    found.setdefault(text.strip('"'), set()).update(columns_of(cf.sqref))
        return found

    def dropdowns(self, tab: str) -> dict[str, set[int]]:
        found: dict[str, set[int]] = {}
        for dv in openpyxl.load_workbook(self.path)[tab].data_validations.dataValidation:
            marker = str(dv.formula1).strip('"').split(",")[0]
            found.setdefault(marker, set()).update(columns_of(dv.sqref))
        return found

    def add_picture(self, tab: str, row: int, col: int) -> None:
        with self.harness.edit_workbook() as wb:
            wb[tab].add_image(Image(png()), a1(row, col))

    def picture_count(self, tab: str) -> int:
        return len(openpyxl.load_workbook(self.path)[tab]._images)

    def delete_tab(self, tab: str) -> None:
        with self.harness.edit_workbook() as wb:
            del wb[tab]

    def tabs(self) -> list[str]:
        return openpyxl.load_workbook(self.path).sheetnames

    def during_next_write(self, edit: Callable[[], None]) -> None:
        raise NotImplementedError("a workbook is locked while a sync writes it: no edit lands mid-run")

    def pending_mid_run(self) -> list[Callable[[], None]]:
        return []


def find_header(grid: list[list[Any]], key: str) -> int:
    return next(i for i, row in enumerate(grid) if key in row)


def cell(grid: list[list[Any]], row: int, col: int) -> Any:
    cells = grid[row] if row < len(grid) else []
    return cells[col] if col < len(cells) else ""
