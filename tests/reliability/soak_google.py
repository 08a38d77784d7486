"""The soak's human in Google Sheets: the stand-in's own API with a human's token, outside opsheets.

Between syncs the human's requests go over HTTP (so the contract checker sees them); an edit that
lands between a sync's read and its write runs inside the stand-in (`SheetsState.interleave`), just
before the sync's write is applied, so it goes straight to the stand-in's state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from connectors.sheets.values import a1
from sandbox.core import RunningService
from sandbox.sheets import SheetsState
from tests.reliability.soak_helpers import RULE_ROWS, Box, moves_for
from tests.sheets_fixtures import GoogleHarness


class GoogleEditor:
    name = "google"
    pictures = False  # the Sheets API has no request that places a picture over the cells

    def __init__(self, service: RunningService, state: SheetsState, title: str = "Soak") -> None:
        self.harness = GoogleHarness(service, state, title)
        self.state = state
        self.key = self.harness.key
        self.sheet = self.harness.sheet
        self.mid_run = False

    def grid(self, tab: str) -> list[list[Any]]:
        return self.harness.grid(tab)

    def type_cell(self, tab: str, row: int, col: int, value: Any) -> None:
        self.state.edit(self.key, f"'{tab}'!{a1(row, col)}", [[value]], user_entered=True)

    def insert_row(self, tab: str, index: int) -> None:
        self._batch([{"insertDimension": {"range": self._span(tab, "ROWS", index)}}])

    def insert_column(self, tab: str, index: int) -> None:
        self._batch([{"insertDimension": {"range": self._span(tab, "COLUMNS", index)}}])

    def delete_row(self, tab: str, index: int) -> None:
        self._batch([{"deleteDimension": {"range": self._span(tab, "ROWS", index)}}])

    def delete_column(self, tab: str, index: int) -> None:
        self._batch([{"deleteDimension": {"range": self._span(tab, "COLUMNS", index)}}])

    def reorder_rows(self, tab: str, first: int, order: list[int]) -> None:
        moves = [
            {"moveDimension": {"source": self._span(tab, "ROWS", src), "destinationIndex": dst}}
            for src, dst in moves_for(first, order)
        ]
        if moves:
            self._batch(moves)

    def is_formula(self, tab: str, row: int, col: int) -> bool:
        return self.state.is_formula(self.key, tab, row, col)

    def merge(self, tab: str, box: Box) -> None:
        self._batch([{"mergeCells": {"range": self._box(tab, box), "mergeType": "MERGE_ALL"}}])

    def unmerge(self, tab: str, box: Box) -> None:
        self._batch([{"unmergeCells": {"range": self._box(tab, box)}}])

    def merges(self, tab: str) -> list[Box]:
        found = self.state.sheet_metadata(self.key, tab).get("merges", [])
        return [
            (m["startRowIndex"], m["startColumnIndex"], m["endRowIndex"] - 1, m["endColumnIndex"] - 1)
            for m in found
        ]

    def add_rule(self, tab: str, col: int, first_row: int, marker: str) -> None:
        # Open-ended downwards, like `E2:E` typed in the UI.
        where = {"sheetId": self._sheet_id(tab), "startRowIndex": first_row}
        where |= {"startColumnIndex": col, "endColumnIndex": col + 1}
        condition = {"type": "TEXT_EQ", "values": [{"userEnteredValue": marker}]}
        rule = {
            "ranges": [where],
            "booleanRule": {"condition": condition, "format": {"textFormat": {"bold": True}}},
        }
        self._batch([{"addConditionalFormatRule": {"rule": rule, "index": 0}}])

    def add_dropdown(self, tab: str, col: int, first_row: int, marker: str) -> None:
        values = [{"userEnteredValue": marker}, {"userEnteredValue": "done"}]
        rule = {"condition": {"type": "ONE_OF_LIST", "values": values}, "showCustomUi": True}
        box = (first_row, col, first_row + RULE_ROWS - 1, col)
        self._batch([{"setDataValidation": {"range": self._box(tab, box), "rule": rule}}])

    def rules(self, tab: str) -> dict[str, set[int]]:
        found: dict[str, set[int]] = {}
        for rule in self.state.sheet_metadata(self.key, tab).get("conditionalFormats", []):
            values = rule.get("booleanRule", {}).get("condition", {}).get("values", [])
            for value in values:
                cols = found.setdefault(str(value.get("userEnteredValue")), set())
                cols.update(
                    c for r in rule["ranges"] for c in range(r["startColumnIndex"], r["endColumnIndex"])
                )
        return found

    def dropdowns(self, tab: str) -> dict[str, set[int]]:
        found: dict[str, set[int]] = {}
        with self.state.lock:
            cells = list(self.state.sheet(self.key, tab).cells.items())
        for (_, col), data in cells:
            if "dataValidation" in data:
                marker = data["dataValidation"]["condition"]["values"][0]["userEnteredValue"]
                found.setdefault(marker, set()).add(col)
        return found

    def add_picture(self, tab: str, row: int, col: int) -> None:
        raise NotImplementedError("the Sheets API cannot place a picture over the cells")

    def picture_count(self, tab: str) -> int:
        return 0

    def delete_tab(self, tab: str) -> None:
        self._batch([{"deleteSheet": {"sheetId": self._sheet_id(tab)}}])

    def tabs(self) -> list[str]:
        return self.state.tabs(self.key)

    def during_next_write(self, edit: Callable[[], None]) -> None:
        def landing(_: SheetsState) -> None:
            self.mid_run = True
            try:
                edit()
            finally:
                self.mid_run = False

        self.state.interleave(landing)

    def pending_mid_run(self) -> list[Callable[[], None]]:
        """Edits still waiting for a write (the sync wrote nothing): taken back, to be made now."""
        with self.state.lock:
            pending, self.state.before_write[:] = list(self.state.before_write), []
        return [lambda edit=edit: edit(self.state) for edit in pending]

    def _sheet_id(self, tab: str) -> int:
        return int(self.state.sheet_properties(self.key, tab)["sheetId"])

    def _span(self, tab: str, dimension: str, start: int) -> dict[str, Any]:
        return {
            "sheetId": self._sheet_id(tab),
            "dimension": dimension,
            "startIndex": start,
            "endIndex": start + 1,
        }

    def _box(self, tab: str, box: Box) -> dict[str, Any]:
        return {
            "sheetId": self._sheet_id(tab),
            "startRowIndex": box[0],
            "endRowIndex": box[2] + 1,
            "startColumnIndex": box[1],
            "endColumnIndex": box[3] + 1,
        }

    def _batch(self, body: list[dict[str, Any]]) -> None:
        if self.mid_run:  # inside the stand-in, while it holds the sync's write: no HTTP round trip
            self.state.human_batch(self.key, body)
            return
        url = f"{self.harness.service.url}/v4/spreadsheets/{self.key}:batchUpdate"
        with self.state.lock:  # edits waiting for opsheets' write must not land on the human's own
            waiting, self.state.before_write[:] = list(self.state.before_write), []
        try:
            response = requests.post(
                url, json={"requests": body}, headers={"Authorization": "Bearer human"}, timeout=10
            )
        finally:
            with self.state.lock:
                self.state.before_write[:0] = waiting
        assert response.ok, response.text
