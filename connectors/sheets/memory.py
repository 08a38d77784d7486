"""The hidden `_opsheets` tab: which columns opsheets wrote in each tab last time.

Without it a renamed owned header looks exactly like a column the source stopped sending;
with it, "was ours, now missing" is a refusal and "ours, no longer in the source" is a delete.
"""

from __future__ import annotations

import json

from connectors.sheets.merge import CellWrite, Grid
from connectors.sheets.values import header_name, normalise

MEMORY_HEADER = ("Tab", "Owned columns")


def read_memory(grid: Grid | None) -> dict[str, list[str]]:
    memory: dict[str, list[str]] = {}
    for row in (grid or [])[1:]:
        tab = header_name(row[0]) if row else ""
        if not tab or len(row) < 2:
            continue
        try:
            names = json.loads(str(row[1]))
        except ValueError:
            continue  # a damaged line reads as "never synced", which only loses rename detection
        if isinstance(names, list):
            memory[tab] = [str(n) for n in names]
    return memory


def memory_writes(grid: Grid | None, wanted: dict[str, list[str]]) -> list[CellWrite]:
    """Cell writes that turn `grid` (None: an empty tab) into a memory listing `wanted`."""
    grid = grid or []
    rows: list[list[object]] = [list(MEMORY_HEADER)]
    placed: set[str] = set()
    for row in grid[1:]:
        tab = header_name(row[0]) if row else ""
        if tab in wanted and tab not in placed:
            rows.append([tab, json.dumps(wanted[tab])])
            placed.add(tab)
        else:
            rows.append([row[0] if row else "", row[1] if len(row) > 1 else ""])
    rows += [[tab, json.dumps(names)] for tab, names in wanted.items() if tab not in placed]
    writes = []
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            old = grid[r][c] if r < len(grid) and c < len(grid[r]) else ""
            if normalise(old) != normalise(value):
                writes.append(CellWrite(r, c, value, old))
    return writes
