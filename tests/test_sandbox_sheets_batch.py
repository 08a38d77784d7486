"""The Google Sheets stand-in's spreadsheets:batchUpdate: all or nothing, and what each request changes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sandbox.sheets import SheetsState, start_sheets_sandbox

AUTH = {"Authorization": "Bearer sandbox-token"}


class Api:
    def __init__(self, url: str) -> None:
        self.base = url + "/v4/spreadsheets"

    def get(self, path: str, **params: Any) -> requests.Response:
        return requests.get(self.base + path, headers=AUTH, params=params, timeout=10)

    def put(self, path: str, body: Any, **params: Any) -> requests.Response:
        return requests.put(self.base + path, headers=AUTH, params=params, json=body, timeout=10)

    def batch(self, sid: str, *reqs: dict[str, Any]) -> requests.Response:
        return requests.post(
            f"{self.base}/{sid}:batchUpdate", headers=AUTH, json={"requests": list(reqs)}, timeout=10
        )


@pytest.fixture
def stand_in() -> Iterator[tuple[Api, SheetsState]]:
    service, state = start_sheets_sandbox()
    with service:
        yield Api(service.url), state


@pytest.fixture
def api(stand_in: tuple[Api, SheetsState]) -> Api:
    return stand_in[0]


@pytest.fixture
def state(stand_in: tuple[Api, SheetsState]) -> SheetsState:
    return stand_in[1]


def _error(response: requests.Response) -> dict[str, Any]:
    return response.json()["error"]


def test_add_sheet_honours_requested_id_and_refuses_duplicate_titles(api: Api, state: SheetsState) -> None:
    sid = state.create_spreadsheet("Ops", {"Data": []})
    reply = api.batch(sid, {"addSheet": {"properties": {"title": "Plan", "sheetId": 77}}}, {"addSheet": {}})
    assert reply.status_code == 200
    replies = reply.json()["replies"]
    assert replies[0]["addSheet"]["properties"] == {
        "sheetId": 77,
        "title": "Plan",
        "sheetType": "GRID",
        "gridProperties": {"rowCount": 1000, "columnCount": 26},
        "index": 1,
    }
    assert replies[1]["addSheet"]["properties"]["title"] == "Sheet3"
    again = api.batch(sid, {"addSheet": {"properties": {"title": "Plan"}}})
    assert again.status_code == 400
    assert "already exists" in _error(again)["message"]
    assert state.tabs(sid) == ["Data", "Plan", "Sheet3"]


@pytest.mark.parametrize(
    "bad",
    [
        {"deleteSheet": {"sheetId": 999}},
        {"addSheet": {"properties": {"title": "New"}}},
        {"frobnicate": {}},
        {"repeatCell": {"range": {"sheetId": 0, "endRowIndex": 1001}, "cell": {}, "fields": "note"}},
        {"updateSheetProperties": {"properties": {"sheetId": 0, "hidden": True}}},
    ],
)
def test_batch_update_with_one_invalid_request_applies_nothing(
    api: Api, state: SheetsState, bad: dict[str, Any]
) -> None:
    sid = state.create_spreadsheet("Ops", {"Data": [["a", "b"], ["c", "d"]]})
    before = state.snapshot()
    good = [
        {"addSheet": {"properties": {"title": "New"}}},
        {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}}},
        {"updateSheetProperties": {"properties": {"sheetId": 0, "title": "Renamed"}, "fields": "title"}},
    ]
    response = api.batch(sid, *good, bad)
    assert response.status_code == 400
    assert _error(response)["status"] == "INVALID_ARGUMENT"
    assert "requests[3]" in _error(response)["message"]
    assert state.snapshot() == before


def test_update_sheet_properties_follows_the_field_mask(api: Api, state: SheetsState) -> None:
    sid = state.create_spreadsheet("Ops", {"Data": [], "Other": []})
    props = {"sheetId": 0, "title": "Ignored", "hidden": True, "gridProperties": {"frozenRowCount": 1}}
    assert api.batch(
        sid,
        {"updateSheetProperties": {"properties": props, "fields": "gridProperties.frozenRowCount,hidden"}},
    ).ok
    got = state.sheet_properties(sid, "Data")
    assert got["hidden"] is True
    assert got["gridProperties"] == {"rowCount": 1000, "columnCount": 26, "frozenRowCount": 1}
    rename = {"properties": {"sheetId": 0, "title": "Plan", "index": 1}, "fields": "title,index"}
    assert api.batch(sid, {"updateSheetProperties": rename}).ok
    assert state.tabs(sid) == ["Other", "Plan"]


def test_delete_dimension_shifts_rows_columns_and_rules(api: Api, state: SheetsState) -> None:
    rows = [["h1", "h2", "h3"], ["r1", "x", "y"], ["r2", "x", "y"], ["r3", "x", "y"]]
    sid = state.create_spreadsheet("Ops", {"T": rows})
    rule = {
        "ranges": [{"sheetId": 0, "startRowIndex": 3, "endRowIndex": 4}],
        "booleanRule": {"condition": {"type": "NOT_BLANK"}, "format": {"textFormat": {"bold": True}}},
    }
    assert api.batch(sid, {"addConditionalFormatRule": {"rule": rule, "index": 0}}).ok
    response = api.batch(
        sid,
        {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 3}}},
        {
            "deleteDimension": {
                "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 1, "endIndex": 2}
            }
        },
    )
    assert response.json()["replies"] == [{}, {}]
    assert state.grid(sid, "T") == [["h1", "h3"], ["r3", "y"]]
    props = state.sheet_properties(sid, "T")["gridProperties"]
    assert (props["rowCount"], props["columnCount"]) == (998, 25)
    moved = state.sheet_metadata(sid, "T")["conditionalFormats"][0]["ranges"][0]
    assert (moved["startRowIndex"], moved["endRowIndex"]) == (1, 2)


def test_insert_append_and_move_dimension(api: Api, state: SheetsState) -> None:
    sid = state.create_spreadsheet("Ops", {"T": [["a", "b", "c"], ["d", "e", "f"]]})
    ok = api.batch(
        sid,
        {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}}},
        {"moveDimension": {
            "source": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
            "destinationIndex": 3,
        }},
        {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 5}},
    )  # fmt: skip
    assert ok.ok, ok.text
    assert state.grid(sid, "T") == [["b", "c", "a"], [], ["e", "f", "d"]]
    assert state.sheet_properties(sid, "T")["gridProperties"]["rowCount"] == 1006
    beyond = api.put(f"/{sid}/values/T!A1006", {"values": [["last"]]}, valueInputOption="RAW")
    assert beyond.ok
    bare = api.batch(
        sid, {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1}}}
    )
    assert bare.status_code == 400


def test_formats_widths_and_number_formats_are_stored(api: Api, state: SheetsState) -> None:
    sid = state.create_spreadsheet("Ops", {"T": [["Hours"], [1.25]]})
    header = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1}
    hours = {"sheetId": 0, "startRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": 1}
    ok = api.batch(
        sid,
        {"repeatCell": {"range": header, "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                        "fields": "userEnteredFormat.textFormat.bold"}},
        {"repeatCell": {"range": hours, "cell": {"userEnteredFormat": {"numberFormat": {
            "type": "NUMBER", "pattern": "0.0"}}}, "fields": "userEnteredFormat(numberFormat)"}},
        {"updateDimensionProperties": {
            "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 2},
            "properties": {"pixelSize": 140}, "fields": "pixelSize"}},
    )  # fmt: skip
    assert ok.ok, ok.text
    assert state.cell(sid, "T", 0, 25)["userEnteredFormat"] == {"textFormat": {"bold": True}}
    assert state.cell(sid, "T", 1, 0)["userEnteredFormat"]["numberFormat"]["pattern"] == "0.0"
    assert state.dimension_properties(sid, "T", "COLUMNS", 1) == {"pixelSize": 140}
    assert api.get(f"/{sid}/values/T!A2").json()["values"] == [["1.3"]]
    assert api.get(f"/{sid}/values/T!A2", valueRenderOption="UNFORMATTED_VALUE").json()["values"] == [[1.25]]


def test_protected_ranges_charts_and_notes_show_in_metadata(api: Api, state: SheetsState) -> None:
    sid = state.create_spreadsheet("Ops", {"T": [["Key"]]})
    owned = {"sheetId": 0, "startColumnIndex": 0, "endColumnIndex": 2}
    chart = {"spec": {"title": "Load"}, "position": {"overlayPosition": {"anchorCell": {"sheetId": 0}}}}
    note = {"rows": [{"values": [{"note": "maintained by opsheets"}]}], "fields": "note",
            "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0}}  # fmt: skip
    response = api.batch(
        sid,
        {"addProtectedRange": {"protectedRange": {"range": owned, "warningOnly": True}}},
        {"addChart": {"chart": chart}},
        {"updateCells": note},
    )
    replies = response.json()["replies"]
    protected_id = replies[0]["addProtectedRange"]["protectedRange"]["protectedRangeId"]
    chart_id = replies[1]["addChart"]["chart"]["chartId"]
    assert replies[2] == {}
    sheet = api.get(f"/{sid}").json()["sheets"][0]
    assert sheet["protectedRanges"][0]["protectedRangeId"] == protected_id
    assert sheet["protectedRanges"][0]["warningOnly"] is True
    assert sheet["charts"][0]["chartId"] == chart_id
    assert state.cell(sid, "T", 0, 0) == {
        "userEnteredValue": {"stringValue": "Key"},
        "note": "maintained by opsheets",
    }
    notes = api.get(f"/{sid}", includeGridData="true", ranges="T!A1").json()["sheets"][0]["data"][0]
    assert notes["rowData"][0]["values"][0]["note"] == "maintained by opsheets"
    assert api.batch(sid, {"deleteEmbeddedObject": {"objectId": chart_id}}).ok
    assert "charts" not in api.get(f"/{sid}").json()["sheets"][0]
