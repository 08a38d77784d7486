"""spreadsheets:batchUpdate — all or nothing: requests are applied to a copy that replaces the original."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from sandbox.sheets import dimensions, merges, metadata, objects, sorting
from sandbox.sheets.errors import SheetsError, invalid
from sandbox.sheets.model import (
    DEFAULT_COLUMNS,
    DEFAULT_ROWS,
    Cell,
    Sheet,
    Spreadsheet,
    apply_mask,
    apply_paths,
    json_copy,
    mask_paths,
    new_sheet,
    set_cell,
)
from sandbox.sheets.ranges import grid_box

Reply = dict[str, Any] | None
VALUE_ONLY = [["userEnteredValue"]]
Handler = Callable[[Spreadsheet, dict[str, Any]], Reply]


def apply_batch(book: Spreadsheet, requests: Sequence[object]) -> tuple[Spreadsheet, list[dict[str, Any]]]:
    """Returns the changed copy and one reply per request ({} where Google sends none)."""
    trial = book.copy()
    replies = []
    for i, request in enumerate(requests):
        if not isinstance(request, dict) or len(request) != 1:
            raise invalid(f"Invalid requests[{i}]: exactly one kind of request must be set.")
        kind, body = next(iter(request.items()))
        handler = HANDLERS.get(kind)
        if handler is None:
            raise invalid(f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]'.")
        reply = _run(handler, trial, body, f"requests[{i}].{kind}")
        replies.append({kind: reply} if reply is not None else {})
    return trial, replies


def _run(handler: Handler, book: Spreadsheet, body: Any, where: str) -> Reply:
    if not isinstance(body, dict):
        raise invalid(f"Invalid {where}: expected an object.")
    try:
        return handler(book, body)
    except SheetsError as exc:
        raise SheetsError(exc.code, f"Invalid {where}: {exc.message}") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise invalid(f"Invalid {where}: malformed request ({exc!r})") from exc


def add_sheet(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    props = copy.deepcopy(body.get("properties") or {})
    title = str(props.pop("title", "") or _free_title(book))
    if book.by_title(title) is not None:
        raise invalid(f'A sheet with the name "{title}" already exists. Please enter another name.')
    sheet_id = props.pop("sheetId", None)
    if sheet_id is None:
        sheet_id = book.new_sheet_id(title)
    elif book.by_id(int(sheet_id)) is not None:
        raise invalid(f"A sheet with id {sheet_id} already exists.")
    grid = props.pop("gridProperties", {})
    sheet = new_sheet(
        int(sheet_id),
        title,
        int(grid.pop("rowCount", DEFAULT_ROWS)),
        int(grid.pop("columnCount", DEFAULT_COLUMNS)),
    )
    sheet.grid.update(grid)
    index = int(props.pop("index", len(book.sheets)))
    sheet.properties.update(props)
    book.sheets.insert(max(0, min(index, len(book.sheets))), sheet)
    return {"properties": sheet.metadata(book.sheets.index(sheet))["properties"]}


def _free_title(book: Spreadsheet) -> str:
    n = len(book.sheets) + 1
    while book.by_title(f"Sheet{n}") is not None:
        n += 1
    return f"Sheet{n}"


def delete_sheet(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    sheet = book.require_sheet(body.get("sheetId", 0))
    if len(book.sheets) == 1:
        raise invalid("You can't remove all the sheets in a document.")
    book.sheets.remove(sheet)
    return None


def update_sheet_properties(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    source = body.get("properties") or {}
    sheet = book.require_sheet(source.get("sheetId", 0))
    index = book.sheets.index(sheet)
    props = sheet.metadata(index)["properties"]
    apply_mask(props, source, body.get("fields"))
    if props.get("sheetId") != sheet.sheet_id:
        raise invalid("sheetId cannot be changed.")
    title = str(props.get("title") or "")
    if not title or (title != sheet.title and book.by_title(title) is not None):
        raise invalid(f'A sheet with the name "{title}" already exists. Please enter another name.')
    new_index = int(props.pop("index", index))
    _resize_grid(sheet, props.get("gridProperties") or {})
    sheet.properties = props
    book.sheets.remove(sheet)
    book.sheets.insert(max(0, min(new_index, len(book.sheets))), sheet)
    return None


def _resize_grid(sheet: Sheet, grid: dict[str, Any]) -> None:
    """A smaller grid drops the cells outside it; frozen rows/columns must fit in it."""
    rows, cols = int(grid.get("rowCount", 0)), int(grid.get("columnCount", 0))
    if rows < 1 or cols < 1:
        raise invalid("rowCount and columnCount must be at least 1.")
    if int(grid.get("frozenRowCount", 0)) > rows or int(grid.get("frozenColumnCount", 0)) > cols:
        raise invalid("Frozen rows or columns exceed the grid.")
    sheet.cells = {(r, c): cell for (r, c), cell in sheet.cells.items() if r < rows and c < cols}


def update_spreadsheet_properties(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    props = copy.deepcopy(book.properties)
    apply_mask(props, body.get("properties") or {}, body.get("fields"))
    if not props.get("title"):
        raise invalid("The spreadsheet title cannot be empty.")
    book.properties = props
    return None


def repeat_cell(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    box = grid_box(book, body.get("range"))
    paths, source = mask_paths(body.get("fields")), body.get("cell") or {}
    check_cell_data(source, "cell")
    blank: Cell = {}
    apply_paths(blank, source, paths)  # what every untouched cell becomes: computed once, shared
    for r, c in box.cells():
        if (r, c) in box.sheet.cells:
            _update_cell(box.sheet, r, c, source, paths)
        else:
            set_cell(box.sheet, r, c, blank)
    return None


def update_cells(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    """UpdateCellsRequest: `rows` of RowData written from `start`, or into `range`, where cells the rows
    leave out are cleared (for the masked fields). Only the `fields` mask is applied to each cell."""
    rows = [row.get("values") or [] for row in body.get("rows") or []]
    paths = mask_paths(body.get("fields"))
    for i, row in enumerate(rows):
        for j, source in enumerate(row):
            check_cell_data(source or {}, f"rows[{i}].values[{j}]")
    if ("range" in body) == ("start" in body):
        raise invalid("Exactly one of range or start must be set.")
    if "start" in body:
        start = body["start"]
        sheet = book.require_sheet(start.get("sheetId", 0))
        row0, col0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
        sheet.check_inside(row0, col0, row0 + len(rows), col0 + max((len(v) for v in rows), default=0))
        for i, row in enumerate(rows):
            for j, source in enumerate(row):
                _update_cell(sheet, row0 + i, col0 + j, source or {}, paths)
        return None
    box = grid_box(book, body["range"])
    if len(rows) > box.row1 - box.row0 or any(len(v) > box.col1 - box.col0 for v in rows):
        raise invalid("The rows hold more data than the range can take.")
    for r, c in box.cells():
        i, j = r - box.row0, c - box.col0
        source = rows[i][j] if i < len(rows) and j < len(rows[i]) else {}
        _update_cell(box.sheet, r, c, source or {}, paths)
    return None


# ExtendedValue is a oneof; errorValue is read-only. Numbers are doubles: a JSON bool is not one.
_ENTERED_KINDS: dict[str, tuple[type, ...]] = {
    "stringValue": (str,),
    "numberValue": (int, float),
    "boolValue": (bool,),
    "formulaValue": (str,),
}


def check_cell_data(cell: Any, where: str) -> None:
    if not isinstance(cell, dict):
        raise invalid(f"Invalid value at '{where}': expected CellData.")
    entered = cell.get("userEnteredValue")
    if entered is None:
        return
    if not isinstance(entered, dict):
        raise invalid(f"Invalid value at '{where}.userEnteredValue': expected ExtendedValue.")
    if "errorValue" in entered:
        raise invalid(f"Invalid value at '{where}.userEnteredValue': errorValue is read-only.")
    for n, (kind, value) in enumerate(entered.items()):
        if kind not in _ENTERED_KINDS:
            raise invalid(
                f"Invalid JSON payload received. Unknown name \"{kind}\" at '{where}.userEnteredValue'."
            )
        if n:
            raise invalid(
                f"Invalid value at '{where}.userEnteredValue' (oneof), oneof field 'value' is already set. "
                f"Cannot set '{kind}'"
            )
        wrong_bool = kind == "numberValue" and isinstance(value, bool)
        if not isinstance(value, _ENTERED_KINDS[kind]) or wrong_bool:
            raise invalid(f"Invalid value at '{where}.userEnteredValue.{kind}' ({type(value).__name__}).")


def _update_cell(sheet: Sheet, row: int, col: int, source: dict[str, Any], paths: list[list[str]]) -> None:
    existing = sheet.cells.get((row, col))
    if not existing and paths == VALUE_ONLY:
        # Most cells of a large write are new and carry only a value (an ExtendedValue is flat).
        entered = source.get("userEnteredValue")
        set_cell(sheet, row, col, {"userEnteredValue": dict(entered)} if entered else None)
        return
    cell = json_copy(existing) if existing else {}
    apply_paths(cell, source, paths)
    set_cell(sheet, row, col, cell)


HANDLERS: dict[str, Handler] = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "repeatCell": repeat_cell,
    "updateCells": update_cells,
    "insertDimension": dimensions.insert_dimension,
    "deleteDimension": dimensions.delete_dimension,
    "appendDimension": dimensions.append_dimension,
    "moveDimension": dimensions.move_dimension,
    "updateDimensionProperties": dimensions.update_dimension_properties,
    "autoResizeDimensions": dimensions.auto_resize_dimensions,
    "addConditionalFormatRule": objects.add_conditional_format_rule,
    "deleteConditionalFormatRule": objects.delete_conditional_format_rule,
    "addProtectedRange": objects.add_protected_range,
    "deleteProtectedRange": objects.delete_protected_range,
    "addChart": objects.add_chart,
    "deleteEmbeddedObject": objects.delete_embedded_object,
    "createDeveloperMetadata": metadata.create_developer_metadata,
    "updateDeveloperMetadata": metadata.update_developer_metadata,
    "deleteDeveloperMetadata": metadata.delete_developer_metadata,
    "sortRange": sorting.sort_range,
    "mergeCells": merges.merge_cells,
    "unmergeCells": merges.unmerge_cells,
    "setDataValidation": merges.set_data_validation,
}
