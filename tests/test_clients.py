"""Connectors built from config: a workbook's folder appears only when something is written to it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from connectors.sheets import Column, Table
from flows.clients import open_sheet
from flows.config import parse_config

TODAY = date(2026, 11, 26)


def test_workbook_folders_are_created_by_the_first_write_not_by_opening_or_a_dry_run(tmp_path: Path) -> None:
    out = tmp_path / "out" / "sheets"
    config = parse_config({"sheets": {"backend": "workbook", "workbook_dir": str(out)}}, "x.yaml")
    budget = Table("Budget", [Column("Period")], ("Period",), [{"Period": "2026-Q4"}])

    sheet = open_sheet(config, "teams/platform")
    preview = sheet.sync([budget], today=TODAY, dry_run=True)
    assert preview.cells_written > 0 and not (tmp_path / "out").exists()

    sheet.sync([budget], today=TODAY)
    assert (out / "teams" / "platform.xlsx").is_file()
