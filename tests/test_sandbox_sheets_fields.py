"""The Sheets stand-in's spreadsheets.get under a `fields` mask (partial response), as the discovery
document and Google's field-mask guide describe it, and its grid data agreeing with the values API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sandbox.sheets import FORMULA_PLACEHOLDER, SheetsState, start_sheets_sandbox
from sandbox.sheets import griddata as griddata_module
from sandbox.sheets.griddata import spreadsheet_view
from sandbox.sheets.partial import field_mask

AUTH = {"Authorization": "Bearer sandbox-token"}
EFFECTIVE = "sheets(properties(sheetId,title),data.rowData.values.effectiveValue)"


@pytest.fixture
def served() -> Iterator[tuple[str, SheetsState]]:
    service, state = start_sheets_sandbox()
    with service:
        yield service.url + "/v4/spreadsheets", state


def get(base: str, sid: str, **params: Any) -> requests.Response:
    return requests.get(f"{base}/{sid}", headers=AUTH, params=params, timeout=10)


def human_batch(base: str, sid: str, batch: list[dict[str, Any]]) -> None:
    done = requests.post(f"{base}/{sid}:batchUpdate", headers=AUTH, json={"requests": batch}, timeout=10)
    assert done.ok, done.text


def book(state: SheetsState) -> str:
    """Tab A: a blank in the middle of row 1, an empty row 2, a formula and text starting with "="."""
    sid = state.create_spreadsheet("Book", {"A": [["x", "", 2.5], [], [True, "=not a formula"]], "B": []})
    state.edit(sid, "A!B3", [["=1+1"]], user_entered=True)
    return sid


def sheet_ids(state: SheetsState, sid: str) -> list[int]:
    return [int(state.sheet_properties(sid, tab)["sheetId"]) for tab in ("A", "B")]


def test_mask_selects_only_the_named_fields(served: tuple[str, SheetsState]) -> None:
    base, state = served
    sid = book(state)
    assert get(base, sid, fields="properties.title").json() == {"properties": {"title": "Book"}}
    assert get(base, sid, fields="sheets.properties.title").json() == {
        "sheets": [{"properties": {"title": "A"}}, {"properties": {"title": "B"}}]
    }
    props = get(base, sid, fields="sheets.properties.*").json()["sheets"][0]["properties"]
    assert props == state.sheet_properties(sid, "A")  # "*": every field at that level
    # Known to the schema but nothing stored: absent, not an error.
    assert get(base, sid, fields="sheets(bandedRanges,merges)").json() == {"sheets": [{}, {}]}


def test_mask_naming_data_returns_grid_data_and_overrides_include_grid_data(
    served: tuple[str, SheetsState],
) -> None:
    base, state = served
    sid = book(state)
    a_id, b_id = sheet_ids(state, sid)
    body = get(base, sid, fields=EFFECTIVE, includeGridData="false").json()
    assert body == {
        "sheets": [
            {
                "properties": {"sheetId": a_id, "title": "A"},
                "data": [
                    {
                        "rowData": [
                            {"values": [{"effectiveValue": {"stringValue": "x"}}, {},
                                        {"effectiveValue": {"numberValue": 2.5}}]},
                            {},
                            {"values": [{"effectiveValue": {"boolValue": True}},
                                        {"effectiveValue": {"stringValue": FORMULA_PLACEHOLDER}}]},
                        ]
                    }
                ],
            },
            {"properties": {"sheetId": b_id, "title": "B"}, "data": [{}]},
        ]
    }  # fmt: skip
    without = get(base, sid, fields="sheets.properties", includeGridData="true").json()
    assert all("data" not in sheet for sheet in without["sheets"])  # the mask wins over includeGridData
    everything = get(base, sid, fields="*").json()
    assert set(everything) == {"spreadsheetId", "properties", "sheets", "spreadsheetUrl"}
    assert everything["sheets"][0]["data"][0]["rowData"][0]["values"][0]["formattedValue"] == "x"


def test_masked_cells_keep_their_columns_and_offsets_are_masked_too(served: tuple[str, SheetsState]) -> None:
    base, state = served
    sid = state.create_spreadsheet("Offsets", {"T": []})
    state.edit(sid, "T!C2:E2", [["a", "", "b"]], user_entered=False)
    sheet_id = int(state.sheet_properties(sid, "T")["sheetId"])
    note = {
        "sheetId": sheet_id,
        "startRowIndex": 1,
        "endRowIndex": 2,
        "startColumnIndex": 5,
        "endColumnIndex": 6,
    }
    human_batch(base, sid, [{"repeatCell": {"range": note, "cell": {"note": "human"}, "fields": "note"}}])
    fields = "sheets.data(startRow,startColumn,rowData.values.effectiveValue)"
    data = get(base, sid, fields=fields, ranges="T!C2:G9").json()["sheets"][0]["data"][0]
    values = [{"effectiveValue": {"stringValue": "a"}}, {}, {"effectiveValue": {"stringValue": "b"}}, {}]
    assert data == {
        "startRow": 1,
        "startColumn": 2,
        "rowData": [{"values": values}],
    }  # the note-only cell: {}
    bare = get(base, sid, fields="sheets.data.rowData.values.effectiveValue", ranges="T!C2:G9").json()
    assert bare["sheets"][0]["data"][0] == {"rowData": [{"values": values}]}  # offsets not asked for


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ("sheets.foo", "sheets.foo"),
        ("properties, sheets.properties", " sheets.properties"),  # Sheets does not skip spaces
        ("properties.title.length", "properties.title.length"),  # below a scalar
        ("sheets(properties,data.rowData.values.value)", "sheets.data.rowData.values.value"),
    ],
)
def test_unknown_field_is_invalid_argument(served: tuple[str, SheetsState], fields: str, path: str) -> None:
    base, state = served
    sid = book(state)
    refused = get(base, sid, fields=fields)
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert (
        error["status"] == "INVALID_ARGUMENT" and error["message"] == "Request contains an invalid argument."
    )
    violation = error["details"][0]["fieldViolations"][0]
    assert violation == {
        "field": "fields",
        "description": f"Error expanding 'fields' parameter. Cannot find matching fields for path '{path}'.",
    }


def test_values_api_and_grid_data_agree_on_every_cell(served: tuple[str, SheetsState]) -> None:
    base, state = served
    sid = book(state)
    state.edit(
        sid, "B!A1:D2", [[1, 2.25, "=SUM(A1:B1)", False], ["'007", "text", "", 46352]], user_entered=True
    )
    sheet_id = sheet_ids(state, sid)[1]
    box = {
        "sheetId": sheet_id,
        "startRowIndex": 0,
        "endRowIndex": 2,
        "startColumnIndex": 0,
        "endColumnIndex": 4,
    }
    pattern = {"userEnteredFormat": {"numberFormat": {"type": "NUMBER", "pattern": "#,##0.0"}}}
    human_batch(base, sid, [{"repeatCell": {"range": box, "cell": pattern, "fields": "userEnteredFormat"}}])
    grids = get(
        base, sid, fields="sheets(properties.title,data.rowData.values(effectiveValue,formattedValue))"
    )
    compared = 0
    for sheet in grids.json()["sheets"]:
        tab = sheet["properties"]["title"]
        rows = [row.get("values", []) for row in sheet["data"][0].get("rowData", [])]
        for render, pick in (("UNFORMATTED_VALUE", _effective), ("FORMATTED_VALUE", _formatted)):
            read = requests.get(f"{base}/{sid}/values/{tab}", headers=AUTH, timeout=10,
                                params={"valueRenderOption": render}).json()  # fmt: skip
            shown = read.get("values", [])
            assert len(shown) == len(rows)
            for r, cells in enumerate(rows):
                for c, cell in enumerate(cells):
                    expected = shown[r][c] if c < len(shown[r]) else ""
                    assert pick(cell) == expected, (tab, r, c, render)
                    compared += 1
    assert compared == 2 * (3 + 2 + 4 + 4)  # every cell of A (rows 1 and 3) and of B, both renders


def _effective(cell: dict[str, Any]) -> Any:
    effective = cell.get("effectiveValue") or {"stringValue": ""}
    return next(iter(effective.values()))


def _formatted(cell: dict[str, Any]) -> Any:
    return cell.get("formattedValue", "")


def test_effective_value_read_neither_builds_whole_cells_nor_formats_them(
    served: tuple[str, SheetsState], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, state = served
    sid = book(state)

    def forbidden(*_: Any) -> Any:
        raise AssertionError("the masked read did work the mask did not ask for")

    monkeypatch.setattr(griddata_module, "format_value", forbidden)
    monkeypatch.setattr(griddata_module, "full_cell", forbidden)
    view = spreadsheet_view(state.spreadsheets[sid], [], False, field_mask(EFFECTIVE))
    first = view["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert first == {"effectiveValue": {"stringValue": "x"}}
