"""In-memory spreadsheets. Cells are stored as CellData dicts (userEnteredValue, note, userEnteredFormat)."""

from __future__ import annotations

import copy
import zlib
from dataclasses import dataclass, field
from typing import Any

from sandbox.sheets.a1 import WHOLE_SHEET, Bounds, format_range, parse_cells, split_sheet
from sandbox.sheets.errors import SheetsError, invalid, unparsable_range

Cell = dict[str, Any]
Json = Any
DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26


@dataclass
class Sheet:
    properties: dict[str, Any]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    row_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    column_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    conditional_formats: list[dict[str, Any]] = field(default_factory=list)
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)
    merges: list[dict[str, Any]] = field(default_factory=list)  # GridRanges (merges.py)
    developer_metadata: list[dict[str, Any]] = field(default_factory=list)  # SHEET-located (metadata.py)

    @property
    def sheet_id(self) -> int:
        return int(self.properties["sheetId"])

    @property
    def title(self) -> str:
        return str(self.properties["title"])

    @property
    def locale(self) -> str:
        """How typed (USER_ENTERED) text is read: decimal mark, day or month first."""
        return str(self.properties.get("locale") or "en_US")

    @property
    def grid(self) -> dict[str, Any]:
        return self.properties.setdefault("gridProperties", {})

    @property
    def row_count(self) -> int:
        return int(self.grid.get("rowCount", 0))

    @property
    def column_count(self) -> int:
        return int(self.grid.get("columnCount", 0))

    def clip(self, bounds: Bounds) -> tuple[int, int, int, int]:
        """Open ends run to the edge of the grid; returns (row0, col0, row1, col1)."""
        row1 = self.row_count if bounds.row1 is None else min(bounds.row1, self.row_count)
        col1 = self.column_count if bounds.col1 is None else min(bounds.col1, self.column_count)
        return bounds.row0, bounds.col0, max(row1, bounds.row0), max(col1, bounds.col0)

    def a1(self, row0: int, col0: int, row1: int, col1: int) -> str:
        return format_range(self.title, row0, col0, row1, col1)

    def check_inside(self, row0: int, col0: int, row1: int, col1: int) -> None:
        if row1 > self.row_count or col1 > self.column_count:
            raise invalid(
                f"Range ({self.a1(row0, col0, row1, col1)}) exceeds grid limits. "
                f"Max rows: {self.row_count}, max columns: {self.column_count}"
            )

    def metadata(self, index: int) -> dict[str, Any]:
        props = copy.deepcopy(self.properties)
        props["index"] = index
        out: dict[str, Any] = {"properties": props}
        for key, items in (
            ("conditionalFormats", self.conditional_formats),
            ("protectedRanges", self.protected_ranges),
            ("charts", self.charts),
            ("merges", self.merges),
        ):
            if items:
                out[key] = copy.deepcopy(items)
        if self.developer_metadata:
            where = {"locationType": "SHEET", "sheetId": self.sheet_id}
            out["developerMetadata"] = [{**json_copy(m), "location": where} for m in self.developer_metadata]
        return out


def json_copy(value: Json) -> Json:
    """A deep copy of JSON-shaped data (dicts, lists, scalars); several times faster than deepcopy,
    which matters because every batch copies the whole spreadsheet to stay atomic."""
    if isinstance(value, dict):
        return {k: json_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_copy(v) for v in value]
    return value


def copy_sheet(sheet: Sheet) -> Sheet:
    """Cells are shared, not copied: every change replaces a cell's dict (set_cell), never edits it."""
    return Sheet(
        properties=json_copy(sheet.properties),
        cells=dict(sheet.cells),
        row_meta={i: json_copy(m) for i, m in sheet.row_meta.items()},
        column_meta={i: json_copy(m) for i, m in sheet.column_meta.items()},
        conditional_formats=json_copy(sheet.conditional_formats),
        protected_ranges=json_copy(sheet.protected_ranges),
        charts=json_copy(sheet.charts),
        merges=json_copy(sheet.merges),
        developer_metadata=json_copy(sheet.developer_metadata),
    )


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    properties: dict[str, Any]
    sheets: list[Sheet] = field(default_factory=list)
    next_object_id: int = 1_000_001
    developer_metadata: list[dict[str, Any]] = field(default_factory=list)  # SPREADSHEET-located
    # metadataId → (location type, sheetId, index) where it was last seen: a hint (metadata.py)
    metadata_index: dict[int, tuple[str, int | None, int | None]] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(self.properties["title"])

    @property
    def locale(self) -> str:
        """How typed (USER_ENTERED) text is read: decimal mark, day or month first."""
        return str(self.properties.get("locale") or "en_US")

    def metadata(self) -> dict[str, Any]:
        out = {
            "spreadsheetId": self.spreadsheet_id,
            "properties": copy.deepcopy(self.properties),
            "sheets": [sheet.metadata(i) for i, sheet in enumerate(self.sheets)],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit",
        }
        if self.developer_metadata:
            where = {"locationType": "SPREADSHEET", "spreadsheet": True}
            out["developerMetadata"] = [{**json_copy(m), "location": where} for m in self.developer_metadata]
        return out

    def copy(self) -> Spreadsheet:
        return Spreadsheet(
            self.spreadsheet_id,
            json_copy(self.properties),
            [copy_sheet(s) for s in self.sheets],
            self.next_object_id,
            json_copy(self.developer_metadata),
            dict(self.metadata_index),
        )

    def by_title(self, title: str) -> Sheet | None:
        return next((s for s in self.sheets if s.title == title), None)

    def by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def require_sheet(self, sheet_id: int | None) -> Sheet:
        sheet = self.by_id(sheet_id or 0)
        if sheet is None:
            raise invalid(f"No grid with id: {sheet_id or 0}")
        return sheet

    def resolve(self, text: str) -> tuple[Sheet, Bounds]:
        """An A1 range from a client to its sheet and bounds; unknown tabs cannot be parsed, as on Google."""
        title, cells = split_sheet(text)
        if title is None and cells is not None and (whole := self.by_title(cells)) is not None:
            return whole, WHOLE_SHEET
        sheet = self.sheets[0] if title is None else self.by_title(title)
        if sheet is None:
            raise unparsable_range(text)
        return sheet, WHOLE_SHEET if cells is None else parse_cells(cells, text)

    def new_sheet_id(self, title: str) -> int:
        """Google picks large random ids; so do we (deterministically) so index ≠ sheetId in tests."""
        used = {s.sheet_id for s in self.sheets}
        if not used:
            return 0
        candidate = zlib.crc32(f"{self.spreadsheet_id}/{title}".encode()) % 2_000_000_000
        while candidate in used:
            candidate += 1
        return candidate

    def new_object_id(self) -> int:
        self.next_object_id += 1
        return self.next_object_id


def new_sheet(sheet_id: int, title: str, rows: int = DEFAULT_ROWS, columns: int = DEFAULT_COLUMNS) -> Sheet:
    return Sheet(
        properties={
            "sheetId": sheet_id,
            "title": title,
            "sheetType": "GRID",
            "gridProperties": {"rowCount": rows, "columnCount": columns},
        }
    )


def cell_value(cell: Cell | None) -> Any:
    """The stored value: str, int, float, bool, the formula text, or None when empty."""
    entered = (cell or {}).get("userEnteredValue") or {}
    for key in ("formulaValue", "stringValue", "numberValue", "boolValue"):
        if key in entered:
            return entered[key]
    return None


def is_formula_cell(cell: Cell | None) -> bool:
    return "formulaValue" in ((cell or {}).get("userEnteredValue") or {})


def set_cell(sheet: Sheet, row: int, col: int, updater: Cell | None) -> None:
    """Replace a cell's content; an empty dict drops the cell so trimming sees it as empty."""
    if updater:
        sheet.cells[(row, col)] = updater
    else:
        sheet.cells.pop((row, col), None)


def parse_mask(fields: str, *, strip_spaces: bool = True) -> list[list[str]]:
    """'a(b,c.d),e' → [['a','b'], ['a','c','d'], ['e']]; '*' → [['*']].

    The `fields` URL parameter keeps its spaces (strip_spaces=False): Sheets reads "a, b" as a
    field named " b" and refuses it."""
    paths: list[list[str]] = []
    stack: list[list[str]] = [[]]
    token = ""
    text = fields.replace(" ", "") if strip_spaces else fields
    # Google accepts "/" as well as "." between names; gspread sends "gridProperties/frozenRowCount".
    for ch in text.replace("/", ".") + ",":
        if ch == "(":
            stack.append(stack[-1] + token.split("."))
            token = ""
        elif ch in ",)":
            if token:
                paths.append(stack[-1] + token.split("."))
            token = ""
            if ch == ")":
                stack.pop()
        else:
            token += ch
    if len(stack) != 1:
        raise SheetsError(400, f"Invalid field mask: {fields}")
    return paths


def apply_mask(target: dict[str, Any], source: dict[str, Any], fields: str | None) -> None:
    """Copy the masked fields from source to target; a masked field absent from source is cleared."""
    apply_paths(target, source, mask_paths(fields))


def mask_paths(fields: str | None) -> list[list[str]]:
    if not fields:
        raise invalid("At least one field must be specified.")
    return parse_mask(fields)


def apply_paths(target: dict[str, Any], source: dict[str, Any], paths: list[list[str]]) -> None:
    for path in paths:
        if path == ["*"]:
            target.clear()
            target.update(json_copy(source))
            continue
        _copy_path(target, source, path)


def _copy_path(target: dict[str, Any], source: dict[str, Any], path: list[str]) -> None:
    src: Any = source
    for key in path:
        src = src.get(key) if isinstance(src, dict) else None
    node = target
    for key in path[:-1]:
        node = node.setdefault(key, {})
    if src is None:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = json_copy(src)
    _prune(target, path)


def _prune(target: dict[str, Any], path: list[str]) -> None:
    """Drop dicts the mask left empty, so an emptied cell counts as empty."""
    chain = [target]
    for key in path[:-1]:
        nxt = chain[-1].get(key)
        if not isinstance(nxt, dict):
            return
        chain.append(nxt)
    for parent, key in zip(reversed(chain[:-1]), reversed(path[:-1]), strict=True):
        if parent.get(key) == {}:
            del parent[key]
