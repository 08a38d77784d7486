"""The sheet connector: keyed merge of `Table`s into Google Sheets or a local .xlsx workbook."""

from connectors.sheets.spreadsheet import CellChange, Spreadsheet, SyncResult, TabResult
from connectors.sheets.table import (
    MEMORY_TAB,
    SYNC_STATUS,
    Column,
    ConditionalRule,
    SheetAccessDenied,
    SheetError,
    SheetLayoutError,
    SpreadsheetNotFound,
    Table,
)
from connectors.sheets.workbook import open_workbook


def open_google(key: str, **kwargs: object) -> Spreadsheet:
    """Imported lazily so the workbook path needs neither gspread nor google-auth loaded."""
    from connectors.sheets.google import open_google as _open

    return _open(key, **kwargs)  # type: ignore[arg-type]


__all__ = [
    "MEMORY_TAB",
    "SYNC_STATUS",
    "CellChange",
    "Column",
    "ConditionalRule",
    "SheetAccessDenied",
    "SheetError",
    "SheetLayoutError",
    "Spreadsheet",
    "SpreadsheetNotFound",
    "SyncResult",
    "TabResult",
    "Table",
    "open_google",
    "open_workbook",
]
