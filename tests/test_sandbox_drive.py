"""The Drive stand-in answers as Drive v3 does: shared-drive semantics, refusals, quotas."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.drive_fixtures import (
    FOLDER_ID,
    MY_DRIVE_FOLDER,
    SERVICE_ACCOUNT,
    TEMPLATE_ID,
    TOKEN,
    DriveWorld,
    drive_world,
)

AUTH = {"Authorization": f"Bearer {TOKEN}"}
ALL = {"supportsAllDrives": "true"}


@pytest.fixture
def world() -> Iterator[DriveWorld]:
    with drive_world() as made:
        yield made


def call(world: DriveWorld, method: str, path: str, **kw: Any) -> requests.Response:
    return requests.request(method, f"{world.drive.url}/drive/v3/{path}", headers=AUTH, timeout=10, **kw)


def test_a_spreadsheet_created_in_a_shared_drive_folder_exists_in_sheets_too(world: DriveWorld) -> None:
    body = {"name": "Platform event budget", "mimeType": "application/vnd.google-apps.spreadsheet",
            "parents": [FOLDER_ID], "appProperties": {"opsheetsTeam": "platform"}}  # fmt: skip
    made = call(world, "POST", "files", params={**ALL, "fields": "id,driveId,appProperties"}, json=body)
    assert made.status_code == 200, made.text
    file_id = made.json()["id"]
    assert made.json()["driveId"] == "0AteamBudgets"
    assert world.sheets_state.spreadsheets[file_id].title == "Platform event budget"


def test_a_service_account_cannot_create_in_a_my_drive_folder(world: DriveWorld) -> None:
    body = {"name": "x", "mimeType": "application/vnd.google-apps.spreadsheet", "parents": [MY_DRIVE_FOLDER]}
    refused = call(world, "POST", "files", params=ALL, json=body)
    assert refused.status_code == 403
    assert refused.json()["error"]["errors"][0]["reason"] == "storageQuotaExceeded"


def test_shared_drive_items_are_invisible_without_supports_all_drives(world: DriveWorld) -> None:
    assert call(world, "GET", f"files/{FOLDER_ID}").status_code == 404
    assert call(world, "GET", f"files/{FOLDER_ID}", params=ALL).status_code == 200
    listed = call(world, "GET", "files", params={"q": f"'{FOLDER_ID}' in parents and trashed = false"})
    assert listed.json()["files"] == []
    wide = {**ALL, "includeItemsFromAllDrives": "true", "q": f"'{FOLDER_ID}' in parents"}
    assert [f["id"] for f in call(world, "GET", "files", params=wide).json()["files"]] == [TEMPLATE_ID]


def test_a_copy_of_the_template_copies_its_tabs(world: DriveWorld) -> None:
    world.sheets_state.spreadsheets[TEMPLATE_ID].properties["title"] = "Budget template"
    made = call(world, "POST", f"files/{TEMPLATE_ID}/copy", params=ALL, json={"name": "Sales event budget"})
    assert made.status_code == 200, made.text
    assert world.sheets_state.spreadsheets[made.json()["id"]].title == "Sales event budget"


def test_permissions_are_listed_with_where_they_come_from_created_and_deleted(world: DriveWorld) -> None:
    fields = {**ALL, "fields": "permissions(id,emailAddress,role,permissionDetails)"}
    shared = call(world, "POST", f"files/{TEMPLATE_ID}/permissions",
                  params={**ALL, "emailMessage": "Your budget"},
                  json={"type": "user", "role": "reader", "emailAddress": "lead@x.com"})  # fmt: skip
    assert shared.status_code == 200, shared.text
    assert [n.to for n in world.drive_state.notifications] == ["lead@x.com"]
    listed = {
        p["emailAddress"]: p
        for p in call(world, "GET", f"files/{TEMPLATE_ID}/permissions", params=fields).json()["permissions"]
    }
    assert listed["lead@x.com"]["permissionDetails"][0]["inherited"] is False
    assert listed[SERVICE_ACCOUNT]["permissionDetails"][0]["inherited"] is True
    inherited = call(
        world, "DELETE", f"files/{TEMPLATE_ID}/permissions/{listed['ops@x.com']['id']}", params=ALL
    )
    assert inherited.status_code == 403
    gone = call(world, "DELETE", f"files/{TEMPLATE_ID}/permissions/{shared.json()['id']}", params=ALL)
    assert gone.status_code == 204
    assert world.drive_state.direct_emails(TEMPLATE_ID) == {}


def test_each_account_has_its_own_quota(world: DriveWorld) -> None:
    world.drive_state.quota.limit = 2
    assert call(world, "GET", f"files/{FOLDER_ID}", params=ALL).status_code == 200
    assert call(world, "GET", f"files/{FOLDER_ID}", params=ALL).status_code == 200
    over = call(world, "GET", f"files/{FOLDER_ID}", params=ALL)
    assert over.status_code == 403 and over.json()["error"]["errors"][0]["reason"] == "userRateLimitExceeded"


def test_an_unknown_token_is_refused(world: DriveWorld) -> None:
    answer = requests.get(
        f"{world.drive.url}/drive/v3/files/{FOLDER_ID}", headers={"Authorization": "Bearer nope"}, timeout=10
    )
    assert answer.status_code == 401
