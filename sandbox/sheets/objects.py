"""Conditional format rules, protected ranges and charts: stored as sent, with ids Google would assign."""

from __future__ import annotations

import copy
from typing import Any

from sandbox.sheets.errors import invalid
from sandbox.sheets.model import Sheet, Spreadsheet
from sandbox.sheets.ranges import grid_box

Reply = dict[str, Any] | None


def add_conditional_format_rule(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    rule = copy.deepcopy(body.get("rule") or {})
    ranges = rule.get("ranges") or []
    if not ranges:
        raise invalid("A conditional format rule needs at least one range.")
    if not ("booleanRule" in rule or "gradientRule" in rule):
        raise invalid("A conditional format rule needs a booleanRule or a gradientRule.")
    sheets = {grid_box(book, r).sheet.sheet_id for r in ranges}
    if len(sheets) != 1:
        raise invalid("All ranges of a conditional format rule must be on the same sheet.")
    for r in ranges:
        r.setdefault("sheetId", 0)
    sheet = book.require_sheet(sheets.pop())
    index = int(body.get("index", 0))
    if not 0 <= index <= len(sheet.conditional_formats):
        raise invalid(f"Invalid index {index}: the sheet has {len(sheet.conditional_formats)} rules.")
    sheet.conditional_formats.insert(index, rule)
    return None


def delete_conditional_format_rule(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    sheet = book.require_sheet(body.get("sheetId", 0))
    index = int(body.get("index", 0))
    if not 0 <= index < len(sheet.conditional_formats):
        raise invalid(f"No conditional format on sheet {sheet.sheet_id} at index {index}")
    return {"rule": sheet.conditional_formats.pop(index)}


def add_protected_range(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    protected = copy.deepcopy(body.get("protectedRange") or {})
    if "range" not in protected:
        raise invalid("The sandbox supports protected ranges given by range only.")
    protected["range"].setdefault("sheetId", 0)
    sheet = grid_box(book, protected["range"]).sheet
    for unprotected in protected.get("unprotectedRanges", []):
        grid_box(book, unprotected)
    protected["protectedRangeId"] = _object_id(book, protected.get("protectedRangeId"), _protected_ids(book))
    protected["requestingUserCanEdit"] = True
    sheet.protected_ranges.append(protected)
    return {"protectedRange": copy.deepcopy(protected)}


def delete_protected_range(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    wanted = body.get("protectedRangeId")
    for sheet in book.sheets:
        for protected in sheet.protected_ranges:
            if protected["protectedRangeId"] == wanted:
                sheet.protected_ranges.remove(protected)
                return None
    raise invalid(f"No protected range with id: {wanted}")


def add_chart(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    chart = copy.deepcopy(body.get("chart") or {})
    if "spec" not in chart:
        raise invalid("A chart needs a spec.")
    sheet = _chart_sheet(book, chart.get("position") or {})
    chart["chartId"] = _object_id(book, chart.get("chartId"), _chart_ids(book))
    sheet.charts.append(chart)
    return {"chart": copy.deepcopy(chart)}


def delete_embedded_object(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    wanted = body.get("objectId")
    for sheet in book.sheets:
        for chart in sheet.charts:
            if chart["chartId"] == wanted:
                sheet.charts.remove(chart)
                return None
    raise invalid(f"No embedded object with id: {wanted}")


def _chart_sheet(book: Spreadsheet, position: dict[str, Any]) -> Sheet:
    """Charts placed on a new sheet are kept on the first sheet: the sandbox has no object sheets."""
    if "overlayPosition" in position:
        return book.require_sheet(position["overlayPosition"].get("anchorCell", {}).get("sheetId", 0))
    if "sheetId" in position:
        return book.require_sheet(position["sheetId"])
    if position.get("newSheet"):
        return book.sheets[0]
    raise invalid("A chart needs a position (overlayPosition, sheetId or newSheet).")


def _object_id(book: Spreadsheet, requested: Any, taken: set[int]) -> int:
    if requested is None:
        return book.new_object_id()
    if int(requested) in taken:
        raise invalid(f"An object with id {requested} already exists.")
    return int(requested)


def _protected_ids(book: Spreadsheet) -> set[int]:
    return {p["protectedRangeId"] for s in book.sheets for p in s.protected_ranges}


def _chart_ids(book: Spreadsheet) -> set[int]:
    return {c["chartId"] for s in book.sheets for c in s.charts}
