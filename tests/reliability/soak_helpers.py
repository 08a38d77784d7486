"""The human side of the soak: someone editing an opsheets tab in the spreadsheet UI, per backend.

Each editor plays the human the way the UI would: typing a cell, inserting a row or column,
sorting rows (rows move whole, formulas included). For Google this goes through the stand-in's
own API with a human's token, outside opsheets; for the workbook through openpyxl.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import openpyxl
import requests

from connectors.sheets import Spreadsheet
from connectors.sheets.values import a1
from sandbox.core import RunningService
from sandbox.sheets import SheetsState
from tests.sheets_fixtures import GoogleHarness, WorkbookHarness


class HumanEditor(Protocol):
    name: str
    sheet: Spreadsheet

    def grid(self, tab: str) -> list[list[Any]]: ...
    def type_cell(self, tab: str, row: int, col: int, value: Any) -> None: ...
    def insert_row(self, tab: str, index: int) -> None: ...
    def insert_column(self, tab: str, index: int) -> None: ...
    def reorder_rows(self, tab: str, first: int, order: list[int]) -> None: ...
    def is_formula(self, tab: str, row: int, col: int) -> bool: ...


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


class WorkbookEditor:
    name = "workbook"

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
            wb[tab].insert_rows(index + 1)

    def insert_column(self, tab: str, index: int) -> None:
        self.harness.insert_column(tab, index)

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


class GoogleEditor:
    name = "google"

    def __init__(self, service: RunningService, state: SheetsState, title: str = "Soak") -> None:
        self.harness = GoogleHarness(service, state, title)
        self.state = state
        self.key = self.harness.key
        self.sheet = self.harness.sheet

    def grid(self, tab: str) -> list[list[Any]]:
        return self.harness.grid(tab)

    def type_cell(self, tab: str, row: int, col: int, value: Any) -> None:
        self.state.edit(self.key, f"'{tab}'!{a1(row, col)}", [[value]], user_entered=True)

    def insert_row(self, tab: str, index: int) -> None:
        self._batch([{"insertDimension": {"range": self._span(tab, "ROWS", index, index + 1)}}])

    def insert_column(self, tab: str, index: int) -> None:
        self._batch([{"insertDimension": {"range": self._span(tab, "COLUMNS", index, index + 1)}}])

    def reorder_rows(self, tab: str, first: int, order: list[int]) -> None:
        moves = [
            {"moveDimension": {"source": self._span(tab, "ROWS", src, src + 1), "destinationIndex": dst}}
            for src, dst in moves_for(first, order)
        ]
        if moves:
            self._batch(moves)

    def is_formula(self, tab: str, row: int, col: int) -> bool:
        return self.state.is_formula(self.key, tab, row, col)

    def _span(self, tab: str, dimension: str, start: int, end: int) -> dict[str, Any]:
        sheet_id = int(self.state.sheet_properties(self.key, tab)["sheetId"])
        return {"sheetId": sheet_id, "dimension": dimension, "startIndex": start, "endIndex": end}

    def _batch(self, body: list[dict[str, Any]]) -> None:
        url = f"{self.harness.service.url}/v4/spreadsheets/{self.key}:batchUpdate"
        response = requests.post(
            url, json={"requests": body}, headers={"Authorization": "Bearer human"}, timeout=10
        )
        assert response.ok, response.text


def find_header(grid: list[list[Any]], key: str) -> int:
    return next(i for i, row in enumerate(grid) if key in row)


def cell(grid: list[list[Any]], row: int, col: int) -> Any:
    cells = grid[row] if row < len(grid) else []
    return cells[col] if col < len(cells) else ""
