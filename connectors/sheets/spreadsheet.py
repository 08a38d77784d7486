"""The one interface flows use: plan every tab, refuse before writing, then let a backend apply."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from connectors.sheets.charts import CHART_PREFIX, FoundChart, chart_change, chart_ids
from connectors.sheets.layout import format_ids, tab_layout
from connectors.sheets.memory import Memory, fitting, read_memory
from connectors.sheets.merge import HEADER_SCAN_ROWS, Grid, TabPlan, plan_tab
from connectors.sheets.ownership import TabMemory
from connectors.sheets.results import CellChange, SyncResult, TabResult, sync_result
from connectors.sheets.table import MEMORY_TAB, SheetError, SheetLayoutError, Table
from connectors.sheets.values import header_name, is_blank, normalise
from connectors.sheets.writer_lock import WriterLock


@dataclass
class Snapshot:
    """What a backend read: grids of the requested tabs (None: missing) and its own handles."""

    title: str
    grids: dict[str, Grid | None]
    memory_grid: Grid | None
    handle: Any = None
    charts: dict[str, list[FoundChart]] = field(default_factory=dict)  # per requested tab that exists
    # The memory's copy where deleting the `_opsheets` tab cannot reach it; None: the backend keeps none.
    backup: Memory | None = None
    backup_limit: int | None = None  # characters the copy holds per tab (None: no limit)

    def remembered(self) -> Memory:
        """What opsheets recorded: the tab's lines, and the copy's for any tab the tab has no line for."""
        return {**(self.backup or {}), **read_memory(self.memory_grid)}


class ReplanNeeded(Exception):
    """The backend's structural write was refused in a way a lost-response retry explains."""


# A refused replay means an earlier write landed; under load two answers in a row have been lost.
MAX_REPLANS = 3


@dataclass(frozen=True)
class OnChange:
    """Tables a sync adds only when its other tables change something (a run's log row): planned in
    the same pass and applied in the same write, so the row is never missing beside new data.

    `tabs` are read together with the other tables' tabs; `tables` gets the number of cells the
    other tables change and returns tables for those tabs only.
    """

    tabs: tuple[str, ...]
    tables: Callable[[int], list[Table]]


class Backend(Protocol):
    title: str

    def load(self, tabs: list[str]) -> Snapshot: ...

    def read_values(self, tab: str) -> Grid | None: ...

    def read_formatted(self, tab: str) -> tuple[Grid, Grid] | None: ...

    def apply(self, snapshot: Snapshot, plans: list[TabPlan], memory: Memory) -> None: ...


class Spreadsheet:
    def __init__(self, backend: Backend, lock: WriterLock | None = None) -> None:
        self.backend = backend
        self.lock: WriterLock = lock or nullcontext  # held from a sync's read to its write

    @property
    def title(self) -> str:
        return self.backend.title

    def sync(
        self, tables: list[Table], *, today: date, dry_run: bool = False, on_change: OnChange | None = None
    ) -> SyncResult:
        """Keyed merge of every table into its tab, in one write; raises SheetLayoutError before any write.

        A sync that may write holds the spreadsheet's writer lock from its read to its write, so a
        second opsheets process on the same spreadsheet waits instead of planning on a stale read.
        """
        with nullcontext() if dry_run else self.lock():
            return self._sync(tables, today=today, dry_run=dry_run, on_change=on_change)

    def _sync(
        self, tables: list[Table], *, today: date, dry_run: bool, on_change: OnChange | None
    ) -> SyncResult:
        extra_tabs = on_change.tabs if on_change else ()
        _check_unique_tabs([t.tab for t in tables], extra_tabs)
        refused_plans: list[TabPlan] | None = None
        for replans in range(MAX_REPLANS + 1):
            snapshot = self.backend.load([*(t.tab for t in tables), *extra_tabs])
            plans, memory = _plan_all(snapshot, tables, today, on_change)
            problems = [p for plan in plans for p in plan.problems]
            if problems:
                raise SheetLayoutError("\n".join(problems))
            if dry_run or not _needs_write(snapshot, plans, memory):
                # Nothing left after a refused replay: the write it replayed had landed; report that one.
                plans = refused_plans or plans
                break
            try:
                self.backend.apply(snapshot, plans, memory)
                break
            except ReplanNeeded as refused:
                refused_plans = plans
                if replans == MAX_REPLANS:
                    raise SheetError(
                        f"Spreadsheet '{snapshot.title}': {refused} (after re-reading {MAX_REPLANS} times)"
                    ) from refused
        return sync_result(snapshot.title, plans, dry_run)

    def check_layout(self, tables: list[Table]) -> list[str]:
        """Problems a sync would refuse on, without writing anything."""
        snapshot = self.backend.load([t.tab for t in tables])
        plans, _ = _plan_all(snapshot, tables, date.today())
        return [p for plan in plans for p in plan.problems]

    def read_rows(
        self, tab: str, *, required: tuple[str, ...] = (), dates: tuple[str, ...] = ()
    ) -> list[tuple[int, dict[str, Any]]]:
        """Rows under the header as (1-based sheet row, {header: value}); blank rows skipped.

        The header is the first row among the first 20 holding every `required` name (or the first
        non-blank row). Headers match `required` and `dates` names whatever their case and surrounding
        spaces (people type "date" or " Amount ") and are keyed by the names given here; other headers
        as typed, stripped. Columns named in `dates` turn serial numbers / datetimes into dates.
        """
        grid = self.read_grid(tab)
        if grid is None:
            raise SheetLayoutError(
                f"Spreadsheet '{self.title}': tab '{tab}' not found. Fix: create or rename it"
            )
        return self.rows_in(grid, tab, required=required, dates=dates)

    def read_formatted_rows(
        self, tab: str, *, required: tuple[str, ...] = (), dates: tuple[str, ...] = ()
    ) -> list[tuple[int, dict[str, Any], dict[str, str]]]:
        """`read_rows`, each row with the number format of its number cells ({header: pattern}): a
        value typed as "$45" is stored as 45 in a dollar format, and only the format says so."""
        read = self.backend.read_formatted(tab)
        if read is None:
            raise SheetLayoutError(
                f"Spreadsheet '{self.title}': tab '{tab}' not found. Fix: create or rename it"
            )
        grid, formats = read
        rows = self.rows_in(grid, tab, required=required, dates=dates)  # refuses a grid without a header
        header_row = _find_header(grid, required)
        assert header_row is not None
        names = _column_names(grid[header_row], required, dates)
        return [
            (number, cells, _number_formats(grid[number - 1], _row(formats, number - 1), names))
            for number, cells in rows
        ]

    def read_grid(self, tab: str) -> Grid | None:
        """One tab's cells as stored (None: no such tab), in a single read request."""
        return self.backend.read_values(tab)

    def rows_in(
        self, grid: Grid, tab: str, *, required: tuple[str, ...] = (), dates: tuple[str, ...] = ()
    ) -> list[tuple[int, dict[str, Any]]]:
        """`read_rows` over a grid already read (see there)."""
        header_row = _find_header(grid, required)
        if header_row is None:
            raise SheetLayoutError(
                f"Spreadsheet '{self.title}', tab '{tab}', column '{', '.join(required)}': no header row "
                f"among the first {HEADER_SCAN_ROWS} rows. Fix: restore the header"
            )
        names = _column_names(grid[header_row], required, dates)
        rows = []
        for r in range(header_row + 1, len(grid)):
            values = {
                n: normalise(v, "date" if n in dates else "text")
                for n, v in zip(names, grid[r], strict=False)
                if n
            }
            if any(not is_blank(v) for v in values.values()):
                rows.append((r + 1, {n: values.get(n, "") for n in names if n}))
        return rows


def _column_names(header: list[Any], required: tuple[str, ...], dates: tuple[str, ...]) -> list[str]:
    """Each column's name as rows are keyed: a required or date column by the name given, whatever
    its case and spacing in the sheet; any other by its header as typed, stripped."""
    canonical = {name.strip().casefold(): name for name in (*dates, *required)}
    return [canonical.get(header_name(v).casefold(), header_name(v)) for v in header]


def _row(grid: Grid, index: int) -> list[Any]:
    return grid[index] if index < len(grid) else []


def _number_formats(values: list[Any], patterns: list[Any], names: list[str]) -> dict[str, str]:
    """{column name: number format} of the row's number cells that have one."""
    return {
        name: str(pattern)
        for name, value, pattern in zip(names, values, patterns, strict=False)
        if name and pattern and isinstance(value, int | float) and not isinstance(value, bool)
    }


def _check_unique_tabs(tabs: list[str], extra_tabs: tuple[str, ...]) -> None:
    every = [*tabs, *extra_tabs]
    if len(set(every)) != len(every):
        raise ValueError(f"two tables write the same tab: {every}")


def _plan_all(
    snapshot: Snapshot, tables: list[Table], today: date, on_change: OnChange | None = None
) -> tuple[list[TabPlan], Memory]:
    remembered = snapshot.remembered()

    def plan(table: Table) -> TabPlan:
        planned = plan_tab(
            snapshot.title, table, snapshot.grids.get(table.tab), remembered.get(table.tab), today
        )
        planned.chart_change = chart_change(planned, snapshot.charts.get(table.tab, []))
        return planned

    plans = [plan(t) for t in tables]
    if on_change and any(p.writes or p.changes_structure for p in plans):
        added = on_change.tables(sum(len(p.writes) for p in plans))
        stray = [t.tab for t in added if t.tab not in on_change.tabs]
        if stray or len({t.tab for t in added}) != len(added):
            raise ValueError(
                f"on_change returned tables for tabs {stray or [t.tab for t in added]}: "
                f"each must be one of the declared tabs {list(on_change.tabs)}, once"
            )
        plans += [plan(t) for t in added]
    memory = {**remembered, **{p.tab: _memory_line(p) for p in plans}}
    return plans, memory


def _memory_line(plan: TabPlan) -> TabMemory:
    """What opsheets will have written in the tab once the plan is applied."""
    recorded = plan.recorded_formats
    rules = format_ids(tab_layout(plan)) if plan.relayout or recorded is None else _rule_ids(recorded)
    return TabMemory(tuple(plan.positions), plan.table.key, plan.owned_rows, (*rules, *chart_ids(plan)))


def _rule_ids(recorded: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f for f in recorded if not f.startswith(CHART_PREFIX))


def _needs_write(snapshot: Snapshot, plans: list[TabPlan], memory: Memory) -> bool:
    if any(p.writes or p.changes_structure for p in plans):
        return True
    if snapshot.memory_grid is None or read_memory(snapshot.memory_grid) != memory:
        return True
    backup = snapshot.backup
    if backup is None:
        return False
    return any(backup.get(p.tab) != fitting(p.tab, memory[p.tab], snapshot.backup_limit) for p in plans)


def _find_header(grid: Grid, required: tuple[str, ...]) -> int | None:
    wanted = {n.strip().casefold() for n in required}
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        names = {header_name(v).casefold() for v in row}
        if (wanted and wanted <= names) or (not wanted and names - {""}):
            return i
    return None


__all__ = ["MEMORY_TAB", "CellChange", "OnChange", "Spreadsheet", "SyncResult", "TabResult"]
