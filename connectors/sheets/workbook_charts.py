"""openpyxl bar charts for the workbook backend: placed beside the table, read back for comparison."""

from __future__ import annotations

from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

from connectors.sheets.charts import CHART_HEIGHT_PX, CHART_WIDTH_PX, ChartChange, ChartRanges, FoundChart
from connectors.sheets.values import column_letter
from connectors.sheets.xlsx_references import cell_box

_BAR_DIRECTION = {"column": "col", "bar": "bar"}
_KINDS = {v: k for k, v in _BAR_DIRECTION.items()}
PX_PER_CM = 37.8


def found_charts(ws: Worksheet) -> list[FoundChart]:
    charts = ws._charts  # type: ignore[attr-defined]  # openpyxl lists a tab's charts only here
    return [FoundChart(_title(chart), _ranges(chart), chart) for chart in charts]


def apply_chart_change(ws: Worksheet, change: ChartChange) -> None:
    # openpyxl keeps a tab's charts only in a private list: read it, write it back without those removed
    charts = ws._charts  # type: ignore[attr-defined]
    ws._charts = [chart for chart in charts if not any(chart is ref for ref in change.remove)]  # type: ignore[attr-defined]
    if change.place is None:
        return
    ranges = change.place.ranges
    chart = BarChart()
    chart.type = _BAR_DIRECTION[ranges.kind]
    chart.title = change.place.title
    # centimetres, fractions included (types-openpyxl declares them int; openpyxl writes any number)
    chart.width, chart.height = CHART_WIDTH_PX / PX_PER_CM, CHART_HEIGHT_PX / PX_PER_CM  # type: ignore[assignment]
    # openpyxl 3.1 writes axes as deleted unless told otherwise: Excel would show bars without labels.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    first, last = ranges.header_row + 1, ranges.end_row  # 1-based: header row, last data row
    for col in ranges.series:
        values = Reference(ws, min_col=col + 1, min_row=first, max_row=last)
        chart.add_data(values, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=ranges.category + 1, min_row=first + 1, max_row=last))
    ws.add_chart(chart, f"{column_letter(change.place.anchor_col)}{first}")


def _title(chart: Any) -> str:
    rich = getattr(getattr(chart.title, "tx", None), "rich", None)
    if rich is None:
        return ""
    return "".join(run.t or "" for paragraph in rich.p for run in (paragraph.r or []))


def _ranges(chart: Any) -> ChartRanges | None:
    """The ranges of a bar chart whose series are single columns over the category's rows; else None."""
    if not isinstance(chart, BarChart) or chart.type not in _KINDS or not chart.series:
        return None
    category = _category_box(chart.series[0])
    if category is None:
        return None
    found = [_series_column(s, category) for s in chart.series]
    series = [col for col in found if col is not None]
    if len(series) != len(found):
        return None
    # 1-based category rows run from below the header to the last data row
    return ChartRanges(_KINDS[chart.type], category[1] - 2, category[3], category[0] - 1, tuple(series))


def _series_column(series: Any, category: tuple[int, int, int, int]) -> int | None:
    """0-based column of a series named by the header cell above its values, over the category's rows."""
    name = _box(series.tx.strRef.f if series.tx and series.tx.strRef else None)
    values = _box(series.val.numRef.f if series.val and series.val.numRef else None)
    if name is None or values is None:
        return None
    col = values[0]
    same_rows = (values[1], values[3]) == (category[1], category[3])
    if values[2] != col or name != (col, category[1] - 1, col, category[1] - 1) or not same_rows:
        return None
    return col - 1


def _category_box(series: Any) -> tuple[int, int, int, int] | None:
    ref = series.cat.numRef or series.cat.strRef if series.cat else None
    box = _box(ref.f if ref else None)
    return box if box and box[0] == box[2] else None


def _box(formula: str | None) -> tuple[int, int, int, int] | None:
    """(min col, min row, max col, max row), 1-based, of "'Tab'!$A$2:$A$5"; None when unreadable."""
    if not formula:
        return None
    try:
        return cell_box(formula.rsplit("!", 1)[-1].replace("$", ""))
    except ValueError:
        return None
