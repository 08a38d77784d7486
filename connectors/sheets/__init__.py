"""The sheet connector: keyed merge of `Table`s into Google Sheets or a local .xlsx workbook."""

from connectors.sheets.google import open_google
from connectors.sheets.spreadsheet import CellChange, OnChange, Spreadsheet, SyncResult, TabResult
from connectors.sheets.table import (
    MEMORY_TAB,
    SYNC_STATUS,
    ChartSpec,
    Column,
    ConditionalRule,
    SheetAccessDenied,
    SheetError,
    SheetLayoutError,
    SheetRequestRefused,
    SpreadsheetNotFound,
    Table,
)
from connectors.sheets.workbook import open_workbook

__all__ = [
    "MEMORY_TAB",
    "SYNC_STATUS",
    "CellChange",
    "ChartSpec",
    "Column",
    "ConditionalRule",
    "OnChange",
    "SheetAccessDenied",
    "SheetError",
    "SheetLayoutError",
    "SheetRequestRefused",
    "Spreadsheet",
    "SpreadsheetNotFound",
    "SyncResult",
    "TabResult",
    "Table",
    "open_google",
    "open_workbook",
]
