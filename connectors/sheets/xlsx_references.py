"""Reference arithmetic for rows and columns inserted or deleted in a workbook, as Excel does it.

Pure: a `Shift` says which sheet's rows or columns move and how; `shift_formula` and
`shift_reference` rewrite the text of a formula, a defined name, a chart series or a validation
list so that it points at the same cells afterwards. As in Excel:

- a reference below / right of the change moves with its cells; one above / left stays;
- a range grows when rows or columns are inserted inside it, and shrinks when some of its rows
  or columns are deleted;
- a reference whose cells are all deleted becomes `#REF!` (`Other!#REF!` across tabs);
- whole-column references (`D:D`) ignore row changes, whole-row references (`3:3`) column ones;
- a range running to the sheet's last row or column (`E2:E1048576`) keeps running to it.

Sheet names compare case-insensitively, as Excel's do. References into other workbooks
(`[1]Sheet!A1`) and 3-D references (`Jan:Dec!A1`) are left as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries

MAX_ROW = 1048576
MAX_COL = 16384
REF_ERROR = "#REF!"

_CELL = r"(\$?)([A-Za-z]{1,3})(\$?)(\d+)"
_AREA = re.compile(rf"^{_CELL}(?::{_CELL})?$")
_COLS = re.compile(r"^(\$?)([A-Za-z]{1,3}):(\$?)([A-Za-z]{1,3})$")
_ROWS = re.compile(r"^(\$?)(\d+):(\$?)(\d+)$")


@dataclass(frozen=True)
class Shift:
    """Rows or columns of `sheet` inserted (delta > 0) before `at`, or deleted (delta < 0) from `at`.
    Indices are 1-based, as in A1 references."""

    sheet: str
    axis: Literal["row", "col"]
    at: int
    delta: int

    @property
    def last(self) -> int:
        return MAX_ROW if self.axis == "row" else MAX_COL

    def index(self, i: int) -> int | None:
        """Where row/column `i` goes; None when it is deleted."""
        if i < self.at or i == self.last:
            return i
        if self.delta > 0:
            return min(i + self.delta, self.last)
        return None if i < self.at - self.delta else i + self.delta

    def span(self, lo: int, hi: int) -> tuple[int, int] | None:
        """Where the rows/columns lo..hi go; None when every one of them is deleted."""
        lo, hi = min(lo, hi), max(lo, hi)
        if self.delta > 0:  # nothing is deleted: every index has a place
            new_lo, new_hi = self.index(lo), self.index(hi)
            return (new_lo, new_hi) if new_lo and new_hi else None
        gone_to = self.at - self.delta - 1  # last deleted index
        if hi != self.last and lo >= self.at and hi <= gone_to:
            return None
        new_lo = lo if lo < self.at else max(self.at, lo + self.delta) if lo > gone_to else self.at
        new_hi = self.index(hi) if hi > gone_to or hi < self.at else self.at - 1
        if new_hi is None or new_hi < new_lo:
            return None
        return new_lo, new_hi

    def on(self, sheet: str | None) -> bool:
        return sheet is not None and sheet.casefold() == self.sheet.casefold()


def shift_formula(formula: str, home: str | None, shift: Shift) -> str:
    """A cell formula ("=…") with every reference to the shifted sheet moved; `home` is the sheet the
    formula lives on (unqualified references point there)."""
    if not shift.on(home) and "!" not in formula:
        return formula  # nothing in it can point at the shifted sheet
    try:
        tokens = Tokenizer(formula).items
    except TokenizerError:
        return formula  # not a formula Excel would take either: left as the human wrote it
    changed = False
    for token in tokens:
        if token.type == Token.OPERAND and token.subtype == Token.RANGE:
            moved = shift_reference(token.value, home, shift)
            changed |= moved != token.value
            token.value = moved
    return "=" + "".join(t.value for t in tokens) if changed else formula


def shift_expression(text: str, home: str | None, shift: Shift) -> str:
    """`shift_formula` for text stored without its "=" (defined names, rules, chart series)."""
    return shift_formula(f"={text}", home, shift)[1:]


def shift_reference(ref: str, home: str | None, shift: Shift) -> str:
    """One reference (`A1`, `$B$2:C9`, `'My tab'!D:D`, `3:5`); anything else comes back unchanged."""
    prefix, bang, area = ref.rpartition("!")
    sheet = home
    if bang:
        if "[" in prefix or ":" in prefix:  # another workbook, or a 3-D range (no sheet name has ":")
            return ref
        sheet = _unquote(prefix)
        prefix += "!"
    if not shift.on(sheet):
        return ref
    moved = _shift_area(area, shift)
    return prefix + (moved if moved is not None else REF_ERROR) if moved != area else ref


def cell_box(ref: str) -> tuple[int, int, int, int] | None:
    """(min col, min row, max col, max row), 1-based, of a range of cells ("A2:C5", "B3"); None for whole
    rows or columns ("A:C", "2:5"), which have no bound on one axis."""
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    if min_col is None or min_row is None or max_col is None or max_row is None:
        return None
    return min_col, min_row, max_col, max_row


def shift_box(box: tuple[int, int, int, int], shift: Shift) -> tuple[int, int, int, int] | None:
    """(min col, min row, max col, max row) of a range on the shifted sheet, moved; None: deleted."""
    min_col, min_row, max_col, max_row = box
    if shift.axis == "row":
        rows = shift.span(min_row, max_row)
        return (min_col, rows[0], max_col, rows[1]) if rows else None
    cols = shift.span(min_col, max_col)
    return (cols[0], min_row, cols[1], max_row) if cols else None


def _shift_area(area: str, shift: Shift) -> str | None:
    if m := _AREA.match(area):
        c1, r1 = column_index_from_string(m[2]), int(m[4])
        if m[6] is None:
            point = shift.index(r1 if shift.axis == "row" else c1)
            if point is None:
                return None
            col, row = (c1, point) if shift.axis == "row" else (point, r1)
            return f"{m[1]}{get_column_letter(col)}{m[3]}{row}"
        box = shift_box((c1, r1, column_index_from_string(m[6]), int(m[8])), shift)
        if box is None:
            return None
        first = f"{m[1]}{get_column_letter(box[0])}{m[3]}{box[1]}"
        return f"{first}:{m[5]}{get_column_letter(box[2])}{m[7]}{box[3]}"
    if (m := _COLS.match(area)) and shift.axis == "col":
        span = shift.span(column_index_from_string(m[2]), column_index_from_string(m[4]))
        return f"{m[1]}{get_column_letter(span[0])}:{m[3]}{get_column_letter(span[1])}" if span else None
    if (m := _ROWS.match(area)) and shift.axis == "row":
        span = shift.span(int(m[2]), int(m[4]))
        return f"{m[1]}{span[0]}:{m[3]}{span[1]}" if span else None
    return area


def _unquote(prefix: str) -> str:
    if len(prefix) >= 2 and prefix[0] == prefix[-1] == "'":
        return prefix[1:-1].replace("''", "'")
    return prefix
