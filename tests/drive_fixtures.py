"""A Drive stand-in with one shared drive and folder, a My Drive folder, and the Sheets stand-in behind."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sandbox.core import RunningService
from sandbox.drive import DriveState, start_drive_sandbox
from sandbox.sheets import SheetsState, start_sheets_sandbox

TOKEN = "drive-test-token"
SERVICE_ACCOUNT = "opsheets@project.iam.gserviceaccount.com"
DRIVE_ID = "0AteamBudgets"
FOLDER_ID = "1folderTeamSheets"
MY_DRIVE_FOLDER = "1folderInMyDrive"
TEMPLATE_ID = "1templateBudget"


@dataclass
class DriveWorld:
    drive: RunningService
    sheets: RunningService
    drive_state: DriveState
    sheets_state: SheetsState

    def writes(self) -> int:
        return sum(1 for e in self.drive.log.entries if e.method in ("POST", "PATCH", "DELETE"))


@contextmanager
def drive_world() -> Iterator[DriveWorld]:
    sheets, sheets_state = start_sheets_sandbox()
    drive, state = start_drive_sandbox(
        sheets=sheets_state, accounts={TOKEN: SERVICE_ACCOUNT}, service_accounts={SERVICE_ACCOUNT}
    )
    state.add_shared_drive(
        DRIVE_ID, "Team budgets", {SERVICE_ACCOUNT: "fileOrganizer", "ops@x.com": "organizer"}
    )
    state.add_folder(FOLDER_ID, "Team sheets", drive_id=DRIVE_ID)
    state.add_folder(MY_DRIVE_FOLDER, "My budgets", owner="someone@x.com")
    state.grant(MY_DRIVE_FOLDER, SERVICE_ACCOUNT, "writer")
    state.add_spreadsheet(TEMPLATE_ID, "Budget template", FOLDER_ID)
    try:
        yield DriveWorld(drive, sheets, state, sheets_state)
    finally:
        drive.stop()
        sheets.stop()
