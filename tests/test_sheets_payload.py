"""Large syncs are spread over write requests of bounded size, never splitting a row."""

from __future__ import annotations

import json

from connectors.sheets.google_payload import TabCells, plan_structural_write, value_chunks
from connectors.sheets.merge import CellWrite


def grid_writes(rows: int, cols: int, header_row: int = 0) -> list[CellWrite]:
    writes = [CellWrite(header_row, c, f"Week {c}") for c in range(cols)]
    writes += [
        CellWrite(r, c, f"KEY-{r}" if c == 0 else r * 0.5 + c)
        for r in range(header_row + 1, rows)
        for c in range(cols)
    ]
    return writes


def test_a_sync_that_fits_is_one_structural_batch() -> None:
    plan = plan_structural_write([TabCells(7, "Issues", 0, grid_writes(50, 5))], budget=100_000)
    assert plan.value_chunks == []
    [update] = plan.structural_cells
    rows = update["updateCells"]["rows"]
    assert len(rows) == 50 and rows[3]["values"][0] == {"userEnteredValue": {"stringValue": "KEY-3"}}


def test_a_large_sync_sends_headers_with_the_structure_and_rows_as_bounded_value_chunks() -> None:
    writes = [*grid_writes(2_000, 12, header_row=1), CellWrite(0, 0, "Resource availability")]
    memory = [CellWrite(0, 0, "Tab"), CellWrite(1, 0, "Issues"), CellWrite(1, 1, '["Key"]')]
    tabs = [TabCells(7, "Issues", 1, writes), TabCells(9, "_opsheets", 1, memory)]
    plan = plan_structural_write(tabs, budget=20_000)

    structural_rows = {
        (u["updateCells"]["range"]["sheetId"], u["updateCells"]["range"]["startRowIndex"] + i)
        for u in plan.structural_cells
        for i in range(len(u["updateCells"]["rows"]))
    }
    assert structural_rows == {(7, 0), (7, 1), (9, 0), (9, 1)}  # title + header; all of the memory
    assert len(plan.value_chunks) > 5
    for chunk in plan.value_chunks:
        assert len(json.dumps({"valueInputOption": "RAW", "data": chunk})) <= 20_000 * 1.05
    written = {}
    for chunk in plan.value_chunks:
        for vr in chunk:
            first_row = int("".join(ch for ch in vr["range"].split("!")[1].split(":")[0] if ch.isdigit()))
            for i, values in enumerate(vr["values"]):
                assert len(values) == 12  # whole rows only
                written[first_row + i] = values
    assert sorted(written) == list(range(3, 2_001))  # A1 rows 3..2000 = 0-based data rows 2..1999
    assert written[3] == ["KEY-2", 2.0, *[1.0 + c for c in range(2, 12)]]


def test_value_chunks_keep_every_write_once_and_a_huge_row_alone() -> None:
    wide = [CellWrite(5, c, "x" * 100) for c in range(50)]  # one row of ~5 kB
    small = [CellWrite(r, 0, r) for r in range(10)]
    chunks = value_chunks([("Wide", wide), ("Small", small)], budget=1_000)
    assert [vr["range"] for vr in chunks[0]] == ["'Wide'!A6:AX6"]
    assert sum(len(vr["values"]) for c in chunks[1:] for vr in c) == 10
    assert value_chunks([("Small", [])]) == []
