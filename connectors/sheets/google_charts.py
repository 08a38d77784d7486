"""Sheets v4 chart bodies (addChart / deleteEmbeddedObject) and charts read back from metadata. Pure."""

from __future__ import annotations

from typing import Any

from connectors.sheets.charts import CHART_HEIGHT_PX, CHART_WIDTH_PX, ChartChange, ChartRanges, FoundChart

Request = dict[str, Any]
_TYPES = {"column": "COLUMN", "bar": "BAR"}
_KINDS = {v: k for k, v in _TYPES.items()}


def found_charts(sheet: dict[str, Any]) -> list[FoundChart]:
    """The charts of one `sheets[]` entry of spreadsheets.get, described in the connector's terms."""
    return [
        FoundChart(chart.get("spec", {}).get("title", ""), _ranges(chart.get("spec", {})), chart["chartId"])
        for chart in sheet.get("charts", [])
    ]


def _ranges(spec: dict[str, Any]) -> ChartRanges | None:
    basic = spec.get("basicChart") or {}
    sources = [d.get("domain") for d in basic.get("domains", [])]
    sources += [s.get("series") for s in basic.get("series", [])]
    columns = [c for c in map(_single_column, sources) if c is not None]
    if (
        basic.get("chartType") not in _KINDS
        or basic.get("headerCount") != 1
        or len(basic.get("domains", [])) != 1
    ):
        return None
    if len(columns) < 2 or len(columns) != len(sources) or len({c[:2] for c in columns}) != 1:
        return None
    (start, end, category), series = columns[0], columns[1:]
    return ChartRanges(_KINDS[basic["chartType"]], start, end, category, tuple(c[2] for c in series))


def _single_column(data: dict[str, Any] | None) -> tuple[int, int, int] | None:
    """(start row, end row, column) of a one-column source range; None for any other shape.

    Sheets leaves zero-valued fields out of its JSON, so a missing start index is 0; a missing end
    index is an open range, which opsheets never writes.
    """
    sources = ((data or {}).get("sourceRange") or {}).get("sources") or []
    if len(sources) != 1 or "endRowIndex" not in sources[0] or "endColumnIndex" not in sources[0]:
        return None
    box = sources[0]
    row0, col0 = int(box.get("startRowIndex", 0)), int(box.get("startColumnIndex", 0))
    return (row0, int(box["endRowIndex"]), col0) if int(box["endColumnIndex"]) - col0 == 1 else None


def chart_removals(change: ChartChange) -> list[Request]:
    return [{"deleteEmbeddedObject": {"objectId": ref}} for ref in change.remove]


def chart_addition(sheet_id: int, change: ChartChange, grid_cols: int) -> list[Request]:
    """addChart for the wished chart; the anchor is kept inside the grid, which Sheets requires."""
    if change.place is None:
        return []
    ranges = change.place.ranges
    along = "BOTTOM_AXIS" if ranges.kind == "bar" else "LEFT_AXIS"

    def data(col: int) -> dict[str, Any]:
        box = {
            "sheetId": sheet_id,
            "startRowIndex": ranges.header_row,
            "endRowIndex": ranges.end_row,
            "startColumnIndex": col,
            "endColumnIndex": col + 1,
        }
        return {"sourceRange": {"sources": [box]}}

    basic = {
        "chartType": _TYPES[ranges.kind],
        "legendPosition": "BOTTOM_LEGEND",
        "headerCount": 1,
        "domains": [{"domain": data(ranges.category)}],
        "series": [{"series": data(col), "targetAxis": along} for col in ranges.series],
    }
    anchor = {
        "sheetId": sheet_id,
        "rowIndex": ranges.header_row,
        "columnIndex": min(change.place.anchor_col, grid_cols - 1),
    }
    position = {
        "overlayPosition": {
            "anchorCell": anchor,
            "widthPixels": CHART_WIDTH_PX,
            "heightPixels": CHART_HEIGHT_PX,
        }
    }
    spec = {"title": change.place.title, "basicChart": basic}
    return [{"addChart": {"chart": {"spec": spec, "position": position}}}]
