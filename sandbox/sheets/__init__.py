"""Google Sheets v4 stand-in: spreadsheets.get/batchUpdate and spreadsheets.values.* in memory."""

from __future__ import annotations

from typing import Any

from sandbox.core import Knobs, RunningService
from sandbox.sheets.app import create_app
from sandbox.sheets.errors import SheetsError
from sandbox.sheets.state import SheetsState
from sandbox.sheets.values import FORMULA_PLACEHOLDER

__all__ = ["FORMULA_PLACEHOLDER", "SheetsError", "SheetsState", "create_app", "start_sheets_sandbox"]


def start_sheets_sandbox(
    knobs: Knobs | None = None, **state_kwargs: Any
) -> tuple[RunningService, SheetsState]:
    """Serve a fresh SheetsState on 127.0.0.1; stop the returned service (or use it as a context manager)."""
    state = SheetsState(**state_kwargs)
    return RunningService(create_app(state), knobs, contract="sheets"), state
