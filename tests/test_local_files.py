"""Every file opsheets writes is owner-only (0600) in folders it creates owner-only (0700), whatever the
umask, and is replaced whole: workbooks, the comment bridge's cursor, anything written as text."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from connectors.local_files import make_private_dirs, save_private, write_private
from connectors.sheets import Column, Table, open_workbook
from flows.comments_cursor import BridgeState, FileCursor


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0o022)  # what many machines use: files 0644, folders 0755 by default
    try:
        yield
    finally:
        os.umask(previous)


def test_missing_folders_are_created_owner_only_and_existing_ones_left_alone(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    make_private_dirs(shared / "a" / "b")
    assert [oct(mode(p)) for p in (shared, shared / "a", shared / "a" / "b")] == ["0o755", "0o700", "0o700"]


def test_a_workbook_is_written_owner_only_in_new_folders(tmp_path: Path) -> None:
    path = tmp_path / "out" / "budgets" / "team.xlsx"
    table = Table("Budget", [Column("Key"), Column("Value")], key=("Key",), rows=[{"Key": "a", "Value": 1}])
    open_workbook(path).sync([table], today=date(2026, 11, 26))
    assert (mode(path), mode(path.parent), mode(path.parent.parent)) == (0o600, 0o700, 0o700)
    # no temp file left behind; the writer lock stays for the next writer, owner-only too
    assert sorted(p.name for p in path.parent.iterdir()) == [".team.xlsx.lock", "team.xlsx"]
    assert mode(path.parent / ".team.xlsx.lock") == 0o600


def test_a_file_a_person_made_readable_becomes_owner_only_when_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "cursor.json"
    path.write_text("{}")
    path.chmod(0o644)
    FileCursor(path).save(BridgeState(1_790_000_000))
    assert mode(path) == 0o600 and FileCursor(path).load() == BridgeState(1_790_000_000)


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    write_private(path, "old\n")

    def half_then_crash(temporary: Path) -> None:
        temporary.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        save_private(path, half_then_crash)
    assert path.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["report.md"]
