"""A sync's write as guarded spreadsheets:batchUpdate requests (google_anchor.py), within the payload budget.

When everything fits the budget (google_payload.py) the write is one batch: guards, structure, every
cell (updateCells), tag upkeep — one atomic request, as before anchoring. Otherwise the first batch
carries the guards of what it changes, the structure, the header rows, the memory and the tag
upkeep, and the data rows follow in batches of whole rows, each with its own guards (the rows it
writes, the owned columns, the end tags). The new rows of a tab this write creates follow as RAW
value chunks: that tab has no human rows or columns yet, and values cost a third of CellData there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from connectors.sheets.google_anchor import Anchors, IdSource, TabAnchoring, anchor_tab
from connectors.sheets.google_payload import (
    PAYLOAD_BUDGET,
    TabCells,
    ValueRange,
    cell_data_bytes,
    value_chunks,
)
from connectors.sheets.google_requests import Request, cell_updates
from connectors.sheets.merge import CellWrite, Grid, TabPlan


@dataclass(frozen=True)
class TabWrite:
    sheet_id: int
    size: tuple[int, int]  # rows and columns as read (as created, for a tab this write creates)
    final_size: tuple[int, int]  # once the write's own deletes, inserts and appends are done
    grid: Grid | None  # None: the write creates the tab
    anchors: Anchors | None
    plan: TabPlan


@dataclass(frozen=True)
class GuardedWrite:
    batches: list[list[Request]]  # each the requests of one spreadsheets:batchUpdate, in order
    raw_chunks: list[list[ValueRange]]  # then these, one values:batchUpdate each


def guarded_write(
    tabs: list[TabWrite],
    structure: list[Request],
    memory: TabCells | None,
    taken_ids: set[int],
    budget: int = PAYLOAD_BUDGET,
) -> GuardedWrite:
    new_id = IdSource(taken_ids)
    anchored = [anchor_tab(t.sheet_id, t.size, t.final_size, t.grid, t.anchors, t.plan, new_id) for t in tabs]
    cells = _tabs_cells(tabs) + ([memory] if memory else [])
    upkeep = [r for a in anchored for r in a.upkeep]
    everything = [*(g for a in anchored for g in a.guards()), *structure]
    if _bytes(everything) + _bytes(upkeep) + sum(cell_data_bytes(c.writes) for c in cells) <= budget:
        return GuardedWrite([[*everything, *_cell_requests(cells), *upkeep]], [])
    heads = [_head(c) for c in _tabs_cells(tabs)] + ([memory] if memory else [])
    first_guards = [g for t, a in zip(tabs, anchored, strict=True) for g in _first_guards(t.plan, a)]
    fixed = [r for a in anchored for r in a.upkeep_fixed]
    first = [*first_guards, *structure, *_cell_requests(heads), *fixed]
    room = budget - _bytes(first)
    batches = [first]
    raw: list[tuple[str, list[CellWrite]]] = []
    for t, a in zip(tabs, anchored, strict=True):
        tags, room = _fitting(a.upkeep_rows, room)
        first += tags
        guards = a.guards_after(t.sheet_id, set())
        batches += [[*guards, *rest] for rest in pieces(a.upkeep_rows[len(tags) :], budget - _bytes(guards))]
        body = [w for w in t.plan.writes if w.row > t.plan.header_row]
        if t.grid is None:
            raw.append((t.plan.tab, body))
        else:
            batches += _guarded_chunks(t.sheet_id, a, body, budget)
    if len(first) == len(first_guards):  # nothing to change before the rows: their batches guard themselves
        del batches[0]
    return GuardedWrite(batches, value_chunks(raw, budget))


def _fitting(requests: list[Request], room: int) -> tuple[list[Request], int]:
    """The longest head of `requests` that fits `room` bytes, and the room left."""
    taken = 0
    for request in requests:
        size = _bytes([request])
        if size > room:
            break
        room -= size
        taken += 1
    return requests[:taken], room


def pieces(requests: list[Request], budget: int) -> Iterator[list[Request]]:
    """`requests` in order, cut into lists of about `budget` bytes (one larger request alone)."""
    while requests:
        piece, _ = _fitting(requests, budget)
        piece = piece or requests[:1]
        yield piece
        requests = requests[len(piece) :]


def _tabs_cells(tabs: list[TabWrite]) -> list[TabCells]:
    return [TabCells(t.sheet_id, t.plan.tab, t.plan.header_row, t.plan.writes) for t in tabs]


def _head(cells: TabCells) -> TabCells:
    """The tab's cells up to its header row: titles and the header go with the structure."""
    return TabCells(
        cells.sheet_id, cells.tab, cells.header_row, [w for w in cells.writes if w.row <= cells.header_row]
    )


def _first_guards(plan: TabPlan, anchoring: TabAnchoring) -> list[Request]:
    """What the first batch relies on: the columns, the rows it deletes and the header rows
    (above the header nothing is deleted, so read and final rows are the same there)."""
    rows = sorted(r for r in anchoring.row_guards if r <= plan.header_row or r in anchoring.deleted)
    return [*anchoring.column_guards, *(g for r in rows for g in anchoring.row_guards[r])]


def _guarded_chunks(
    sheet_id: int, anchoring: TabAnchoring, writes: list[CellWrite], budget: int
) -> list[list[Request]]:
    out: list[list[Request]] = []
    room = budget - _bytes(anchoring.guards_after(sheet_id, set()))  # the columns' guards, in every chunk
    for rows in _row_groups(writes, room):
        chunk = [w for row in rows for w in row]
        guards = anchoring.guards_after(sheet_id, {row[0].row for row in rows})
        out.append([*guards, *cell_updates(sheet_id, chunk)])
    return out


def _row_groups(writes: list[CellWrite], budget: int) -> Iterator[list[list[CellWrite]]]:
    """Whole rows, in order, about `budget` bytes of CellData and row guards at most per group."""
    by_row: dict[int, list[CellWrite]] = {}
    for w in writes:
        by_row.setdefault(w.row, []).append(w)
    group: list[list[CellWrite]] = []
    size = 0
    for row in sorted(by_row):
        cost = cell_data_bytes(by_row[row]) + _GUARD_BYTES
        if group and size + cost > budget:
            yield group
            group, size = [], 0
        group.append(by_row[row])
        size += cost
    if group:
        yield group


_GUARD_BYTES = 570  # a row's compare-and-swap pair, as sent


def _cell_requests(cells: list[TabCells]) -> list[Request]:
    return [r for c in cells for r in cell_updates(c.sheet_id, c.writes)]


def _bytes(requests: list[Any]) -> int:
    return len(json.dumps(requests, default=str))  # as the HTTP layer sends it, with spaces
