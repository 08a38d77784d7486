"""mergeCells, unmergeCells and setDataValidation as Sheets does them.

A merge keeps the value of its top-left cell and clears the others; merges may not overlap, and an
unmerge must cover every merge it touches whole. Merges are GridRanges on the sheet (`merges` in
spreadsheets.get), so they move and shrink with row and column inserts and deletes; a merge left one
cell wide and high is no merge. Validation rules live in the cells (`dataValidation` of CellData),
so they move with their cells.
"""

from __future__ import annotations

from typing import Any

from sandbox.sheets.errors import invalid
from sandbox.sheets.model import Sheet, Spreadsheet, set_cell
from sandbox.sheets.ranges import Box, grid_box

Reply = dict[str, Any] | None
PARTIAL_MERGE = "You must select all cells in a merged range to merge or unmerge them."


def merge_cells(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    box = grid_box(book, body.get("range"))
    kind = body.get("mergeType", "MERGE_ALL")
    if kind not in ("MERGE_ALL", "MERGE_COLUMNS", "MERGE_ROWS"):
        raise invalid(f"Invalid mergeType: {kind!r}")
    if any(_overlap(box, m) for m in box.sheet.merges):
        raise invalid(PARTIAL_MERGE)
    for part in _parts(box, kind):
        if (part.row1 - part.row0) * (part.col1 - part.col0) > 1:
            _clear_all_but_first(part)
            box.sheet.merges.append(_grid_range(part))
    return None


def unmerge_cells(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    box = grid_box(book, body.get("range"))
    touched = [m for m in box.sheet.merges if _overlap(box, m)]
    if any(not _inside(m, box) for m in touched):
        raise invalid(PARTIAL_MERGE)
    box.sheet.merges = [m for m in box.sheet.merges if m not in touched]
    return None


def set_data_validation(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    """Without a rule, the cells' validation is cleared."""
    box = grid_box(book, body.get("range"))
    rule = body.get("rule")
    if rule is not None and not (rule.get("condition") or {}).get("type"):
        raise invalid("A data validation rule needs a condition with a type.")
    for r, c in box.cells():
        cell = {k: v for k, v in box.sheet.cells.get((r, c), {}).items() if k != "dataValidation"}
        if rule is not None:
            cell["dataValidation"] = rule
        set_cell(box.sheet, r, c, cell)
    return None


def drop_collapsed_merges(sheet: Sheet) -> None:
    """After a delete: a merge whose rows or columns all went, or left one cell, is gone."""
    sheet.merges = [m for m in sheet.merges if _cells(m) > 1]


def _parts(box: Box, kind: str) -> list[Box]:
    if kind == "MERGE_ROWS":
        return [Box(box.sheet, r, box.col0, r + 1, box.col1) for r in range(box.row0, box.row1)]
    if kind == "MERGE_COLUMNS":
        return [Box(box.sheet, box.row0, c, box.row1, c + 1) for c in range(box.col0, box.col1)]
    return [box]


def _clear_all_but_first(box: Box) -> None:
    for r, c in box.cells():
        if (r, c) != (box.row0, box.col0) and (r, c) in box.sheet.cells:
            kept = {k: v for k, v in box.sheet.cells[(r, c)].items() if k != "userEnteredValue"}
            set_cell(box.sheet, r, c, kept)


def _grid_range(box: Box) -> dict[str, Any]:
    return {
        "sheetId": box.sheet.sheet_id,
        "startRowIndex": box.row0,
        "endRowIndex": box.row1,
        "startColumnIndex": box.col0,
        "endColumnIndex": box.col1,
    }


def _cells(m: dict[str, Any]) -> int:
    rows = m["endRowIndex"] - m["startRowIndex"]
    cols = m["endColumnIndex"] - m["startColumnIndex"]
    return max(rows, 0) * max(cols, 0)


def _overlap(box: Box, m: dict[str, Any]) -> bool:
    rows = box.row0 < m["endRowIndex"] and m["startRowIndex"] < box.row1
    return rows and box.col0 < m["endColumnIndex"] and m["startColumnIndex"] < box.col1


def _inside(m: dict[str, Any], box: Box) -> bool:
    return (
        box.row0 <= m["startRowIndex"]
        and m["endRowIndex"] <= box.row1
        and box.col0 <= m["startColumnIndex"]
        and m["endColumnIndex"] <= box.col1
    )
