"""Row planning of the keyed merge: which rows are opsheets' own, and what happens to each.

A row is opsheets' own when its key is one opsheets recorded writing (`TabMemory.rows`). Every other
row is a person's — a total line with `=SUM` under the table, a copied header, a note, a second copy
of one of our rows — and is never deleted, marked, moved or overwritten, and is no duplicate-key
error. A person's row that holds a key the source now has is taken over (that is how a row typed
ahead for a new person, or one of ours whose record was lost, joins the sync). Without a record
(memory lost and no copy, or written by an older version) rows holding a source key are ours and
every other row is left alone with a warning.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from connectors.sheets.ownership import Key, canonical, row_id
from connectors.sheets.table import SYNC_STATUS
from connectors.sheets.values import is_blank, normalise

if TYPE_CHECKING:
    from connectors.sheets.merge import Grid, TabPlan
    from connectors.sheets.ownership import TabMemory
    from connectors.sheets.table import Column, Table

REMOVED_MARK = "removed from source"
_LISTED = 5  # rows named in one warning


class RowPlanning:
    """Mixed into the planner: needs its table, grid, plan, remembered memory and put/cell helpers."""

    table: Table
    grid: Grid
    plan: TabPlan
    owned: list[Column]
    remembered: TabMemory | None

    if TYPE_CHECKING:  # the planner's

        def put(self, row: int, col: int, value: Any, old: Any) -> None: ...
        def warn(self, what: str) -> None: ...

    def cell(self, row: int, col: int) -> Any:
        cells = self.grid[row] if row < len(self.grid) else []
        return cells[col] if col < len(cells) else None

    def source_key(self, row: dict[str, Any]) -> Key:
        return tuple(canonical(row.get(k), self.table.kind_of(k)) for k in self.table.key)

    def sheet_key(self, row: int) -> Key:
        return tuple(
            canonical(self.cell(row, self.plan.positions[k]), self.table.kind_of(k)) for k in self.table.key
        )

    def recorded_rows(self) -> frozenset[str] | None:
        """Ids of the rows opsheets wrote; None when it has no record for this tab's key."""
        memory = self.remembered
        if memory is None or memory.rows is None or memory.key != self.table.key:
            return None
        return memory.rows

    def plan_rows(self, today: date) -> None:
        source = {self.source_key(r): r for r in self.table.rows}
        ours = self.our_rows(source, warn=True)
        self.delete_gone_rows(ours, source)
        ours = self.our_rows(source, warn=False)
        for key, row in ours.items():
            if key in source:
                self.update_row(row, source[key])
            elif self.table.mode == "managed":
                self.mark_kept(row, today)
        next_row = self.last_used_row() + 1
        for key, values in source.items():
            if key not in ours:
                self.write_row(next_row, values)
                self.plan.added += 1
                next_row += 1
        # A filled tab (People, Sync log) never deletes or marks a row: its rows need no record.
        managed = self.table.mode == "managed"
        self.plan.owned_rows = frozenset(row_id(k) for k in [*ours, *source]) if managed else frozenset()

    def our_rows(self, source: dict[Key, dict[str, Any]], warn: bool) -> dict[Key, int]:
        recorded = self.recorded_rows()
        ours: dict[Key, int] = {}
        copies: list[int] = []
        unproven: list[int] = []
        for r in range(self.plan.header_row + 1, len(self.grid)):
            key = self.sheet_key(r)
            if all(k == "" for k in key):
                continue  # a person's row (blank, a subtotal, a note)
            mine = key in source or (recorded is not None and row_id(key) in recorded)
            if not mine:
                unproven += [r] if recorded is None else []
            elif key in ours:
                copies.append(r)
            else:
                ours[key] = r
        if warn:
            self.warn_rows(
                copies, "holds the key of an earlier row of opsheets': left alone as a person's copy"
            )
            if self.table.mode == "managed":
                self.warn_rows(
                    unproven,
                    "not in the source, and opsheets has no record of writing it (its hidden memory was "
                    "lost or predates this version): left as it is; delete it if it is stale",
                )
        return ours

    def warn_rows(self, rows: list[int], what: str) -> None:
        if rows:
            listed = ", ".join(str(r + 1) for r in rows[:_LISTED]) + (" …" if len(rows) > _LISTED else "")
            self.warn(f"{'row' if len(rows) == 1 else 'rows'} {listed}: {what}")

    def delete_gone_rows(self, ours: dict[Key, int], source: dict[Key, dict[str, Any]]) -> None:
        if self.table.mode == "fill":
            return
        human_cols = [c for c in range(max(map(len, self.grid))) if c not in self.plan.positions.values()]
        for key, row in sorted(ours.items(), key=lambda kv: -kv[1]):
            if key in source or any(not is_blank(self.cell(row, c)) for c in human_cols):
                continue
            self.plan.delete_rows.append(row)
            del self.grid[row]

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
            if column.name in self.table.key and canonical(old, column.kind) == canonical(new, column.kind):
                continue  # the key as a person retyped it (101 for "101", other case) stays as typed
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
