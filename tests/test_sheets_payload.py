"""Large syncs are spread over write requests of bounded size, never splitting a row."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import requests

from connectors.sheets import Column, Table
from connectors.sheets import google as google_backend
from connectors.sheets.google import GoogleBackend
from connectors.sheets.google_guarded import TabWrite, guarded_write
from connectors.sheets.google_payload import TabCells, value_chunks
from connectors.sheets.merge import CellWrite, TabPlan
from sandbox.core import RunningService
from sandbox.sheets import SheetsState
from tests.sheets_fixtures import GoogleHarness, running_sandbox
from tests.test_sheet_backends import TODAY


def grid_writes(rows: int, cols: int, header_row: int = 0) -> list[CellWrite]:
    writes = [CellWrite(header_row, c, f"Week {c}") for c in range(cols)]
    writes += [
        CellWrite(r, c, f"KEY-{r}" if c == 0 else r * 0.5 + c)
        for r in range(header_row + 1, rows)
        for c in range(cols)
    ]
    return writes


def fresh_tab(writes: list[CellWrite], cols: int, header_row: int = 0) -> TabWrite:
    """A tab the write creates, keyed by its first column."""
    names = [f"Week {c}" for c in range(cols)]
    table = Table("Issues", [Column(n) for n in names], key=(names[0],), rows=[])
    plan = TabPlan(
        table,
        create=True,
        writes=writes,
        header_row=header_row,
        positions={n: i for i, n in enumerate(names)},
    )
    return TabWrite(7, (3_000, 26), (3_000, 26), None, None, plan)


def kinds(batch: list[dict]) -> set[str]:
    return {next(iter(request)) for request in batch}


def test_a_sync_that_fits_is_one_batch_with_its_tags() -> None:
    write = guarded_write([fresh_tab(grid_writes(50, 5), 5)], [], None, set(), budget=100_000)
    assert write.raw_chunks == []
    [batch] = write.batches
    [update] = [r["updateCells"] for r in batch if "updateCells" in r]
    rows = update["rows"]
    assert len(rows) == 50 and rows[3]["values"][0] == {"userEnteredValue": {"stringValue": "KEY-3"}}
    tags = [
        r["createDeveloperMetadata"]["developerMetadata"] for r in batch if "createDeveloperMetadata" in r
    ]
    assert sorted(t["metadataValue"] for t in tags if t["metadataKey"] == "opsheets.row") == sorted(
        json.dumps([f"KEY-{r}"]) for r in range(1, 50)
    )


def test_a_large_sync_sends_headers_with_the_structure_and_rows_as_bounded_requests() -> None:
    writes = [*grid_writes(2_000, 12, header_row=1), CellWrite(0, 0, "Resource availability")]
    memory = TabCells(
        9, "_opsheets", 1, [CellWrite(0, 0, "Tab"), CellWrite(1, 0, "Issues"), CellWrite(1, 1, "[]")]
    )
    write = guarded_write([fresh_tab(writes, 12, header_row=1)], [], memory, set(), budget=20_000)

    first, *more = write.batches
    structural_rows = {
        (u["updateCells"]["range"]["sheetId"], u["updateCells"]["range"]["startRowIndex"] + i)
        for u in (r for r in first if "updateCells" in r)
        for i in range(len(u["updateCells"]["rows"]))
    }
    assert structural_rows == {(7, 0), (7, 1), (9, 0), (9, 1)}  # title + header; all of the memory
    assert more and all(kinds(batch) == {"createDeveloperMetadata"} for batch in more)  # the rows' tags
    for batch in write.batches:
        assert len(json.dumps({"requests": batch})) <= 20_000 * 1.05
    tagged = [
        r["createDeveloperMetadata"]["developerMetadata"] for batch in write.batches for r in batch
        if "createDeveloperMetadata" in r
    ]  # fmt: skip
    rows = sorted(
        t["location"]["dimensionRange"]["startIndex"] for t in tagged if t["metadataKey"] == "opsheets.row"
    )
    assert rows == list(range(2, 2_000))
    assert len(write.raw_chunks) > 5
    for chunk in write.raw_chunks:
        assert len(json.dumps({"valueInputOption": "RAW", "data": chunk})) <= 20_000 * 1.05
    written = {}
    for chunk in write.raw_chunks:
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


# ---- against the Google Sheets stand-in ---------------------------------------------------------

ROWS = 200
SMALL = 10_000  # bytes per request, so a 200-row sync takes several
WIDE = [Column("Key"), Column("Person"), Column("Hours", "hours"), Column("Week", "date"), Column("Note")]


def wide_table(version: int = 1) -> Table:
    rows = [
        {"Key": f"K-{i:03}", "Person": f"person {i % 17}", "Hours": i * 0.5 + version,
         "Week": date(2026, 11, 2) + timedelta(days=7 * (i % 20)), "Note": "=not a formula" if i == 7 else ""}
        for i in range(ROWS)
    ]  # fmt: skip
    return Table("Issues", WIDE, key=("Key",), rows=rows)


@pytest.fixture
def sandbox() -> Iterator[tuple[RunningService, SheetsState]]:
    yield from running_sandbox()


def writes_of(service: RunningService, key: str) -> list[tuple[str, int]]:
    return [
        (e.path.rsplit("/", 1)[-1], len(e.raw_body))
        for e in service.log.entries
        if e.method == "POST" and key in e.path
    ]


@pytest.fixture
def whole(sandbox: tuple[RunningService, SheetsState]) -> GoogleHarness:
    """The reference: the same first sync under the real budget, one write."""
    harness = GoogleHarness(*sandbox, "one write")
    harness.sheet.sync([wide_table()], today=TODAY)
    assert [path for path, _ in writes_of(sandbox[0], harness.key)] == [f"{harness.key}:batchUpdate"]
    return harness


@pytest.fixture
def split(sandbox: tuple[RunningService, SheetsState], monkeypatch: pytest.MonkeyPatch) -> GoogleHarness:
    """An empty spreadsheet synced under a 10 kB budget, so the reference's cells take many requests."""
    monkeypatch.setattr(google_backend, "PAYLOAD_BUDGET", SMALL)
    return GoogleHarness(*sandbox, "split")


def test_a_large_first_sync_is_split_into_bounded_requests_with_the_same_result(
    sandbox: tuple[RunningService, SheetsState], whole: GoogleHarness, split: GoogleHarness
) -> None:
    service = sandbox[0]
    split.sheet.sync([wide_table()], today=TODAY)
    writes = writes_of(service, split.key)
    assert writes[0][0] == f"{split.key}:batchUpdate" and len(writes) > 5
    assert {path for path, _ in writes[1:]} == {f"{split.key}:batchUpdate", "values:batchUpdate"}
    assert all(size <= SMALL * 1.1 for _, size in writes[1:])  # the first: structure, headers, memory
    assert split.grid("Issues") == whole.grid("Issues") and split.grid("_opsheets") == whole.grid("_opsheets")
    assert split.grid("Issues")[8][WIDE.index(Column("Note"))] == "=not a formula"

    split.sheet.sync([wide_table(version=2)], today=TODAY)  # every Hours cell changes: split too, guarded
    whole.sheet.sync([wide_table(version=2)], today=TODAY)
    again = writes_of(service, split.key)[len(writes) :]
    assert len(again) > 1 and {path for path, _ in again} == {f"{split.key}:batchUpdate"}
    assert all(size <= SMALL * 1.1 for _, size in again)
    assert split.grid("Issues") == whole.grid("Issues")


def test_a_run_killed_between_split_requests_leaves_whole_rows_and_the_next_run_completes_it(
    whole: GoogleHarness, split: GoogleHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = split
    monkeypatch.setattr(google_backend, "PAYLOAD_BUDGET", 7_000)  # the new rows take two RAW chunks
    backend = harness.sheet.backend
    assert isinstance(backend, GoogleBackend)
    sent: list[object] = []
    send_chunk = backend.http.values_batch_update  # gspread's client, which sends each RAW chunk

    def die_after_one_chunk(*args: Any, **kwargs: Any) -> Any:
        if sent:
            raise KeyboardInterrupt("killed")
        sent.append(send_chunk(*args, **kwargs))
        return sent[-1]

    with monkeypatch.context() as killed:
        killed.setattr(backend.http, "values_batch_update", die_after_one_chunk)
        with pytest.raises(KeyboardInterrupt):
            harness.sheet.sync([wide_table()], today=TODAY)
    assert len(sent) == 1
    header, *rows = harness.grid("Issues")
    assert header[: len(WIDE)] == [c.name for c in WIDE]
    assert 0 < len(rows) < ROWS
    assert all(row[:3] == ref[:3] for row, ref in zip(rows, whole.grid("Issues")[1:], strict=False))
    assert all(len(row) >= 4 for row in rows)  # whole rows: key, person, hours and week together

    harness.sheet.sync([wide_table()], today=TODAY)
    assert harness.grid("Issues") == whole.grid("Issues")


def test_the_stand_in_refuses_a_body_over_10_mib_like_sheets(
    sandbox: tuple[RunningService, SheetsState],
) -> None:
    service, state = sandbox
    key = state.create_spreadsheet("big")
    huge = {
        "valueInputOption": "RAW",
        "data": [{"range": "Sheet1!A1", "values": [["x" * (10 * 1024 * 1024)]]}],
    }
    response = requests.post(
        f"{service.url}/v4/spreadsheets/{key}/values:batchUpdate", json=huge,
        headers={"Authorization": "Bearer human"}, timeout=30,
    )  # fmt: skip
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["message"] == "Request payload size exceeds the limit: 10485760 bytes."
    assert state.grid(key, "Sheet1") == []


def test_scattered_changes_count_one_range_each_so_no_chunk_outgrows_the_budget() -> None:
    scattered = [CellWrite(r, (r * 7) % 11, f"v{r}") for r in range(0, 3_000, 2)]  # every cell its own range
    chunks = value_chunks([("Issues", scattered)], budget=10_000)
    assert sum(len(c) for c in chunks) == 1_500
    assert all(len(json.dumps({"valueInputOption": "RAW", "data": c})) <= 10_000 for c in chunks)
