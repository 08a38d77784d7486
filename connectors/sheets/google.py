"""Google Sheets backend through gspread's HTTP client, under the shared retry policy.

Per sync: one metadata GET, one values:batchGet (only for tabs that exist) and at most ONE write,
so Sheets applies a sync all or nothing. When structure, layout or charts must change, that write
is a spreadsheets:batchUpdate that also carries every changed cell (updateCells, values as entered:
a string is literal text, like RAW); otherwise it is a values:batchUpdate (RAW, never USER_ENTERED).

A structural batch is not idempotent (a replayed deleteDimension deletes the next row), and the
retry layer replays a request whose response was lost. So every structural batch first deletes
the hidden `_opsheets` tab by its sheetId and re-adds it under a new one, its lines written in the
same batch: a replay then fails with 400 (no such sheet / already exists) and nothing of it is
applied, and the sync re-reads and re-plans.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import gspread
from google.auth.credentials import Credentials

from connectors.http import RetryPolicy, mount_policy
from connectors.sheets.google_charts import chart_addition, chart_removals
from connectors.sheets.google_requests import (
    NEW_TAB_MIN,
    ROW_HEADROOM,
    Request,
    SheetInfo,
    add_sheet,
    cell_updates,
    dimension_ops,
    growth,
    layout_requests,
    quote_tab,
    removals,
    value_ranges,
)
from connectors.sheets.layout import tab_layout
from connectors.sheets.memory import memory_writes
from connectors.sheets.merge import Grid, TabPlan
from connectors.sheets.spreadsheet import ReplanNeeded, Snapshot, Spreadsheet
from connectors.sheets.table import MEMORY_TAB, SheetAccessDenied, SpreadsheetNotFound

SYSTEM = "Google Sheets"
SHEETS_URL = "https://sheets.googleapis.com"
READ_OPTIONS = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}
T = TypeVar("T")


class GoogleBackend:
    def __init__(self, http: gspread.http_client.HTTPClient, key: str, account: str | None) -> None:
        self.http = http
        self.key = key
        self.account = account
        self.title = key  # replaced by the real title at the first read

    def load(self, tabs: list[str]) -> Snapshot:
        meta = self._call(lambda: self.http.fetch_sheet_metadata(self.key))
        self.title = meta.get("properties", {}).get("title", self.key)
        sheets = {s["properties"]["title"]: SheetInfo.from_metadata(s) for s in meta.get("sheets", [])}
        wanted = [t for t in [*tabs, MEMORY_TAB] if t in sheets]
        fetched: dict[str, Any] = {}
        if wanted:
            ranges = [quote_tab(t) for t in wanted]
            got = self._call(lambda: self.http.values_batch_get(self.key, ranges, params=dict(READ_OPTIONS)))
            for tab, value_range in zip(wanted, got.get("valueRanges", []), strict=True):
                fetched[tab] = value_range.get("values", [])
        grids = {t: fetched.get(t) for t in tabs}
        charts = {t: sheets[t].charts for t in tabs if t in sheets}
        return Snapshot(self.title, grids, fetched.get(MEMORY_TAB), handle=sheets, charts=charts)

    def read_values(self, tab: str) -> Grid | None:
        """One `values:batchGet`, no metadata: Sheets answers 400 for a range on a tab that is not there."""
        try:
            got = self.http.values_batch_get(self.key, [quote_tab(tab)], params=dict(READ_OPTIONS))
        except gspread.exceptions.APIError as error:
            if error.code == 400:
                return None
            raise self._translate(error) from error
        return (got.get("valueRanges") or [{}])[0].get("values", [])

    def apply(self, snapshot: Snapshot, plans: list[TabPlan], memory: dict[str, list[str]]) -> None:
        sheets: dict[str, SheetInfo] = snapshot.handle
        requests, ids = self._structure(sheets, plans)
        if requests:
            cells = [r for p in plans for r in cell_updates(ids[p.tab], p.writes)]
            cells += cell_updates(ids[MEMORY_TAB], memory_writes(None, memory))  # the memory tab is new
            self._structural([*requests, *cells])
            return
        data = [r for p in plans for r in value_ranges(p.tab, p.writes)]
        data += value_ranges(MEMORY_TAB, memory_writes(snapshot.memory_grid, memory))
        if data:
            body = {"valueInputOption": "RAW", "data": data}
            self._call(lambda: self.http.values_batch_update(self.key, body))

    def _structural(self, requests: list[Request]) -> None:
        try:
            self._call(lambda: self.http.batch_update(self.key, {"requests": requests}))
        except gspread.exceptions.APIError as refused:
            if refused.code == 400:
                raise ReplanNeeded(f"{SYSTEM}: structural update refused: {refused}") from refused
            raise

    def _structure(
        self, sheets: dict[str, SheetInfo], plans: list[TabPlan]
    ) -> tuple[list[Request], dict[str, int]]:
        """The batch's structural requests (none: a values write will do) and every tab's sheetId."""
        new_ids = _id_source(sheets)
        created: dict[str, SheetInfo] = {}
        adds: list[Request] = []
        for plan in plans:
            if plan.tab not in sheets:
                rows = max(plan.rows + ROW_HEADROOM, NEW_TAB_MIN[0])
                info = SheetInfo(next(new_ids), rows, max(plan.cols, NEW_TAB_MIN[1]), [], [])
                adds.append(add_sheet(info.sheet_id, plan.tab, info.rows, info.cols))
                created[plan.tab] = info
        infos = {**sheets, **created}
        body: list[Request] = []
        for plan in plans:
            info = infos[plan.tab]
            if plan.relayout and plan.tab in sheets:
                body += removals(info, plan.header_row)
            if plan.chart_change:
                body += chart_removals(plan.chart_change)
        for plan in plans:
            body += dimension_ops(infos[plan.tab].sheet_id, plan) + growth(infos[plan.tab], plan)
        for plan in plans:
            if plan.relayout:
                body += layout_requests(infos[plan.tab].sheet_id, tab_layout(plan))
            if plan.chart_change:
                body += chart_addition(
                    infos[plan.tab].sheet_id, plan.chart_change, _final_cols(infos[plan.tab], plan)
                )
        ids = {tab: info.sheet_id for tab, info in infos.items()}
        if not (adds or body or MEMORY_TAB not in sheets):
            return [], ids
        ids[MEMORY_TAB] = next(new_ids)
        return [*_recreate_memory(sheets, ids[MEMORY_TAB]), *adds, *body], ids

    def _call(self, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except gspread.exceptions.APIError as error:
            raise self._translate(error) from error

    def _translate(self, error: gspread.exceptions.APIError) -> Exception:
        where = f"{SYSTEM}: spreadsheet '{self.title}'"
        if error.code == 404:
            return SpreadsheetNotFound(
                f"{where} not found. Fix: check the spreadsheet key (the id in its URL)"
            )
        if error.code == 403:
            share = (
                f"share it with {self.account} as Editor"
                if self.account
                else "share it with the service account"
            )
            return SheetAccessDenied(f"{where}: access denied. Fix: {share}")
        if error.code == 401:
            return SheetAccessDenied(f"{where}: not authenticated. Fix: check GOOGLE_APPLICATION_CREDENTIALS")
        return error


def _id_source(sheets: dict[str, SheetInfo]) -> Any:
    next_id = max([s.sheet_id for s in sheets.values()] + [0]) + 1
    while True:
        yield next_id
        next_id += 1


def _final_cols(info: SheetInfo, plan: TabPlan) -> int:
    """Columns of the grid once this plan's deletes, inserts and growth are applied."""
    return max(info.cols - len(plan.delete_cols) + len(plan.insert_cols), plan.cols)


def _recreate_memory(sheets: dict[str, SheetInfo], new_id: int) -> list[Request]:
    old = sheets.get(MEMORY_TAB)
    delete = [{"deleteSheet": {"sheetId": old.sheet_id}}] if old else []
    return [*delete, add_sheet(new_id, MEMORY_TAB, 1000, 2, hidden=True)]


def open_google(
    key: str,
    *,
    credentials: Credentials,
    policy: RetryPolicy = RetryPolicy(),
    rewrite: Mapping[str, str] | None = None,
) -> Spreadsheet:
    """No request is made here; the first read reports a missing spreadsheet or missing access."""
    client = gspread.Client(credentials)
    # gspread's own BackOffHTTPClient would retry forever; the shared policy bounds it.
    mount_policy(client.http_client.session, SYSTEM, policy, rewrite)
    account = getattr(credentials, "service_account_email", None)
    return Spreadsheet(GoogleBackend(client.http_client, key, account))


__all__ = ["SHEETS_URL", "GoogleBackend", "open_google"]
