"""The Drive connector against the Drive stand-in: one call per endpoint, named errors, all drives."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest
from google.oauth2.credentials import Credentials

from connectors.drive import DriveClient, DriveNotFound, SharedDriveRequired
from connectors.http import RetryPolicy
from tests.drive_fixtures import (
    DRIVE_ID,
    FOLDER_ID,
    MY_DRIVE_FOLDER,
    SERVICE_ACCOUNT,
    TEMPLATE_ID,
    TOKEN,
    DriveWorld,
    drive_world,
)


@pytest.fixture
def world() -> Iterator[tuple[DriveWorld, DriveClient]]:
    with drive_world() as made:
        client = DriveClient(Credentials(token=TOKEN), rewrite={"https://www.googleapis.com": made.drive.url})
        yield made, client


def test_a_spreadsheet_is_created_tagged_and_found_again_in_the_folder(
    world: tuple[DriveWorld, DriveClient],
) -> None:
    stand_in, drive = world
    made = drive.create_spreadsheet("Web event budget", FOLDER_ID, {"opsheetsTeam": "web"})
    assert made.drive_id == DRIVE_ID and made.parents == (FOLDER_ID,)
    listed = {item.id: item for item in drive.list_folder(FOLDER_ID)}
    assert set(listed) == {made.id, TEMPLATE_ID} and listed[made.id].app_properties == {"opsheetsTeam": "web"}
    copied = drive.copy_file(TEMPLATE_ID, "Sales event budget", FOLDER_ID, {"opsheetsTeam": "sales"})
    assert stand_in.sheets_state.spreadsheets[copied.id].title == "Sales event budget"
    # Every call says it supports shared drives: without it Drive answers 404 for all of them.
    assert all(parse_qs(e.query)["supportsAllDrives"] == ["true"] for e in stand_in.drive.log.entries)


def test_a_folder_in_my_drive_is_refused_with_the_fix(world: tuple[DriveWorld, DriveClient]) -> None:
    _, drive = world
    with pytest.raises(SharedDriveRequired, match=r"storageQuotaExceeded .* must be on a shared drive"):
        drive.create_spreadsheet("Web event budget", MY_DRIVE_FOLDER, {})
    assert drive.get_file(MY_DRIVE_FOLDER).drive_id is None


def test_an_unknown_file_is_named_with_what_to_check(world: tuple[DriveWorld, DriveClient]) -> None:
    _, drive = world
    with pytest.raises(DriveNotFound, match="file 'nope' not found — check the id"):
        drive.get_file("nope")


def test_permissions_are_read_across_pages_shared_and_removed(world: tuple[DriveWorld, DriveClient]) -> None:
    stand_in, drive = world
    for n in range(120):
        stand_in.drive_state.grant(TEMPLATE_ID, f"person{n}@x.com", "reader")
    permissions = drive.permissions(TEMPLATE_ID)
    assert len(permissions) == 122  # 120 people and the two drive members
    assert next(p for p in permissions if p.email == SERVICE_ACCOUNT).inherited
    assert stand_in.drive.log.count("GET", "/permissions") == 2
    shared = drive.share(TEMPLATE_ID, "Lead@X.com", "commenter", "Your team's budget")
    assert (
        shared.email == "lead@x.com"
        and stand_in.drive_state.notifications[-1].message == "Your team's budget"
    )
    drive.unshare(TEMPLATE_ID, shared.id)
    assert "lead@x.com" not in stand_in.drive_state.direct_emails(TEMPLATE_ID)


def test_gspreads_own_drive_calls_reach_the_drive_stand_in(world: tuple[DriveWorld, DriveClient]) -> None:
    from connectors.sheets import open_google

    stand_in, _ = world
    rewrite = {
        "https://sheets.googleapis.com": stand_in.sheets.url,
        "https://www.googleapis.com": stand_in.drive.url,
    }
    sheet = open_google(TEMPLATE_ID, credentials=Credentials(token=TOKEN), rewrite=rewrite)
    listed = sheet.backend.http.list_permissions(TEMPLATE_ID)  # type: ignore[attr-defined]
    assert SERVICE_ACCOUNT in {p.get("emailAddress") for p in listed}
    assert stand_in.drive.log.count("GET", f"/drive/v3/files/{TEMPLATE_ID}/permissions") == 1


def test_the_per_user_quota_is_waited_out(world: tuple[DriveWorld, DriveClient]) -> None:
    stand_in, _ = world
    stand_in.drive_state.quota.limit, stand_in.drive_state.quota.window_s = 2, 0.5
    policy = RetryPolicy(max_attempts=6, backoff_base_s=0.2, backoff_cap_s=0.5)
    rewrite = {"https://www.googleapis.com": stand_in.drive.url}
    drive = DriveClient(Credentials(token=TOKEN), policy=policy, rewrite=rewrite)
    assert [drive.get_file(FOLDER_ID).id for _ in range(4)] == [FOLDER_ID] * 4
    assert {e.status for e in stand_in.drive.log.entries} == {200, 403}
