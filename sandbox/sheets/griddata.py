"""spreadsheets.get: metadata, and Sheet.data as GridData when includeGridData or the `fields` mask asks.

Grid data is built for the masked fields only: a read of effective values over a large sheet
must not copy and format every cell (the availability spreadsheet holds ~145k cells at size M).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.sheets.a1 import WHOLE_SHEET, Bounds
from sandbox.sheets.metadata import Place
from sandbox.sheets.model import Cell, Sheet, Spreadsheet, json_copy
from sandbox.sheets.partial import Tree, child, descend, select
from sandbox.sheets.values import FORMULA_PLACEHOLDER, format_value

Box = tuple[int, int, int, int]


def spreadsheet_view(
    book: Spreadsheet, ranges: list[str], include_grid_data: bool, mask: Tree | None = None
) -> dict[str, Any]:
    """`ranges` limits the sheets shown to those named; grid data covers the ranges (or whole sheets).

    With a mask (the `fields` parameter) includeGridData is ignored, as on Google: grid data is
    there when the mask selects sheets.data."""
    wanted = [book.resolve(text) for text in ranges] or [(s, WHOLE_SHEET) for s in book.sheets]
    out = book.metadata()
    shown = [(i, s) for i, s in enumerate(book.sheets) if any(w is s for w, _ in wanted)]
    out["sheets"] = [out["sheets"][i] for i, _ in shown]
    grid_mask: Tree | None = {} if include_grid_data else None
    if mask is not None:
        out = select(out, mask)
        grid_mask = descend(mask, "sheets", "data")
    if grid_mask is not None:
        for entry, (_, sheet) in zip(out["sheets"], shown, strict=True):
            boxes = [bounds for s, bounds in wanted if s is sheet]
            entry["data"] = [_grid_data(sheet, bounds, grid_mask) for bounds in boxes]
    return out


def _grid_data(sheet: Sheet, bounds: Bounds, mask: Tree) -> dict[str, Any]:
    box = sheet.clip(bounds)
    data: dict[str, Any] = {}
    rows_mask = child(mask, "rowData")
    if rows_mask is not None:
        rows = _row_data(sheet, box, child(rows_mask, "values"))
        if rows:
            data["rowData"] = rows
    for name, meta, first, last in (
        ("rowMetadata", sheet.row_meta, box[0], box[2]),
        ("columnMetadata", sheet.column_meta, box[1], box[3]),
    ):
        meta_mask = child(mask, name)
        if meta_mask is not None:
            data[name] = [_dimension(sheet, meta, i, meta_mask) for i in range(first, last)]
    for name, start in (("startRow", box[0]), ("startColumn", box[1])):
        if start and child(mask, name) is not None:
            data[name] = start
    return data


def _dimension(sheet: Sheet, meta: dict[int, dict[str, Any]], index: int, mask: Tree) -> dict[str, Any]:
    """DimensionProperties of one row or column, developer metadata with its location."""
    props = json_copy(meta.get(index, {}))
    kind = "ROW" if meta is sheet.row_meta else "COLUMN"
    if props.get("developerMetadata"):
        where = Place(kind, sheet.sheet_id, index).location()
        props["developerMetadata"] = [{**m, "location": where} for m in props["developerMetadata"]]
    return select(props, mask)


def _row_data(sheet: Sheet, box: Box, cell_mask: Tree | None) -> list[dict[str, Any]]:
    """Rows up to the last one holding a cell, each up to its last cell: the extent of the whole
    cells, so a cell the mask empties still keeps its column's place."""
    row0, col0, row1, col1 = box
    by_row: dict[int, dict[int, Cell]] = {}
    for (r, c), cell in sheet.cells.items():
        if cell and row0 <= r < row1 and col0 <= c < col1:
            by_row.setdefault(r, {})[c] = cell
    render = _cell_renderer(cell_mask or {})
    rows: list[dict[str, Any]] = []
    for r in range(row0, max(by_row, default=row0 - 1) + 1):
        cells = by_row.get(r)
        if not cells or cell_mask is None:
            rows.append({})
            continue
        rows.append({"values": [render(cells.get(c)) for c in range(col0, max(cells) + 1)]})
    return rows


def _cell_renderer(mask: Tree) -> Callable[[Cell | None], dict[str, Any]]:
    """CellData of a stored cell with the masked fields only, planned once per grid.

    Stored values are shared, not copied: cells are replaced, never edited (model.set_cell), and
    the view is serialised before the state lock is released."""
    if not mask or "*" in mask:
        return lambda cell: select(full_cell(cell), mask) if cell else {}
    plan = [(name, _COMPUTED.get(name), sub) for name, sub in mask.items()]

    def render(cell: Cell | None) -> dict[str, Any]:
        if not cell:
            return {}
        out = {}
        for name, produce, sub in plan:
            value = produce(cell) if produce else cell.get(name)
            if value is not None:
                out[name] = select(value, sub) if sub else value
        return out

    return render


def full_cell(cell: Cell) -> dict[str, Any]:
    """The whole CellData of a cell, computed values included: what an unmasked read renders."""
    out = dict(cell)
    effective = effective_value(cell)
    if effective is not None:
        out["effectiveValue"] = effective
        out["formattedValue"] = _formatted_value(cell)
    return out


def effective_value(cell: Cell) -> dict[str, Any] | None:
    """What the values API renders UNFORMATTED, as an ExtendedValue: the stand-in does not evaluate
    formulas, so a formula cell holds the placeholder the values API shows for it."""
    entered: dict[str, Any] | None = cell.get("userEnteredValue")
    if not entered:
        return None
    return _PLACEHOLDER if "formulaValue" in entered else entered


def _formatted_value(cell: Cell) -> str | None:
    effective = effective_value(cell)
    if effective is None:
        return None
    value = next(iter(effective.values()))
    number_format = (cell.get("userEnteredFormat") or {}).get("numberFormat") or {}
    return format_value(value, number_format)


_PLACEHOLDER = {"stringValue": FORMULA_PLACEHOLDER}
_COMPUTED: dict[str, Callable[[Cell], Any]] = {
    "effectiveValue": effective_value,
    "formattedValue": _formatted_value,
}
