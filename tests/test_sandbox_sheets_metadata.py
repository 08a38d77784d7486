"""The Sheets stand-in's developer metadata and sortRange: metadata stays with its row or column
through sorts, inserts, deletes and moves, and goes with it when it is deleted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sandbox.sheets import SheetsError, SheetsState, start_sheets_sandbox
from sandbox.sheets.metadata import search
from sandbox.sheets.requests import apply_batch

AUTH = {"Authorization": "Bearer sandbox-token"}
ROWS = [["Team", "Spent"], ["Blue", 30], ["amber", 10], ["Cyan", 20], ["", 5], ["Ash", "x"]]


def _book(state: SheetsState) -> tuple[str, int]:
    sid = state.create_spreadsheet("Ops", {"Data": [list(r) for r in ROWS]})
    return sid, state.sheet(sid, "Data").sheet_id


def _tag(sheet_id: int, kind: str, index: int, value: str, metadata_id: int | None = None) -> dict[str, Any]:
    span = {"sheetId": sheet_id, "dimension": kind, "startIndex": index, "endIndex": index + 1}
    body: dict[str, Any] = {
        "metadataKey": "team",
        "metadataValue": value,
        "location": {"dimensionRange": span},
        "visibility": "DOCUMENT",
    }
    if metadata_id is not None:
        body["metadataId"] = metadata_id
    return {"createDeveloperMetadata": {"developerMetadata": body}}


def _where(state: SheetsState, sid: str) -> dict[str, tuple[str, int]]:
    """metadataValue → (locationType, index) of every row and column tag."""
    found = search(state.spreadsheets[sid], [{"developerMetadataLookup": {"metadataKey": "team"}}])
    out = {}
    for match in found.get("matchedDeveloperMetadata", []):
        meta = match["developerMetadata"]
        out[meta["metadataValue"]] = (
            meta["location"]["locationType"],
            meta["location"]["dimensionRange"]["startIndex"],
        )
    return out


def _tag_rows(state: SheetsState) -> tuple[str, int]:
    sid, sheet_id = _book(state)
    state.human_batch(sid, [_tag(sheet_id, "ROWS", r, str(ROWS[r][0] or "blank")) for r in range(1, 6)])
    return sid, sheet_id


def test_sort_range_orders_numbers_text_then_blanks_and_carries_row_metadata() -> None:
    state = SheetsState()
    sid, sheet_id = _tag_rows(state)
    box = {
        "sheetId": sheet_id,
        "startRowIndex": 1,
        "endRowIndex": 6,
        "startColumnIndex": 0,
        "endColumnIndex": 2,
    }
    state.human_batch(sid, [{"sortRange": {"range": box, "sortSpecs": [{"dimensionIndex": 0}]}}])
    assert state.grid(sid, "Data")[1:] == [["amber", 10], ["Ash", "x"], ["Blue", 30], ["Cyan", 20], ["", 5]]
    assert _where(state, sid) == {
        "amber": ("ROW", 1),
        "Ash": ("ROW", 2),
        "Blue": ("ROW", 3),
        "Cyan": ("ROW", 4),
        "blank": ("ROW", 5),
    }
    spec = {"dimensionIndex": 1, "sortOrder": "DESCENDING"}
    state.human_batch(sid, [{"sortRange": {"range": box, "sortSpecs": [spec]}}])
    assert [r[0] for r in state.grid(sid, "Data")[1:]] == ["Ash", "Blue", "Cyan", "amber", ""]
    assert _where(state, sid) == {
        "Ash": ("ROW", 1),
        "Blue": ("ROW", 2),
        "Cyan": ("ROW", 3),
        "amber": ("ROW", 4),
        "blank": ("ROW", 5),
    }


def test_descending_sort_puts_text_before_numbers_and_keeps_ties_in_order() -> None:
    state = SheetsState()
    sid = state.create_spreadsheet("Ops", {"Data": [["k", "v"], ["a", 1], ["b", "t"], ["c", 1], ["d", None]]})
    sheet_id = state.sheet(sid, "Data").sheet_id
    box = {"sheetId": sheet_id, "startRowIndex": 1, "endRowIndex": 5}
    state.human_batch(
        sid, [{"sortRange": {"range": box, "sortSpecs": [{"dimensionIndex": 1, "sortOrder": "DESCENDING"}]}}]
    )
    assert [r[0] for r in state.grid(sid, "Data")[1:]] == ["b", "a", "c", "d"]


def test_only_the_sorted_columns_move() -> None:
    state = SheetsState()
    sid = state.create_spreadsheet("Ops", {"Data": [["k", "v", "note"], ["b", 2, "nb"], ["a", 1, "na"]]})
    sheet_id = state.sheet(sid, "Data").sheet_id
    box = {
        "sheetId": sheet_id,
        "startRowIndex": 1,
        "endRowIndex": 3,
        "startColumnIndex": 0,
        "endColumnIndex": 2,
    }
    state.human_batch(sid, [{"sortRange": {"range": box, "sortSpecs": [{"dimensionIndex": 0}]}}])
    assert state.grid(sid, "Data") == [["k", "v", "note"], ["a", 1, "nb"], ["b", 2, "na"]]


def test_row_metadata_moves_on_insert_delete_and_move_and_dies_with_its_row() -> None:
    state = SheetsState()
    sid, sheet_id = _tag_rows(state)
    rows = {"sheetId": sheet_id, "dimension": "ROWS"}
    state.human_batch(sid, [{"insertDimension": {"range": {**rows, "startIndex": 1, "endIndex": 3}}}])
    assert _where(state, sid)["Blue"] == ("ROW", 3)
    state.human_batch(sid, [{"deleteDimension": {"range": {**rows, "startIndex": 3, "endIndex": 4}}}])
    where = _where(state, sid)
    assert "Blue" not in where and where["amber"] == ("ROW", 3)
    move = {"source": {**rows, "startIndex": 3, "endIndex": 4}, "destinationIndex": 7}
    state.human_batch(sid, [{"moveDimension": move}])
    assert _where(state, sid)["amber"] == ("ROW", 6)
    assert _where(state, sid)["Cyan"] == ("ROW", 3)


def test_column_metadata_moves_with_its_column() -> None:
    state = SheetsState()
    sid, sheet_id = _book(state)
    state.human_batch(sid, [_tag(sheet_id, "COLUMNS", 1, "spent")])
    cols = {"sheetId": sheet_id, "dimension": "COLUMNS"}
    state.human_batch(sid, [{"insertDimension": {"range": {**cols, "startIndex": 0, "endIndex": 1}}}])
    assert _where(state, sid)["spent"] == ("COLUMN", 2)
    state.human_batch(
        sid, [{"moveDimension": {"source": {**cols, "startIndex": 2, "endIndex": 3}, "destinationIndex": 0}}]
    )
    assert _where(state, sid)["spent"] == ("COLUMN", 0)
    assert state.grid(sid, "Data")[1][0] == 30
    state.human_batch(sid, [{"deleteDimension": {"range": {**cols, "startIndex": 0, "endIndex": 1}}}])
    assert "spent" not in _where(state, sid)


def test_ids_are_unique_so_a_create_with_a_taken_id_refuses_the_whole_batch() -> None:
    state = SheetsState()
    sid, sheet_id = _book(state)
    state.human_batch(sid, [_tag(sheet_id, "ROWS", 1, "Blue", metadata_id=7)])
    before = state.snapshot()
    with pytest.raises(SheetsError, match="already exists"):
        state.human_batch(
            sid,
            [
                {
                    "insertDimension": {
                        "range": {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}
                    }
                },
                _tag(sheet_id, "ROWS", 2, "x", metadata_id=7),
            ],
        )
    assert state.snapshot() == before


def test_delete_by_id_and_exact_location_matches_only_where_it_still_is() -> None:
    """The compare-and-swap a client builds from documented parts: delete id N only at row r, then
    create id N at row r — refused when N has moved, so nothing of the batch applies."""
    state = SheetsState()
    sid, sheet_id = _book(state)
    state.human_batch(sid, [_tag(sheet_id, "ROWS", 2, "amber", metadata_id=9)])
    span = {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": 2, "endIndex": 3}
    lookup = {
        "metadataId": 9,
        "metadataLocation": {"dimensionRange": span},
        "locationMatchingStrategy": "EXACT_LOCATION",
    }
    swap = [
        {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": lookup}}},
        _tag(sheet_id, "ROWS", 2, "amber", 9),
    ]
    _, replies = apply_batch(state.spreadsheets[sid], swap)
    assert [m["metadataId"] for m in replies[0]["deleteDeveloperMetadata"]["deletedDeveloperMetadata"]] == [9]
    state.human_batch(sid, [{"insertDimension": {"range": {**span, "startIndex": 0, "endIndex": 1}}}])
    with pytest.raises(SheetsError, match="already exists"):
        apply_batch(state.spreadsheets[sid], swap)


@pytest.mark.parametrize(
    ("lookup", "expected"),
    [
        ({"metadataKey": "team"}, {"Blue", "spent", "sheet", "book"}),
        ({"metadataKey": "team", "locationType": "ROW"}, {"Blue"}),
        ({"metadataValue": "spent"}, {"spent"}),
        (
            {"metadataLocation": {"dimensionRange": {"dimension": "ROWS", "startIndex": 1, "endIndex": 2}}},
            {"Blue", "spent", "sheet"},
        ),
        (
            {
                "metadataLocation": {"dimensionRange": {"dimension": "ROWS", "startIndex": 1, "endIndex": 2}},
                "locationMatchingStrategy": "EXACT_LOCATION",
            },
            {"Blue"},
        ),
        ({"metadataLocation": {"spreadsheet": True}}, {"book"}),
    ],
)
def test_lookups_match_the_intersection_of_their_fields(lookup: dict[str, Any], expected: set[str]) -> None:
    state = SheetsState()
    sid, sheet_id = _book(state)
    if "metadataLocation" in lookup and "dimensionRange" in lookup["metadataLocation"]:
        lookup["metadataLocation"]["dimensionRange"]["sheetId"] = sheet_id
    sheet_tag = {
        "metadataKey": "team",
        "metadataValue": "sheet",
        "location": {"sheetId": sheet_id},
        "visibility": "DOCUMENT",
    }
    book_tag = {
        "metadataKey": "team",
        "metadataValue": "book",
        "location": {"spreadsheet": True},
        "visibility": "PROJECT",
    }
    state.human_batch(
        sid,
        [
            _tag(sheet_id, "ROWS", 1, "Blue"),
            _tag(sheet_id, "COLUMNS", 1, "spent"),
            {"createDeveloperMetadata": {"developerMetadata": sheet_tag}},
            {"createDeveloperMetadata": {"developerMetadata": book_tag}},
        ],
    )
    found = search(state.spreadsheets[sid], [{"developerMetadataLookup": lookup}])
    assert {
        m["developerMetadata"]["metadataValue"] for m in found.get("matchedDeveloperMetadata", [])
    } == expected


@pytest.mark.parametrize(
    "metadata",
    [
        {"metadataValue": "v", "location": {"spreadsheet": True}, "visibility": "DOCUMENT"},  # no key
        {"metadataKey": "k", "location": {"spreadsheet": True}},  # no visibility
        {
            "metadataKey": "k",
            "visibility": "DOCUMENT",
            "location": {"dimensionRange": {"dimension": "ROWS", "startIndex": 1, "endIndex": 3}},
        },
        {
            "metadataKey": "k",
            "visibility": "DOCUMENT",
            "location": {"dimensionRange": {"dimension": "ROWS", "startIndex": 5000, "endIndex": 5001}},
        },
        {"metadataKey": "k", "visibility": "DOCUMENT", "location": {}},
        {"metadataKey": "k", "visibility": "DOCUMENT", "metadataId": -3, "location": {"spreadsheet": True}},
    ],
)
def test_create_refuses_what_the_api_refuses(metadata: dict[str, Any]) -> None:
    state = SheetsState()
    sid, _ = _book(state)
    with pytest.raises(SheetsError) as refused:
        state.human_batch(sid, [{"createDeveloperMetadata": {"developerMetadata": metadata}}])
    assert refused.value.code == 400


def test_update_moves_and_relabels_matched_metadata() -> None:
    state = SheetsState()
    sid, sheet_id = _tag_rows(state)
    span = {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": 4, "endIndex": 5}
    update = {
        "dataFilters": [{"developerMetadataLookup": {"metadataValue": "Blue"}}],
        "developerMetadata": {"metadataValue": "Navy", "location": {"dimensionRange": span}},
        "fields": "metadataValue,location",
    }
    state.human_batch(sid, [{"updateDeveloperMetadata": update}])
    assert _where(state, sid)["Navy"] == ("ROW", 4)


@pytest.fixture
def served() -> Iterator[tuple[str, SheetsState]]:
    service, state = start_sheets_sandbox()
    with service:
        yield service.url + "/v4/spreadsheets", state


def test_metadata_reads_over_http(served: tuple[str, SheetsState]) -> None:
    base, state = served
    sid, sheet_id = _tag_rows(state)
    fields = "sheets(data(rowMetadata.developerMetadata(metadataId,metadataValue)))"
    got = requests.get(f"{base}/{sid}", headers=AUTH, params={"fields": fields}, timeout=10).json()
    rows = got["sheets"][0]["data"][0]["rowMetadata"]
    assert len(rows) == state.sheet(sid, "Data").row_count
    assert rows[0] == {} and rows[1]["developerMetadata"][0]["metadataValue"] == "Blue"
    metadata_id = rows[1]["developerMetadata"][0]["metadataId"]
    one = requests.get(f"{base}/{sid}/developerMetadata/{metadata_id}", headers=AUTH, timeout=10).json()
    assert one["location"]["dimensionRange"]["startIndex"] == 1
    body = {"dataFilters": [{"gridRange": {"sheetId": sheet_id, "startRowIndex": 2, "endRowIndex": 4}}]}
    found = requests.post(
        f"{base}/{sid}/developerMetadata:search", headers=AUTH, json=body, timeout=10
    ).json()
    assert {m["developerMetadata"]["metadataValue"] for m in found["matchedDeveloperMetadata"]} == {
        "amber",
        "Cyan",
    }
    missing = requests.get(f"{base}/{sid}/developerMetadata/424242", headers=AUTH, timeout=10)
    assert missing.status_code == 404 and missing.json()["error"]["status"] == "NOT_FOUND"
