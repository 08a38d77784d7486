"""sortRange as Sheets does it: rows of the range reordered by each SortSpec's column in turn.

Ascending puts numbers first, then text (case-insensitive), then booleans; empty cells go last
in either order, and ties keep their order (the sort is stable). Only the range's columns move;
cells outside it stay in place. Developer metadata on a row moves with the row, as on Google.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from sandbox.sheets.errors import invalid
from sandbox.sheets.model import Sheet, Spreadsheet, cell_value
from sandbox.sheets.ranges import grid_box

Reply = dict[str, Any] | None
_ORDERS = ("ASCENDING", "DESCENDING")


def sort_range(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    box = grid_box(book, body.get("range"))
    specs = body.get("sortSpecs") or []
    if not specs:
        raise invalid("At least one sort spec must be specified.")
    columns = [_spec_column(spec, box.col0, box.col1) for spec in specs]
    sheet, rows = box.sheet, list(range(box.row0, box.row1))
    order = list(rows)
    for col, descending in reversed(columns):  # stable sorts, last key first
        filled = [r for r in order if cell_value(sheet.cells.get((r, col))) is not None]
        empty = [r for r in order if cell_value(sheet.cells.get((r, col))) is None]
        # reverse=True keeps equal rows in their order, so a descending sort is stable too
        filled.sort(key=partial(_rank_at, sheet, col), reverse=descending)
        order = filled + empty
    _permute(sheet, rows, order, box.col0, box.col1)
    return None


def _spec_column(spec: dict[str, Any], col0: int, col1: int) -> tuple[int, bool]:
    if "dimensionIndex" not in spec:
        raise invalid("The stand-in sorts by dimensionIndex only (no colour or data source sorts).")
    col = int(spec["dimensionIndex"])
    if not col0 <= col < col1:
        raise invalid(f"Sort column {col} is outside the sort range.")
    order = spec.get("sortOrder", "ASCENDING")
    if order not in _ORDERS:
        raise invalid(f"Invalid sortOrder: {order!r}")
    return col, order == "DESCENDING"


def _rank_at(sheet: Sheet, col: int, row: int) -> tuple[int, Any]:
    return _rank(cell_value(sheet.cells.get((row, col))))


def _rank(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool):
        return 2, value
    if isinstance(value, int | float):
        return 0, value
    return 1, str(value).casefold()


def _permute(sheet: Sheet, rows: list[int], order: list[int], col0: int, col1: int) -> None:
    """Row order[i]'s cells (inside the columns) and its developer metadata go to rows[i]."""
    moved = {
        (target, c): sheet.cells[(source, c)]
        for target, source in zip(rows, order, strict=True)
        for c in range(col0, col1)
        if (source, c) in sheet.cells
    }
    for r in rows:
        for c in range(col0, col1):
            sheet.cells.pop((r, c), None)
    sheet.cells.update(moved)
    tags = {source: sheet.row_meta.get(source, {}).pop("developerMetadata", None) for source in order}
    for target, source in zip(rows, order, strict=True):
        if tags[source]:
            sheet.row_meta.setdefault(target, {})["developerMetadata"] = tags[source]
