"""Team spreadsheets created on a shared drive, shared with leads, their access kept in check."""

from __future__ import annotations

import pytest

from flows.budgets import BudgetSyncFailed, sync_team_budgets
from sandbox.bamboohr_lists import rename_option
from tests.provision_fixtures import ADMIN, FOLDER, MY_DRIVE_FOLDER, OVERVIEW, TODAY, World, world

pytestmark = pytest.mark.usefixtures("prefect_harness")
__all__ = ["world"]


def test_a_new_team_gets_a_spreadsheet_shared_with_its_lead_and_a_rerun_changes_nothing(world: World) -> None:
    config = world.config()
    report = sync_team_budgets(config, today=TODAY)
    teams = world.team_sheets()
    assert set(teams) == {"Data", "Platform"}
    for team, lead in (("Platform", "ana@example.org"), ("Data", "cleo@example.org")):
        sheet = world.drive.files[teams[team]]
        assert sheet.drive_id == "0Abudgets" and sheet.parents == [FOLDER]
        assert world.drive.direct_emails(teams[team]) == {lead: "reader", ADMIN: "writer"}
        assert "Budget" in world.sheets.tabs(teams[team])  # laid out as any team spreadsheet
    assert {n.to for n in world.drive.notifications} == {"ana@example.org", "cleo@example.org", ADMIN}
    assert all("event budget" in n.message for n in world.drive.notifications)
    assert world.drive.direct_emails(OVERVIEW) == {ADMIN: "writer"}
    assert not [w for w in report.warnings if "budgets.teams" in w]
    access = world.sheets.grid(OVERVIEW, "Access")
    assert access[0][:6] == ["Team", "Spreadsheet", "Who", "Role", "Expected", "Note"]
    assert ["Platform", f"https://docs.google.com/spreadsheets/d/{teams['Platform']}", "ana@example.org",
            "reader", "yes", "lead"] in [r[:6] for r in access]  # fmt: skip

    world.drive_service.log.clear()
    writes = world.sheets.write_requests
    again = sync_team_budgets(config, today=TODAY)
    assert world.drive_writes() == 0 and world.sheets.write_requests == writes
    # One Drive request per team: its spreadsheet's permissions.
    assert len(world.drive_service.log.entries) == len(teams)
    assert world.team_sheets() == teams and not [w for w in again.warnings if w.startswith("access")]


def test_an_admin_added_to_the_config_gets_every_team_sheet_and_the_overview_in_report_mode(
    world: World,
) -> None:
    sync_team_budgets(world.config(), today=TODAY)
    report = sync_team_budgets(world.config(admins=[ADMIN, "finance@example.org"]), today=TODAY)
    for key in [*world.team_sheets().values(), OVERVIEW]:
        assert world.drive.direct_emails(key)["finance@example.org"] == "writer"
    assert "Shared 'Budgets overview' with finance@example.org (admin, writer)" in report.summary


def test_dry_run_says_what_it_would_create_and_share_and_changes_nothing(world: World) -> None:
    report = sync_team_budgets(world.config(), today=TODAY, dry_run=True)
    assert world.drive_writes() == 0 and world.sheets.write_requests == 0
    assert f"Would create a new spreadsheet for team 'Data' in folder '{FOLDER}'" in report.summary
    assert "Would share 'Platform' with ana@example.org (lead, reader)" in report.summary
    assert f"Would share 'Budgets overview' with {ADMIN} (admin, writer)" in report.summary


@pytest.mark.parametrize("mode", ["report", "enforce"])
def test_a_lead_change_is_reported_or_enforced(world: World, mode: str) -> None:
    sync_team_budgets(world.config(), today=TODAY)
    key = world.team_sheets()["Platform"]
    world.employee("Ana")["supervisorEmail"] = "ben@example.org"  # Ben now leads Platform
    world.employee("Ben")["supervisorEmail"] = "vp@example.org"
    world.drive_service.log.clear()
    if mode == "report":
        report = sync_team_budgets(world.config(mode=mode), today=TODAY)
        assert world.drive_writes() == 0
        assert world.drive.direct_emails(key) == {"ana@example.org": "reader", ADMIN: "writer"}
        assert any("ben@example.org (lead) has no access" in w for w in report.warnings)
        assert any("ana@example.org, the former lead, still has reader access" in w for w in report.warnings)
    else:
        report = sync_team_budgets(world.config(mode=mode), today=TODAY)
        assert world.drive.direct_emails(key) == {"ben@example.org": "reader", ADMIN: "writer"}
        assert "Removed ana@example.org (former lead) from 'Platform'" in report.summary
        assert world.drive_writes() == 2
    assert ["Platform", key, "ben@example.org"] == world.sheets.grid(OVERVIEW, "Teams")[2][:3]


@pytest.mark.parametrize("mode", ["report", "enforce"])
def test_another_teams_lead_with_access_is_a_finding_and_keeps_it(world: World, mode: str) -> None:
    sync_team_budgets(world.config(), today=TODAY)
    key = world.team_sheets()["Platform"]
    world.drive.grant(key, "cleo@example.org", "commenter")  # shared by hand
    report = sync_team_budgets(world.config(mode=mode), today=TODAY)
    assert any("cleo@example.org, the lead of Data, has commenter access" in w for w in report.warnings)
    assert world.drive.direct_emails(key)["cleo@example.org"] == "commenter"
    row = next(
        r for r in world.sheets.grid(OVERVIEW, "Access") if r[0] == "Platform" and r[2] == "cleo@example.org"
    )
    assert row[3:6] == ["commenter", "no", "lead of Data"]


def test_a_vanished_team_keeps_its_spreadsheet_marked_and_a_renamed_team_keeps_its_own(world: World) -> None:
    sync_team_budgets(world.config(), today=TODAY)
    before = world.team_sheets()
    # Data becomes Analytics: both of its people move on one day; nobody is left in Data.
    for n, first in enumerate(("Cleo", "Dan"), 10):
        world.employee(first)["department"] = "Analytics"
        world.bamboo.job_info.append({"id": str(n), "employeeId": world.employee(first)["id"],
                                      "date": "2026-10-15", "department": "Analytics"})  # fmt: skip
    # Platform's people all leave before the quarter: the team is gone.
    for first in ("Ana", "Ben"):
        world.employee(first).update(terminationDate="2026-09-30", status="Inactive")
    created = len(world.drive.files)
    sync_team_budgets(world.config(), today=TODAY)
    assert len(world.drive.files) == created  # nothing created, nothing deleted
    rows = {r[0]: r for r in world.sheets.grid(OVERVIEW, "Teams")[1:]}
    assert rows["Analytics"][1] == before["Data"] and rows["Analytics"][4] == "renamed from Data"
    assert rows["Platform"][1] == before["Platform"]
    assert rows["Platform"][4] == "no people in 2026-Q4: spreadsheet kept"
    assert "Data" not in rows


def test_a_team_renamed_in_bamboohr_keeps_its_spreadsheet_by_its_id(world: World) -> None:
    sync_team_budgets(world.config(), today=TODAY)
    before, created = world.team_sheets(), len(world.drive.files)
    rename_option(world.bamboo, "department", "Data", "Analytics")  # history shows the new name too
    sync_team_budgets(world.config(), today=TODAY)
    rows = {r[0]: r for r in world.sheets.grid(OVERVIEW, "Teams")[1:]}
    assert rows["Analytics"][1] == before["Data"] and rows["Analytics"][4] == "renamed from Data"
    assert "Data" not in rows and len(world.drive.files) == created


def test_a_folder_in_my_drive_is_refused_with_the_fix(world: World) -> None:
    with pytest.raises(BudgetSyncFailed, match="must go to a folder on a shared drive"):
        sync_team_budgets(world.config(folder=MY_DRIVE_FOLDER), today=TODAY)
    assert world.drive.in_folder(MY_DRIVE_FOLDER) == []
