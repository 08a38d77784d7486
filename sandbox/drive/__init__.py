"""Google Drive v3 stand-in: files.create/copy/get/list and permissions.list/create/delete in memory."""

from __future__ import annotations

from typing import Any

from sandbox.core import Knobs, RunningService
from sandbox.drive.app import create_app
from sandbox.drive.state import FOLDER, SPREADSHEET, DriveState

__all__ = ["FOLDER", "SPREADSHEET", "DriveState", "create_app", "start_drive_sandbox"]


def start_drive_sandbox(knobs: Knobs | None = None, **state_kwargs: Any) -> tuple[RunningService, DriveState]:
    """Serve a fresh DriveState on 127.0.0.1 (give it `sheets=` to create spreadsheets there too)."""
    state = DriveState(**state_kwargs)
    return RunningService(create_app(state), knobs, contract="drive"), state
