"""Chart wishes, decided once: where our chart reads its data and whether the tab already shows it.

Pure. Backends describe the charts they find as `FoundChart`s in the same terms, so "is the chart
current?" is one comparison here, and an unchanged sync writes nothing for charts either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from connectors.sheets.merge import TabPlan

CHART_WIDTH_PX = 600
CHART_HEIGHT_PX = 360


@dataclass(frozen=True)
class ChartRanges:
    """Where a chart reads (0-based): series names on `header_row`, values below it up to `end_row`
    (exclusive), one category column and one column per series."""

    kind: str  # column / bar
    header_row: int
    end_row: int
    category: int
    series: tuple[int, ...]


@dataclass(frozen=True)
class ChartLayout:
    title: str
    ranges: ChartRanges
    anchor_col: int  # top-left on the header row, one spare column right of the table


@dataclass(frozen=True)
class FoundChart:
    """A chart a backend found on a tab; `ranges` None when it is not a shape opsheets writes."""

    title: str
    ranges: ChartRanges | None
    ref: Any  # the backend's handle: a chartId (Google) or the chart object (workbook)


@dataclass(frozen=True)
class ChartChange:
    """Our charts to remove from a tab and the one to place (None: the table has no rows to chart)."""

    remove: tuple[Any, ...]
    place: ChartLayout | None


def chart_layout(plan: TabPlan) -> ChartLayout | None:
    """The wished chart over the table's final rows; None without a wish or without data rows."""
    spec = plan.table.chart
    if spec is None or plan.rows <= plan.header_row + 1:
        return None
    ranges = ChartRanges(
        kind=spec.kind,
        header_row=plan.header_row,
        end_row=plan.rows,
        category=plan.positions[spec.category],
        series=tuple(plan.positions[s] for s in spec.series),
    )
    return ChartLayout(spec.title, ranges, anchor_col=plan.cols + 1)


def chart_change(plan: TabPlan, found: list[FoundChart]) -> ChartChange | None:
    """What to do about charts on the planned tab; None when it already shows exactly the wish.

    A chart titled like ours is ours: re-laid out when its ranges differ (rows added or removed,
    columns moved), removed when the table has no rows, and extra copies removed. A human who
    retitles it has taken it over, and it is left alone.
    """
    spec = plan.table.chart
    if spec is None:
        return None
    ours = [f for f in found if f.title == spec.title]
    wanted = chart_layout(plan)
    if [f.ranges for f in ours] == ([wanted.ranges] if wanted else []):
        return None
    return ChartChange(tuple(f.ref for f in ours), wanted)
