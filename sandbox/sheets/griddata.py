"""spreadsheets.get with includeGridData/ranges: Sheet.data as GridData (what gspread's get_notes reads)."""

from __future__ import annotations

import copy
from typing import Any

from sandbox.sheets.a1 import WHOLE_SHEET, Bounds
from sandbox.sheets.model import Cell, Sheet, Spreadsheet, cell_value, is_formula_cell
from sandbox.sheets.values import FORMULA_PLACEHOLDER, format_value


def spreadsheet_view(book: Spreadsheet, ranges: list[str], include_grid_data: bool) -> dict[str, Any]:
    """`ranges` limits the sheets shown to those named; grid data covers the ranges (or whole sheets)."""
    wanted = [book.resolve(text) for text in ranges] or [(s, WHOLE_SHEET) for s in book.sheets]
    out = book.metadata()
    shown = []
    for index, sheet in enumerate(book.sheets):
        boxes = [bounds for s, bounds in wanted if s is sheet]
        if not boxes:
            continue
        entry = out["sheets"][index]
        if include_grid_data:
            entry["data"] = [_grid_data(sheet, bounds) for bounds in boxes]
        shown.append(entry)
    out["sheets"] = shown
    return out


def _grid_data(sheet: Sheet, bounds: Bounds) -> dict[str, Any]:
    row0, col0, row1, col1 = sheet.clip(bounds)
    rows = []
    for r in range(row0, row1):
        cells = [_cell_data(sheet.cells.get((r, c))) for c in range(col0, col1)]
        while cells and not cells[-1]:
            cells.pop()
        rows.append({"values": cells} if cells else {})
    while rows and not rows[-1]:
        rows.pop()
    data: dict[str, Any] = {"rowData": rows} if rows else {}
    if row0:
        data["startRow"] = row0
    if col0:
        data["startColumn"] = col0
    return data


def _cell_data(cell: Cell | None) -> dict[str, Any]:
    if not cell:
        return {}
    out = copy.deepcopy(cell)
    value = cell_value(cell)
    if value is None:
        return out
    if is_formula_cell(cell):
        out["effectiveValue"] = {"stringValue": FORMULA_PLACEHOLDER}
        out["formattedValue"] = FORMULA_PLACEHOLDER
    else:
        out["effectiveValue"] = copy.deepcopy(cell["userEnteredValue"])
        out["formattedValue"] = format_value(
            value, (cell.get("userEnteredFormat") or {}).get("numberFormat") or {}
        )
    return out
