"""A small organisation for provisioning: BambooHR, Sheets and Drive stand-ins, a ledger, a shared drive.

Platform: Ana (lead: Ben reports to her), Ben
Data:     Cleo (lead: Dan reports to her), Dan
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from sandbox.bamboohr import BambooState, start_bamboohr_sandbox
from sandbox.core import RunningService
from sandbox.drive import DriveState, start_drive_sandbox
from sandbox.sheets import SheetsState, start_sheets_sandbox

KEY = "provision-test-key"
TOKEN = "provision-test-token"
TODAY = "2026-11-26"
SERVICE_ACCOUNT = "opsheets@tests.iam.gserviceaccount.com"
ADMIN = "peopleops@example.org"
DRIVE, FOLDER, MY_DRIVE_FOLDER, OVERVIEW = "0Abudgets", "1teamfolder", "1mydrivefolder", "1overview"
PEOPLE = [  # id, first name, team, supervisor, hired
    ("1", "Ana", "Platform", "vp@example.org", "2020-02-01"),
    ("2", "Ben", "Platform", "ana@example.org", "2021-11-15"),
    ("3", "Cleo", "Data", "vp@example.org", "2021-05-01"),
    ("4", "Dan", "Data", "cleo@example.org", "2022-01-10"),
]


def dataset() -> dict[str, Any]:
    employees = [
        {"id": pid, "firstName": first, "lastName": "Test", "workEmail": f"{first.lower()}@example.org",
         "department": team, "supervisorEmail": boss, "country": "DE", "status": "Active",
         "employmentHistoryStatus": "Full-Time", "hireDate": hired, "terminationDate": "0000-00-00"}
        for pid, first, team, boss, hired in PEOPLE
    ]  # fmt: skip
    job_info = [
        {"id": str(n), "employeeId": e["id"], "date": e["hireDate"], "department": e["department"]}
        for n, e in enumerate(employees, 1)
    ]
    return {"today": TODAY, "bamboohr": {"employees": employees, "job_info": job_info, "time_off": [],
                                          "holidays": []}}  # fmt: skip


@dataclass
class World:
    tmp: Path
    bamboo: BambooState
    sheets: SheetsState
    drive: DriveState
    drive_service: RunningService
    urls: dict[str, str]

    def config(self, **provision: Any) -> str:
        data = {
            "timezone": "UTC",
            "http": {"max_attempts": 2, "backoff_base_s": 0.05, "backoff_cap_s": 0.1},
            "sheets": {"backend": "google", "api_base": self.urls["sheets"],
                       "drive_api_base": self.urls["drive"], "credentials": {"env": "OPSHEETS_TEST_GOOGLE"}},
            "bamboohr": {"company": "demo", "base_url": self.urls["bamboohr"]},
            "budgets": {
                "ledger": {"spreadsheet": "ledger", "tab": "Ledger"},
                "overview_spreadsheet": OVERVIEW,
                "provision": {"folder": FOLDER, "admins": [ADMIN], **provision},
            },
        }  # fmt: skip
        path = self.tmp / "opsheets.yaml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        return str(path)

    def drive_writes(self) -> int:
        return sum(1 for e in self.drive_service.log.entries if e.method in ("POST", "PATCH", "DELETE"))

    def team_sheets(self) -> dict[str, str]:
        """team -> spreadsheet, as the overview's Teams tab records it."""
        return {row[0]: row[1] for row in self.sheets.grid(OVERVIEW, "Teams")[1:]}

    def employee(self, first: str) -> dict[str, Any]:
        return next(e for e in self.bamboo.employees if e["firstName"] == first)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("BAMBOOHR_API_KEY", KEY)
    monkeypatch.setenv("OPSHEETS_TEST_GOOGLE", json.dumps({"type": "authorized_user", "token": TOKEN}))
    with ExitStack() as stack:
        bamboo_service, bamboo = start_bamboohr_sandbox(dataset(), api_key=KEY)
        sheets_service, sheets = start_sheets_sandbox()
        drive_service, drive = start_drive_sandbox(sheets=sheets, accounts={TOKEN: SERVICE_ACCOUNT})
        for service in (bamboo_service, sheets_service, drive_service):
            stack.callback(service.stop)
        drive.add_shared_drive(DRIVE, "Budgets", {SERVICE_ACCOUNT: "fileOrganizer"})
        drive.add_folder(FOLDER, "Team budgets", drive_id=DRIVE)
        drive.add_folder(MY_DRIVE_FOLDER, "Mine", owner="someone@example.org")
        drive.grant(MY_DRIVE_FOLDER, SERVICE_ACCOUNT, "writer")
        drive.add_spreadsheet(OVERVIEW, "Budgets overview", FOLDER)
        header = [["Date", "Team", "Amount", "Currency", "Description"]]
        sheets.create_spreadsheet("Ledger", {"Ledger": header}, spreadsheet_id="ledger")
        urls = {"bamboohr": bamboo_service.url, "sheets": sheets_service.url, "drive": drive_service.url}
        yield World(tmp_path, bamboo, sheets, drive, drive_service, urls)
