"""Google: a human edit landing between a sync's read and its write never puts a value in a wrong
row or in a human column. The stand-in applies the edit just before the sync's write arrives."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from connectors.sheets import google as google_backend
from sandbox.core import RunningService
from sandbox.sheets import SheetsState
from sandbox.sheets.metadata import search
from tests.sheets_fixtures import GoogleHarness, running_sandbox
from tests.test_sheet_backends import TODAY, table

KEYS = ["a", "b", "c", "d", "e"]
NOTES = {"a": "call Ana", "c": "over budget?", "e": "ok"}
TOTAL = "=SUM(C2:C6)"
Edit = Callable[[GoogleHarness], None]


@pytest.fixture
def sandbox() -> Iterator[tuple[RunningService, SheetsState]]:
    yield from running_sandbox()


def synced(sandbox: tuple[RunningService, SheetsState]) -> GoogleHarness:
    """Budget a..e synced once (Key..Day, Sync status in A:F); a human Notes column in G and a total
    row under the table."""
    harness = GoogleHarness(*sandbox)
    harness.sheet.sync([table(KEYS)], today=TODAY)
    notes = [["Notes"], *([NOTES.get(k)] for k in KEYS)]
    harness.set_cells("Budget", "G1", notes)
    harness.state.edit(harness.key, "Budget!B7:C7", [["Total", TOTAL]], user_entered=True)
    return harness


def batch(harness: GoogleHarness, *requests: dict[str, Any]) -> None:
    harness.state.human_batch(harness.key, list(requests))


def span(harness: GoogleHarness, dimension: str, start: int, end: int | None = None) -> dict[str, Any]:
    sheet_id = harness.state.sheet(harness.key, "Budget").sheet_id
    return {"sheetId": sheet_id, "dimension": dimension, "startIndex": start, "endIndex": end or start + 1}


def sort_by_key_descending(h: GoogleHarness) -> None:
    box = {"sheetId": span(h, "ROWS", 0)["sheetId"], "startRowIndex": 1, "endRowIndex": 6}
    batch(h, {"sortRange": {"range": box, "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "DESCENDING"}]}})


def sort_by_hours(h: GoogleHarness) -> None:
    box = {"sheetId": span(h, "ROWS", 0)["sheetId"], "startRowIndex": 1, "endRowIndex": 6}
    batch(h, {"sortRange": {"range": box, "sortSpecs": [{"dimensionIndex": 2, "sortOrder": "DESCENDING"}]}})


def insert_row(h: GoogleHarness) -> None:
    batch(h, {"insertDimension": {"range": span(h, "ROWS", 2)}})
    h.set_cells("Budget", "G3", [["a line of my own"]])


def delete_row(h: GoogleHarness) -> None:
    batch(h, {"deleteDimension": {"range": span(h, "ROWS", 2)}})  # b's row


def insert_column(h: GoogleHarness) -> None:
    batch(h, {"insertDimension": {"range": span(h, "COLUMNS", 1)}})
    h.set_cells("Budget", "B1", [["Mine"]])


def delete_human_column(h: GoogleHarness) -> None:
    batch(h, {"deleteDimension": {"range": span(h, "COLUMNS", 6)}})


def move_hours_to_the_end(h: GoogleHarness) -> None:
    batch(h, {"moveDimension": {"source": span(h, "COLUMNS", 2), "destinationIndex": 9}})


def move_notes_to_the_front(h: GoogleHarness) -> None:
    batch(h, {"moveDimension": {"source": span(h, "COLUMNS", 6), "destinationIndex": 0}})


def column_and_sort(h: GoogleHarness) -> None:
    insert_column(h)
    box = {"sheetId": span(h, "ROWS", 0)["sheetId"], "startRowIndex": 1, "endRowIndex": 6}
    batch(h, {"sortRange": {"range": box, "sortSpecs": [{"dimensionIndex": 3}]}})


EDITS = [
    sort_by_key_descending,
    sort_by_hours,
    insert_row,
    delete_row,
    insert_column,
    delete_human_column,
    move_hours_to_the_end,
    move_notes_to_the_front,
    column_and_sort,
]


def check(harness: GoogleHarness, keys: list[str], version: int) -> None:
    """Every team's figures on its own row; human cells where the human left them; no value in a
    human column that the human did not type."""
    grid = harness.grid("Budget")
    header = grid[0]
    expected = {row["Key"]: row for row in table(keys, version).rows}
    owned = {c.name for c in table(keys).owned_columns()}
    seen = set()
    for row in grid[1:]:
        cells = dict(zip(header, row + [""] * (len(header) - len(row)), strict=True))
        key = cells.get("Key", "")
        if key in expected:
            seen.add(key)
            assert cells["Name"] == f"name {key}"
            assert cells["Hours"] == pytest.approx(expected[key]["Hours"])
            assert cells["Cost"] == pytest.approx(float(expected[key]["Cost"]))
            assert cells.get("Notes", NOTES.get(key, "")) == NOTES.get(key, "")
        for name, value in cells.items():
            if name not in owned and name != "Notes" and value not in ("", None):
                assert (name, value) == ("Mine", "Mine"), cells  # only what the human typed
    assert seen == set(keys)
    total = [r for r in grid if "Total" in r]
    assert len(total) == 1 and not any(v for v, name in zip(total[0], header, strict=False) if name == "Key")


@pytest.mark.parametrize("edit", EDITS, ids=[e.__name__ for e in EDITS])
def test_an_edit_between_read_and_write_never_misplaces_a_value(
    sandbox: tuple[RunningService, SheetsState], edit: Edit
) -> None:
    harness = synced(sandbox)
    harness.state.interleave(lambda _: edit(harness))
    harness.sheet.sync([table(KEYS, version=2)], today=TODAY)  # every team's Hours change
    assert not harness.state.before_write  # the edit did land between the read and the write
    check(harness, KEYS, version=2)
    assert harness.state.is_formula(harness.key, "Budget", *_total_cell(harness))


def _total_cell(harness: GoogleHarness) -> tuple[int, int]:
    grid = harness.grid("Budget")
    row = next(i for i, r in enumerate(grid) if "Total" in r)
    return row, grid[0].index("Hours")


def test_an_edit_refuses_the_write_and_the_sync_writes_from_a_fresh_read(
    sandbox: tuple[RunningService, SheetsState],
) -> None:
    harness = synced(sandbox)
    harness.state.interleave(lambda _: sort_by_key_descending(harness))
    writes = harness.state.write_requests
    harness.sheet.sync([table(KEYS, version=2)], today=TODAY)
    assert harness.state.write_requests - writes == 2  # refused as a whole, then written once
    assert [r[0] for r in harness.grid("Budget")[1:6]] == ["e", "d", "c", "b", "a"]  # the human's order kept


def test_a_leaver_removed_mid_sort_takes_only_its_own_row(
    sandbox: tuple[RunningService, SheetsState],
) -> None:
    harness = synced(sandbox)
    harness.state.interleave(lambda _: sort_by_key_descending(harness))
    harness.sheet.sync([table(["a", "c", "d", "e"], version=2)], today=TODAY)  # b leaves: its row is deleted
    check(harness, ["a", "c", "d", "e"], version=2)


def test_an_edit_between_two_requests_of_a_split_write_is_caught_too(
    sandbox: tuple[RunningService, SheetsState], monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = synced(sandbox)
    monkeypatch.setattr(google_backend, "PAYLOAD_BUDGET", 6_000)
    keys = [f"k{i:02}" for i in range(30)]
    harness.sheet.sync([table(keys)], today=TODAY)
    harness.state.interleave(lambda _: None)  # the first request goes through
    harness.state.interleave(lambda _: sort_by_key_descending(harness))  # then a sort lands
    harness.sheet.sync([table(keys, version=2)], today=TODAY)
    assert not harness.state.before_write
    grid = harness.grid("Budget")
    header = grid[0]
    hours = {r[0]: r[header.index("Hours")] for r in grid[1:] if r and r[0] in keys}
    assert hours == {row["Key"]: pytest.approx(row["Hours"]) for row in table(keys, version=2).rows}


def test_an_unchanged_rerun_still_writes_nothing(sandbox: tuple[RunningService, SheetsState]) -> None:
    harness = synced(sandbox)
    harness.sheet.sync([table(KEYS, version=2)], today=TODAY)
    writes = harness.state.write_requests
    harness.sheet.sync([table(KEYS, version=2)], today=TODAY)
    assert harness.state.write_requests == writes


def forget_tags(harness: GoogleHarness) -> None:
    """The spreadsheet as a version of opsheets before anchoring left it: no developer metadata."""
    with harness.state.lock:
        for sheet in harness.state.spreadsheets[harness.key].sheets:
            for meta in (*sheet.row_meta.values(), *sheet.column_meta.values()):
                meta.pop("developerMetadata", None)


def test_a_tab_written_before_anchoring_is_tagged_first_then_written_guarded(
    sandbox: tuple[RunningService, SheetsState],
) -> None:
    harness = synced(sandbox)
    forget_tags(harness)
    harness.state.interleave(lambda _: sort_by_key_descending(harness))  # lands before the tagging
    harness.state.interleave(lambda _: insert_column(harness))  # lands before the write itself
    reads, writes = harness.state.read_requests, harness.state.write_requests
    harness.sheet.sync([table(KEYS, version=2)], today=TODAY)
    check(harness, KEYS, version=2)
    # tags, a write refused by the inserted column, the write: three writes after three reads
    assert (harness.state.read_requests - reads, harness.state.write_requests - writes) == (3, 3)
    writes = harness.state.write_requests
    harness.sheet.sync([table(KEYS, version=2)], today=TODAY)
    assert harness.state.write_requests == writes  # tags that sat on the wrong rows cost no rewrite


def test_a_large_untagged_tab_is_tagged_in_bounded_requests(
    sandbox: tuple[RunningService, SheetsState], monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = GoogleHarness(*sandbox)
    keys = [f"k{i:02}" for i in range(30)]
    harness.sheet.sync([table(keys)], today=TODAY)
    forget_tags(harness)
    monkeypatch.setattr(google_backend, "PAYLOAD_BUDGET", 4_000)
    start = len(harness.service.log.entries)
    harness.state.interleave(lambda _: None)  # the first piece of tags
    harness.state.interleave(lambda _: sort_by_key_descending(harness))  # a sort between two pieces
    harness.sheet.sync([table(keys, version=2)], today=TODAY)
    posts = [e for e in harness.service.log.entries[start:] if e.method == "POST"]
    tagging = [e for e in posts if {next(iter(r)) for r in e.body["requests"]} == {"createDeveloperMetadata"}]
    assert len(tagging) > 1 and max(len(e.raw_body) for e in tagging) < 4_000 * 1.1
    grid = harness.grid("Budget")
    header = grid[0]
    hours = {r[0]: r[header.index("Hours")] for r in grid[1:] if r and r[0] in keys}
    assert hours == {row["Key"]: pytest.approx(row["Hours"]) for row in table(keys, version=2).rows}
    tagged = search(
        harness.state.spreadsheets[harness.key],
        [{"developerMetadataLookup": {"metadataKey": "opsheets.row"}}],
    )
    assert len(tagged["matchedDeveloperMetadata"]) == len(keys)


def test_deleting_the_last_row_of_the_grid_costs_one_replan_and_no_retagging(
    sandbox: tuple[RunningService, SheetsState],
) -> None:
    harness = synced(sandbox)
    last = harness.state.sheet(harness.key, "Budget").row_count - 1
    harness.state.interleave(
        lambda _: batch(harness, {"deleteDimension": {"range": span(harness, "ROWS", last)}})
    )
    writes = harness.state.write_requests
    harness.sheet.sync([table(KEYS, version=2)], today=TODAY)
    assert harness.state.write_requests - writes == 2  # refused (the end tag went), then written
    check(harness, KEYS, version=2)
    ends = search(
        harness.state.spreadsheets[harness.key],
        [{"developerMetadataLookup": {"metadataKey": "opsheets.end"}}],
    )
    assert len(ends["matchedDeveloperMetadata"]) == 2  # put back on the new edges
