"""How a sync's cells are spread over write requests so no request body grows past a budget.

Sheets refuses a request body over 10 MiB ("Request payload size exceeds the limit: 10485760
bytes") and Google recommends staying near 2 MB. A cell costs ~40 bytes of JSON inside a
structural batch (CellData) and ~13 as a RAW value, so a first sync of a large site (~145k cells
at 500 people: ~9.7 MB as CellData, ~1.9 MB as values) must not ride in the structural batch. The
budget is 4 MB: the byte counts below are estimates (a non-ASCII character is escaped to six bytes)
and must stay well clear of the hard limit, while a 500-person site still needs one values request.

Rule (google_guarded.py): when everything fits the budget, the cells ride in one guarded batch (one
atomic write). Otherwise the first batch carries the structure, every tab's header rows and the
ownership memory, and the data rows follow in row order, never splitting a row: as guarded batches
in a tab that existed, as RAW `values:batchUpdate` chunks in a tab this write creates. A run killed
between two of them leaves whole rows under correct headers; the next run's keyed merge writes the
rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from connectors.sheets.google_requests import value_ranges
from connectors.sheets.merge import CellWrite

PAYLOAD_BUDGET = 4_000_000  # bytes of JSON per write request
_CELL_DATA_BYTES = 40  # {"userEnteredValue":{"numberValue":…}} around each value
_VALUE_BYTES = 3  # quotes and comma around each value
_ROW_BYTES = 4  # brackets, comma and space around each row of a ValueRange
_NULL_BYTES = 5  # a cell left alone inside a row's span
_RANGE_BYTES = 80  # a ValueRange's range and majorDimension

ValueRange = dict[str, Any]


@dataclass(frozen=True)
class TabCells:
    sheet_id: int
    tab: str
    header_row: int  # rows up to this one (titles, header) go with the structure
    writes: list[CellWrite]


def value_chunks(
    tabs: list[tuple[str, list[CellWrite]]], budget: int = PAYLOAD_BUDGET
) -> list[list[ValueRange]]:
    """RAW value ranges for the writes, grouped into chunks of at most `budget` bytes (a row larger
    than the budget goes alone); one chunk, or none for no writes, when everything fits."""
    chunks: list[list[ValueRange]] = []
    current: dict[str, list[CellWrite]] = {}
    size = 0
    previous: tuple[str, int, int, int] | None = None  # tab, row, first and last column
    for tab, index, row in _rows(tabs):
        lo, hi = min(w.col for w in row), max(w.col for w in row)
        cost = (
            _ROW_BYTES
            + sum(len(str(w.value)) + _VALUE_BYTES for w in row)
            + _NULL_BYTES * (hi - lo + 1 - len(row))
        )
        if current and size + cost + _RANGE_BYTES > budget:
            chunks.append(_ranges(current))
            current, size, previous = {}, 0, None
        if previous != (tab, index - 1, lo, hi):  # value_ranges starts a new range here
            cost += _RANGE_BYTES
        current.setdefault(tab, []).extend(row)
        size += cost
        previous = (tab, index, lo, hi)
    if current:
        chunks.append(_ranges(current))
    return chunks


def _rows(tabs: list[tuple[str, list[CellWrite]]]) -> Iterator[tuple[str, int, list[CellWrite]]]:
    for tab, writes in tabs:
        by_row: dict[int, list[CellWrite]] = {}
        for w in writes:
            by_row.setdefault(w.row, []).append(w)
        for row in sorted(by_row):
            yield tab, row, by_row[row]


def _ranges(writes_by_tab: dict[str, list[CellWrite]]) -> list[ValueRange]:
    return [r for tab, writes in writes_by_tab.items() for r in value_ranges(tab, writes)]


def cell_data_bytes(writes: list[CellWrite]) -> int:
    return sum(len(str(w.value)) + _CELL_DATA_BYTES for w in writes)
