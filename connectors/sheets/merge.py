"""Keyed merge planning: what to change in a tab so it shows the source, keeping human work.

Pure: takes the grid as read (a list of rows of raw values) and returns a `TabPlan` of operations
in the order a backend applies them: delete columns, insert columns, delete rows, write cells.
The planner applies the same operations to a copy of the grid, so every coordinate it hands out
is already in the layout the backend will have at that step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from connectors.sheets.charts import ChartChange
from connectors.sheets.merge_rows import REMOVED_MARK, RowPlanning
from connectors.sheets.ownership import Key, TabMemory, row_id
from connectors.sheets.table import Column, Table
from connectors.sheets.values import header_name, is_blank

Grid = list[list[Any]]
HEADER_SCAN_ROWS = 20


@dataclass(frozen=True)
class CellWrite:
    row: int  # 0-based, final layout
    col: int
    value: Any  # normalised; "" clears the cell
    old: Any = ""


@dataclass
class TabPlan:
    table: Table
    create: bool = False
    delete_cols: list[int] = field(default_factory=list)  # apply in this order
    insert_cols: list[int] = field(default_factory=list)
    delete_rows: list[int] = field(default_factory=list)
    writes: list[CellWrite] = field(default_factory=list)
    header_row: int = 0
    positions: dict[str, int] = field(default_factory=dict)  # owned column → final index
    rows: int = 0  # final used extent
    cols: int = 0
    relayout: bool = False
    added: int = 0
    kept: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what was left alone, and why
    owned_rows: frozenset[str] = frozenset()  # ids of the rows opsheets owns once the plan is applied
    recorded_formats: tuple[str, ...] | None = None  # ids of its conditional formats as last written
    chart_change: ChartChange | None = None  # set once the backend has said which charts the tab has

    @property
    def tab(self) -> str:
        return self.table.tab

    @property
    def removed(self) -> int:
        return len(self.delete_rows)

    @property
    def changes_structure(self) -> bool:
        moved = self.create or self.delete_cols or self.insert_cols or self.delete_rows
        return bool(moved or self.relayout or self.chart_change)


class _Planner(RowPlanning):
    def __init__(self, title: str, table: Table, grid: Grid | None, remembered: TabMemory | None) -> None:
        self.title = title
        self.table = table
        self.grid: Grid = [list(r) for r in grid] if grid else []
        self.remembered = remembered
        self.owned: list[Column] = table.owned_columns()
        self.names = [c.name for c in self.owned]
        self.plan = TabPlan(table=table, create=grid is None)
        self.plan.recorded_formats = remembered.formats if remembered else None

    def problem(self, column: str, what: str, fix: str) -> None:
        self.plan.problems.append(
            f"Spreadsheet '{self.title}', tab '{self.table.tab}', column '{column}': {what}. Fix: {fix}"
        )

    def warn(self, what: str) -> None:
        self.plan.warnings.append(f"Spreadsheet '{self.title}', tab '{self.table.tab}': {what}")

    def run(self, today: date) -> TabPlan:
        self.check_source_keys()
        if not any(not is_blank(v) for row in self.grid for v in row):
            self.plan_fresh_tab()
        else:
            self.plan_existing_tab(today)
        plan = self.plan
        plan.rows = max(len(self.grid), plan.header_row + 1)
        plan.cols = max([len(r) for r in self.grid] + [i + 1 for i in plan.positions.values()])
        return plan

    # -- source ---------------------------------------------------------------------------------
    def check_source_keys(self) -> None:
        seen: set[Key] = set()
        for row in self.table.rows:
            key = self.source_key(row)
            if all(k == "" for k in key):
                self.problem(self.key_label(), "a source row has an empty key", "give every source row a key")
            elif key in seen:
                as_given = tuple(row.get(k) for k in self.table.key)
                self.problem(
                    self.key_label(),
                    f"key {self.show_key(as_given)} appears more than once in the source",
                    "make the source keys unique (the sheet was not touched)",
                )
            seen.add(key)

    def key_label(self) -> str:
        return ", ".join(self.table.key)

    @staticmethod
    def show_key(key: tuple[Any, ...]) -> str:
        return repr(key[0]) if len(key) == 1 else repr(key)

    # -- a tab with nothing in it ---------------------------------------------------------------
    def plan_fresh_tab(self) -> None:
        plan = self.plan
        plan.relayout = True
        plan.positions = {name: i for i, name in enumerate(self.names)}
        self.grid = []
        self.write_row(0, dict(zip(self.names, self.names, strict=True)), header=True)
        for row in self.table.rows:
            self.write_row(len(self.grid), row)
            plan.added += 1
        if self.table.mode == "managed":  # as in plan_rows: a filled tab's rows need no record
            plan.owned_rows = frozenset(row_id(self.source_key(r)) for r in self.table.rows)

    # -- a tab with content ---------------------------------------------------------------------
    def plan_existing_tab(self, today: date) -> None:
        header_row = self.find_header()
        if header_row is None:
            what = f"no row among the first {HEADER_SCAN_ROWS} holds the key header(s) {self.key_label()}"
            self.problem(
                self.key_label(), what, "restore the header row, or clear the tab to let opsheets rebuild it"
            )
            return
        self.plan.header_row = header_row
        positions = self.read_positions(header_row)
        if self.plan.problems:
            return
        self.plan_columns(positions)
        self.plan_rows(today)

    def find_header(self) -> int | None:
        """The first row with the key headers and the most owned ones: a person's row above the table
        that happens to hold a key header's text (a title, a copied header cell) is not taken for it."""
        known = {*self.names, *self.remembered_columns}
        # A key column opsheets has not written yet (the key changed) is added to the header, not looked for.
        required = [k for k in self.table.key if self.remembered is None or k in self.remembered_columns]
        best: tuple[int, int] | None = None  # (owned headers, -row)
        for i, row in enumerate(self.grid[:HEADER_SCAN_ROWS]):
            names = {header_name(v) for v in row}
            if all(k in names for k in required) and names & known:
                score = (len(names & known), -i)
                best = max(best, score) if best else score
        return -best[1] if best else None

    @property
    def remembered_columns(self) -> tuple[str, ...]:
        return self.remembered.columns if self.remembered else ()

    def read_positions(self, header_row: int) -> dict[str, int]:
        positions: dict[str, int] = {}
        for col, cell in enumerate(self.grid[header_row]):
            name = header_name(cell)
            if name in positions and (name in self.names or name in self.remembered_columns):
                self.problem(name, "the header appears twice", "rename or delete one of the two columns")
            positions.setdefault(name, col)
        for name in self.names:
            if name in positions and self.remembered is not None and name not in self.remembered_columns:
                self.refuse_human_column(name)
            if name not in positions and name in self.remembered_columns:
                self.problem(
                    name,
                    f"the owned header is missing from row {header_row + 1} (renamed or deleted)",
                    f"rename the header back to '{name}' or undo the column delete; to let opsheets add the "
                    f"column afresh, remove '{name}' from this tab's line in the hidden '_opsheets' tab",
                )
        return positions

    def refuse_human_column(self, name: str) -> None:
        """A column opsheets is about to own exists already and opsheets never wrote it: a person's."""
        self.problem(
            name,
            "opsheets is to maintain a column of this name, and the column there is a person's "
            "(opsheets did not write it): its values would be overwritten, so the tab was not touched",
            f"rename the person's column (for example '{name} (notes)'); or, if opsheets may replace its "
            f"values, add '{name}' to the owned columns on this tab's line in the hidden '_opsheets' tab "
            "(unhide it from the tab list)",
        )

    def plan_columns(self, positions: dict[str, int]) -> None:
        plan = self.plan
        stale = [n for n in self.remembered_columns if n not in self.names and n in positions]
        if self.table.mode == "managed":
            for col in sorted((positions[n] for n in stale), reverse=True):
                plan.delete_cols.append(col)
                for row in self.grid:
                    if col < len(row):
                        del row[col]
        layout = self.header_layout()
        added: list[str] = []
        for i, name in enumerate(self.names):
            if name in layout:
                continue
            added.append(name)
            before = [layout.index(n) for n in self.names[:i] if n in layout]
            after = [layout.index(n) for n in self.names[i + 1 :] if n in layout]
            col = before[-1] + 1 if before else min(after)
            plan.insert_cols.append(col)
            layout.insert(col, name)
            for r, row in enumerate(self.grid):
                if col <= len(row):
                    row.insert(col, name if r == plan.header_row else "")
                elif r == plan.header_row:
                    row.extend([""] * (col - len(row)) + [name])
        # Header writes use the final layout: a column inserted left of one added earlier shifts it.
        plan.writes.extend(CellWrite(plan.header_row, layout.index(n), n) for n in added)
        plan.positions = {n: layout.index(n) for n in self.names}
        plan.relayout = bool(plan.delete_cols or plan.insert_cols or self.remembered is None)

    def header_layout(self) -> list[str | None]:
        header = self.grid[self.plan.header_row]
        return [header_name(v) if header_name(v) in self.names else None for v in header]

    def put(self, row: int, col: int, value: Any, old: Any) -> None:
        self.plan.writes.append(CellWrite(row, col, value, old))
        while len(self.grid) <= row:
            self.grid.append([])
        cells = self.grid[row]
        cells.extend([None] * (col + 1 - len(cells)))
        cells[col] = value


def plan_tab(
    title: str, table: Table, grid: Grid | None, remembered: TabMemory | None, today: date
) -> TabPlan:
    """Plan one tab. `grid` None means the tab does not exist; `remembered` None: no record of it."""
    return _Planner(title, table, grid, remembered).run(today)


__all__ = ["HEADER_SCAN_ROWS", "REMOVED_MARK", "CellWrite", "Grid", "TabPlan", "plan_tab"]
