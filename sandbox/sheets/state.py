"""SheetsState: the spreadsheets, who may see them, per-user quotas, and helpers tests inspect."""

from __future__ import annotations

import copy
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.sheets import values
from sandbox.sheets.a1 import WHOLE_SHEET
from sandbox.sheets.errors import DENIED_MESSAGE, NOT_FOUND_MESSAGE, SheetsError
from sandbox.sheets.model import (
    DEFAULT_COLUMNS,
    DEFAULT_ROWS,
    Sheet,
    Spreadsheet,
    cell_value,
    is_formula_cell,
    new_sheet,
)
from sandbox.sheets.requests import apply_batch

WRITE_QUOTA_MESSAGE = (
    "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of "
    "service 'sheets.googleapis.com' for consumer 'project_number:000000000000'."
)
READ_QUOTA_MESSAGE = (
    "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of "
    "service 'sheets.googleapis.com' for consumer 'project_number:000000000000'."
)


@dataclass
class SlidingWindowQuota:
    limit: int
    window_s: float
    clock: Callable[[], float]
    hits: dict[str, deque[float]] = field(default_factory=dict)

    def admit(self, user: str) -> bool:
        now = self.clock()
        recent = self.hits.setdefault(user, deque())
        while recent and recent[0] <= now - self.window_s:
            recent.popleft()
        if len(recent) >= self.limit:
            return False
        recent.append(now)
        return True


class SheetsState:
    """Thread-safe: the app serves from uvicorn's thread while tests read from theirs."""

    def __init__(
        self,
        write_limit: int = 60,
        read_limit: int = 60,
        window_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.lock = threading.RLock()
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.denied: set[str] = set()
        self.write_quota = SlidingWindowQuota(write_limit, window_s, clock)
        self.read_quota = SlidingWindowQuota(read_limit, window_s, clock)
        self.write_requests = 0  # write requests admitted by the quota (answered, successfully or not)
        self.read_requests = 0
        self.before_write: list[Callable[[SheetsState], None]] = []  # see interleave()

    # --- set-up -------------------------------------------------------------------------------
    def create_spreadsheet(
        self,
        title: str,
        tabs: dict[str, list[list[Any]]] | None = None,
        spreadsheet_id: str | None = None,
        locale: str = "en_US",
    ) -> str:
        """Tabs are written as RAW values (a leading "=" stays text); the grid grows to fit them.
        `locale` decides how text typed into it later (`edit`, USER_ENTERED writes) is read."""
        sid = spreadsheet_id or "1sbx" + uuid.uuid4().hex + "sandbox"
        book = Spreadsheet(
            sid, {"title": title, "locale": locale, "autoRecalc": "ON_CHANGE", "timeZone": "Etc/GMT"}
        )
        for tab_title, rows in (tabs or {"Sheet1": []}).items():
            height = max(DEFAULT_ROWS, len(rows))
            width = max(DEFAULT_COLUMNS, max((len(r) for r in rows), default=0))
            sheet = new_sheet(book.new_sheet_id(tab_title), tab_title, height, width)
            book.sheets.append(sheet)
            if rows:
                values.write(sheet, WHOLE_SHEET, rows, "RAW", "ROWS")
        with self.lock:
            self.spreadsheets[sid] = book
        return sid

    def deny(self, spreadsheet_id: str) -> None:
        """The caller loses access: every request for it answers 403, as for a spreadsheet not shared."""
        with self.lock:
            self.denied.add(spreadsheet_id)

    def edit(
        self, spreadsheet_id: str, a1_range: str, rows: list[list[Any]], user_entered: bool = True
    ) -> None:
        """A human typing into the sheet (no quota, no request log)."""
        with self.lock:
            sheet, bounds = self.book(spreadsheet_id).resolve(a1_range)
            book = self.book(spreadsheet_id)
            option = "USER_ENTERED" if user_entered else "RAW"
            values.write(sheet, bounds, rows, option, "ROWS", book.locale)

    def human_batch(self, spreadsheet_id: str, requests: list[dict[str, Any]]) -> None:
        """A person sorting, inserting, deleting or moving rows and columns in the Sheets UI: the same
        requests as spreadsheets:batchUpdate, applied all or nothing (no quota, no request log)."""
        with self.lock:
            updated, _ = apply_batch(self.book(spreadsheet_id), requests)
            self.spreadsheets[spreadsheet_id] = updated

    def interleave(self, edit: Callable[[SheetsState], None]) -> None:
        """Run `edit` just before the next write request is applied: a human edit landing between a
        client's read and its write. Each edit runs once, in the order given."""
        with self.lock:
            self.before_write.append(edit)

    # --- access used by the app ---------------------------------------------------------------
    def book(self, spreadsheet_id: str) -> Spreadsheet:
        if spreadsheet_id in self.denied:
            raise SheetsError(403, DENIED_MESSAGE)
        book = self.spreadsheets.get(spreadsheet_id)
        if book is None:
            raise SheetsError(404, NOT_FOUND_MESSAGE)
        return book

    def admit(self, user: str, write: bool) -> None:
        quota = self.write_quota if write else self.read_quota
        if not quota.admit(user):
            raise SheetsError(429, WRITE_QUOTA_MESSAGE if write else READ_QUOTA_MESSAGE)
        if write:
            self.write_requests += 1
            if self.before_write:
                self.before_write.pop(0)(self)
        else:
            self.read_requests += 1

    # --- inspection ---------------------------------------------------------------------------
    def sheet(self, spreadsheet_id: str, tab: str) -> Sheet:
        sheet = self.spreadsheets[spreadsheet_id].by_title(tab)
        if sheet is None:
            raise KeyError(f"no tab {tab!r} in {spreadsheet_id}")
        return sheet

    def grid(self, spreadsheet_id: str, tab: str) -> list[list[Any]]:
        """Values as stored (formulas as their text, empties as ""), trailing empty cells and rows dropped."""
        with self.lock:
            sheet = self.sheet(spreadsheet_id, tab)
            filled = [(r, c) for (r, c), cell in sheet.cells.items() if cell_value(cell) is not None]
            height = max((r for r, _ in filled), default=-1) + 1
            rows: list[list[Any]] = [[] for _ in range(height)]
            for r, c in sorted(filled):
                rows[r].extend([""] * (c - len(rows[r])))
                rows[r].append(cell_value(sheet.cells[(r, c)]))
            return rows

    def is_formula(self, spreadsheet_id: str, tab: str, row: int, col: int) -> bool:
        """Zero-based row and column."""
        with self.lock:
            return is_formula_cell(self.sheet(spreadsheet_id, tab).cells.get((row, col)))

    def cell(self, spreadsheet_id: str, tab: str, row: int, col: int) -> dict[str, Any]:
        """The stored CellData (userEnteredValue, note, userEnteredFormat); {} when untouched."""
        with self.lock:
            return copy.deepcopy(self.sheet(spreadsheet_id, tab).cells.get((row, col), {}))

    def sheet_properties(self, spreadsheet_id: str, tab: str) -> dict[str, Any]:
        with self.lock:
            book = self.spreadsheets[spreadsheet_id]
            sheet = self.sheet(spreadsheet_id, tab)
            return sheet.metadata(book.sheets.index(sheet))["properties"]

    def sheet_metadata(self, spreadsheet_id: str, tab: str) -> dict[str, Any]:
        """The tab as spreadsheets.get shows it: properties, conditionalFormats, protectedRanges, charts."""
        with self.lock:
            book = self.spreadsheets[spreadsheet_id]
            sheet = self.sheet(spreadsheet_id, tab)
            return sheet.metadata(book.sheets.index(sheet))

    def dimension_properties(
        self, spreadsheet_id: str, tab: str, dimension: str, index: int
    ) -> dict[str, Any]:
        with self.lock:
            sheet = self.sheet(spreadsheet_id, tab)
            meta = sheet.row_meta if dimension == "ROWS" else sheet.column_meta
            return copy.deepcopy(meta.get(index, {}))

    def tabs(self, spreadsheet_id: str) -> list[str]:
        with self.lock:
            return [s.title for s in self.spreadsheets[spreadsheet_id].sheets]

    def snapshot(self) -> dict[str, Spreadsheet]:
        """A deep copy of every spreadsheet; compare two snapshots with == to prove nothing changed."""
        with self.lock:
            return copy.deepcopy(self.spreadsheets)
