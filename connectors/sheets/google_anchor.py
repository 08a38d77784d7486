"""Anchored writes: a human edit landing between a sync's read and its write never moves a value.

People sort, insert, delete and move rows and columns while a sync runs, and Budgets paces its
writes, so the gap between the read and the write can be tens of seconds. Every write is a
`spreadsheets:batchUpdate` (all or nothing) that starts with guards: for each row and column the
write relies on, a compare-and-swap on the developer metadata opsheets keeps on it —

    deleteDeveloperMetadata  (metadataId N, only at the EXACT row or column it was read at)
    createDeveloperMetadata  (metadataId N, at that row or column)

Metadata stays with its row or column through sorts, inserts, deletes and moves, and ids are unique
in a spreadsheet: if N has moved, the delete matches nothing and the create is refused, so Sheets
applies none of the batch. The sync then re-reads and re-plans (spreadsheet.ReplanNeeded) and the
human's edit is in what it plans from. If the row itself was deleted its metadata went with it; the
end tag on the grid's last row and column catches that: every insert or delete of a row or column
above or left of it moves it.

Guarded: every owned column (`opsheets.column`, value: its header), the header row, every row the
write changes or deletes (`opsheets.row`, value: the row's key), and the end tags (`opsheets.end`).
After the write's own changes, the same batch tags the rows and columns that lack a tag (a new
row, a new column) and moves the end tags to the new edges. A tab with content and no tags at all
(written before anchoring) is tagged first, alone, where the read saw its rows; then the sync
re-reads. A guard checks that a row has not moved, not what its tag says, so a tag that landed on
another row (a sort in between) still guards; the next write relabels it.

Cost: no request of its own on a tab that has its tags. Each guarded row adds ~570 bytes to the write,
each new tag ~290; a tab written before anchoring is tagged once on its own (one write, one read).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from connectors.sheets.merge import Grid, TabPlan
from connectors.sheets.plan_moves import cols_after, final_keys, rows_after

ROW_TAG = "opsheets.row"
HEADER_TAG = "opsheets.header"
COLUMN_TAG = "opsheets.column"
END_TAG = "opsheets.end"
OUR_TAGS = (ROW_TAG, HEADER_TAG, COLUMN_TAG, END_TAG)
_TAG_FIELDS = "developerMetadata(metadataId,metadataKey,metadataValue)"
READ_FIELDS = f"rowMetadata.{_TAG_FIELDS},columnMetadata.{_TAG_FIELDS}"  # inside sheets.data(...)
_MAX_ID = 2**31 - 1

Request = dict[str, Any]
Dimension = str  # "ROWS" or "COLUMNS"


@dataclass(frozen=True)
class Tag:
    metadata_id: int
    key: str
    value: str


@dataclass
class Anchors:
    """opsheets' tags on one tab as read: row index → tags, column index → tags."""

    rows: dict[int, list[Tag]] = field(default_factory=dict)
    cols: dict[int, list[Tag]] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: list[dict[str, Any]]) -> Anchors:
        found = cls()
        for block in data:
            for name, start, into in (
                ("rowMetadata", int(block.get("startRow", 0)), found.rows),
                ("columnMetadata", int(block.get("startColumn", 0)), found.cols),
            ):
                for offset, props in enumerate(block.get(name) or []):
                    found_here = (_tag(m) for m in props.get("developerMetadata") or [])
                    ours = [t for t in found_here if t is not None and t.key in OUR_TAGS]
                    if ours:
                        into[start + offset] = ours
        return found

    def anchored(self) -> bool:
        """Whether a write has tagged this tab (a missing end tag, its row deleted, is put back by the
        next write's upkeep)."""
        return bool(self.rows or self.cols)

    def ids(self) -> set[int]:
        return {t.metadata_id for tags in (*self.rows.values(), *self.cols.values()) for t in tags}


def _tag(meta: dict[str, Any]) -> Tag | None:
    if "metadataId" not in meta:
        return None
    return Tag(int(meta["metadataId"]), str(meta.get("metadataKey", "")), str(meta.get("metadataValue", "")))


@dataclass
class TabAnchoring:
    """What one tab's write adds: guards (first in the batch) and tag upkeep (after its changes)."""

    column_guards: list[Request]  # owned columns and the end tags
    row_guards: dict[int, list[Request]]  # read row → its guards, for every row the write relies on
    upkeep_fixed: list[Request]  # end, header and column tags: few, and later guards rely on them
    upkeep_rows: list[Request]  # row tags: one per keyed row at most
    places: dict[Tag, tuple[Dimension, int]]  # every tag of the tab once the batch is applied
    read_ids: set[int]  # tags that were there at the read (the others are created by this write)
    deleted: set[int]  # read rows the write deletes

    @property
    def upkeep(self) -> list[Request]:
        return [*self.upkeep_fixed, *self.upkeep_rows]

    def guards(self) -> list[Request]:
        return [*self.column_guards, *(g for guards in self.row_guards.values() for g in guards)]

    def guards_after(self, sheet_id: int, rows: set[int]) -> list[Request]:
        """Guards for a later request of the same write, at the places this batch left the tags:
        column and end tags, and the tags read on the given final rows."""
        out: list[Request] = []
        for tag, (dimension, index) in self.places.items():
            if tag.metadata_id not in self.read_ids:
                continue
            if dimension == "COLUMNS" or tag.key == END_TAG or index in rows:
                out += compare_and_swap(sheet_id, dimension, index, tag)
        return out


class IdSource:
    """Fresh metadata ids, none of them already in the spreadsheet as read."""

    def __init__(self, taken: Iterable[int]) -> None:
        self.taken = set(taken)

    def __call__(self) -> int:
        while True:
            candidate = secrets.randbelow(_MAX_ID) + 1
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate


def anchor_tab(
    sheet_id: int,
    size: tuple[int, int],
    final_size: tuple[int, int],
    grid: Grid | None,
    anchors: Anchors | None,
    plan: TabPlan,
    new_id: IdSource,
) -> TabAnchoring:
    """Guards and upkeep for one tab. `size` is the grid as read (rows, columns), `final_size` once the
    batch's own deletes, inserts and appends are done; `grid`/`anchors` None: the batch creates the tab."""
    anchors = anchors or Anchors()
    row_to_final, deleted = rows_after(size[0], plan.delete_rows)
    col_to_final = cols_after(size[1], plan.delete_cols, plan.insert_cols)
    read_of_final = {f: r for r, f in row_to_final.items()}
    touched = {read_of_final[w.row] for w in plan.writes if w.row in read_of_final}
    touched |= deleted | {plan.header_row}
    row_guards: dict[int, list[Request]] = {}
    column_guards: list[Request] = []
    for row, tags in anchors.rows.items():
        for tag in tags:
            if tag.key == END_TAG:
                column_guards += compare_and_swap(sheet_id, "ROWS", row, tag)
            elif row in touched:
                row_guards.setdefault(row, []).extend(compare_and_swap(sheet_id, "ROWS", row, tag))
    for col, tags in anchors.cols.items():
        for tag in tags:
            column_guards += compare_and_swap(sheet_id, "COLUMNS", col, tag)
    moves = (row_to_final, col_to_final)
    fixed, rows, places = _upkeep(sheet_id, final_size, anchors, moves, grid, plan, new_id)
    return TabAnchoring(column_guards, row_guards, fixed, rows, places, anchors.ids(), deleted)


def first_tags(
    sheet_id: int, size: tuple[int, int], grid: Grid, plan: TabPlan, new_id: IdSource
) -> list[Request]:
    """Tags for a tab that has content but none yet (written before anchoring), where they are at the
    read. Sent alone, then the sync re-reads: its write is then guarded like any other."""
    col_to_final = cols_after(size[1], plan.delete_cols, plan.insert_cols)
    read_of = {final: read for read, final in col_to_final.items()}
    as_read = TabPlan(
        plan.table,
        header_row=plan.header_row,
        positions={name: read_of[col] for name, col in plan.positions.items() if col in read_of},
    )
    identity = ({r: r for r in range(size[0])}, {c: c for c in range(size[1])})
    fixed, rows, _ = _upkeep(sheet_id, size, Anchors(), identity, grid, as_read, new_id)
    return [*fixed, *rows]


def compare_and_swap(sheet_id: int, dimension: Dimension, index: int, tag: Tag) -> list[Request]:
    """Two requests that leave `tag` where it is, and make Sheets refuse the whole batch when it is
    no longer at `index` (see the module docstring)."""
    span = _span(sheet_id, dimension, index)
    lookup = {
        "metadataId": tag.metadata_id,
        "metadataLocation": {"dimensionRange": span},
        "locationMatchingStrategy": "EXACT_LOCATION",
    }
    delete = {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": lookup}}}
    return [delete, create_tag(sheet_id, dimension, index, tag)]


def create_tag(sheet_id: int, dimension: Dimension, index: int, tag: Tag) -> Request:
    metadata = {
        "metadataId": tag.metadata_id,
        "metadataKey": tag.key,
        "metadataValue": tag.value,
        "location": {"dimensionRange": _span(sheet_id, dimension, index)},
        "visibility": "DOCUMENT",
    }
    return {"createDeveloperMetadata": {"developerMetadata": metadata}}


def delete_tag(tag: Tag) -> Request:
    lookup = {"metadataId": tag.metadata_id}
    return {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": lookup}}}


def _span(sheet_id: int, dimension: Dimension, index: int) -> dict[str, Any]:
    return {"sheetId": sheet_id, "dimension": dimension, "startIndex": index, "endIndex": index + 1}


def _upkeep(
    sheet_id: int,
    final_size: tuple[int, int],
    anchors: Anchors,
    moves: tuple[dict[int, int], dict[int, int]],
    grid: Grid | None,
    plan: TabPlan,
    new_id: IdSource,
) -> tuple[list[Request], list[Request], dict[Tag, tuple[Dimension, int]]]:
    """Requests that leave the right tags once the batch's changes are done: the end tags on the
    last row and column, the header tag, one column tag per owned column (first list), one row tag
    per keyed row, its key as value (second list). A tag on a row or column that is none of these is
    left alone. Returns both and every tag's final place."""
    wanted: dict[tuple[Dimension, int, str], str] = {
        ("ROWS", row, ROW_TAG): key for row, key in final_keys(grid, plan).items()
    }
    wanted[("ROWS", plan.header_row, HEADER_TAG)] = plan.tab
    for name, col in plan.positions.items():
        wanted[("COLUMNS", col, COLUMN_TAG)] = name
    edges = {"ROWS": ("ROWS", final_size[0] - 1, END_TAG), "COLUMNS": ("COLUMNS", final_size[1] - 1, END_TAG)}
    for slot in edges.values():
        wanted[slot] = slot[0].lower()
    fixed: list[Request] = []
    rows: list[Request] = []
    places: dict[Tag, tuple[Dimension, int, str]] = {}
    kept: set[tuple[Dimension, int, str]] = set()
    for dimension, found, moved in (("ROWS", anchors.rows, moves[0]), ("COLUMNS", anchors.cols, moves[1])):
        for index, tags in found.items():
            final = moved.get(index)
            if final is None:  # deleted with its row or column
                continue
            for tag in tags:
                slot = edges[dimension] if tag.key == END_TAG else (dimension, final, tag.key)
                out = rows if tag.key == ROW_TAG else fixed
                if slot not in wanted:
                    continue
                if wanted[slot] != tag.value or slot in kept:
                    out.append(delete_tag(tag))
                    continue
                if slot[1] != final:  # an end tag follows the edge
                    out += [delete_tag(tag), create_tag(sheet_id, dimension, slot[1], tag)]
                places[tag] = slot
                kept.add(slot)
    for slot, value in wanted.items():
        if slot not in kept:
            tag = Tag(new_id(), slot[2], value)
            (rows if slot[2] == ROW_TAG else fixed).append(create_tag(sheet_id, slot[0], slot[1], tag))
            places[tag] = slot
    return fixed, rows, {tag: (slot[0], slot[1]) for tag, slot in places.items()}
