"""Sheets v4 request bodies for a plan: structure, layout and cells (spreadsheets:batchUpdate) and values.

Pure: no I/O. Order inside the structural batch matters — our old conditional formats and protected
ranges are removed before any row or column is deleted (a delete can take them along, and then a
later delete-by-index would hit the wrong rule).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from connectors.sheets.charts import FoundChart
from connectors.sheets.google_anchor import Anchors
from connectors.sheets.google_charts import found_charts
from connectors.sheets.google_formats import is_ours
from connectors.sheets.layout import AMBER, GREEN, RED, SCALE_RED_AT, WHITE, RuleLayout, TabLayout
from connectors.sheets.merge import CellWrite, TabPlan
from connectors.sheets.values import a1, to_serial

PROTECTION_TAG = "opsheets"
ROW_HEADROOM = 100  # grow grids in steps, so most syncs that append rows need no structural request
NEW_TAB_MIN = (1000, 26)  # Google's own default grid: room for humans to add notes and columns
_NUMBER_KINDS = ("int", "hours", "decimal", "money")
_FORMAT_TYPES = {"percent": "PERCENT", "date": "DATE"} | dict.fromkeys(_NUMBER_KINDS, "NUMBER")

Request = dict[str, Any]


@dataclass
class SheetInfo:
    sheet_id: int
    rows: int
    cols: int
    conditional_formats: list[dict[str, Any]]
    protected_ranges: list[dict[str, Any]]
    charts: list[FoundChart] = field(default_factory=list)
    anchors: Anchors = field(default_factory=Anchors)  # opsheets' developer metadata on rows and columns

    @classmethod
    def from_metadata(cls, sheet: dict[str, Any]) -> SheetInfo:
        grid = sheet["properties"].get("gridProperties", {})
        return cls(
            sheet_id=int(sheet["properties"].get("sheetId", 0)),
            rows=int(grid.get("rowCount", 0)),
            cols=int(grid.get("columnCount", 0)),
            conditional_formats=sheet.get("conditionalFormats", []),
            protected_ranges=sheet.get("protectedRanges", []),
            charts=found_charts(sheet),
        )


def quote_tab(tab: str) -> str:
    return "'" + tab.replace("'", "''") + "'"


def add_sheet(sheet_id: int, title: str, rows: int, cols: int, hidden: bool = False) -> Request:
    grid = {"rowCount": max(rows, 1), "columnCount": max(cols, 1)}
    props = {"sheetId": sheet_id, "title": title, "gridProperties": grid, "hidden": hidden}
    return {"addSheet": {"properties": props}}


def removals(info: SheetInfo, header_row: int, recorded: tuple[str, ...] | None = None) -> list[Request]:
    """Our conditional formats (recorded identities, google_formats) and protected ranges from the
    last layout, to be replaced."""
    ours = [i for i, rule in enumerate(info.conditional_formats) if is_ours(rule, recorded, header_row)]
    out: list[Request] = [
        {"deleteConditionalFormatRule": {"sheetId": info.sheet_id, "index": i}}
        for i in sorted(ours, reverse=True)
    ]
    out += [
        {"deleteProtectedRange": {"protectedRangeId": p["protectedRangeId"]}}
        for p in info.protected_ranges
        if p.get("description") == PROTECTION_TAG
    ]
    return out


def dimension_ops(sheet_id: int, plan: TabPlan) -> list[Request]:
    out = [_delete(sheet_id, "COLUMNS", c) for c in plan.delete_cols]
    out += [
        {"insertDimension": {"range": _span(sheet_id, "COLUMNS", c), "inheritFromBefore": False}}
        for c in plan.insert_cols
    ]
    out += [_delete(sheet_id, "ROWS", r) for r in plan.delete_rows]
    return out


def growth(info: SheetInfo, plan: TabPlan) -> list[Request]:
    """appendDimension when the planned extent outgrows the grid left after this plan's deletes."""
    rows = info.rows - len(plan.delete_rows)
    cols = info.cols - len(plan.delete_cols) + len(plan.insert_cols)
    out = []
    if plan.rows > rows:
        out.append(_append(info.sheet_id, "ROWS", plan.rows - rows + ROW_HEADROOM))
    if plan.cols > cols:
        out.append(_append(info.sheet_id, "COLUMNS", plan.cols - cols))
    return out


def _span(sheet_id: int, dimension: str, index: int) -> dict[str, Any]:
    return {"sheetId": sheet_id, "dimension": dimension, "startIndex": index, "endIndex": index + 1}


def _delete(sheet_id: int, dimension: str, index: int) -> Request:
    return {"deleteDimension": {"range": _span(sheet_id, dimension, index)}}


def _append(sheet_id: int, dimension: str, length: int) -> Request:
    return {"appendDimension": {"sheetId": sheet_id, "dimension": dimension, "length": length}}


def layout_requests(sheet_id: int, layout: TabLayout) -> list[Request]:
    h = layout.header_row
    out: list[Request] = [
        {
            "updateSheetProperties": {
                "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": h + 1}},
                "fields": "gridProperties.frozenRowCount",
            }
        }
    ]
    for col in layout.columns:
        header = _box(sheet_id, col.index, h, h + 1)
        cell = {"userEnteredFormat": {"textFormat": {"bold": True}}, "note": layout.note}
        out.append(
            {
                "repeatCell": {
                    "range": header,
                    "cell": cell,
                    "fields": "userEnteredFormat.textFormat.bold,note",
                }
            }
        )
        if col.number_format:
            fmt = {"numberFormat": {"type": _FORMAT_TYPES[col.kind], "pattern": col.number_format}}
            body = {"range": _box(sheet_id, col.index, h + 1), "cell": {"userEnteredFormat": fmt}}
            out.append({"repeatCell": {**body, "fields": "userEnteredFormat.numberFormat"}})
        width = {"range": _span(sheet_id, "COLUMNS", col.index), "properties": {"pixelSize": col.width}}
        out.append({"updateDimensionProperties": {**width, "fields": "pixelSize"}})
        if layout.protect:
            protected = {
                "range": _box(sheet_id, col.index, h),
                "description": PROTECTION_TAG,
                "warningOnly": True,
            }
            out.append({"addProtectedRange": {"protectedRange": protected}})
    index = 0
    for rule in layout.rules:
        for body in _rules(rule, [_box(sheet_id, c, h + 1) for c in rule.columns]):
            out.append({"addConditionalFormatRule": {"rule": body, "index": index}})
            index += 1
    return out


def _box(sheet_id: int, col: int, row0: int, row1: int | None = None) -> dict[str, Any]:
    box = {"sheetId": sheet_id, "startRowIndex": row0, "startColumnIndex": col, "endColumnIndex": col + 1}
    if row1 is not None:
        box["endRowIndex"] = row1
    return box


def _color(rgb: tuple[float, float, float]) -> dict[str, float]:
    return {"red": rgb[0], "green": rgb[1], "blue": rgb[2]}


def _boolean(ranges: list[dict[str, Any]], kind: str, value: str, rgb: tuple[float, float, float]) -> dict:
    condition = {"type": kind, "values": [{"userEnteredValue": value}]}
    return {
        "ranges": ranges,
        "booleanRule": {"condition": condition, "format": {"backgroundColor": _color(rgb)}},
    }


def _rules(rule: RuleLayout, ranges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if rule.kind == "negative":
        return [_boolean(ranges, "NUMBER_LESS", "0", RED)]
    if rule.kind == "budget":  # first matching rule wins in Sheets, so red goes first
        return [
            _boolean(ranges, "NUMBER_GREATER", "1", RED),
            _boolean(ranges, "NUMBER_GREATER_THAN_EQ", "0.9", AMBER),
        ]
    scale = {
        "minpoint": {"type": "NUMBER", "value": str(SCALE_RED_AT), "color": _color(RED)},
        "midpoint": {"type": "NUMBER", "value": "0", "color": _color(WHITE)},
        "maxpoint": {"type": "MAX", "color": _color(GREEN)},
    }
    return [{"ranges": ranges, "gradientRule": scale}]


def value_ranges(tab: str, writes: list[CellWrite]) -> list[dict[str, Any]]:
    """Writes grouped into as few ranges as possible: one span per row (null = leave the cell),
    consecutive rows with the same span merged into one block."""
    by_row: dict[int, dict[int, Any]] = {}
    for w in writes:
        by_row.setdefault(w.row, {})[w.col] = encode(w.value)
    blocks: list[tuple[int, int, int, list[list[Any]]]] = []  # first row, first col, last col, rows
    for row in sorted(by_row):
        cells = by_row[row]
        lo, hi = min(cells), max(cells)
        values = [cells.get(c) for c in range(lo, hi + 1)]
        last = blocks[-1] if blocks else None
        if last and last[0] + len(last[3]) == row and (last[1], last[2]) == (lo, hi):
            last[3].append(values)
        else:
            blocks.append((row, lo, hi, [values]))
    return [
        {
            "range": f"{quote_tab(tab)}!{a1(r, lo)}:{a1(r + len(rows) - 1, hi)}",
            "majorDimension": "ROWS",
            "values": rows,
        }
        for r, lo, hi, rows in blocks
    ]


def cell_updates(sheet_id: int, writes: list[CellWrite]) -> list[Request]:
    """The writes as updateCells requests, for a structural batch that carries its own values.

    A cell left out of a range-bound updateCells is cleared, so each request covers one unbroken
    column span over consecutive rows: cells not written lie outside every range and stay as they are.
    """
    by_row: dict[int, dict[int, Any]] = {}
    for w in writes:
        by_row.setdefault(w.row, {})[w.col] = w.value
    blocks: list[tuple[int, int, int, list[list[Any]]]] = []  # first row, first col, last col, rows
    open_blocks: dict[tuple[int, int], tuple[int, int, int, list[list[Any]]]] = {}
    for row in sorted(by_row):
        cells = by_row[row]
        for lo, hi in _runs(sorted(cells)):
            values = [cells[c] for c in range(lo, hi + 1)]
            block = open_blocks.get((lo, hi))
            if block and block[0] + len(block[3]) == row:
                block[3].append(values)
            else:
                open_blocks[(lo, hi)] = block = (row, lo, hi, [values])
                blocks.append(block)
    return [
        {
            "updateCells": {
                "range": {
                    "sheetId": sheet_id,
                    "startRowIndex": r,
                    "endRowIndex": r + len(rows),
                    "startColumnIndex": lo,
                    "endColumnIndex": hi + 1,
                },
                "rows": [{"values": [cell_data(v) for v in values]} for values in rows],
                "fields": "userEnteredValue",
            }
        }
        for r, lo, hi, rows in blocks
    ]


def _runs(cols: list[int]) -> list[tuple[int, int]]:
    """Sorted column indexes as (first, last) runs of consecutive ones."""
    runs: list[tuple[int, int]] = []
    for col in cols:
        if runs and runs[-1][1] + 1 == col:
            runs[-1] = (runs[-1][0], col)
        else:
            runs.append((col, col))
    return runs


def cell_data(value: Any) -> dict[str, Any]:
    """CellData with the value as entered, literal like RAW: a string is a stringValue even when it
    starts with "=", so it never becomes a formula; "" is no value, which clears the cell."""
    kind = type(value)  # exact types first: a first sync encodes every cell it writes
    if kind is str:
        return {"userEnteredValue": {"stringValue": value}} if value else {}
    if kind is float or kind is int:
        return {"userEnteredValue": {"numberValue": value}}
    value = encode(value)
    if isinstance(value, str):
        return {"userEnteredValue": {"stringValue": value}} if value else {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, int | float):
        return {"userEnteredValue": {"numberValue": value}}
    raise TypeError(f"cannot write {value!r} to a cell")


def encode(value: Any) -> Any:
    """JSON for RAW input: dates as serial numbers (the column's date format shows them as dates)."""
    if isinstance(value, date):
        return to_serial(value)
    if isinstance(value, Decimal):
        return float(value)
    return value
