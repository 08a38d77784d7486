"""The Google Sheets stand-in, driven with plain requests and with the real gspread client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gspread
import pytest
import requests
from google.oauth2.credentials import Credentials

from connectors.http import RetryPolicy, mount_policy
from sandbox.core import RunningService
from sandbox.sheets import FORMULA_PLACEHOLDER, SheetsState, start_sheets_sandbox
from sandbox.sheets.a1 import Bounds, format_range, parse_cells, quote_title, split_sheet
from sandbox.sheets.errors import SheetsError

GOOGLE = "https://sheets.googleapis.com"
AUTH = {"Authorization": "Bearer sandbox-token"}


@pytest.fixture
def sandbox() -> Iterator[tuple[RunningService, SheetsState]]:
    service, state = start_sheets_sandbox()
    with service:
        yield service, state


@pytest.fixture
def api(sandbox: tuple[RunningService, SheetsState]) -> Api:
    return Api(sandbox[0].url)


@pytest.fixture
def state(sandbox: tuple[RunningService, SheetsState]) -> SheetsState:
    return sandbox[1]


@pytest.fixture
def gc(sandbox: tuple[RunningService, SheetsState]) -> gspread.Client:
    client = gspread.Client(Credentials(token="sandbox-token"))
    policy = RetryPolicy(max_attempts=3, backoff_base_s=0.05, backoff_cap_s=0.2)
    mount_policy(client.http_client.session, "Google Sheets", policy, rewrite={GOOGLE: sandbox[0].url})
    return client


class Api:
    def __init__(self, url: str) -> None:
        self.base = url + "/v4/spreadsheets"

    def get(self, path: str, **params: Any) -> requests.Response:
        return requests.get(self.base + path, headers=AUTH, params=params, timeout=10)

    def put(self, path: str, body: Any, **params: Any) -> requests.Response:
        return requests.put(self.base + path, headers=AUTH, params=params, json=body, timeout=10)

    def post(self, path: str, body: Any, **params: Any) -> requests.Response:
        return requests.post(self.base + path, headers=AUTH, params=params, json=body, timeout=10)


def _error(response: requests.Response) -> dict[str, Any]:
    return response.json()["error"]


# --- metadata ----------------------------------------------------------------------------------


def test_metadata_lists_sheets_with_grid_properties(api: Api, state: SheetsState) -> None:
    sid = state.create_spreadsheet("Ops", {"Data": [["a"]], "Notes": []})
    body = api.get(f"/{sid}", includeGridData="false").json()
    assert body["spreadsheetId"] == sid
    assert body["properties"]["title"] == "Ops"
    props = [s["properties"] for s in body["sheets"]]
    assert [(p["title"], p["index"], p["sheetType"]) for p in props] == [
        ("Data", 0, "GRID"),
        ("Notes", 1, "GRID"),
    ]
    assert props[0]["gridProperties"] == {"rowCount": 1000, "columnCount": 26}
    assert props[0]["sheetId"] != props[1]["sheetId"]


# --- values ------------------------------------------------------------------------------------


def test_values_round_trip_with_quoted_sheet_name(api: Api, state: SheetsState) -> None:
    sid = state.create_spreadsheet("Ops", {"It's a tab": []})
    written = api.put(
        f"/{sid}/values/'It''s a tab'!A1", {"values": [["k", 1, 2.5, True]]}, valueInputOption="RAW"
    )
    assert written.json() == {
        "spreadsheetId": sid,
        "updatedRange": "'It''s a tab'!A1:D1",
        "updatedRows": 1,
        "updatedColumns": 4,
        "updatedCells": 4,
    }
    raw = api.get(f"/{sid}/values/'It''s a tab'!A1:D1", valueRenderOption="UNFORMATTED_VALUE").json()
    assert raw == {"range": "'It''s a tab'!A1:D1", "majorDimension": "ROWS", "values": [["k", 1, 2.5, True]]}
    shown = api.get(f"/{sid}/values/'It''s a tab'").json()
    assert shown["range"] == "'It''s a tab'!A1:Z1000"
    assert shown["values"] == [["k", "1", "2.5", "TRUE"]]


def test_reads_drop_trailing_empties_and_omit_values_when_empty(api: Api, state: SheetsState) -> None:
    sid = state.create_spreadsheet("Ops", {"T": [["a", "", "c", ""], ["", ""], ["x"], [], []]})
    body = api.get(f"/{sid}/values/T!A1:E10").json()
    assert body["values"] == [["a", "", "c"], [], ["x"]]
    empty = api.get(f"/{sid}/values/T!F1:G5").json()
    assert empty == {"range": "T!F1:G5", "majorDimension": "ROWS"}


def test_open_ranges_and_single_cells(api: Api, state: SheetsState) -> None:
    sid = state.create_spreadsheet("Ops", {"T": [["a", "b", "c"], ["d", "e", "f"], ["g", "h", "i"]]})
    assert api.get(f"/{sid}/values/T!B:C").json()["values"] == [["b", "c"], ["e", "f"], ["h", "i"]]
    assert api.get(f"/{sid}/values/T!2:3").json()["values"] == [["d", "e", "f"], ["g", "h", "i"]]
    assert api.get(f"/{sid}/values/T!B2:C").json()["range"] == "T!B2:C1000"
    assert api.get(f"/{sid}/values/T!C3").json() == {
        "range": "T!C3",
        "majorDimension": "ROWS",
        "values": [["i"]],
    }
    first_sheet = api.get(f"/{sid}/values/A1:B1").json()
    assert first_sheet["values"] == [["a", "b"]]


def test_null_leaves_cell_and_empty_string_clears(api: Api, state: SheetsState) -> None:
    sid = state.create_spreadsheet("Ops", {"T": [["a", "b", "c"]]})
    api.put(f"/{sid}/values/T!A1:C1", {"values": [[None, "", "C"]]}, valueInputOption="RAW")
    assert state.grid(sid, "T") == [["a", "", "C"]]


def test_raw_keeps_formula_text_while_user_entered_makes_a_formula(api: Api, state: SheetsState) -> None:
    sid = state.create_spreadsheet("Ops", {"T": []})
    api.put(f"/{sid}/values/T!A1", {"values": [["=1+1", "42"]]}, valueInputOption="RAW")
    api.put(f"/{sid}/values/T!A2", {"values": [["=1+1", "42"]]}, valueInputOption="USER_ENTERED")
    assert state.grid(sid, "T") == [["=1+1", "42"], ["=1+1", 42]]
    assert not state.is_formula(sid, "T", 0, 0)
    assert state.is_formula(sid, "T", 1, 0)
    assert api.get(f"/{sid}/values/T", valueRenderOption="FORMULA").json()["values"] == [
        ["=1+1", "42"],
        ["=1+1", 42],
    ]
    assert api.get(f"/{sid}/values/T!A2:B2").json()["values"] == [[FORMULA_PLACEHOLDER, "42"]]


def test_value_input_option_is_required(api: Api, state: SheetsState) -> None:
    sid = state.create_spreadsheet("Ops", {"T": []})
    response = api.put(f"/{sid}/values/T!A1", {"values": [["x"]]})
    assert response.status_code == 400
    assert _error(response)["status"] == "INVALID_ARGUMENT"
    assert state.grid(sid, "T") == []


def test_writes_beyond_the_grid_are_refused(api: Api, state: SheetsState) -> None:
    sid = state.create_spreadsheet("Ops", {"Tab": []})
    response = api.put(f"/{sid}/values/Tab!A1001", {"values": [["x"]]}, valueInputOption="RAW")
    assert response.status_code == 400
    assert _error(response) == {
        "code": 400,
        "message": "Range (Tab!A1001) exceeds grid limits. Max rows: 1000, max columns: 26",
        "status": "INVALID_ARGUMENT",
    }


def test_unknown_tab_cannot_be_parsed(api: Api, state: SheetsState) -> None:
    sid = state.create_spreadsheet("Ops", {"T": []})
    response = api.get(f"/{sid}/values/Nope!A1")
    assert response.status_code == 400
    assert _error(response)["message"] == "Unable to parse range: Nope!A1"


def test_batch_get_and_batch_update_values(api: Api, state: SheetsState) -> None:
    sid = state.create_spreadsheet("Ops", {"A": [], "B b": []})
    body = {
        "valueInputOption": "RAW",
        "data": [
            {"range": "A!A1", "values": [["x", "y"], ["z"]]},
            {"range": "'B b'!B2:C2", "values": [[1, 2]]},
        ],
    }
    result = api.post(f"/{sid}/values:batchUpdate", body).json()
    assert result["totalUpdatedCells"] == 5
    assert result["totalUpdatedSheets"] == 2
    assert [r["updatedRange"] for r in result["responses"]] == ["A!A1:B2", "'B b'!B2:C2"]
    got = api.get(f"/{sid}/values:batchGet", ranges=["A", "'B b'!A1:C2"]).json()
    assert [v.get("values") for v in got["valueRanges"]] == [[["x", "y"], ["z"]], [[], ["", "1", "2"]]]


def test_values_batch_update_with_a_bad_range_changes_nothing(api: Api, state: SheetsState) -> None:
    sid = state.create_spreadsheet("Ops", {"A": [["keep"]]})
    before = state.snapshot()
    body = {"valueInputOption": "RAW", "data": [{"range": "A!A1", "values": [["new"]]}, {"range": "Z!A1"}]}
    assert api.post(f"/{sid}/values:batchUpdate", body).status_code == 400
    assert state.snapshot() == before


def test_clear_and_batch_clear_keep_other_cells(api: Api, state: SheetsState) -> None:
    sid = state.create_spreadsheet("Ops", {"T": [["a", "b"], ["c", "d"]]})
    assert api.post(f"/{sid}/values/T!A1:A2:clear", {}).json() == {
        "spreadsheetId": sid,
        "clearedRange": "T!A1:A2",
    }
    assert state.grid(sid, "T") == [["", "b"], ["", "d"]]
    cleared = api.post(f"/{sid}/values:batchClear", {"ranges": ["T!B2"]}).json()
    assert cleared["clearedRanges"] == ["T!B2"]
    assert state.grid(sid, "T") == [["", "b"]]


# --- errors and auth ---------------------------------------------------------------------------


def test_missing_bearer_is_401_in_googles_shape(api: Api, state: SheetsState) -> None:
    sid = state.create_spreadsheet("Ops")
    response = requests.get(f"{api.base}/{sid}", timeout=10)
    assert response.status_code == 401
    assert _error(response)["status"] == "UNAUTHENTICATED"
    assert _error(response)["code"] == 401


def test_unknown_spreadsheet_is_404_and_unshared_is_403(api: Api, state: SheetsState) -> None:
    response = api.get("/does-not-exist")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}
    }
    sid = state.create_spreadsheet("Secret")
    state.deny(sid)
    denied = api.get(f"/{sid}/values/Sheet1")
    assert denied.status_code == 403
    assert denied.json() == {
        "error": {
            "code": 403,
            "message": "The caller does not have permission",
            "status": "PERMISSION_DENIED",
        }
    }


# --- gspread -----------------------------------------------------------------------------------


def test_gspread_reads_and_writes_through_the_sandbox(gc: gspread.Client, state: SheetsState) -> None:
    sid = state.create_spreadsheet("Ops", {"Team Plan": [["Name", "Hours"], ["Ada", 32]]})
    book = gc.open_by_key(sid)
    sheet = book.worksheet("Team Plan")
    assert sheet.get_all_values() == [["Name", "Hours"], ["Ada", "32"]]
    sheet.update([["=SUM(1,2)", 7]], "A3", value_input_option=gspread.utils.ValueInputOption.raw)
    assert state.grid(sid, "Team Plan")[2] == ["=SUM(1,2)", 7]
    assert not state.is_formula(sid, "Team Plan", 2, 0)
    ranges = book.values_batch_get(["'Team Plan'!A1:B1", "'Team Plan'!A3:B3"])
    assert [r["values"] for r in ranges["valueRanges"]] == [[["Name", "Hours"]], [["=SUM(1,2)", "7"]]]


def test_gspread_sees_googles_error_bodies(gc: gspread.Client, state: SheetsState) -> None:
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        gc.open_by_key("missing")
    sid = state.create_spreadsheet("Secret", {"T": [["x"]]})
    sheet = gc.open_by_key(sid).worksheet("T")
    state.deny(sid)
    with pytest.raises(gspread.exceptions.APIError) as caught:
        sheet.get_all_values()
    assert caught.value.response.status_code == 403
    assert caught.value.error == {
        "code": 403,
        "message": "The caller does not have permission",
        "status": "PERMISSION_DENIED",
    }


def test_gspread_layout_calls_reach_the_stand_in(gc: gspread.Client, state: SheetsState) -> None:
    sid = state.create_spreadsheet("Ops", {"Data": [["Key", "Hours"], ["A", 1], ["B", 2], ["C", 3]]})
    book = gc.open_by_key(sid)
    sheet = book.add_worksheet("Plan", rows=10, cols=4)
    assert state.sheet_properties(sid, "Plan")["gridProperties"] == {"rowCount": 10, "columnCount": 4}
    data = book.worksheet("Data")
    data.freeze(rows=1)
    data.format("A1:B1", {"textFormat": {"bold": True}})
    data.update_note("A1", "maintained by opsheets")
    data.delete_rows(3)
    sheet.add_rows(5)
    assert state.sheet_properties(sid, "Data")["gridProperties"]["frozenRowCount"] == 1
    assert state.cell(sid, "Data", 0, 1)["userEnteredFormat"] == {"textFormat": {"bold": True}}
    assert data.get_note("A1") == "maintained by opsheets"
    assert state.grid(sid, "Data") == [["Key", "Hours"], ["A", 1], ["C", 3]]
    assert state.sheet_properties(sid, "Plan")["gridProperties"]["rowCount"] == 15


# --- quota -------------------------------------------------------------------------------------


def test_write_quota_is_per_user_over_a_sliding_window() -> None:
    clock = [0.0]  # the quota's clock moves only when the test says so
    service, state = start_sheets_sandbox(write_limit=2, window_s=60.0, clock=lambda: clock[0])
    with service:
        api = Api(service.url)
        sid = state.create_spreadsheet("Ops", {"T": []})
        for _ in range(2):
            assert api.put(f"/{sid}/values/T!A1", {"values": [["x"]]}, valueInputOption="RAW").ok
        refused = api.post(f"/{sid}/values:batchClear", {"ranges": ["T"]})
        assert refused.status_code == 429
        assert _error(refused)["status"] == "RESOURCE_EXHAUSTED"
        assert _error(refused)["message"].startswith(
            "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user'"
        )
        assert "Retry-After" not in refused.headers
        other_user = requests.post(
            f"{api.base}/{sid}:batchUpdate", json={"requests": []}, headers={"Authorization": "Bearer other"}
        )
        assert other_user.ok
        assert api.get(f"/{sid}").ok  # reads have their own quota
        clock[0] += 60.0
        assert api.post(f"/{sid}/values:batchClear", {"ranges": ["T"]}).ok
        assert state.write_requests == 4


def test_read_quota_refuses_after_the_limit() -> None:
    service, state = start_sheets_sandbox(read_limit=3, window_s=60)
    with service:
        api = Api(service.url)
        sid = state.create_spreadsheet("Ops")
        statuses = [api.get(f"/{sid}/values:batchGet", ranges="Sheet1").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert state.read_requests == 3


def test_unknown_routes_answer_googles_json(api: Api) -> None:
    response = requests.get(api.base.replace("/v4/spreadsheets", "/v3/nothing"), headers=AUTH, timeout=10)
    assert response.status_code == 404
    assert response.json()["error"]["status"] == "NOT_FOUND"


# --- A1 notation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'It''s'!A1:B2", ("It's", "A1:B2")),
        ("'Tab!x'", ("Tab!x", None)),
        ("Tab!A:C", ("Tab", "A:C")),
        ("B3", (None, "B3")),
    ],
)
def test_split_sheet(text: str, expected: tuple[str | None, str | None]) -> None:
    assert split_sheet(text) == expected


@pytest.mark.parametrize(
    ("cells", "bounds"),
    [
        ("A1", Bounds(0, 0, 1, 1)),
        ("C3:A1", Bounds(0, 0, 3, 3)),
        ("A:C", Bounds(0, 0, None, 3)),
        ("2:5", Bounds(1, 0, 5, None)),
        ("B2:D", Bounds(1, 1, None, 4)),
        ("$AA$10", Bounds(9, 26, 10, 27)),
    ],
)
def test_parse_cells(cells: str, bounds: Bounds) -> None:
    assert parse_cells(cells, cells) == bounds


@pytest.mark.parametrize("cells", ["A0", "A1:B2:C3", "A", "1A", ""])
def test_unparsable_cells(cells: str) -> None:
    with pytest.raises(SheetsError, match="Unable to parse range"):
        parse_cells(cells, cells)


def test_titles_are_quoted_only_when_needed() -> None:
    assert quote_title("Sheet1") == "Sheet1"
    assert quote_title("A1") == "'A1'"
    assert format_range("Team's plan", 0, 0, 3, 3) == "'Team''s plan'!A1:C3"
