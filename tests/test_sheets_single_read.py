"""The Google backend reads a spreadsheet with ONE spreadsheets.get (metadata and effective values under
a field mask) and gets exactly the snapshot the old metadata + values:batchGet pair gave."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests

from connectors.sheets import SheetAccessDenied, SpreadsheetNotFound, open_google
from connectors.sheets.google import READ_FIELDS, READ_OPTIONS, SHEETS_URL, GoogleBackend
from connectors.sheets.google_grid import grid_of
from connectors.sheets.google_requests import SheetInfo, quote_tab, removals
from connectors.sheets.merge import Grid
from connectors.sheets.table import MEMORY_TAB
from sandbox.core import RunningService
from sandbox.sheets import FORMULA_PLACEHOLDER, SheetsState
from tests.sheets_fixtures import FAST_POLICY, TOKEN, GoogleHarness, SandboxCredentials, running_sandbox
from tests.test_sheet_backends import TODAY, charted

TABS = ["Budget", "Notes", "Missing"]


@pytest.fixture
def sandbox() -> Iterator[tuple[RunningService, SheetsState]]:
    yield from running_sandbox()


def human_batch(harness: GoogleHarness, batch: list[dict[str, Any]]) -> None:
    url = f"{harness.service.url}/v4/spreadsheets/{harness.key}:batchUpdate"
    done = requests.post(url, headers={"Authorization": "Bearer human"}, json={"requests": batch}, timeout=10)
    assert done.ok, done.text


def box(sheet_id: int, row: int, col: int, rows: int = 1) -> dict[str, int]:
    rows_span = {"startRowIndex": row, "endRowIndex": row + rows}
    return {"sheetId": sheet_id, **rows_span, "startColumnIndex": col, "endColumnIndex": col + 1}


def human_edited(harness: GoogleHarness) -> None:
    """After opsheets' own sync (layout, chart, memory tab): what people do to a spreadsheet."""
    state, key = harness.state, harness.key
    budget = int(state.sheet_properties(key, "Budget")["sheetId"])
    harness.add_human_chart("Budget", "Mine")
    harness.set_cells("Budget", "H2:K2", [["=not a formula", True, 46352, -0.5]])  # RAW: text stays text
    harness.set_cells("Budget", "H4:K4", [["x", "", "", 7]])  # blanks in the middle
    state.edit(key, "'Budget'!I3", [["=1+1"]], user_entered=True)  # a formula a human typed
    human_batch(harness, [
        {"repeatCell": {"range": box(budget, 1, 20), "cell": {"note": "why"}, "fields": "note"}},  # trailing
        {"repeatCell": {"range": box(budget, 30, 2, rows=3), "fields": "userEnteredFormat",
                        "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}}}},  # formatted, empty
        {"addSheet": {"properties": {"title": "Notes"}}},
    ])  # fmt: skip
    harness.set_cells("Notes", "C3:D3", [["leading blanks", False]])
    harness.set_cells("Notes", "A6", [["after empty rows"]])


def two_read_snapshot(backend: GoogleBackend, tabs: list[str]) -> tuple[dict[str, Grid | None], Grid | None]:
    """The grids as load() read them before: metadata, then values:batchGet of the tabs that exist."""
    meta = backend.http.fetch_sheet_metadata(backend.key)
    titles = {s["properties"]["title"] for s in meta["sheets"]}
    wanted = [t for t in [*tabs, MEMORY_TAB] if t in titles]
    got = backend.http.values_batch_get(
        backend.key, [quote_tab(t) for t in wanted], params=dict(READ_OPTIONS)
    )
    fetched = {t: r.get("values", []) for t, r in zip(wanted, got["valueRanges"], strict=True)}
    return {t: fetched.get(t) for t in tabs}, fetched.get(MEMORY_TAB)


def test_one_read_gives_the_snapshot_the_two_reads_gave(sandbox: tuple[RunningService, SheetsState]) -> None:
    harness = GoogleHarness(*sandbox)
    harness.sheet.sync([charted(["a", "b", "c"])], today=TODAY)
    human_edited(harness)
    backend: GoogleBackend = harness.sheet.backend  # type: ignore[assignment]
    grids, memory = two_read_snapshot(backend, TABS)
    reads = harness.state.read_requests
    snapshot = backend.load(TABS)
    assert harness.state.read_requests - reads == 1
    assert snapshot.grids == grids and snapshot.memory_grid == memory and snapshot.title == "Team budgets"
    budget = snapshot.grids["Budget"]
    assert budget is not None and budget[1][7:11] == ["=not a formula", True, 46352, -0.5]
    assert budget[2][8] == FORMULA_PLACEHOLDER and budget[3][7:11] == ["x", "", "", 7]
    assert len(budget) == 4 and len(budget[1]) == 11  # the note and the bold cells hold no value
    assert snapshot.grids["Notes"] == [
        [],
        [],
        ["", "", "leading blanks", False],
        [],
        [],
        ["after empty rows"],
    ]
    assert snapshot.grids["Missing"] is None and memory


def test_the_masked_metadata_plans_as_the_full_metadata_did(
    sandbox: tuple[RunningService, SheetsState],
) -> None:
    harness = GoogleHarness(*sandbox)
    harness.sheet.sync([charted(["a", "b", "c"])], today=TODAY)
    human_edited(harness)
    backend: GoogleBackend = harness.sheet.backend  # type: ignore[assignment]
    meta = backend.http.fetch_sheet_metadata(backend.key)  # everything, no mask
    full = {s["properties"]["title"]: SheetInfo.from_metadata(s) for s in meta["sheets"]}
    snapshot = backend.load(TABS)
    masked: dict[str, SheetInfo] = snapshot.handle
    assert masked.keys() == full.keys() == {"Sheet1", "Budget", "Notes", MEMORY_TAB}
    for tab, info in full.items():
        seen = masked[tab]
        assert (seen.sheet_id, seen.rows, seen.cols, seen.charts) == (
            info.sheet_id,
            info.rows,
            info.cols,
            info.charts,
        )
        assert removals(seen, 0) == removals(info, 0)
    assert removals(full["Budget"], 0)  # our conditional format and protected ranges are there to find
    assert [c.title for c in snapshot.charts["Budget"]] == ["Hours and cost", "Mine"]


def test_the_read_is_one_masked_spreadsheets_get_and_an_unchanged_rerun_costs_only_it(
    sandbox: tuple[RunningService, SheetsState],
) -> None:
    harness = GoogleHarness(*sandbox)
    harness.sheet.sync([charted(["a", "b"])], today=TODAY)
    before = harness.requests()
    result = harness.sheet.sync([charted(["a", "b"])], today=TODAY)
    assert result.cells_written == 0 and harness.requests() - before == 1
    service = sandbox[0]
    reads = [e for e in service.log.entries if e.method == "GET"]
    assert reads and all(e.path.endswith(f"/v4/spreadsheets/{harness.key}") for e in reads)
    assert all(parse_qs(e.query) == {"fields": [READ_FIELDS], "prettyPrint": ["false"]} for e in reads)


def test_not_found_and_denied_are_named_on_the_single_read(
    sandbox: tuple[RunningService, SheetsState],
) -> None:
    service, state = sandbox
    credentials = SandboxCredentials(token=TOKEN)
    missing = open_google(
        "no-such-key", credentials=credentials, policy=FAST_POLICY, rewrite={SHEETS_URL: service.url}
    )
    with pytest.raises(SpreadsheetNotFound, match="spreadsheet key"):
        missing.sync([charted(["a"])], today=TODAY)
    harness = GoogleHarness(service, state)
    state.deny(harness.key)
    with pytest.raises(SheetAccessDenied, match="as Editor"):
        harness.sheet.sync([charted(["a"])], today=TODAY)


def effective(kind: str, value: Any) -> dict[str, Any]:
    return {"effectiveValue": {kind: value}}


@pytest.mark.parametrize(
    ("error_type", "shown"),
    [
        ("DIVIDE_BY_ZERO", "#DIV/0!"), ("N_A", "#N/A"), ("REF", "#REF!"), ("NAME", "#NAME?"),
        ("NUM", "#NUM!"), ("VALUE", "#VALUE!"), ("NULL_VALUE", "#NULL!"), ("ERROR", "#ERROR!"),
        ("LOADING", "Loading..."), ("ERROR_TYPE_UNSPECIFIED", "#ERROR!"),
    ],
)  # fmt: skip
def test_an_error_cell_reads_as_the_values_api_shows_it(error_type: str, shown: str) -> None:
    error = {"effectiveValue": {"errorValue": {"type": error_type, "message": "Division by zero."}}}
    data = [{"rowData": [{"values": [effective("numberValue", 1), error]}]}]
    assert grid_of(data) == [[1, shown]]


def test_grid_data_becomes_the_values_grid() -> None:
    data = [
        {
            "startRow": 1,
            "startColumn": 2,
            "rowData": [
                {"values": [effective("stringValue", "=x"), {}, effective("boolValue", False)]},
                {},
                {"values": [{}, {"note": "no value"}]},  # trailing cells without a value
                {"values": [effective("numberValue", 46352.25)]},
                {"values": [{}]},  # a trailing row of empties
            ],
        }
    ]
    assert grid_of(data) == [[], ["", "", "=x", "", False], [], [], ["", "", 46352.25]]
    assert grid_of([{}]) == [] and grid_of([]) == []
    second = {"startRow": 0, "startColumn": 1, "rowData": [{"values": [effective("stringValue", "b")]}]}
    assert grid_of([{"rowData": [{"values": [effective("stringValue", "a")]}]}, second]) == [["a", "b"]]
