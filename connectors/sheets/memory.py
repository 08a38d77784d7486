"""The hidden `_opsheets` tab: which columns and which rows opsheets wrote in each tab last time.

Without it a renamed owned header looks exactly like a column the source stopped sending, and a
row a person added (a total, a copied header) looks like a source row that left. With it, "was
ours, now missing" is a refusal, "ours, no longer in the source" is a delete, and a row or column
opsheets never wrote is a person's and left alone.

One line per tab: the tab, its owned columns (JSON, a person may edit it), its key columns (JSON),
the identities of its conditional formats (JSON, layout.format_id) and the ids of the rows opsheets
wrote (ownership.row_id, packed over as many cells as they need). A line
of an older version has no key cell: its rows read as not recorded. The same lines also travel as
one JSON text (`memory_text`) that a backend keeps where deleting the tab cannot reach it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from connectors.sheets.merge import CellWrite, Grid
from connectors.sheets.ownership import TabMemory, unpack_ids
from connectors.sheets.values import header_name, normalise

MEMORY_HEADER = ("Tab", "Owned columns", "Key", "Formats", "Owned rows")


Memory = dict[str, TabMemory]


def read_memory(grid: Grid | None) -> Memory:
    memory: Memory = {}
    for row in (grid or [])[1:]:
        tab = header_name(row[0]) if row else ""
        line = TabMemory.from_cells(list(row[1:])) if tab else None
        if line is not None:
            memory[tab] = line
    return memory


def memory_writes(grid: Grid | None, wanted: Memory) -> list[CellWrite]:
    """Cell writes that turn `grid` (None: an empty tab) into a memory listing `wanted`."""
    grid = grid or []
    rows: list[list[Any]] = [list(MEMORY_HEADER)]
    placed: set[str] = set()
    for row in grid[1:]:
        tab = header_name(row[0]) if row else ""
        if tab in wanted and tab not in placed:
            rows.append([tab, *wanted[tab].cells()])
            placed.add(tab)
        else:
            rows.append(list(row))
    rows += [[tab, *line.cells()] for tab, line in wanted.items() if tab not in placed]
    writes = []
    for r in range(max(len(rows), len(grid))):
        new = rows[r] if r < len(rows) else []
        old = grid[r] if r < len(grid) else []
        for c in range(max(len(new), len(old))):
            was = old[c] if c < len(old) else ""
            value = new[c] if c < len(new) else ""
            if normalise(was) != normalise(value):
                writes.append(CellWrite(r, c, value, was))
    return writes


def memory_text(memory: Memory) -> str:
    """The whole memory as one compact JSON text, for a copy kept outside the tab."""
    lines = {tab: _line(m) for tab, m in sorted(memory.items())}
    return json.dumps(lines, separators=(",", ":"), ensure_ascii=False)


def fitting(tab: str, line: TabMemory, limit: int | None) -> TabMemory:
    """The line as a copy of at most `limit` characters (None: any) holds it: without its rows when
    they would not fit — after losing the tab, such a tab's rows read as not recorded."""
    if limit is not None and line.rows is not None and len(memory_text({tab: line})) > limit:
        return replace(line, rows=None)
    return line


def _line(m: TabMemory) -> dict[str, Any]:
    rows = None if m.rows is None else "".join(sorted(m.rows))
    formats = None if m.formats is None else list(m.formats)
    return {"columns": list(m.columns), "key": list(m.key), "rows": rows, "formats": formats}


def memory_from_text(text: str | None) -> Memory:
    """`memory_text` read back; {} for no text or a damaged one."""
    try:
        lines = json.loads(text) if text else {}
    except ValueError:
        return {}
    memory: Memory = {}
    for tab, line in lines.items() if isinstance(lines, dict) else ():
        if not isinstance(line, dict) or not isinstance(line.get("columns"), list):
            continue
        rows = line.get("rows")
        ids = None if not isinstance(rows, str) else unpack_ids([rows])
        key = tuple(str(k) for k in line.get("key") or ())
        formats = line.get("formats")
        shapes = tuple(str(f) for f in formats) if isinstance(formats, list) else None
        memory[str(tab)] = TabMemory(tuple(str(c) for c in line["columns"]), key, ids, shapes)
    return memory


__all__ = ["MEMORY_HEADER", "Memory", "TabMemory", "memory_writes", "read_memory"]
