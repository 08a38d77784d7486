"""One harness per backend so the same acceptance tests run against the workbook and Google.

A harness also plays the human: edits cells, inserts or deletes columns, renames headers, the way
someone in the spreadsheet UI would (for Google: through the stand-in's own API, outside opsheets).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import openpyxl
import requests
from google.oauth2.credentials import Credentials
from openpyxl.chart import BarChart, Reference
from openpyxl.utils.cell import get_column_letter, range_boundaries

from connectors.http import RetryPolicy
from connectors.sheets import Spreadsheet, open_google, open_workbook
from connectors.sheets.google import SHEETS_URL
from connectors.sheets.values import normalise
from sandbox.core import RunningService
from sandbox.sheets import SheetsState, start_sheets_sandbox

FAST_POLICY = RetryPolicy(max_attempts=8, backoff_base_s=0.1, backoff_cap_s=1.0, max_retry_after_s=5.0)
TOKEN = "sandbox-user-token"
ACCOUNT = "opsheets@demo-project.iam.gserviceaccount.com"


class SandboxCredentials(Credentials):
    """An OAuth token the stand-in accepts, plus the service-account email a real key would carry."""

    service_account_email = ACCOUNT


class Harness(Protocol):
    name: str
    sheet: Spreadsheet

    def grid(self, tab: str) -> list[list[Any]]: ...
    def set_cells(self, tab: str, a1: str, rows: list[list[Any]]) -> None: ...
    def insert_column(self, tab: str, index: int) -> None: ...
    def delete_column(self, tab: str, index: int) -> None: ...
    def fingerprint(self) -> Any: ...
    def requests(self) -> int: ...
    def writes(self) -> int: ...
    def is_formula(self, tab: str, row: int, col: int) -> bool: ...
    def charts(self, tab: str) -> list[ChartSeen]: ...
    def add_human_chart(self, tab: str, title: str) -> None: ...


# (title, "column"|"bar", category range, series ranges), ranges in A1 with the header row included
ChartSeen = tuple[str, str, str, tuple[str, ...]]


def rows_of(grid: list[list[Any]]) -> list[list[Any]]:
    """Trailing blanks dropped and values normalised, so both backends compare alike."""
    out = []
    for row in grid:
        cells = [normalise(v) for v in row]
        while cells and cells[-1] == "":
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


class WorkbookHarness:
    name = "workbook"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sheet = open_workbook(path)

    @contextmanager
    def edit_workbook(self) -> Iterator[openpyxl.Workbook]:
        wb = openpyxl.load_workbook(self.path)
        yield wb
        wb.save(self.path)

    def grid(self, tab: str) -> list[list[Any]]:
        ws = openpyxl.load_workbook(self.path)[tab]
        return rows_of([list(r) for r in ws.iter_rows(values_only=True)])

    def set_cells(self, tab: str, a1: str, rows: list[list[Any]]) -> None:
        with self.edit_workbook() as wb:
            start = wb[tab][a1]
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    wb[tab].cell(row=start.row + r, column=start.column + c, value=value)

    def insert_column(self, tab: str, index: int) -> None:
        with self.edit_workbook() as wb:
            wb[tab].insert_cols(index + 1)

    def delete_column(self, tab: str, index: int) -> None:
        with self.edit_workbook() as wb:
            wb[tab].delete_cols(index + 1)

    def fingerprint(self) -> Any:
        return hashlib.sha256(self.path.read_bytes()).hexdigest() if self.path.exists() else None

    def requests(self) -> int:
        return self.sheet.backend.reads + self.sheet.backend.saves

    def writes(self) -> int:
        return self.sheet.backend.saves

    def is_formula(self, tab: str, row: int, col: int) -> bool:
        return openpyxl.load_workbook(self.path)[tab].cell(row=row + 1, column=col + 1).data_type == "f"

    def charts(self, tab: str) -> list[ChartSeen]:
        return [_seen_xlsx(chart) for chart in openpyxl.load_workbook(self.path)[tab]._charts]

    def add_human_chart(self, tab: str, title: str) -> None:
        with self.edit_workbook() as wb:
            chart = BarChart()
            chart.title = title
            chart.add_data(Reference(wb[tab], min_col=3, min_row=1, max_row=2), titles_from_data=True)
            wb[tab].add_chart(chart, "P20")


class GoogleHarness:
    name = "google"

    def __init__(
        self,
        service: RunningService,
        state: SheetsState,
        title: str = "Team budgets",
        policy: RetryPolicy = FAST_POLICY,
    ) -> None:
        self.service = service
        self.state = state
        self.key = state.create_spreadsheet(title)
        credentials = SandboxCredentials(token=TOKEN)
        self.sheet = open_google(
            self.key, credentials=credentials, policy=policy, rewrite={SHEETS_URL: service.url}
        )
        self.base_reads, self.base_writes = state.read_requests, state.write_requests

    def human_request(self, method: str, path: str, **kw: Any) -> None:
        url = f"{self.service.url}/v4/spreadsheets/{self.key}{path}"
        response = requests.request(method, url, headers={"Authorization": "Bearer human"}, timeout=10, **kw)
        assert response.ok, response.text

    def sheet_id(self, tab: str) -> int:
        return int(self.state.sheet_properties(self.key, tab)["sheetId"])

    def _dimension(self, kind: str, tab: str, index: int) -> None:
        span = {
            "sheetId": self.sheet_id(tab),
            "dimension": "COLUMNS",
            "startIndex": index,
            "endIndex": index + 1,
        }
        self.human_request("POST", ":batchUpdate", json={"requests": [{kind: {"range": span}}]})

    def grid(self, tab: str) -> list[list[Any]]:
        return rows_of(self.state.grid(self.key, tab))

    def set_cells(self, tab: str, a1: str, rows: list[list[Any]]) -> None:
        self.state.edit(self.key, f"'{tab}'!{a1}", rows, user_entered=False)

    def insert_column(self, tab: str, index: int) -> None:
        self._dimension("insertDimension", tab, index)

    def delete_column(self, tab: str, index: int) -> None:
        self._dimension("deleteDimension", tab, index)

    def fingerprint(self) -> Any:
        return self.state.snapshot()

    def requests(self) -> int:
        return self.state.read_requests - self.base_reads + self.writes()

    def writes(self) -> int:
        return self.state.write_requests - self.base_writes

    def is_formula(self, tab: str, row: int, col: int) -> bool:
        return self.state.is_formula(self.key, tab, row, col)

    def charts(self, tab: str) -> list[ChartSeen]:
        return [_seen_google(c["spec"]) for c in self.state.sheet_metadata(self.key, tab).get("charts", [])]

    def add_human_chart(self, tab: str, title: str) -> None:
        box = {"sheetId": self.sheet_id(tab), "startRowIndex": 0, "endRowIndex": 2}
        box |= {"startColumnIndex": 2, "endColumnIndex": 3}
        basic = {"chartType": "LINE", "series": [{"series": {"sourceRange": {"sources": [box]}}}]}
        chart = {"spec": {"title": title, "basicChart": basic}, "position": {"sheetId": self.sheet_id(tab)}}
        self.human_request("POST", ":batchUpdate", json={"requests": [{"addChart": {"chart": chart}}]})


def _a1_column(col: int, first_row: int, last_row: int) -> str:
    """1-based rows."""
    letter = get_column_letter(col + 1)
    return f"{letter}{first_row}:{letter}{last_row}"


def _seen_google(spec: dict[str, Any]) -> ChartSeen:
    basic = spec["basicChart"]

    def a1(data: dict[str, Any]) -> str:
        (box,) = data["sourceRange"]["sources"]
        assert box["endColumnIndex"] == box["startColumnIndex"] + 1
        return _a1_column(box["startColumnIndex"], box["startRowIndex"] + 1, box["endRowIndex"])

    series = tuple(a1(s["series"]) for s in basic["series"])
    if not basic.get("domains"):
        return spec["title"], basic["chartType"].lower(), "", series
    assert basic.get("headerCount") == 1  # the first row of each range names the series
    (domain,) = basic["domains"]
    return spec["title"], basic["chartType"].lower(), a1(domain["domain"]), series


def _seen_xlsx(chart: Any) -> ChartSeen:
    def box(formula: str) -> tuple[int, int, int, int]:
        return range_boundaries(formula.split("!")[-1].replace("$", ""))

    def a1(name_ref: str, values_ref: str) -> str:
        if "#REF!" in values_ref:  # its rows were deleted, as Excel does
            return "#REF!"
        name, values = box(name_ref), box(values_ref)
        assert name[0] == name[2] == values[0] == values[2] and name[1] + 1 == values[1]
        return _a1_column(values[0] - 1, name[1], values[3])

    title = "".join(r.t for p in chart.title.tx.rich.p for r in p.r)
    first = chart.series[0]
    series = tuple(a1(s.tx.strRef.f, s.val.numRef.f) for s in chart.series)
    kind = {"col": "column", "bar": "bar"}[chart.type]
    if first.cat is None:
        return title, kind, "", series
    category = box((first.cat.numRef or first.cat.strRef).f)
    return title, kind, _a1_column(category[0] - 1, category[1] - 1, category[3]), series


def running_sandbox() -> Iterator[tuple[RunningService, SheetsState]]:
    """Body of each test module's `sandbox` fixture: a fresh stand-in per test, stopped after."""
    service, state = start_sheets_sandbox()
    with service:
        yield service, state
