"""GridRange and DimensionRange from batchUpdate requests, validated against the grid."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sandbox.sheets.errors import invalid
from sandbox.sheets.model import Sheet, Spreadsheet

DIMENSION_KEYS = {"ROWS": ("startRowIndex", "endRowIndex"), "COLUMNS": ("startColumnIndex", "endColumnIndex")}


@dataclass(frozen=True)
class Box:
    sheet: Sheet
    row0: int
    col0: int
    row1: int
    col1: int

    def cells(self) -> Iterator[tuple[int, int]]:
        for r in range(self.row0, self.row1):
            for c in range(self.col0, self.col1):
                yield r, c


@dataclass(frozen=True)
class Span:
    sheet: Sheet
    dimension: str
    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


def grid_box(book: Spreadsheet, grid_range: dict[str, Any] | None) -> Box:
    """Unset bounds run to the edge of the grid; bounds past it are Google's 'exceeds grid limits'."""
    gr = grid_range or {}
    sheet = book.require_sheet(_int(gr.get("sheetId", 0)))
    row0, col0 = _int(gr.get("startRowIndex", 0)), _int(gr.get("startColumnIndex", 0))
    row1 = _int(gr.get("endRowIndex", sheet.row_count))
    col1 = _int(gr.get("endColumnIndex", sheet.column_count))
    if min(row0, col0) < 0 or row1 < row0 or col1 < col0:
        raise invalid(f"Invalid range: {gr}")
    sheet.check_inside(row0, col0, max(row1, row0 + 1), max(col1, col0 + 1))
    return Box(sheet, row0, col0, row1, col1)


def dimension_span(book: Spreadsheet, dimension_range: dict[str, Any] | None, bounded: bool = False) -> Span:
    dr = dimension_range or {}
    sheet = book.require_sheet(_int(dr.get("sheetId", 0)))
    dimension = dimension_name(dr.get("dimension"))
    count = count_of(sheet, dimension)
    if bounded and ("startIndex" not in dr or "endIndex" not in dr):
        raise invalid("range must have both startIndex and endIndex set")
    start, end = _int(dr.get("startIndex", 0)), _int(dr.get("endIndex", count))
    if start < 0 or end <= start:
        raise invalid(f"Invalid dimension range: startIndex {start}, endIndex {end}")
    return Span(sheet, dimension, start, end)


def dimension_name(value: Any) -> str:
    if value not in DIMENSION_KEYS:
        raise invalid(f"Invalid dimension: {value!r} (expected ROWS or COLUMNS)")
    return str(value)


def count_of(sheet: Sheet, dimension: str) -> int:
    return sheet.row_count if dimension == "ROWS" else sheet.column_count


def check_within(span: Span) -> None:
    count = count_of(span.sheet, span.dimension)
    if span.end > count:
        noun = "rows" if span.dimension == "ROWS" else "columns"
        raise invalid(f"Cannot address {noun} past {count}: endIndex {span.end}")


def sheet_grid_ranges(sheet: Sheet) -> Iterator[dict[str, Any]]:
    """Every GridRange a sheet holds, so row and column moves can carry them along."""
    for rule in sheet.conditional_formats:
        yield from rule.get("ranges", [])
    for protected in sheet.protected_ranges:
        if "range" in protected:
            yield protected["range"]
        yield from protected.get("unprotectedRanges", [])
    yield from sheet.merges


def remap_ranges(
    sheet: Sheet, dimension: str, move_start: Callable[[int], int], move_end: Callable[[int], int]
) -> None:
    start_key, end_key = DIMENSION_KEYS[dimension]
    for grid_range in sheet_grid_ranges(sheet):
        if start_key in grid_range:
            grid_range[start_key] = move_start(grid_range[start_key])
        if end_key in grid_range:
            grid_range[end_key] = move_end(grid_range[end_key])


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise invalid(f"Invalid integer: {value!r}") from exc
