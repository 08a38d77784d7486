"""Shared pieces of the reliability suite: a small organisation, running a flow against the
sandbox, canonical dumps of every sheet for cell-for-cell comparison, and the figures file.

A dump is {spreadsheet: {tab: rows}}; for Google the hidden `_opsheets` tab is included, for
workbooks every sheet. The Sync log's "Run at" cell is the wall-clock time of the run, so it is
masked: two runs that wrote the same data are then equal.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

from flows.availability import sync_resource_availability
from flows.availability_tables import RUN_AT, SYNC_LOG
from flows.budgets import sync_team_budgets
from sandbox.core import RunningService
from sandbox.demo_org import generate
from sandbox.sheets import SheetsState

TODAY = date(2026, 11, 26)
FLOWS: dict[str, Callable[..., Any]] = {
    "availability": sync_resource_availability,
    "budgets": sync_team_budgets,
}
# The outside systems each flow calls (the Sheets stand-in stands for Google).
APIS = {"availability": ("jira", "bamboohr", "sheets"), "budgets": ("bamboohr", "sheets")}
MASK = "<run at>"
FIGURES_ENV = "OPSHEETS_RELIABILITY_FIGURES"
Dump = dict[str, dict[str, list[list[Any]]]]


def small_dataset(seed: int = 3) -> dict[str, Any]:
    return generate(people=8, teams=3, issues=30, ledger_rows=14, conversations=3, seed=seed, today=TODAY)


@dataclass(frozen=True)
class Outcome:
    error: BaseException | None
    seconds: float


def run_flow(name: str, config_path: Path) -> Outcome:
    """Run one flow in-process (needs the prefect_harness fixture); an exception is returned."""
    started = time.monotonic()
    try:
        FLOWS[name](config_path=str(config_path), today=TODAY.isoformat())
    except Exception as error:
        return Outcome(error, time.monotonic() - started)
    return Outcome(None, time.monotonic() - started)


def _masked(tab: str, rows: list[list[Any]]) -> list[list[Any]]:
    if tab != SYNC_LOG or not rows:
        return rows
    header = [str(v) for v in rows[0]]
    if RUN_AT not in header:
        return rows
    col = header.index(RUN_AT)
    return [rows[0]] + [
        [MASK if c == col and v not in ("", None) else v for c, v in enumerate(r)] for r in rows[1:]
    ]


def _trimmed(rows: list[list[Any]]) -> list[list[Any]]:
    """Trailing empty cells and rows dropped, empty cells as "" (openpyxl says None)."""
    out = [["" if v is None else v for v in row] for row in rows]
    for row in out:
        while row and row[-1] == "":
            row.pop()
    while out and not out[-1]:
        out.pop()
    return out


def dump_google(state: SheetsState) -> Dump:
    return {
        sid: {tab: _masked(tab, state.grid(sid, tab)) for tab in state.tabs(sid)}
        for sid in sorted(state.spreadsheets)
    }


def dump_workbooks(root: Path) -> Dump:
    """Every .xlsx under `root` (temp files of an interrupted save excluded: they are not sheets)."""
    dump: Dump = {}
    for path in sorted(root.rglob("*.xlsx")):
        if path.name.startswith("."):
            continue
        book = openpyxl.load_workbook(path)
        dump[str(path.relative_to(root))] = {
            ws.title: _masked(ws.title, _trimmed([list(r) for r in ws.iter_rows(values_only=True)]))
            for ws in book.worksheets
        }
    return dump


def differing(first: Dump, second: Dump) -> list[str]:
    """ "spreadsheet/tab" wherever two dumps differ, with the first differing row."""
    out = []
    for book in sorted(set(first) | set(second)):
        a, b = first.get(book) or {}, second.get(book) or {}
        for tab in sorted(set(a) | set(b)):
            if a.get(tab) != b.get(tab):
                rows_a, rows_b = a.get(tab) or [], b.get(tab) or []
                row = next(
                    (i for i, (x, y) in enumerate(zip(rows_a, rows_b, strict=False)) if x != y),
                    min(len(rows_a), len(rows_b)),
                )
                out.append(
                    f"{book}/{tab} (rows {len(rows_a)} vs {len(rows_b)}, first difference in row {row + 1})"
                )
    return out


def count_requests(services: dict[str, RunningService]) -> dict[str, tuple[int, int]]:
    """(requests, of which faults injected) per system, from the stand-ins' request logs."""
    return {
        name: (len(service.log.entries), sum(1 for e in service.log.entries if e.fault))
        for name, service in services.items()
    }


def record_figures(part: str, row: dict[str, Any]) -> None:
    """Append one line of figures; `make chaos` prints the file at the end."""
    target = os.environ.get(FIGURES_ENV)
    if not target:
        return
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"part": part, **row}, default=str) + "\n")
