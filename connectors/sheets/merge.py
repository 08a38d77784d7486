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
from connectors.sheets.table import SYNC_STATUS, Column, Table
from connectors.sheets.values import header_name, is_blank, normalise

Grid = list[list[Any]]
HEADER_SCAN_ROWS = 20
REMOVED_MARK = "removed from source"


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


class _Planner:
    def __init__(self, title: str, table: Table, grid: Grid | None, remembered: list[str] | None) -> None:
        self.title = title
        self.table = table
        self.grid: Grid = [list(r) for r in grid] if grid else []
        self.remembered = remembered
        self.owned: list[Column] = table.owned_columns()
        self.names = [c.name for c in self.owned]
        self.plan = TabPlan(table=table, create=grid is None)

    def problem(self, column: str, what: str, fix: str) -> None:
        self.plan.problems.append(
            f"Spreadsheet '{self.title}', tab '{self.table.tab}', column '{column}': {what}. Fix: {fix}"
        )

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
    def source_key(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(normalise(row.get(k), self.table.kind_of(k)) for k in self.table.key)

    def check_source_keys(self) -> None:
        seen: set[tuple[Any, ...]] = set()
        for row in self.table.rows:
            key = self.source_key(row)
            if all(k == "" for k in key):
                self.problem(self.key_label(), "a source row has an empty key", "give every source row a key")
            elif key in seen:
                self.problem(
                    self.key_label(),
                    f"key {self.show_key(key)} appears more than once in the source",
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
        for i, row in enumerate(self.grid[:HEADER_SCAN_ROWS]):
            names = {header_name(v) for v in row}
            if all(k in names for k in self.table.key):
                return i
        return None

    def read_positions(self, header_row: int) -> dict[str, int]:
        positions: dict[str, int] = {}
        for col, cell in enumerate(self.grid[header_row]):
            name = header_name(cell)
            if name in positions and (name in self.names or name in (self.remembered or [])):
                self.problem(name, "the header appears twice", "rename or delete one of the two columns")
            positions.setdefault(name, col)
        for name in self.names:
            if name not in positions and name in (self.remembered or []):
                self.problem(
                    name,
                    f"the owned header is missing from row {header_row + 1} (renamed or deleted)",
                    f"rename the header back to '{name}' or undo the column delete; to let opsheets add the "
                    f"column afresh, remove '{name}' from this tab's line in the hidden '_opsheets' tab",
                )
        return positions

    def plan_columns(self, positions: dict[str, int]) -> None:
        plan = self.plan
        stale = [n for n in (self.remembered or []) if n not in self.names and n in positions]
        if self.table.mode == "managed":
            for col in sorted((positions[n] for n in stale), reverse=True):
                plan.delete_cols.append(col)
                for row in self.grid:
                    if col < len(row):
                        del row[col]
        layout = self.header_layout()
        for i, name in enumerate(self.names):
            if name in layout:
                continue
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
            plan.writes.append(CellWrite(plan.header_row, col, name))
        plan.positions = {n: layout.index(n) for n in self.names}
        plan.relayout = bool(plan.delete_cols or plan.insert_cols or self.remembered is None)

    def header_layout(self) -> list[str | None]:
        header = self.grid[self.plan.header_row]
        return [header_name(v) if header_name(v) in self.names else None for v in header]

    def plan_rows(self, today: date) -> None:
        source = {self.source_key(r): r for r in self.table.rows}
        sheet = self.sheet_rows()
        if self.plan.problems:
            return
        human_cols = [c for c in range(max(map(len, self.grid))) if c not in self.plan.positions.values()]
        for key, row in sorted(sheet.items(), key=lambda kv: -kv[1]):
            if key in source or self.table.mode == "fill":
                continue
            if any(not is_blank(self.cell(row, c)) for c in human_cols):
                continue
            self.plan.delete_rows.append(row)
            del self.grid[row]
        sheet = self.sheet_rows()
        for key, row in sheet.items():
            if key in source:
                self.update_row(row, source[key])
            elif self.table.mode == "managed":
                self.mark_kept(row, today)
        next_row = self.last_used_row() + 1
        for key, values in source.items():
            if key not in sheet:
                self.write_row(next_row, values)
                self.plan.added += 1
                next_row += 1

    def sheet_rows(self) -> dict[tuple[Any, ...], int]:
        found: dict[tuple[Any, ...], int] = {}
        key_cols = [(self.plan.positions[k], self.table.kind_of(k)) for k in self.table.key]
        for r in range(self.plan.header_row + 1, len(self.grid)):
            key = tuple(normalise(self.cell(r, c), kind) for c, kind in key_cols)
            if all(k == "" for k in key):
                continue  # a human's row (blank, a subtotal, a note): left alone
            if key in found:
                self.problem(
                    self.key_label(),
                    f"key {self.show_key(key)} is on rows {found[key] + 1} and {r + 1}",
                    "delete or change one of the two rows",
                )
            found.setdefault(key, r)
        return found

    def cell(self, row: int, col: int) -> Any:
        cells = self.grid[row] if row < len(self.grid) else []
        return cells[col] if col < len(cells) else None

    def last_used_row(self) -> int:
        for r in range(len(self.grid) - 1, -1, -1):
            if any(not is_blank(v) for v in self.grid[r]):
                return max(r, self.plan.header_row)
        return self.plan.header_row

    def update_row(self, row: int, values: dict[str, Any]) -> None:
        wanted = {**values, SYNC_STATUS: ""} if self.table.mode == "managed" else values
        for column in self.owned:
            col = self.plan.positions[column.name]
            old = normalise(self.cell(row, col), column.kind)
            new = normalise(wanted.get(column.name), column.kind)
            if self.table.mode == "fill" and old != "":
                continue
            if old != new:
                self.put(row, col, new, old)

    def mark_kept(self, row: int, today: date) -> None:
        self.plan.kept += 1
        col = self.plan.positions[SYNC_STATUS]
        old = normalise(self.cell(row, col))
        if not (isinstance(old, str) and old.startswith(REMOVED_MARK)):
            self.put(row, col, f"{REMOVED_MARK} {today.isoformat()}", old)

    def write_row(self, row: int, values: dict[str, Any], header: bool = False) -> None:
        for column in self.owned:
            new = values.get(column.name) if header else normalise(values.get(column.name), column.kind)
            if not is_blank(new):
                self.put(row, self.plan.positions[column.name], new, "")

    def put(self, row: int, col: int, value: Any, old: Any) -> None:
        self.plan.writes.append(CellWrite(row, col, value, old))
        while len(self.grid) <= row:
            self.grid.append([])
        cells = self.grid[row]
        cells.extend([None] * (col + 1 - len(cells)))
        cells[col] = value


def plan_tab(
    title: str, table: Table, grid: Grid | None, remembered: list[str] | None, today: date
) -> TabPlan:
    """Plan one tab. `grid` None means the tab does not exist; `remembered` None: never synced."""
    return _Planner(title, table, grid, remembered).run(today)
