"""One writer at a time per spreadsheet, across processes.

A sync reads a spreadsheet, plans against what it read and writes; two syncs of one spreadsheet at
once (a manual `opsheets run` while `serve` runs the same job) would each plan against a state the
other is about to change, and with workbooks each save's clean-up could delete the other's
in-flight temp file. So a sync holds the spreadsheet's writer lock from its read to its write; a
second writer logs that it waits, and refuses with a clear message if the first never finishes.

Workbooks use a file lock beside the workbook (`filelock`: an OS lock, released by the OS when
its process dies, so a killed run never leaves a workbook locked). Google spreadsheets get their
lock from whoever opens them (flows: a Prefect global concurrency limit per spreadsheet, shared
by every entry point that talks to the same Prefect server).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from connectors.local_files import PRIVATE_FILE, make_private_dirs
from connectors.sheets.table import SheetError

WriterLock = Callable[[], AbstractContextManager[None]]
# A sync of the largest spreadsheet takes well under a minute; ten is a stuck writer, not a slow one.
DEFAULT_WAIT_S = 600.0

log = logging.getLogger("opsheets.sheets")


class WriterBusy(SheetError):
    """Another opsheets process kept the spreadsheet's writer lock for longer than we wait."""


def workbook_lock_path(path: Path) -> Path:
    return path.parent / f".{path.name}.lock"


def workbook_lock(path: Path, wait_s: float = DEFAULT_WAIT_S) -> WriterLock:
    """The writer lock of the workbook at `path` (every spelling of one file shares it)."""

    @contextmanager
    def held() -> Iterator[None]:
        target = Path(os.path.realpath(path))
        make_private_dirs(target.parent)
        lock_file = workbook_lock_path(target)
        lock = FileLock(lock_file, mode=PRIVATE_FILE)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            log.warning(
                "Workbook '%s': another opsheets process is writing it; waiting up to %d s for it to finish",
                target,
                wait_s,
            )
            try:
                lock.acquire(timeout=wait_s)
            except Timeout:
                raise WriterBusy(
                    f"Workbook '{target}': another opsheets process has been writing it for over "
                    f"{wait_s:.0f} s (lock file '{lock_file}'); nothing was written. Fix: let that run "
                    f"finish, or stop it if it is stuck (its lock ends with its process), then run again"
                ) from None
            log.warning("Workbook '%s': the other writer finished; writing now", target)
        try:
            yield
        finally:
            lock.release()

    return held
