"""Google Sheets backend through gspread's HTTP client, under the shared retry policy.

Per sync: ONE read (spreadsheets.get with a field mask: the metadata the plan needs and every
tab's effective values; the read quota is 60 per minute per user) and, as long as the changes fit
4 MB of JSON (google_payload.py), ONE write, so Sheets applies a sync all or nothing. When
structure, layout or charts must change, that write is a spreadsheets:batchUpdate that also carries
every changed cell (updateCells, values as entered: a string is literal text, like RAW); otherwise
it is a values:batchUpdate (RAW, never USER_ENTERED). Larger changes are spread over several
requests of whole rows.

A structural batch is not idempotent (a replayed deleteDimension deletes the next row), and the
retry layer replays a request whose response was lost. So every structural batch first deletes
the hidden `_opsheets` tab by its sheetId and re-adds it under a new one, its lines written in the
same batch: a replay then fails with 400 (no such sheet / already exists) and nothing of it is
applied, and the sync re-reads and re-plans.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, TypeVar

import gspread
from google.auth.credentials import Credentials
from google.auth.exceptions import RefreshError
from gspread.http_client import ParamsType

from connectors.http import RetryPolicy, mount_policy
from connectors.sheets.google_anchor import READ_FIELDS as ANCHOR_FIELDS
from connectors.sheets.google_anchor import Anchors, IdSource, first_tags
from connectors.sheets.google_auth import authorized_session
from connectors.sheets.google_charts import chart_addition, chart_removals
from connectors.sheets.google_formats import FIELDS as CONDITIONAL_FORMAT_FIELDS
from connectors.sheets.google_grid import formats_of, grid_of
from connectors.sheets.google_guarded import TabWrite, guarded_write, pieces
from connectors.sheets.google_memory import FIELDS as MEMORY_COPY_FIELDS
from connectors.sheets.google_memory import LIMIT as MEMORY_COPY_LIMIT
from connectors.sheets.google_memory import backup_requests, read_backups
from connectors.sheets.google_payload import PAYLOAD_BUDGET, TabCells, ValueRange
from connectors.sheets.google_requests import (
    NEW_TAB_MIN,
    ROW_HEADROOM,
    Request,
    SheetInfo,
    add_sheet,
    dimension_ops,
    growth,
    layout_requests,
    quote_tab,
    removals,
)
from connectors.sheets.layout import tab_layout
from connectors.sheets.memory import MEMORY_HEADER, Memory, memory_writes
from connectors.sheets.merge import Grid, TabPlan
from connectors.sheets.spreadsheet import ReplanNeeded, Snapshot, Spreadsheet
from connectors.sheets.table import (
    MEMORY_TAB,
    SheetAccessDenied,
    SheetError,
    SheetRequestRefused,
    SpreadsheetNotFound,
)

SYSTEM = "Google Sheets"
SHEETS_URL = "https://sheets.googleapis.com"
CREDENTIALS = "GOOGLE_APPLICATION_CREDENTIALS"
READ_OPTIONS: ParamsType = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}
# What SheetInfo.from_metadata and found_charts read, plus each tab's effective values. No `ranges`:
# every tab's grid comes back, where a range on a missing tab would fail the whole request (400).
READ_FIELDS = (
    "properties.title,"
    "sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),"
    f"{CONDITIONAL_FORMAT_FIELDS},protectedRanges(protectedRangeId,description),"
    "charts(chartId,spec(title,basicChart)),"
    f"{MEMORY_COPY_FIELDS},"
    f"data(startRow,startColumn,rowData.values.effectiveValue,{ANCHOR_FIELDS}))"
)
FORMATTED_FIELDS = (
    "sheets.data(startRow,startColumn,rowData.values(effectiveValue,userEnteredFormat.numberFormat))"
)
T = TypeVar("T")


class GoogleBackend:
    def __init__(self, http: gspread.http_client.HTTPClient, key: str, account: str | None) -> None:
        self.http = http
        self.key = key
        self.account = account
        self.title = key  # replaced by the real title at the first read
        self.copy_ids: dict[str, list[int]] = {}  # metadataIds of each tab's memory copy, as last read

    def load(self, tabs: list[str]) -> Snapshot:
        params: ParamsType = {"fields": READ_FIELDS, "prettyPrint": "false"}  # Google indents by default
        book = self._call(lambda: self.http.fetch_sheet_metadata(self.key, params=params))
        self.title = book.get("properties", {}).get("title", self.key)
        found = {s["properties"]["title"]: s for s in book.get("sheets", [])}
        sheets = {title: SheetInfo.from_metadata(s) for title, s in found.items()}
        for title, info in sheets.items():
            info.anchors = Anchors.from_data(found[title].get("data", []))
        grids = {t: grid_of(found[t].get("data", [])) if t in found else None for t in [*tabs, MEMORY_TAB]}
        charts = {t: sheets[t].charts for t in tabs if t in sheets}
        memory = grids.pop(MEMORY_TAB)
        backup, self.copy_ids = read_backups(list(found.values()))
        return Snapshot(self.title, grids, memory, sheets, charts, backup, MEMORY_COPY_LIMIT)

    def read_values(self, tab: str) -> Grid | None:
        """One `values:batchGet`, no metadata: Sheets answers 400 for a range on a tab that is not there."""
        ranges, params = [quote_tab(tab)], dict(READ_OPTIONS)
        try:
            got = self._call(lambda: self.http.values_batch_get(self.key, ranges, params=params))
        except SheetRequestRefused as error:  # a range on a missing tab: 400
            if error.status == 400:
                return None
            raise
        return (got.get("valueRanges") or [{}])[0].get("values", [])

    def read_formatted(self, tab: str) -> tuple[Grid, Grid] | None:
        """One tab's values and each cell's number format pattern, in one `spreadsheets.get`: what a
        person typed as "$45" is stored as 45 with a dollar format, and only the format tells."""
        params: ParamsType = {"ranges": quote_tab(tab), "fields": FORMATTED_FIELDS, "prettyPrint": "false"}
        try:
            book = self._call(lambda: self.http.fetch_sheet_metadata(self.key, params=params))
        except SheetRequestRefused as error:  # a range on a missing tab: 400
            if error.status == 400:
                return None
            raise
        first: dict[str, Any] = next(iter(book.get("sheets") or []), {})
        data = first.get("data", [])
        return grid_of(data), formats_of(data)

    def apply(self, snapshot: Snapshot, plans: list[TabPlan], memory: Memory) -> None:
        sheets: dict[str, SheetInfo] = snapshot.handle
        structure, infos = self._structure(sheets, plans, _memory_cols(memory))
        ids = {tab: info.sheet_id for tab, info in infos.items()}
        copies = self._memory_copies(snapshot, plans, memory, ids)  # ride in the first batch
        tabs = [
            _tab_write(infos[p.tab], sheets.get(p.tab), snapshot.grids.get(p.tab), p)
            for p in plans
            if p.writes or p.changes_structure or p.tab not in sheets
        ]
        if structure:  # the memory tab is new; all of it rides along
            memory_cells = memory_writes(None, memory)
        else:
            memory_cells = memory_writes(snapshot.memory_grid, memory)
        last_memory_row = max((w.row for w in memory_cells), default=0)
        memory_tab = TabCells(infos[MEMORY_TAB].sheet_id, MEMORY_TAB, last_memory_row, memory_cells)
        taken = {i for info in sheets.values() for i in info.anchors.ids()}
        self._tag_first(tabs, IdSource(taken))
        changes = [*structure, *copies]
        write = guarded_write(tabs, changes, memory_tab if memory_cells else None, taken, PAYLOAD_BUDGET)
        for batch in write.batches:
            self._structural(batch)
        self._write_values(write.raw_chunks)

    def _tag_first(self, tabs: list[TabWrite], new_id: IdSource) -> None:
        """A tab with content and no tags yet (written before anchoring) is tagged on its own first;
        the sync then re-reads, and its write is guarded like any other (google_anchor.py)."""
        untagged = [t for t in tabs if t.grid and t.anchors is not None and not t.anchors.anchored()]
        if untagged:
            tags = [r for t in untagged for r in first_tags(t.sheet_id, t.size, t.grid or [], t.plan, new_id)]
            for piece in pieces(tags, PAYLOAD_BUDGET):
                self._structural(piece)
            raise ReplanNeeded(f"{SYSTEM}: tagged {', '.join(t.plan.tab for t in untagged)}; re-reading")

    def _memory_copies(
        self, snapshot: Snapshot, plans: list[TabPlan], memory: Memory, ids: dict[str, int]
    ) -> list[Request]:
        """Requests that bring each planned tab's memory copy (google_memory) up to date."""
        tabs = {p.tab: ids.get(p.tab, 0) for p in plans}
        return backup_requests(tabs, memory, snapshot.backup or {}, self.copy_ids)

    def _write_values(self, chunks: list[list[ValueRange]]) -> None:
        for data in chunks:
            body = {"valueInputOption": "RAW", "data": data}
            self._call(partial(self.http.values_batch_update, self.key, body))

    def _structural(self, requests: list[Request]) -> None:
        try:
            self._call(lambda: self.http.batch_update(self.key, {"requests": requests}))
        except SheetRequestRefused as refused:
            if refused.status == 400:
                raise ReplanNeeded(
                    f"{SYSTEM}: write refused (a row or column it relies on moved since the read, or a "
                    f"retried write had landed already): {refused}"
                ) from refused
            raise

    def _structure(
        self, sheets: dict[str, SheetInfo], plans: list[TabPlan], memory_cols: int
    ) -> tuple[list[Request], dict[str, SheetInfo]]:
        """The batch's structural requests (none: only cells change) and every tab's SheetInfo."""
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
                body += removals(info, plan.header_row, plan.recorded_formats)
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
        memory_tab = sheets.get(MEMORY_TAB)
        if not (adds or body or memory_tab is None or memory_tab.cols < memory_cols):
            return [], infos
        infos[MEMORY_TAB] = SheetInfo(next(new_ids), 1000, memory_cols, [], [])
        return [*_recreate_memory(sheets, infos[MEMORY_TAB].sheet_id, memory_cols), *adds, *body], infos

    def _call(self, fn: Callable[[], T]) -> T:
        """Every request of this backend: no gspread or google-auth exception goes past here."""
        try:
            return fn()
        except gspread.exceptions.APIError as error:
            raise self._translate(error) from error
        except RefreshError as error:
            raise self._token_refused(error) from error

    def _token_refused(self, error: RefreshError) -> SheetAccessDenied:
        """No access token: a deleted or disabled service-account key fails here, before any request."""
        return SheetAccessDenied(
            f"{SYSTEM}: spreadsheet '{self.title}': no access token ({error}). Fix: check "
            f"{CREDENTIALS}; the service-account key may have been deleted or disabled",
            system=SYSTEM,
        )

    def _translate(self, error: gspread.exceptions.APIError) -> SheetError:
        where, status = f"{SYSTEM}: spreadsheet '{self.title}'", error.code
        editor = self.account or "the service account"
        key = "the spreadsheet key (the id in its URL)"
        found: dict[int, tuple[type[SheetError], str]] = {
            404: (SpreadsheetNotFound, f"{where} not found. Fix: check {key}"),
            403: (SheetAccessDenied, f"{where}: access denied. Fix: share it with {editor} as Editor"),
            401: (SheetAccessDenied, f"{where}: not authenticated. Fix: check {CREDENTIALS}"),
        }
        kind, text = found.get(status, (SheetRequestRefused, f"{where}: request refused: {error}"))
        return kind(text, system=SYSTEM, status=status)


def _id_source(sheets: dict[str, SheetInfo]) -> Any:
    next_id = max([s.sheet_id for s in sheets.values()] + [0]) + 1
    while True:
        yield next_id
        next_id += 1


def _tab_write(info: SheetInfo, read: SheetInfo | None, grid: Grid | None, plan: TabPlan) -> TabWrite:
    """One tab's part of the write, with its grid's size before and after the write's own changes."""
    grown = {"ROWS": 0, "COLUMNS": 0}
    for request in growth(info, plan):
        grown[request["appendDimension"]["dimension"]] += request["appendDimension"]["length"]
    rows = info.rows - len(plan.delete_rows) + grown["ROWS"]
    size = (info.rows, info.cols)
    final = (rows, info.cols - len(plan.delete_cols) + len(plan.insert_cols) + grown["COLUMNS"])
    return TabWrite(info.sheet_id, size, final, grid if read else None, read.anchors if read else None, plan)


def _final_cols(info: SheetInfo, plan: TabPlan) -> int:
    """Columns of the grid once this plan's deletes, inserts and growth are applied."""
    return max(info.cols - len(plan.delete_cols) + len(plan.insert_cols), plan.cols)


def _memory_cols(memory: Memory) -> int:
    """Columns the memory tab needs: the tab's name and its longest line."""
    return 1 + max([len(line.cells()) for line in memory.values()] + [len(MEMORY_HEADER) - 1])


def _recreate_memory(sheets: dict[str, SheetInfo], new_id: int, cols: int) -> list[Request]:
    old = sheets.get(MEMORY_TAB)
    delete = [{"deleteSheet": {"sheetId": old.sheet_id}}] if old else []
    return [*delete, add_sheet(new_id, MEMORY_TAB, 1000, cols, hidden=True)]


def open_google(
    key: str,
    *,
    credentials: Credentials,
    policy: RetryPolicy = RetryPolicy(),
    rewrite: Mapping[str, str] | None = None,
) -> Spreadsheet:
    """No request is made here; the first read reports a missing spreadsheet or missing access."""
    # gspread's own BackOffHTTPClient would retry forever; the shared policy bounds it, and the
    # token requests too (google_auth).
    session = authorized_session(credentials, policy)
    mount_policy(session, SYSTEM, policy, rewrite)
    client = gspread.Client(credentials, session=session)
    account = getattr(credentials, "service_account_email", None)
    return Spreadsheet(GoogleBackend(client.http_client, key, account))


__all__ = ["SHEETS_URL", "GoogleBackend", "open_google"]
