"""Row and column requests: insert, delete, append, move, properties. Cells and ranges move with them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.sheets.errors import invalid
from sandbox.sheets.merges import drop_collapsed_merges
from sandbox.sheets.model import Sheet, Spreadsheet, apply_mask, cell_value
from sandbox.sheets.ranges import check_within, count_of, dimension_name, dimension_span, remap_ranges
from sandbox.sheets.values import format_value

Reply = dict[str, Any] | None


def insert_dimension(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    span = dimension_span(book, body.get("range"), bounded=True)
    if span.start > count_of(span.sheet, span.dimension):
        raise invalid(f"Cannot insert past the end of the sheet (index {span.start})")
    if body.get("inheritFromBefore") and span.start == 0:
        raise invalid("Cannot inherit from before when inserting at the start of the sheet")
    n, at = span.length, span.start
    _reindex(span.sheet, span.dimension, lambda i: i + n if i >= at else i)
    # A range starting at the insertion point moves down; one ending there keeps its size.
    remap_ranges(
        span.sheet, span.dimension, lambda x: x + n if x >= at else x, lambda x: x + n if x > at else x
    )
    _resize(span.sheet, span.dimension, n)
    return None


def delete_dimension(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    span = dimension_span(book, body.get("range"))
    check_within(span)
    sheet, a, b = span.sheet, span.start, span.end
    if span.length >= count_of(sheet, span.dimension):
        noun = "rows" if span.dimension == "ROWS" else "columns"
        raise invalid(f"You can't delete all the {noun} on the sheet.")

    def squeeze(x: int) -> int:
        return x if x <= a else a if x <= b else x - (b - a)

    _reindex(sheet, span.dimension, lambda i: -1 if a <= i < b else squeeze(i))
    remap_ranges(sheet, span.dimension, squeeze, squeeze)
    drop_collapsed_merges(sheet)
    frozen_key = "frozenRowCount" if span.dimension == "ROWS" else "frozenColumnCount"
    if sheet.grid.get(frozen_key):
        sheet.grid[frozen_key] = squeeze(sheet.grid[frozen_key])
    _resize(sheet, span.dimension, -span.length)
    return None


def append_dimension(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    sheet = book.require_sheet(body.get("sheetId", 0))
    length = int(body.get("length") or 0)
    if length <= 0:
        raise invalid("length must be greater than 0")
    _resize(sheet, dimension_name(body.get("dimension")), length)
    return None


def move_dimension(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    """destinationIndex counts positions before the source is lifted out, as the API documents."""
    span = dimension_span(book, body.get("source"), bounded=True)
    check_within(span)
    count = count_of(span.sheet, span.dimension)
    dest = int(body.get("destinationIndex", -1))
    if not 0 <= dest <= count:
        raise invalid(f"destinationIndex {dest} is out of range")
    order = list(range(count))
    block, rest = order[span.start : span.end], order[: span.start] + order[span.end :]
    at = dest if dest <= span.start else dest - span.length
    new_order = rest[:at] + block + rest[at:]
    position = {old: new for new, old in enumerate(new_order)}
    _reindex(span.sheet, span.dimension, position.__getitem__)
    return None


def update_dimension_properties(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    span = dimension_span(book, body.get("range"))
    check_within(span)
    meta = _meta(span.sheet, span.dimension)
    for index in range(span.start, span.end):
        props = meta.get(index, {})
        tags = props.pop("developerMetadata", None)  # read-only here: only metadata requests change it
        apply_mask(props, body.get("properties") or {}, body.get("fields"))
        if tags:
            props["developerMetadata"] = tags
        meta[index] = props
    return None


def auto_resize_dimensions(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    """Google sizes columns to their content; an approximation is enough to see that it happened."""
    span = dimension_span(book, body.get("dimensions"))
    check_within(span)
    meta = _meta(span.sheet, span.dimension)
    for index in range(span.start, span.end):
        meta.setdefault(index, {})["pixelSize"] = _fitting_size(span.sheet, span.dimension, index)
    return None


def _fitting_size(sheet: Sheet, dimension: str, index: int) -> int:
    if dimension == "ROWS":
        return 21
    widths = [
        len(format_value(cell_value(cell), {}))
        for (_, c), cell in sheet.cells.items()
        if c == index and cell_value(cell) is not None
    ]
    return max(100, 7 * max(widths, default=0) + 10)


def _meta(sheet: Sheet, dimension: str) -> dict[int, dict[str, Any]]:
    return sheet.row_meta if dimension == "ROWS" else sheet.column_meta


def _reindex(sheet: Sheet, dimension: str, new_index: Callable[[int], int]) -> None:
    """Move cells and row/column properties; a new index of -1 drops them."""
    axis = 0 if dimension == "ROWS" else 1
    moved = {}
    for key, cell in sheet.cells.items():
        target = new_index(key[axis])
        if target >= 0:
            moved[(target, key[1]) if axis == 0 else (key[0], target)] = cell
    sheet.cells = moved
    meta = _meta(sheet, dimension)
    shifted = {new_index(i): props for i, props in meta.items() if new_index(i) >= 0}
    meta.clear()
    meta.update(shifted)


def _resize(sheet: Sheet, dimension: str, delta: int) -> None:
    key = "rowCount" if dimension == "ROWS" else "columnCount"
    sheet.grid[key] = sheet.grid.get(key, 0) + delta
