"""A tab's GridData (from spreadsheets.get) turned back into the grid the values API gives.

Pure: the Google backend reads metadata and values in one request, and every comparison upstream
(keyed merge, unchanged-rerun detection) was written against the values API's rows.
"""

from __future__ import annotations

from typing import Any

from connectors.sheets.merge import Grid

# ErrorValue.type → what the values API shows for the cell under UNFORMATTED_VALUE.
ERROR_TEXTS = {
    "ERROR": "#ERROR!",
    "NULL_VALUE": "#NULL!",
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
    "LOADING": "Loading...",
}


def grid_of(data: list[dict[str, Any]]) -> Grid:
    """A tab's GridData as the values API renders the whole tab (UNFORMATTED_VALUE, SERIAL_NUMBER):
    rows from A1, each without its trailing empty cells, trailing empty rows dropped."""
    rows: Grid = []
    for block in data:
        top, left = int(block.get("startRow", 0)), int(block.get("startColumn", 0))
        for offset, row in enumerate(block.get("rowData", [])):
            _place(rows, top + offset, left, [_cell_value(c) for c in row.get("values", [])])
    for row in rows:
        while row and row[-1] == "":
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def formats_of(data: list[dict[str, Any]]) -> Grid:
    """The number format pattern of each cell of a tab's GridData ("" where none), in `grid_of`'s layout."""
    rows: Grid = []
    for block in data:
        top, left = int(block.get("startRow", 0)), int(block.get("startColumn", 0))
        for offset, row in enumerate(block.get("rowData", [])):
            _place(rows, top + offset, left, [_pattern(c) for c in row.get("values", [])])
    return rows


def _pattern(cell: dict[str, Any]) -> str:
    number_format = (cell.get("userEnteredFormat") or {}).get("numberFormat") or {}
    return str(number_format.get("pattern") or "")


def _place(rows: Grid, index: int, left: int, cells: list[Any]) -> None:
    rows.extend([] for _ in range(index + 1 - len(rows)))
    row = rows[index]
    row.extend([""] * (left + len(cells) - len(row)))
    row[left : left + len(cells)] = cells


def _cell_value(cell: dict[str, Any]) -> Any:
    effective = cell.get("effectiveValue") or {}
    if "errorValue" in effective:
        return ERROR_TEXTS.get(effective["errorValue"].get("type", ""), "#ERROR!")
    for kind in ("numberValue", "stringValue", "boolValue"):
        if kind in effective:
            return effective[kind]
    return ""
