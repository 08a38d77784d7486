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


CHART_PREFIX = "chart:"


def chart_id(title: str, ranges: ChartRanges | None) -> str:
    """The identity opsheets records for a chart it placed: its title and exactly where it reads."""
    if ranges is None:
        return f"{CHART_PREFIX}{title}"
    series = ",".join(map(str, ranges.series))
    where = (ranges.kind, ranges.header_row, ranges.end_row, ranges.category, series)
    return CHART_PREFIX + "|".join(map(str, (title, *where)))


def chart_ids(plan: TabPlan) -> tuple[str, ...]:
    """The identities of the charts opsheets leaves on the tab once the plan is applied."""
    wanted = chart_layout(plan)
    return (chart_id(wanted.title, wanted.ranges),) if wanted else ()


def chart_change(plan: TabPlan, found: list[FoundChart]) -> ChartChange | None:
    """What to do about charts on the planned tab; None when it already shows exactly the wish.

    Ours are the charts whose identity (title and ranges) opsheets recorded when it placed them:
    re-laid out when its ranges differ (rows added or removed, columns moved), removed when the
    table has no rows, and extra copies removed. A person's chart is never taken for ours, whatever
    its title; one who retitles ours has taken it over. A tab with no record (an older version's)
    takes a chart titled like the wish as ours, once.
    """
    spec = plan.table.chart
    if spec is None:
        return None
    recorded = plan.recorded_formats
    ours = [
        f
        for f in found
        if (chart_id(f.title, f.ranges) in recorded if recorded is not None else f.title == spec.title)
    ]
    wanted = chart_layout(plan)
    if [f.ranges for f in ours] == ([wanted.ranges] if wanted else []):
        return None
    return ChartChange(tuple(f.ref for f in ours), wanted)
