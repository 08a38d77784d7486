"""The Sheets stand-in's UpdateCellsRequest, as the discovery document describes it: RowData written
from a GridCoordinate or into a GridRange (left-out cells cleared for the masked fields), a field mask
over CellData, and ExtendedValue as a oneof whose errorValue is read-only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sandbox.sheets import SheetsState, start_sheets_sandbox
from tests.test_sandbox_sheets_batch import Api


@pytest.fixture
def stand_in() -> Iterator[tuple[Api, SheetsState]]:
    service, state = start_sheets_sandbox()
    with service:
        yield Api(service.url), state


def entered(*values: Any) -> dict[str, Any]:
    return {"values": [{"userEnteredValue": v} if v is not None else {} for v in values]}


def test_values_from_a_start_coordinate_are_stored_as_entered(stand_in: tuple[Api, SheetsState]) -> None:
    api, state = stand_in
    sid = state.create_spreadsheet("Ops", {"T": [["keep", "old", "keep"]]})
    rows = [
        entered({"stringValue": "=1+1"}, {"numberValue": 2.5}),
        entered({"boolValue": True}, {"formulaValue": "=A1"}),
    ]
    body = {
        "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 1},
        "rows": rows,
        "fields": "userEnteredValue",
    }
    assert api.batch(sid, {"updateCells": body}).ok
    assert state.grid(sid, "T")[0] == ["keep", "=1+1", 2.5]
    assert not state.is_formula(sid, "T", 0, 1)  # a stringValue is text, whatever it starts with
    assert state.is_formula(sid, "T", 1, 2) and state.cell(sid, "T", 1, 1)["userEnteredValue"] == {
        "boolValue": True
    }
    rendered = api.get(f"/{sid}/values/T!A1:C1", valueRenderOption="UNFORMATTED_VALUE").json()["values"]
    assert rendered == [["keep", "=1+1", 2.5]]


def test_a_range_clears_the_masked_field_where_rows_leave_cells_out(
    stand_in: tuple[Api, SheetsState],
) -> None:
    api, state = stand_in
    sid = state.create_spreadsheet("Ops", {"T": [["a", "b", "c"], ["d", "e", "f"]]})
    note = {
        "rows": [{"values": [{"note": "human"}]}],
        "fields": "note",
        "start": {"sheetId": 0, "rowIndex": 0},
    }
    assert api.batch(sid, {"updateCells": note}).ok
    box = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2}
    body = {"range": box, "rows": [entered({"stringValue": "x"}, None)], "fields": "userEnteredValue"}
    assert api.batch(sid, {"updateCells": body}).ok
    assert state.grid(sid, "T") == [["x", "", "c"], ["", "", "f"]]
    assert state.cell(sid, "T", 0, 0)["note"] == "human"  # outside the mask: kept


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"stringValue": "a", "numberValue": 1}, "oneof field 'value' is already set"),
        ({"errorValue": {"type": "REF"}}, "errorValue is read-only"),
        ({"numberValue": True}, "userEnteredValue.numberValue"),
        ({"stringValue": 3}, "userEnteredValue.stringValue"),
        ({"dateValue": "2026-11-26"}, 'Unknown name "dateValue"'),
    ],
)
def test_an_invalid_extended_value_refuses_the_whole_batch(
    stand_in: tuple[Api, SheetsState], value: dict[str, Any], message: str
) -> None:
    api, state = stand_in
    sid = state.create_spreadsheet("Ops", {"T": [["a"]]})
    before = state.snapshot()
    good = {"rows": [entered({"stringValue": "b"})], "fields": "userEnteredValue", "start": {"sheetId": 0}}
    bad = {"rows": [entered(value)], "fields": "userEnteredValue", "start": {"sheetId": 0, "rowIndex": 1}}
    response = api.batch(sid, {"updateCells": good}, {"updateCells": bad})
    assert response.status_code == 400
    assert message in response.json()["error"]["message"] and "requests[1].updateCells" in response.text
    assert state.snapshot() == before
