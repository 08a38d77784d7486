"""spreadsheets.values semantics: rendering, RAW vs USER_ENTERED input, null skips, "" clears, grid limits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sandbox.sheets.a1 import Bounds, column_letters
from sandbox.sheets.errors import invalid
from sandbox.sheets.model import Cell, Sheet, cell_value, is_formula_cell, set_cell
from sandbox.sheets.user_entered import typed_value

RENDER_OPTIONS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
INPUT_OPTIONS = ("RAW", "USER_ENTERED")
DIMENSIONS = ("ROWS", "COLUMNS")
# The stand-in does not evaluate formulas; value renders show this so a client cannot mistake
# a formula for the text it was written from.
FORMULA_PLACEHOLDER = "#SANDBOX_FORMULA!"


@dataclass(frozen=True)
class WriteResult:
    updated_range: str
    cells: int
    rows: int
    columns: int

    def response(self, spreadsheet_id: str) -> dict[str, Any]:
        out: dict[str, Any] = {"spreadsheetId": spreadsheet_id, "updatedRange": self.updated_range}
        if self.cells:
            out.update(updatedRows=self.rows, updatedColumns=self.columns, updatedCells=self.cells)
        return out


def choose(value: str | None, allowed: tuple[str, ...], default: str, name: str) -> str:
    if value in (None, "", "DIMENSION_UNSPECIFIED"):
        return default
    if value not in allowed:
        raise invalid(f"Invalid value at '{name}', \"{value}\"")
    return value


def read(sheet: Sheet, bounds: Bounds, render: str, major: str) -> dict[str, Any]:
    """A ValueRange: trailing empty cells and rows dropped, `values` omitted when nothing is left."""
    row0, col0, row1, col1 = sheet.clip(bounds)
    rows = [
        [_render(sheet.cells.get((r, c)), render) for c in range(col0, col1)]
        for r in _occupied_rows(sheet, row0, col0, row1, col1)
    ]
    if major == "COLUMNS":
        width = max((len(row) for row in rows), default=0)
        rows = [[row[c] if c < len(row) else "" for row in rows] for c in range(width)]
    trimmed = _trim(rows)
    out: dict[str, Any] = {"range": sheet.a1(row0, col0, max(row1, row0 + 1), max(col1, col0 + 1))}
    out["majorDimension"] = major
    if trimmed:
        out["values"] = trimmed
    return out


def _occupied_rows(sheet: Sheet, row0: int, col0: int, row1: int, col1: int) -> range:
    """Rows up to the last one holding a value in the box, so a 1000-row read of 3 rows stays cheap."""
    filled = (
        r
        for (r, c), cell in sheet.cells.items()
        if row0 <= r < row1 and col0 <= c < col1 and cell_value(cell) is not None
    )
    last = max(filled, default=row0 - 1)
    return range(row0, last + 1)


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    trimmed = []
    for row in rows:
        while row and row[-1] == "":
            row.pop()
        trimmed.append(row)
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


def _render(cell: Cell | None, render: str) -> Any:
    value = cell_value(cell)
    if value is None:
        return ""
    if is_formula_cell(cell):
        return value if render == "FORMULA" else FORMULA_PLACEHOLDER
    if render != "FORMATTED_VALUE":
        return value
    return format_value(value, ((cell or {}).get("userEnteredFormat") or {}).get("numberFormat") or {})


def format_value(value: Any, number_format: dict[str, Any]) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    decimals = _decimals(str(number_format.get("pattern", "")))
    if decimals is not None:
        # Sheets rounds halves away from zero (1.25 → "1.3"), unlike Python's float formatting.
        rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        return f"{rounded:,}" if "," in number_format["pattern"] else f"{rounded}"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.10g}"


def _decimals(pattern: str) -> int | None:
    match = re.search(r"0(?:\.(0+))?", pattern)
    if not match:
        return None
    return len(match.group(1) or "")


def write(
    sheet: Sheet, bounds: Bounds, values: Any, input_option: str, major: str, locale: str = "en_US"
) -> WriteResult:
    rows = _as_rows(values, major)
    height, width = len(rows), max((len(row) for row in rows), default=0)
    row0, col0 = bounds.row0, bounds.col0
    if not height or not width:
        return WriteResult(sheet.a1(*sheet.clip(bounds)), 0, 0, 0)
    _check_fits(sheet, bounds, row0 + height, col0 + width)
    touched: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            _store(sheet, row0 + r, col0 + c, value, input_option, locale)
            touched.add((r, c))
    return WriteResult(
        sheet.a1(row0, col0, row0 + height, col0 + width),
        len(touched),
        len({r for r, _ in touched}),
        len({c for _, c in touched}),
    )


def _as_rows(values: Any, major: str) -> list[list[Any]]:
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
        raise invalid("Invalid JSON payload received. 'values' must be a list of lists.")
    for row in values:
        for value in row:
            if value is not None and not isinstance(value, str | int | float | bool):
                raise invalid(f"Invalid values: unsupported value {value!r}")
    if major != "COLUMNS":
        return values
    height = max((len(col) for col in values), default=0)
    return [[col[r] if r < len(col) else None for col in values] for r in range(height)]


def _check_fits(sheet: Sheet, bounds: Bounds, row_end: int, col_end: int) -> None:
    if bounds.row1 == bounds.row0 + 1 and bounds.col1 == bounds.col0 + 1:
        sheet.check_inside(bounds.row0, bounds.col0, row_end, col_end)  # a single cell only anchors the write
        return
    asked = sheet.a1(bounds.row0, bounds.col0, bounds.row1 or row_end, bounds.col1 or col_end)
    if bounds.row1 is not None and row_end > bounds.row1:
        raise invalid(f"Requested writing within range [{asked}], but tried writing to row [{row_end}]")
    if bounds.col1 is not None and col_end > bounds.col1:
        raise invalid(
            f"Requested writing within range [{asked}], "
            f"but tried writing to column [{column_letters(col_end - 1)}]"
        )
    sheet.check_inside(bounds.row0, bounds.col0, row_end, col_end)


def _store(sheet: Sheet, row: int, col: int, value: Any, input_option: str, locale: str) -> None:
    cell = dict(sheet.cells.get((row, col), {}))
    if value == "":
        cell.pop("userEnteredValue", None)
    else:
        cell["userEnteredValue"], number_format = entered_value(value, input_option, locale)
        current = cell.get("userEnteredFormat") or {}
        if number_format and not current.get("numberFormat"):  # a format a person set stays
            cell["userEnteredFormat"] = {**current, "numberFormat": number_format}
    set_cell(sheet, row, col, cell)


def entered_value(
    value: Any, input_option: str, locale: str = "en_US"
) -> tuple[dict[str, Any], dict[str, str] | None]:
    """ExtendedValue of a written value and the number format it brings: RAW keeps strings as typed;
    USER_ENTERED parses like the UI, per the spreadsheet's locale (sandbox.sheets.user_entered)."""
    if isinstance(value, bool):
        return {"boolValue": value}, None
    if isinstance(value, int | float):
        return {"numberValue": value}, None
    if input_option == "RAW":
        return {"stringValue": value}, None
    return typed_value(value, locale)


def clear(sheet: Sheet, bounds: Bounds) -> str:
    """Values only: formats and notes stay, as on Google."""
    row0, col0, row1, col1 = sheet.clip(bounds)
    for (r, c), cell in list(sheet.cells.items()):
        if row0 <= r < row1 and col0 <= c < col1 and "userEnteredValue" in cell:
            set_cell(sheet, r, c, {k: v for k, v in cell.items() if k != "userEnteredValue"})
    return sheet.a1(row0, col0, max(row1, row0 + 1), max(col1, col0 + 1))
