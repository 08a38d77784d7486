"""Where a plan's own changes take the rows and columns of the grid it was planned from.

Pure: a TabPlan's operations apply in order — delete columns, insert columns, delete rows, write
cells (merge.py) — so each read row or column has one final place, or none when the plan deletes it.
"""

from __future__ import annotations

import json

from connectors.sheets.merge import Grid, TabPlan
from connectors.sheets.values import is_blank, normalise


def rows_after(count: int, delete_rows: list[int]) -> tuple[dict[int, int], set[int]]:
    """Read row → final row for the rows the plan keeps, and the read rows it deletes (its deletes
    apply one by one, each at an index of the grid left by the ones before)."""
    order = list(range(count))
    deleted = set()
    for row in delete_rows:
        deleted.add(order.pop(row))
    return {read: final for final, read in enumerate(order)}, deleted


def cols_after(count: int, delete_cols: list[int], insert_cols: list[int]) -> dict[int, int]:
    order: list[int | None] = list(range(count))
    for col in delete_cols:
        del order[col]
    for col in insert_cols:
        order.insert(col, None)
    return {read: final for final, read in enumerate(order) if read is not None}


def final_keys(grid: Grid | None, plan: TabPlan) -> dict[int, str]:
    """Final row → its key as a tag value, for every row under the header with a key."""
    rows = [list(r) for r in grid or []]
    for col in plan.delete_cols:
        for row in rows:
            if col < len(row):
                del row[col]
    for col in plan.insert_cols:
        for row in rows:
            if col <= len(row):
                row.insert(col, "")
    for index in plan.delete_rows:
        del rows[index]
    for w in plan.writes:
        while len(rows) <= w.row:
            rows.append([])
        cells = rows[w.row]
        cells.extend([""] * (w.col + 1 - len(cells)))
        cells[w.col] = w.value
    table, keys = plan.table, {}
    key_cols = [(plan.positions[k], table.kind_of(k)) for k in table.key if k in plan.positions]
    for r in range(plan.header_row + 1, len(rows)):
        key = [normalise(rows[r][c] if c < len(rows[r]) else "", kind) for c, kind in key_cols]
        if key_cols and not all(is_blank(k) for k in key):
            keys[r] = json.dumps(key, default=str, ensure_ascii=False)
    return keys
