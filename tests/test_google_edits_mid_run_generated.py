"""Google: generated human edits landing between a sync's read and its write — any mix of sorts,
row and column inserts and deletes, column moves and notes, while the source adds, removes and
changes rows. Every source row ends on its own row with its figures, every note beside its team,
and no value in a human column that the human did not type."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from connectors.sheets.values import a1
from sandbox.core import RunningService
from sandbox.sheets import SheetsState
from tests.sheets_fixtures import GoogleHarness, running_sandbox
from tests.test_sheet_backends import TODAY, table

CASES = 24
Edit = Callable[[GoogleHarness, random.Random], None]


@pytest.fixture
def sandbox() -> Iterator[tuple[RunningService, SheetsState]]:
    yield from running_sandbox()


def _sheet_id(h: GoogleHarness) -> int:
    return h.state.sheet(h.key, "Budget").sheet_id


def _size(h: GoogleHarness) -> tuple[int, int]:
    grid = h.grid("Budget")
    return len(grid), max(len(r) for r in grid)


def _header(h: GoogleHarness) -> list[Any]:
    return h.grid("Budget")[0]


def _batch(h: GoogleHarness, request: dict[str, Any]) -> None:
    h.state.human_batch(h.key, [request])


def _span(h: GoogleHarness, dimension: str, start: int) -> dict[str, Any]:
    return {"sheetId": _sheet_id(h), "dimension": dimension, "startIndex": start, "endIndex": start + 1}


def sort(h: GoogleHarness, rnd: random.Random) -> None:
    rows, cols = _size(h)
    box = {"sheetId": _sheet_id(h), "startRowIndex": 1, "endRowIndex": rows}
    order = rnd.choice(["ASCENDING", "DESCENDING"])
    _batch(
        h,
        {
            "sortRange": {
                "range": box,
                "sortSpecs": [{"dimensionIndex": rnd.randrange(cols), "sortOrder": order}],
            }
        },
    )


def insert_row(h: GoogleHarness, rnd: random.Random) -> None:
    _batch(h, {"insertDimension": {"range": _span(h, "ROWS", rnd.randrange(1, _size(h)[0] + 1))}})


def delete_row(h: GoogleHarness, rnd: random.Random) -> None:
    rows = _size(h)[0]
    if rows > 2:
        _batch(h, {"deleteDimension": {"range": _span(h, "ROWS", rnd.randrange(1, rows))}})


def insert_column(h: GoogleHarness, rnd: random.Random) -> None:
    col = rnd.randrange(0, _size(h)[1] + 1)
    _batch(h, {"insertDimension": {"range": _span(h, "COLUMNS", col)}})
    name = f"Mine {rnd.randrange(1000)}"
    h.state.edit(h.key, f"Budget!{a1(0, col)}", [[name]], user_entered=False)
    HUMAN_HEADERS.add(name)


def delete_human_column(h: GoogleHarness, rnd: random.Random) -> None:
    human = [c for c, name in enumerate(_header(h)) if name in HUMAN_HEADERS or name == "Notes"]
    if human:
        _batch(h, {"deleteDimension": {"range": _span(h, "COLUMNS", rnd.choice(human))}})


def move_column(h: GoogleHarness, rnd: random.Random) -> None:
    cols = _size(h)[1]
    source = rnd.randrange(cols)
    move = {"source": _span(h, "COLUMNS", source), "destinationIndex": rnd.randrange(cols + 1)}
    _batch(h, {"moveDimension": move})


EDITS: list[Edit] = [sort, insert_row, delete_row, insert_column, delete_human_column, move_column]
HUMAN_HEADERS: set[str] = set()


def _notes(h: GoogleHarness) -> dict[str, str]:
    """Key → note, as the sheet holds them now."""
    grid = h.grid("Budget")
    header = grid[0]
    if "Notes" not in header:
        return {}
    k, n = header.index("Key"), header.index("Notes")
    return {r[k]: r[n] for r in grid[1:] if len(r) > max(k, n) and r[k] and r[n]}


def _human_cells(h: GoogleHarness) -> set[tuple[str, str, Any]]:
    """(key, header, value) of every non-blank cell under a human header."""
    grid = h.grid("Budget")
    header = grid[0]
    k = header.index("Key")
    return {
        (row[k] if k < len(row) else "", header[c], v)
        for row in grid[1:]
        for c, v in enumerate(row)
        if c < len(header) and (header[c] in HUMAN_HEADERS or header[c] == "Notes") and v not in ("", None)
    }


@pytest.mark.parametrize("seed", range(CASES))
def test_generated_edits_between_read_and_write_never_misplace_a_value(
    sandbox: tuple[RunningService, SheetsState], seed: int
) -> None:
    rnd = random.Random(seed)
    harness = GoogleHarness(*sandbox, title=f"case {seed}")
    keys = [f"t{i:02}" for i in range(rnd.randrange(3, 12))]
    harness.sheet.sync([table(keys)], today=TODAY)
    notes = [["Notes"], *([f"note {k}"] if rnd.random() < 0.6 else [None] for k in keys)]
    harness.set_cells("Budget", "H1", notes)
    edits = rnd.choices(EDITS, k=rnd.randrange(1, 4))
    human_before: set[tuple[str, str, Any]] = set()

    def land(_: SheetsState) -> None:
        for edit in edits:
            edit(harness, rnd)
        human_before.update(_human_cells(harness))

    harness.state.interleave(land)
    source = [k for k in keys if rnd.random() < 0.85] + [f"n{i}" for i in range(rnd.randrange(0, 3))]
    version = rnd.randrange(2, 9)
    harness.sheet.sync([table(source, version)], today=TODAY)
    assert not harness.state.before_write, "the edits did not land between the read and the write"

    grid = harness.grid("Budget")
    header = grid[0]
    expected = {row["Key"]: row for row in table(source, version).rows}
    seen: dict[str, int] = {}
    for row in grid[1:]:
        cells = dict(zip(header, row + [""] * (len(header) - len(row)), strict=False))
        key = cells.get("Key", "")
        if key in expected:
            seen[key] = seen.get(key, 0) + 1
            assert cells["Name"] == f"name {key}", (seed, edits, row)
            assert cells["Hours"] == pytest.approx(expected[key]["Hours"]), (seed, edits, row)
    assert seen == dict.fromkeys(expected, 1), (seed, edits)
    # every human cell the human left is still there, beside the same key, and no other appeared
    assert _human_cells(harness) == human_before, (seed, edits)
