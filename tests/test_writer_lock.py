"""One writer at a time per workbook: real second processes, a held lock, stale temp files."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from connectors.sheets import open_workbook
from connectors.sheets.writer_lock import WriterBusy, workbook_lock, workbook_lock_path
from tests.writer_lock_child import ROWS, round_table

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 26)


def child(path: Path, tab: str, rounds: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.writer_lock_child", str(path), tab, str(rounds)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def rounds_in(path: Path, tab: str) -> set[int]:
    ws = openpyxl.load_workbook(path)[tab]
    return {row[1] for row in ws.iter_rows(min_row=2, values_only=True) if row[0]}


def test_two_processes_syncing_one_workbook_lose_nothing(tmp_path: Path) -> None:
    """Each process owns one tab of the same workbook; without one writer at a time, a save planned
    on a read from before the other's save puts the other's tab back, or the clean-up of one
    deletes the other's temp file (FileNotFoundError on the rename)."""
    path = tmp_path / "overview.xlsx"
    rounds = 12
    procs = [child(path, tab, rounds) for tab in ("Alpha", "Beta")]
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert out.strip() == "done"
    assert rounds_in(path, "Alpha") == {rounds - 1}
    assert rounds_in(path, "Beta") == {rounds - 1}
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_second_writer_waits_with_a_log_line_then_writes(tmp_path: Path) -> None:
    path = tmp_path / "overview.xlsx"
    open_workbook(path).sync([round_table("Alpha", 0)], today=TODAY)
    before = path.read_bytes()
    with workbook_lock(path)():
        proc = child(path, "Alpha", 2)
        assert proc.stderr is not None
        line = proc.stderr.readline()  # blocks until the child says it waits: no clock involved
        assert "another opsheets process is writing it; waiting" in line and str(path) in line
        assert path.read_bytes() == before  # nothing written while the lock is held elsewhere
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0 and out.strip() == "done", err
    assert "the other writer finished" in err
    assert rounds_in(path, "Alpha") == {1}


def test_a_writer_that_cannot_get_the_lock_refuses_clearly_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "overview.xlsx"
    sheet = open_workbook(path)
    sheet.sync([round_table("Alpha", 0)], today=TODAY)
    before = path.read_bytes()
    sheet.lock = workbook_lock(path, wait_s=0)
    with workbook_lock(path)(), pytest.raises(WriterBusy) as refused:
        sheet.sync([round_table("Alpha", 1)], today=TODAY)
    message = str(refused.value)
    assert str(path) in message and "another opsheets process" in message and "nothing was written" in message
    assert str(workbook_lock_path(path)) in message
    assert path.read_bytes() == before
    sheet.sync([round_table("Alpha", 1)], today=TODAY)  # the lock was given back
    assert rounds_in(path, "Alpha") == {1}


def test_a_dry_run_needs_no_lock(tmp_path: Path) -> None:
    path = tmp_path / "overview.xlsx"
    open_workbook(path).sync([round_table("Alpha", 0)], today=TODAY)
    sheet = open_workbook(path)
    sheet.lock = workbook_lock(path, wait_s=0)
    with workbook_lock(path)():
        result = sheet.sync([round_table("Alpha", 1)], today=TODAY, dry_run=True)
    assert result.cells_written == ROWS


def test_stale_temp_clean_up_spares_a_live_writers_file(tmp_path: Path) -> None:
    path = tmp_path / "overview.xlsx"
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    dead_pid = int(finished.stdout)
    live = tmp_path / f".overview.xlsx.{os.getppid()}.abc123.tmp"  # our parent: certainly running
    dead = tmp_path / f".overview.xlsx.{dead_pid}.abc123.tmp"
    for leftover in (live, dead):
        leftover.write_bytes(b"half a zip")
    open_workbook(path).sync([round_table("Alpha", 0)], today=TODAY)
    assert live.exists() and not dead.exists()
