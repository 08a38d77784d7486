"""`opsheets check` with budgets.provision: folder, template, and what a run would create; no writes."""

from __future__ import annotations

from flows.check import run_checks
from tests.provision_fixtures import ADMIN, MY_DRIVE_FOLDER, OVERVIEW, TODAY, World, world

__all__ = ["world"]


def by_check(path: str) -> dict[str, object]:
    from datetime import date

    return {p.check: p for p in run_checks(path, today=date.fromisoformat(TODAY))}


def test_check_lists_the_spreadsheets_and_sharing_a_run_would_make_and_writes_nothing(world: World) -> None:
    world.drive.add_spreadsheet("1tmpl", "Budget template", "1teamfolder")
    probes = by_check(world.config(template="1tmpl"))
    assert (
        probes["drive: folder"].ok and "on shared drive 0Abudgets, writable" in probes["drive: folder"].detail
    )
    assert probes["drive: template"].ok
    assert probes["provision: Data"].detail == (
        "would create 'Data event budget' and share it with cleo@example.org (lead, reader), "
        f"{ADMIN} (admin, writer)"
    )
    assert "a new one for: Data, Platform" in probes["provision: plan"].detail
    assert world.drive_writes() == 0 and world.sheets.write_requests == 0
    assert world.drive.in_folder("1teamfolder") and OVERVIEW in world.drive.files


def test_check_fails_a_my_drive_folder_and_an_unreadable_template_with_the_fix(world: World) -> None:
    probes = by_check(world.config(folder=MY_DRIVE_FOLDER))
    folder = probes["drive: folder"]
    assert not folder.ok and "My Drive" in folder.detail and "shared drive" in folder.fix
    assert "provision: plan" not in probes
    template = by_check(world.config(template="1missing"))["drive: template"]
    assert not template.ok and "'1missing' not found" in template.detail and "check the id" in template.fix
