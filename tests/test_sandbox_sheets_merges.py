"""The Sheets stand-in's mergeCells, unmergeCells and setDataValidation, and how they follow rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sandbox.sheets import SheetsState, start_sheets_sandbox
from tests.test_sandbox_sheets_batch import Api


@pytest.fixture
def sheets() -> Iterator[tuple[Api, SheetsState]]:
    service, state = start_sheets_sandbox()
    with service:
        yield Api(service.url), state


def _box(row0: int, row1: int, col0: int, col1: int) -> dict[str, Any]:
    return {
        "sheetId": 0,
        "startRowIndex": row0,
        "endRowIndex": row1,
        "startColumnIndex": col0,
        "endColumnIndex": col1,
    }


def _merges(api: Api, sid: str) -> list[dict[str, Any]]:
    return api.get(f"/{sid}").json()["sheets"][0].get("merges", [])


def _rows(request: str, start: int, end: int) -> dict[str, Any]:
    return {request: {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": start, "endIndex": end}}}


def test_a_merge_keeps_its_top_left_value_and_refuses_overlaps(sheets: tuple[Api, SheetsState]) -> None:
    api, state = sheets
    sid = state.create_spreadsheet("Ops", {"Sheet1": [["Title", "x"], ["a", "b"]]})
    assert api.batch(sid, {"mergeCells": {"range": _box(0, 1, 0, 2), "mergeType": "MERGE_ALL"}}).ok
    assert state.grid(sid, "Sheet1") == [["Title"], ["a", "b"]]
    assert _merges(api, sid) == [_box(0, 1, 0, 2)]
    overlap = api.batch(sid, {"mergeCells": {"range": _box(0, 2, 1, 2), "mergeType": "MERGE_ALL"}})
    assert overlap.status_code == 400
    assert "select all cells in a merged range" in overlap.json()["error"]["message"]
    partial = api.batch(sid, {"unmergeCells": {"range": _box(0, 1, 1, 2)}})
    assert partial.status_code == 400 and _merges(api, sid) == [_box(0, 1, 0, 2)]
    assert api.batch(sid, {"unmergeCells": {"range": _box(0, 5, 0, 5)}}).ok
    assert _merges(api, sid) == []


def test_merge_rows_makes_one_merge_per_row(sheets: tuple[Api, SheetsState]) -> None:
    api, state = sheets
    sid = state.create_spreadsheet("Ops", {"Sheet1": [["a", "b"], ["c", "d"]]})
    assert api.batch(sid, {"mergeCells": {"range": _box(0, 2, 0, 2), "mergeType": "MERGE_ROWS"}}).ok
    assert _merges(api, sid) == [_box(0, 1, 0, 2), _box(1, 2, 0, 2)]
    assert state.grid(sid, "Sheet1") == [["a"], ["c"]]


def test_merges_move_with_rows_and_go_with_them(sheets: tuple[Api, SheetsState]) -> None:
    api, state = sheets
    sid = state.create_spreadsheet("Ops", {"Sheet1": [["a"], ["b"], ["c"]]})
    api.batch(sid, {"mergeCells": {"range": _box(1, 3, 0, 2), "mergeType": "MERGE_ALL"}})
    assert api.batch(sid, _rows("insertDimension", 0, 1)).ok  # a row inserted above moves it down
    assert _merges(api, sid) == [_box(2, 4, 0, 2)]
    assert api.batch(sid, _rows("deleteDimension", 3, 4)).ok  # one of its rows deleted: it shrinks
    assert _merges(api, sid) == [_box(2, 3, 0, 2)]
    assert api.batch(sid, _rows("deleteDimension", 2, 3)).ok  # its last row deleted: no merge left
    assert _merges(api, sid) == []


def test_data_validation_lives_in_its_cells_and_follows_a_sort(sheets: tuple[Api, SheetsState]) -> None:
    api, state = sheets
    sid = state.create_spreadsheet("Ops", {"Sheet1": [["b", 1], ["a", 2]]})
    rule = {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "1"}]}, "strict": True}
    assert api.batch(sid, {"setDataValidation": {"range": _box(0, 1, 1, 2), "rule": rule}}).ok
    assert state.cell(sid, "Sheet1", 0, 1) == {"userEnteredValue": {"numberValue": 1}, "dataValidation": rule}
    sort = {"range": _box(0, 2, 0, 2), "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "ASCENDING"}]}
    assert api.batch(sid, {"sortRange": sort}).ok
    assert state.cell(sid, "Sheet1", 1, 1)["dataValidation"] == rule
    assert "dataValidation" not in state.cell(sid, "Sheet1", 0, 1)
    assert api.batch(sid, {"setDataValidation": {"range": _box(1, 2, 1, 2)}}).ok  # no rule: cleared
    assert state.cell(sid, "Sheet1", 1, 1) == {"userEnteredValue": {"numberValue": 1}}
    bad = api.batch(sid, {"setDataValidation": {"range": _box(0, 1, 0, 1), "rule": {"strict": True}}})
    assert bad.status_code == 400
