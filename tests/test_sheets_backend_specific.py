"""Backend-specific behaviour of the sheet connector (the shared suite is test_sheet_backends.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import gspread
import openpyxl
import pytest
import requests

from connectors.http import ApiError, RetryPolicy
from connectors.sheets import (
    Column,
    SheetAccessDenied,
    SheetError,
    SheetRequestRefused,
    SpreadsheetNotFound,
    Table,
    open_google,
    open_workbook,
)
from connectors.sheets.google import SHEETS_URL
from connectors.sheets.google_requests import cell_updates
from connectors.sheets.merge import CellWrite
from connectors.sheets.spreadsheet import MAX_REPLANS
from connectors.sheets.writer_lock import workbook_lock_path
from sandbox.core import RunningService
from sandbox.sheets import SheetsState, start_sheets_sandbox
from tests.sheets_fixtures import (
    ACCOUNT,
    FAST_POLICY,
    TOKEN,
    GoogleHarness,
    SandboxCredentials,
    running_sandbox,
)
from tests.test_sheet_backends import COLUMNS, TODAY, by_key, charted, column, table

# ---- Google only -------------------------------------------------------------------------------


@pytest.fixture
def sandbox() -> Iterator[tuple[RunningService, SheetsState]]:
    yield from running_sandbox()


def google(sandbox: tuple[RunningService, SheetsState], title: str = "Team budgets") -> GoogleHarness:
    service, state = sandbox
    return GoogleHarness(service, state, title)


def logged(service: RunningService, state: SheetsState) -> list[Any]:
    """Every answered request, refused ones included: at least every one the stand-in's state counted."""
    entries = service.log.entries
    assert len(entries) >= state.read_requests + state.write_requests
    return entries


def test_google_sync_is_one_guarded_batch_whose_cells_are_literal(
    sandbox: tuple[RunningService, SheetsState],
) -> None:
    harness = google(sandbox)
    harness.sheet.sync([table(["a", "b", "c"])], today=TODAY)  # new tab: structure, layout, cells
    harness.sheet.sync([table(["b", "d", "c"], version=3)], today=TODAY)  # a row deleted: structure
    harness.sheet.sync([table(["b", "d", "c"], version=4)], today=TODAY)  # values only
    entries = logged(*sandbox)
    routes = [f"{e.method} {e.path.rsplit('/', 1)[-1]}" for e in entries]
    key = harness.key
    assert routes.count(f"GET {key}") == 3 and len(routes) == 6  # one read (spreadsheets.get) per sync
    assert routes.count("GET values:batchGet") == 0  # the values come with the metadata
    assert routes.count(f"POST {key}:batchUpdate") == 3  # one write per sync, all or nothing
    batches = [e.body["requests"] for e in entries if e.path.endswith(f"{key}:batchUpdate")]
    for sent in batches:
        cells = [r["updateCells"] for r in sent if "updateCells" in r]
        assert cells and {c["fields"] for c in cells} == {"userEnteredValue"}
        entered = [v.get("userEnteredValue", {}) for c in cells for row in c["rows"] for v in row["values"]]
        assert not any("formulaValue" in v for v in entered)
    values_only = {next(iter(r)) for r in batches[2]}
    assert values_only == {"deleteDeveloperMetadata", "createDeveloperMetadata", "updateCells"}  # guards
    assert [r[0] for r in harness.grid("Budget")] == ["Key", "b", "c", "d"]  # d appended
    assert harness.grid("_opsheets")[1][0] == "Budget"


def test_google_structural_batch_leaves_unwritten_cells_alone(
    sandbox: tuple[RunningService, SheetsState],
) -> None:
    harness = google(sandbox)
    harness.sheet.sync([table(["a", "b", "c"])], today=TODAY)
    harness.insert_column("Budget", 2)  # a human column between Name and Hours, with a note and a formula
    harness.set_cells("Budget", "C1", [["Mine"], [None], ["keep me"], [None]])
    harness.state.edit(harness.key, "Budget!C4", [["=1+1"]], user_entered=True)
    harness.sheet.sync([table(["b", "c"], version=2)], today=TODAY)  # row a goes: structural, with values
    header, rows = by_key(harness)
    assert set(rows) == {"b", "c"} and column(header, rows["c"], "Hours") == 3.5
    assert harness.state.is_formula(harness.key, "Budget", 2, 2)  # c's formula, now on row 3
    assert header[2] == "Mine" and column(header, rows["b"], "Mine") == "keep me"


def test_cell_updates_cover_only_written_cells_with_literal_values() -> None:
    writes = [
        CellWrite(0, 0, "=1+1"), CellWrite(0, 1, True), CellWrite(0, 3, date(2026, 11, 26)),
        CellWrite(1, 0, Decimal("2.5")), CellWrite(1, 1, ""), CellWrite(1, 3, 7),
        CellWrite(3, 0, "x"),
    ]  # fmt: skip
    spans = [
        (u["range"]["startRowIndex"], u["range"]["endRowIndex"], u["range"]["startColumnIndex"],
         u["range"]["endColumnIndex"], [[c.get("userEnteredValue") for c in r["values"]] for r in u["rows"]])
        for u in (r["updateCells"] for r in cell_updates(5, writes))
    ]  # fmt: skip
    assert spans == [
        (0, 2, 0, 2, [[{"stringValue": "=1+1"}, {"boolValue": True}], [{"numberValue": 2.5}, None]]),
        (0, 2, 3, 4, [[{"numberValue": 46352}], [{"numberValue": 7}]]),  # C is not written: left alone
        (3, 4, 0, 1, [[{"stringValue": "x"}]]),  # row 3 not written: a new block
    ]


def test_google_layout_is_applied_once_and_replaced_not_duplicated(
    sandbox: tuple[RunningService, SheetsState],
) -> None:
    harness = google(sandbox)
    harness.sheet.sync([table(["a"])], today=TODAY)
    state, key = harness.state, harness.key
    meta = state.sheet_metadata(key, "Budget")
    assert meta["properties"]["gridProperties"]["frozenRowCount"] == 1
    assert state.cell(key, "Budget", 0, 0)["note"].startswith("maintained by opsheets")
    assert state.cell(key, "Budget", 0, 0)["userEnteredFormat"]["textFormat"]["bold"] is True
    assert state.cell(key, "Budget", 1, 2)["userEnteredFormat"]["numberFormat"]["pattern"] == "0.0"
    assert state.cell(key, "Budget", 1, 4)["userEnteredFormat"]["numberFormat"]["type"] == "DATE"
    assert all(p["warningOnly"] for p in meta["protectedRanges"]) and len(meta["protectedRanges"]) == 6
    assert len(meta["conditionalFormats"]) == 1
    assert state.sheet_properties(key, "_opsheets")["hidden"] is True
    base = table(["a"])
    wider = Table("Budget", [*COLUMNS, Column("Extra")], key=("Key",), rows=base.rows, rules=base.rules)
    harness.sheet.sync([wider], today=TODAY)
    meta = state.sheet_metadata(key, "Budget")
    assert len(meta["conditionalFormats"]) == 1 and len(meta["protectedRanges"]) == 7


def test_google_chart_rides_in_the_one_structural_batch(sandbox: tuple[RunningService, SheetsState]) -> None:
    service, state = sandbox
    harness = google(sandbox)
    harness.sheet.sync([charted(["a", "b"])], today=TODAY)
    (old,) = state.sheet_metadata(harness.key, "Budget")["charts"]
    harness.sheet.sync([charted(["a", "b", "c"])], today=TODAY)  # one more row: the chart is re-laid out
    structural = [e.body for e in logged(service, state) if e.path.endswith(":batchUpdate")]
    structural = [b for b in structural if "requests" in b]
    assert len(structural) == 2  # one per sync, the chart inside it
    kinds = [[next(iter(r)) for r in body["requests"]] for body in structural]
    assert kinds[0].count("addChart") == 1 and "deleteEmbeddedObject" not in kinds[0]
    assert kinds[1].count("addChart") == 1 and kinds[1].count("deleteEmbeddedObject") == 1
    add = next(r["addChart"]["chart"] for r in structural[1]["requests"] if "addChart" in r)
    assert add["spec"]["basicChart"]["chartType"] == "COLUMN"
    anchor = add["position"]["overlayPosition"]["anchorCell"]
    assert (anchor["rowIndex"], anchor["columnIndex"]) == (0, 7)  # beside Key..Sync status (A:F), G spare
    deleted = next(
        r["deleteEmbeddedObject"] for r in structural[1]["requests"] if "deleteEmbeddedObject" in r
    )
    assert deleted == {"objectId": old["chartId"]}
    assert len(state.sheet_metadata(harness.key, "Budget")["charts"]) == 1


def test_google_write_quota_is_waited_out_without_lost_or_doubled_writes(tmp_path: Path) -> None:
    service, state = start_sheets_sandbox(write_limit=2, window_s=2.0)  # one write per sync: the third waits
    # Google sends no Retry-After on quota 429s: full-jitter backoff must add up past the window.
    patient = RetryPolicy(max_attempts=10, backoff_base_s=0.3, backoff_cap_s=2.0)
    with service:
        harness = GoogleHarness(service, state, policy=patient)
        for version, keys in enumerate([["a", "b"], ["b", "c", "d"], ["d"]], start=1):
            harness.sheet.sync([table(keys, version)], today=TODAY)
        entries = logged(service, state)
        assert any(e.status == 429 for e in entries)  # the quota did bite
        admitted = [e for e in entries if e.method == "POST" and e.status == 200]
        assert len(admitted) == state.write_requests
        assert [r[0] for r in harness.grid("Budget")] == ["Key", "d"]


def test_google_structural_batch_replayed_after_lost_response_is_not_applied_twice(
    sandbox: tuple[RunningService, SheetsState], monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = google(sandbox)
    harness.sheet.sync([table(["a", "b", "c", "d"])], today=TODAY)
    http = harness.sheet.backend.http
    real = http.batch_update
    replays: list[int] = []

    def applied_then_replayed(key: str, body: dict[str, Any]) -> Any:
        real(key, body)  # applied; its response is lost, so the retry layer sends it again
        replays.append(1)
        monkeypatch.setattr(http, "batch_update", real)
        return real(key, body)

    monkeypatch.setattr(http, "batch_update", applied_then_replayed)
    result = harness.sheet.sync([table(["a", "d"])], today=TODAY)  # deletes rows b and c
    assert replays == [1]
    assert [r[0] for r in harness.grid("Budget")] == ["Key", "a", "d"]
    assert result.tabs[0].rows_removed == 2  # the re-plan found nothing left: the applied batch is reported


@pytest.mark.parametrize("refusals", [3, 4])
def test_google_refused_structural_batch_is_replanned_up_to_three_times(
    sandbox: tuple[RunningService, SheetsState], monkeypatch: pytest.MonkeyPatch, refusals: int
) -> None:
    harness = google(sandbox)
    harness.sheet.sync([table(["a", "b"])], today=TODAY)
    http = harness.sheet.backend.http
    real = http.batch_update
    sent: list[int] = []

    def refused(key: str, body: dict[str, Any]) -> Any:
        sent.append(1)
        if len(sent) <= refusals:  # as a replay of a batch whose answer was lost is refused
            raise gspread.exceptions.APIError(_bad_request())
        return real(key, body)

    monkeypatch.setattr(http, "batch_update", refused)
    if refusals > MAX_REPLANS:
        with pytest.raises(SheetError, match="after re-reading 3 times"):
            harness.sheet.sync([table(["b"])], today=TODAY)
        assert len(sent) == MAX_REPLANS + 1 and [r[0] for r in harness.grid("Budget")] == ["Key", "a", "b"]
    else:
        harness.sheet.sync([table(["b"])], today=TODAY)
        assert len(sent) == refusals + 1 and [r[0] for r in harness.grid("Budget")] == ["Key", "b"]


def _bad_request() -> requests.Response:
    response = requests.Response()
    response.status_code = 400
    response._content = (
        b'{"error": {"code": 400, "message": "No grid with id: 8", "status": "INVALID_ARGUMENT"}}'
    )
    return response


def test_google_faults_are_retried_to_the_same_result(sandbox: tuple[RunningService, SheetsState]) -> None:
    service, _ = sandbox
    harness = google(sandbox)
    service.knobs.fault_rates = {"500": 0.2, "503": 0.1, "reset": 0.1}
    service.knobs.retry_after_s = 0
    harness.sheet.sync([table(["a", "b", "c"])], today=TODAY)
    harness.sheet.sync([table(["c", "a"], version=2)], today=TODAY)
    service.knobs.fault_rates = {}
    header, rows = by_key(harness)
    assert set(rows) == {"a", "c"} and column(header, rows["a"], "Hours") == 3.5  # 1.5 * 1 + 2


def test_google_access_errors_name_the_fix(sandbox: tuple[RunningService, SheetsState]) -> None:
    harness = google(sandbox)
    harness.state.deny(harness.key)
    with pytest.raises(SheetAccessDenied, match=ACCOUNT):
        harness.sheet.sync([table(["a"])], today=TODAY)
    missing = open_google("no-such-key", credentials=SandboxCredentials(token=TOKEN), policy=FAST_POLICY,
                          rewrite={SHEETS_URL: sandbox[0].url})  # fmt: skip
    with pytest.raises(SpreadsheetNotFound, match="spreadsheet key"):
        missing.read_rows("Budget")


# ---- workbook only -----------------------------------------------------------------------------


def test_workbook_save_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "book.xlsx"
    sheet = open_workbook(path)
    sheet.sync([table(["a"])], today=TODAY)
    before = path.read_bytes()

    def crash(self: openpyxl.Workbook, filename: str) -> None:
        Path(filename).write_bytes(b"half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", crash)
    with pytest.raises(OSError, match="disk full"):
        sheet.sync([table(["a", "b"])], today=TODAY)
    assert path.read_bytes() == before
    assert files_beside(path) == ["book.xlsx"]


def test_workbook_save_removes_its_own_stale_temp_files_only(tmp_path: Path) -> None:
    path = tmp_path / "book [v1].xlsx"  # glob characters in the name are taken literally
    killed = [tmp_path / ".book [v1].xlsx.k1ll3d_a.tmp", tmp_path / ".book [v1].xlsx.zz9.tmp"]
    others = [tmp_path / ".other.xlsx.k1ll3d_a.tmp", tmp_path / ".book [v1].xlsx.notes", tmp_path / "b.tmp"]
    for leftover in [*killed, *others]:
        leftover.write_bytes(b"half a zip")
    open_workbook(path).sync([table(["a"])], today=TODAY)
    assert files_beside(path) == sorted([path.name, *(p.name for p in others)])


def files_beside(path: Path) -> list[str]:
    """The files in the workbook's folder but its writer lock (which stays for the next writer)."""
    lock = workbook_lock_path(path).name
    return sorted(p.name for p in path.parent.iterdir() if p.name != lock)


def test_workbook_chart_sits_beside_the_table_with_visible_axes(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    open_workbook(path).sync([charted(["a", "b"])], today=TODAY)
    (chart,) = openpyxl.load_workbook(path)["Budget"]._charts
    assert (chart.anchor._from.col, chart.anchor._from.row) == (7, 0)  # H1: A:F is the table, G spare
    assert chart.x_axis.delete is False and chart.y_axis.delete is False


def test_workbook_layout_and_text_cells(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    rows = [{"Key": "k", "Name": "=1+1"}]
    open_workbook(path).sync([Table("Budget", COLUMNS[:2], key=("Key",), rows=rows)], today=TODAY)
    wb = openpyxl.load_workbook(path)
    ws = wb["Budget"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.b and "opsheets" in ws["A1"].comment.text
    assert ws["B2"].data_type == "s" and ws["B2"].quotePrefix
    assert wb["_opsheets"].sheet_state == "hidden"


def test_google_read_grid_is_one_request_and_none_for_a_missing_tab(
    sandbox: tuple[RunningService, SheetsState],
) -> None:
    harness = google(sandbox)
    assert harness.sheet.read_grid("People") is None  # Sheets answers 400 for a range on no such tab
    harness.sheet.sync([table(["a", "b"])], today=TODAY)
    reads_before = harness.state.read_requests
    grid = harness.sheet.read_grid("Budget")
    assert grid is not None and [row[0] for row in grid] == ["Key", "a", "b"]
    assert harness.state.read_requests - reads_before == 1  # values only, no metadata request
    rows = harness.sheet.rows_in(grid, "Budget", required=("Key",))
    assert [values["Key"] for _, values in rows] == ["a", "b"]


def test_google_refused_token_names_the_credentials_to_check(
    sandbox: tuple[RunningService, SheetsState],
) -> None:
    harness = google(sandbox)
    unauthenticated = open_google(harness.key, credentials=SandboxCredentials(token=" "), policy=FAST_POLICY,
                                  rewrite={SHEETS_URL: sandbox[0].url})  # fmt: skip
    with pytest.raises(SheetAccessDenied) as refused:  # the stand-in's 401 makes google-auth try a refresh
        unauthenticated.sync([table(["a"])], today=TODAY)
    assert str(refused.value).startswith(f"Google Sheets: spreadsheet '{harness.key}': no access token (")
    assert str(refused.value).endswith(
        "Fix: check GOOGLE_APPLICATION_CREDENTIALS; the service-account key may have been deleted or disabled"
    )
    with pytest.raises(SheetAccessDenied, match="no access token"):
        unauthenticated.read_grid("Budget")
    assert harness.grid("Sheet1") == []


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, SheetRequestRefused),
        (409, SheetRequestRefused),
        (403, SheetAccessDenied),
        (404, SpreadsheetNotFound),
    ],
)
def test_no_gspread_error_leaves_the_connector(
    sandbox: tuple[RunningService, SheetsState], monkeypatch: pytest.MonkeyPatch, status: int, kind: type
) -> None:
    """Whatever Google refuses comes out as a SheetError, an ApiError naming the spreadsheet and status."""
    harness = google(sandbox)
    harness.sheet.sync([table(["a"])], today=TODAY)
    http = harness.sheet.backend.http

    def refused(key: str, params: dict[str, Any]) -> Any:
        raise gspread.exceptions.APIError(_error_response(status))

    monkeypatch.setattr(http, "fetch_sheet_metadata", refused)
    with pytest.raises(ApiError) as caught:
        harness.sheet.sync([table(["a", "b"])], today=TODAY)
    assert type(caught.value) is kind and isinstance(caught.value, SheetError)
    assert caught.value.status == status and caught.value.system == "Google Sheets"
    assert str(caught.value).startswith("Google Sheets: spreadsheet 'Team budgets'")


def _error_response(status: int) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = b'{"error": {"code": %d, "message": "refused", "status": "X"}}' % status
    return response
