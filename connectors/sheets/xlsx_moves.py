"""Insert and delete rows or columns in an openpyxl workbook the way Excel does.

openpyxl's `insert_rows`/`delete_cols`/… move cell values and styles only: formulas keep their old
addresses, and conditional formats, validation, merges, hyperlinks, filters, widths, hidden flags,
pictures and charts stay on the old row or column letter, which then holds other data. Here every
one of them follows its cells (the arithmetic is in `xlsx_references`): formulas on every tab,
defined names, conditional formats and their formulas, data validation and its lists, merged
ranges, hyperlinks (and links to a cell), comments (they travel with their cell), the auto filter,
row heights / column widths / hidden rows and columns, the print area and titles, Excel tables, and
the anchors and series of pictures and charts.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from openpyxl.formatting.formatting import ConditionalFormatting
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

from connectors.sheets.xlsx_references import (
    REF_ERROR,
    Shift,
    cell_box,
    shift_box,
    shift_expression,
    shift_formula,
    shift_reference,
)

_SERIES_REFS = ("tx", "val", "cat", "xVal", "yVal", "bubbleSize")
_REF_KINDS = ("strRef", "numRef", "multiLvlStrRef")


class RefusedEdit(Exception):
    """A change opsheets must make would break something a human made (the message names the tab
    and says how to fix it); raised before anything is saved."""


def insert_rows(ws: Worksheet, at: int, amount: int = 1) -> None:
    _move(ws, Shift(ws.title, "row", at, amount))


def delete_rows(ws: Worksheet, at: int, amount: int = 1) -> None:
    _move(ws, Shift(ws.title, "row", at, -amount))


def insert_cols(ws: Worksheet, at: int, amount: int = 1) -> None:
    _move(ws, Shift(ws.title, "col", at, amount))


def delete_cols(ws: Worksheet, at: int, amount: int = 1) -> None:
    _move(ws, Shift(ws.title, "col", at, -amount))


def _move(ws: Worksheet, shift: Shift) -> None:
    wb = ws.parent
    assert wb is not None  # a tab being edited is always in its workbook
    _refuse_cutting_tables(ws, shift)
    merges = [r.bounds for r in ws.merged_cells.ranges]
    for bounds in merges:  # placeholders would move as cells and a grown merge would lack some
        ws.unmerge_cells(start_column=bounds[0], start_row=bounds[1], end_column=bounds[2], end_row=bounds[3])
    _physical(ws, shift)
    for bounds in merges:
        moved = shift_box(bounds, shift)
        if moved and (moved[0], moved[1]) != (moved[2], moved[3]):
            ws.merge_cells(start_column=moved[0], start_row=moved[1], end_column=moved[2], end_row=moved[3])
    for sheet in wb.worksheets:
        _shift_cells(sheet, shift)
        _shift_rules(sheet, shift)
        _shift_validation(sheet, shift)
        _shift_charts(sheet, shift)
    for name in _defined_names(wb):
        if name.attr_text:
            name.attr_text = shift_expression(name.attr_text, name.home, shift)
    _shift_dimensions(ws, shift)
    _shift_print_ranges(ws, shift)
    _shift_filter(ws, shift)
    _shift_tables(ws, shift)
    _shift_anchors(ws, shift)


def _physical(ws: Worksheet, shift: Shift) -> None:
    amount = abs(shift.delta)
    if shift.axis == "row":
        (ws.insert_rows if shift.delta > 0 else ws.delete_rows)(shift.at, amount)
    else:
        (ws.insert_cols if shift.delta > 0 else ws.delete_cols)(shift.at, amount)


def _shift_cells(sheet: Worksheet, shift: Shift) -> None:
    """Formulas and hyperlinks, in one pass over the tab's cells (a big tab has ~10⁵)."""
    moved_here = shift.on(sheet.title)
    for cell in sheet._cells.values():
        if cell.data_type == "f":
            value = cell.value
            if isinstance(value, ArrayFormula):
                if value.text:
                    value.text = shift_formula(value.text, sheet.title, shift)
                if moved_here:
                    value.ref = _shift_sqref(value.ref, shift) or cell.coordinate
            elif isinstance(value, str):
                cell.value = shift_formula(value, sheet.title, shift)
        link = cell.hyperlink
        if link is not None:
            if moved_here:  # a hyperlink is written at the address it was given, not its cell's
                link.ref = cell.coordinate
            if link.location:
                link.location = shift_expression(link.location, sheet.title, shift)


def _shift_rules(sheet: Worksheet, shift: Shift) -> None:
    rules: OrderedDict[ConditionalFormatting, list[Any]] = OrderedDict()
    for cf in sheet.conditional_formatting:
        sqref = _shift_sqref(str(cf.sqref), shift) if shift.on(sheet.title) else str(cf.sqref)
        if not sqref:
            continue  # every cell it formatted was deleted: gone, as in Excel
        for rule in cf.rules:
            rule.formula = [shift_expression(f, sheet.title, shift) for f in rule.formula or []]
        rules.setdefault(ConditionalFormatting(sqref), []).extend(cf.rules)
    # openpyxl offers no way to replace or move a rule's range but its private store
    sheet.conditional_formatting._cf_rules = rules  # type: ignore[attr-defined]


def _shift_validation(sheet: Worksheet, shift: Shift) -> None:
    kept = []
    for dv in sheet.data_validations.dataValidation:
        if shift.on(sheet.title):
            sqref = _shift_sqref(str(dv.sqref), shift)
            if not sqref:
                continue
            dv.sqref = MultiCellRange(sqref)
        for attr in ("formula1", "formula2"):
            if getattr(dv, attr):
                setattr(dv, attr, shift_expression(getattr(dv, attr), sheet.title, shift))
        kept.append(dv)
    sheet.data_validations.dataValidation = kept


def _shift_charts(sheet: Worksheet, shift: Shift) -> None:
    for chart in sheet._charts:  # type: ignore[attr-defined]  # openpyxl lists a tab's charts only here
        for series in getattr(chart, "series", []):
            for ref in _series_refs(series):
                ref.f = shift_expression(ref.f, sheet.title, shift)


def _series_refs(series: Any) -> Iterator[Any]:
    for attr in _SERIES_REFS:
        holder = getattr(series, attr, None)
        for kind in _REF_KINDS:
            ref = getattr(holder, kind, None)
            if ref is not None and ref.f:
                yield ref


class _Name:
    """A defined name with the sheet its unqualified references point at (None: the workbook)."""

    def __init__(self, name: Any, home: str | None) -> None:
        self.name, self.home = name, home

    @property
    def attr_text(self) -> str:
        return str(self.name.attr_text or "")

    @attr_text.setter
    def attr_text(self, text: str) -> None:
        self.name.attr_text = text


def _defined_names(wb: Workbook) -> Iterator[_Name]:
    yield from (_Name(n, None) for n in wb.defined_names.values())
    for sheet in wb.worksheets:
        yield from (_Name(n, sheet.title) for n in sheet.defined_names.values())


def _shift_sqref(sqref: str, shift: Shift) -> str:
    """A space-separated list of ranges on the shifted sheet, moved; "" when all were deleted."""
    kept = []
    for part in sqref.split():
        # a whole-column part ("A:A") has no row bounds: a column shift passes them through untouched
        box = shift_box(range_boundaries(part), shift)  # type: ignore[arg-type]
        if box:
            kept.append(CellRange(min_col=box[0], min_row=box[1], max_col=box[2], max_row=box[3]).coord)
    return " ".join(kept)


def _shift_dimensions(ws: Worksheet, shift: Shift) -> None:
    if shift.axis == "row":
        rows = dict(ws.row_dimensions.items())
        ws.row_dimensions.clear()
        for index, dim in rows.items():
            moved = shift.index(index)
            if moved is not None:
                dim.index = moved
                ws.row_dimensions[moved] = dim
        return
    # the factory openpyxl's own holder makes a missing column's dimension with (it has no public one)
    columns: DimensionHolder[str, ColumnDimension] = DimensionHolder(
        worksheet=ws,
        default_factory=ws._add_column,  # type: ignore[attr-defined]
    )
    for column in ws.column_dimensions.values():
        column.reindex()
        assert column.min is not None and column.max is not None  # reindex() sets both
        span = shift.span(column.min, column.max)
        if span:
            column.min, column.max = span
            column.index = get_column_letter(span[0])
            columns[column.index] = column
    ws.column_dimensions = columns


def _shift_print_ranges(ws: Worksheet, shift: Shift) -> None:
    """The print area and the rows/columns repeated on each printed page."""
    if ws.print_area:
        areas = [shift_reference(a, ws.title, shift) for a in str(ws.print_area).split(",")]
        kept = [a.rpartition("!")[2] for a in areas if not a.endswith(REF_ERROR)]
        ws.print_area = kept or None
    for attr in ("print_title_rows", "print_title_cols"):
        titles = getattr(ws, attr)
        if titles:
            moved = shift_reference(titles, ws.title, shift)
            setattr(ws, attr, None if moved.endswith(REF_ERROR) else moved.replace("$", ""))


def _shift_filter(ws: Worksheet, shift: Shift) -> None:
    ref = ws.auto_filter.ref
    if not ref:
        return
    old = cell_box(str(ref))
    moved = _shift_sqref(str(ref), shift)
    ws.auto_filter.ref = moved or None
    new = cell_box(moved) if moved else None
    if old is None or new is None or shift.axis == "row":
        return
    old_left, left = old[0], new[0]
    kept = []
    for column in ws.auto_filter.filterColumn:
        at = shift.index(old_left + column.colId)
        if at is not None:
            column.colId = at - left
            kept.append(column)
    ws.auto_filter.filterColumn = kept


def _shift_tables(ws: Worksheet, shift: Shift) -> None:
    for table in ws.tables.values():
        table.ref = _shift_sqref(table.ref, shift) or table.ref
        if table.autoFilter is not None and table.autoFilter.ref:
            table.autoFilter.ref = table.ref


def _refuse_cutting_tables(ws: Worksheet, shift: Shift) -> None:
    """An Excel table lists its columns by name: a column inserted or deleted inside one would need
    the table rebuilt, which openpyxl cannot do faithfully, so that one change is refused."""
    if shift.axis != "col":
        return
    for table in ws.tables.values():
        box = cell_box(table.ref)
        if box is None:
            continue
        min_col, _, max_col, _ = box
        inside = min_col < shift.at <= max_col if shift.delta > 0 else min_col <= shift.at <= max_col
        if inside:
            raise RefusedEdit(
                f"tab '{ws.title}': opsheets must {'insert' if shift.delta > 0 else 'delete'} column "
                f"{get_column_letter(shift.at)}, inside the Excel table '{table.displayName}' ({table.ref}); "
                f"nothing was written. Fix: convert the table to a range (Table Design → Convert to Range) "
                f"or move it off opsheets' columns"
            )


def _shift_anchors(ws: Worksheet, shift: Shift) -> None:
    # openpyxl lists a tab's pictures and charts only in these private lists
    for drawing in [*ws._images, *ws._charts]:  # type: ignore[attr-defined]
        anchor = drawing.anchor
        for marker in (getattr(anchor, "_from", None), getattr(anchor, "to", None)):
            if marker is None:
                continue
            attr = "row" if shift.axis == "row" else "col"
            old = getattr(marker, attr) + 1  # markers are 0-based
            moved = shift.index(old)
            setattr(marker, attr, (moved if moved is not None else shift.at) - 1)
