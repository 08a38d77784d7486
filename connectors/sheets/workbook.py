"""Local .xlsx backend (openpyxl): the embedded default when no Google credentials are configured."""

from __future__ import annotations

import glob
import os
import re
from pathlib import Path
from typing import Any

import psutil
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.cell.rich_text import CellRichText
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from connectors.local_files import save_private
from connectors.sheets.layout import AMBER, GREEN, RED, SCALE_RED_AT, WHITE, TabLayout, hex_colour, tab_layout
from connectors.sheets.memory import Memory, memory_writes
from connectors.sheets.merge import CellWrite, Grid, TabPlan
from connectors.sheets.spreadsheet import Snapshot, Spreadsheet
from connectors.sheets.table import MEMORY_TAB, SheetLayoutError
from connectors.sheets.values import column_letter
from connectors.sheets.workbook_charts import apply_chart_change, found_charts
from connectors.sheets.workbook_formats import MAX_ROW, remove_ours
from connectors.sheets.workbook_memory import read_backup, write_backup
from connectors.sheets.writer_lock import workbook_lock
from connectors.sheets.xlsx_fidelity import load_keeping
from connectors.sheets.xlsx_moves import RefusedEdit, delete_cols, delete_rows, insert_cols

FORMULA_STARTS = ("=", "+", "-", "@")
PX_PER_CHAR = 7
# XML turns a stored CR into LF and cannot hold most other control characters (openpyxl refuses
# them), so they are stored the OOXML way, as _xHHHH_, with a literal "_xHHHH_" escaped as _x005F_.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]|_(?=x[0-9A-Fa-f]{4}_)")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


class WorkbookBackend:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.title = self.path.name
        self.reads = 0
        self.saves = 0  # counted as write requests so "unchanged data → zero writes" holds for both backends

    def load(self, tabs: list[str]) -> Snapshot:
        self.losses: list[str] = []  # what saving this read through openpyxl would drop
        if self.path.exists():
            wb, self.losses = load_keeping(self.path)
            self.reads += 1
        else:
            wb = Workbook()
            wb.remove(wb.worksheets[0])  # the sheet a new workbook comes with
        grids = {tab: _grid(wb[tab]) if tab in wb.sheetnames else None for tab in tabs}
        memory = _grid(wb[MEMORY_TAB]) if MEMORY_TAB in wb.sheetnames else None
        charts = {tab: found_charts(wb[tab]) for tab in tabs if tab in wb.sheetnames}
        return Snapshot(self.title, grids, memory, handle=wb, charts=charts, backup=read_backup(wb))

    def read_values(self, tab: str) -> Grid | None:
        if not self.path.exists():
            return None
        wb = load_workbook(self.path)
        self.reads += 1
        return _grid(wb[tab]) if tab in wb.sheetnames else None

    def read_formatted(self, tab: str) -> tuple[Grid, Grid] | None:
        """One tab's values and each cell's number format ("" for General)."""
        if not self.path.exists():
            return None
        wb = load_workbook(self.path)
        self.reads += 1
        if tab not in wb.sheetnames:
            return None
        ws = wb[tab]
        formats = [[_number_format(cell) for cell in row] for row in ws.iter_rows()]
        return _grid(ws), formats

    def apply(self, snapshot: Snapshot, plans: list[TabPlan], memory: Memory) -> None:
        if self.losses:
            raise SheetLayoutError(
                f"Workbook '{self.path}': saving it would lose what openpyxl cannot keep: "
                f"{'; '.join(self.losses)}. Nothing was written. Fix: remove those from the workbook "
                f"(or move them to a workbook opsheets does not write), or point opsheets at another file"
            )
        wb: Workbook = snapshot.handle
        for plan in plans:
            ws = wb[plan.tab] if plan.tab in wb.sheetnames else _create_sheet(wb, plan.tab)
            try:
                _apply_plan(ws, plan)
            except MergedCellWrite as refused:
                raise SheetLayoutError(f"Workbook '{self.path}', {refused}") from None
            if plan.chart_change:
                apply_chart_change(ws, plan.chart_change)
        mem = wb[MEMORY_TAB] if MEMORY_TAB in wb.sheetnames else wb.create_sheet(MEMORY_TAB)
        mem.sheet_state = "hidden"
        for w in memory_writes(snapshot.memory_grid, memory):
            _write(mem, w, None)
        write_backup(wb, memory)
        self._save(wb)

    def _save(self, wb: Workbook) -> None:
        # A temp file in the same directory, os.replace'd: a crash leaves the old file or the new one.
        # Owner-only, as every file opsheets writes (local_files). Called under the writer lock.
        self._remove_stale_temp_files()
        save_private(self.path, wb.save, prefix=f"{self._temp_prefix}{os.getpid()}.")
        self.saves += 1

    @property
    def _temp_prefix(self) -> str:
        return f".{self.path.name}."

    def _remove_stale_temp_files(self) -> None:
        """Temp files of this workbook that a killed save left behind. The writer lock keeps every
        other opsheets save out meanwhile; a temp file named after a process that still runs is
        left alone all the same (a writer that does not take the lock must not lose its save)."""
        pattern = glob.escape(str(self.path.parent / self._temp_prefix)) + "*.tmp"
        for stale in glob.glob(pattern, include_hidden=True):
            if not _writer_alive(Path(stale).name[len(self._temp_prefix) :]):
                Path(stale).unlink(missing_ok=True)


def _writer_alive(temp_suffix: str) -> bool:
    """Whether the process a temp file is named after ("<pid>.<random>.tmp") still runs."""
    pid = temp_suffix.split(".", 1)[0]
    return pid.isdigit() and int(pid) != os.getpid() and psutil.pid_exists(int(pid))


def open_workbook(path: str | os.PathLike[str]) -> Spreadsheet:
    return Spreadsheet(WorkbookBackend(Path(path)), lock=workbook_lock(Path(path)))


def _grid(ws: Worksheet) -> list[list[Any]]:
    return [[_from_ooxml(_plain(v)) for v in row] for row in ws.iter_rows(values_only=True)]


def _plain(value: Any) -> Any:
    """Text with formatted runs (kept in the file as it is) compares as its plain text."""
    return str(value) if isinstance(value, CellRichText) else value


def _number_format(cell: Any) -> str:
    return "" if cell.number_format == "General" else str(cell.number_format)


def _to_ooxml(text: str) -> str:
    return _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def _from_ooxml(value: Any) -> Any:
    if isinstance(value, str) and "_x" in value:
        return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), value)
    return value


def _create_sheet(wb: Workbook, tab: str) -> Worksheet:
    index = wb.sheetnames.index(MEMORY_TAB) if MEMORY_TAB in wb.sheetnames else None
    return wb.create_sheet(tab, index)


def _apply_plan(ws: Worksheet, plan: TabPlan) -> None:
    if plan.relayout:  # before rows and columns move: the record names where ours were
        remove_ours(ws, plan.recorded_formats)
    # xlsx_moves, not openpyxl's own: every reference a human attached to cells follows them
    for col in plan.delete_cols:
        delete_cols(ws, col + 1)
    for col in plan.insert_cols:
        insert_cols(ws, col + 1)
    for row in plan.delete_rows:
        delete_rows(ws, row + 1)
    layout = tab_layout(plan)
    formats = {c.index: c.number_format for c in layout.columns}
    for w in plan.writes:
        _write(ws, w, formats.get(w.col) if w.row > plan.header_row else None)
    if plan.relayout:
        _apply_layout(ws, layout)


# A cell to write inside a human's merge refuses the save, as a column through an Excel table does.
MergedCellWrite = RefusedEdit


def _write(ws: Worksheet, w: CellWrite, number_format: str | None) -> None:
    cell = ws.cell(row=w.row + 1, column=w.col + 1)
    if isinstance(cell, MergedCell):
        merged = next(str(r) for r in ws.merged_cells.ranges if cell.coordinate in r)
        raise MergedCellWrite(
            f"tab '{ws.title}', cell {cell.coordinate}: opsheets must write {w.value!r} there, but it is "
            f"inside the merged range {merged}. Nothing was written. Fix: unmerge {merged}, or merge only "
            f"cells outside opsheets' columns"
        )
    value = _to_ooxml(w.value) if isinstance(w.value, str) else w.value
    cell.value = None if value == "" else value
    if isinstance(value, str) and value:
        # openpyxl turns a leading "=" into a formula; a source string must stay text, also in Excel.
        cell.data_type = "s"
        cell.quotePrefix = value.startswith(FORMULA_STARTS)
    if number_format and cell.value is not None and not isinstance(w.value, str):
        cell.number_format = number_format


def _apply_layout(ws: Worksheet, layout: TabLayout) -> None:
    header = layout.header_row + 1
    if ws.freeze_panes is None:  # a human's own frozen rows and columns stay
        ws.freeze_panes = f"A{header + 1}"
    for col in layout.columns:
        cell = ws.cell(row=header, column=col.index + 1)
        cell.font = Font(bold=True)
        cell.comment = Comment(layout.note, "opsheets")
        dimension = ws.column_dimensions[column_letter(col.index)]
        if not dimension.customWidth:  # a width someone chose stays
            dimension.width = round(col.width / PX_PER_CHAR, 1)
    _add_rules(ws, layout)


def _add_rules(ws: Worksheet, layout: TabLayout) -> None:
    """opsheets' rules, its old ones having gone (workbook_formats) before any row or column moved."""
    first = layout.header_row + 2
    for rule in layout.rules:  # one range over all the rule's columns: one scale, not one per column
        cells = " ".join(f"{column_letter(c)}{first}:{column_letter(c)}{MAX_ROW}" for c in rule.columns)
        for xl_rule in _rules(rule.kind):
            ws.conditional_formatting.add(cells, xl_rule)


def _fill(rgb: tuple[float, float, float]) -> PatternFill:
    return PatternFill(start_color=hex_colour(rgb), end_color=hex_colour(rgb), fill_type="solid")


def _rules(kind: str) -> list[Any]:
    """Excel rules in priority order (openpyxl numbers them as added); stop if true keeps a red cell red."""
    if kind == "negative":
        return [CellIsRule(operator="lessThan", formula=["0"], fill=_fill(RED), stopIfTrue=True)]
    if kind == "budget":
        return [
            CellIsRule(operator="greaterThan", formula=["1"], fill=_fill(RED), stopIfTrue=True),
            CellIsRule(operator="greaterThanOrEqual", formula=["0.9"], fill=_fill(AMBER)),
        ]
    scale = ColorScaleRule(
        start_type="num", start_value=SCALE_RED_AT, start_color=hex_colour(RED),
        mid_type="num", mid_value=0, mid_color=hex_colour(WHITE),
        end_type="max", end_color=hex_colour(GREEN),
    )  # fmt: skip
    return [scale]
