"""Which of a worksheet's conditional formats are opsheets' own: those whose identity
(layout.format_id: the rule, its first row, its columns) opsheets recorded when it wrote them.

A person's rule — a whole column (`D:D`, stored as D1:D1048576), an open-ended range, anything — is
never taken for one of ours by its shape. A tab with no record (written by an older version) falls
back, once, to what that version wrote: exactly one of opsheets' rules (condition and colour), over
single columns from below the first row to the sheet's last row.
"""

from __future__ import annotations

from typing import Any

from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.worksheet.worksheet import Worksheet

from connectors.sheets.layout import format_id

MAX_ROW = 1048576  # Excel's last row: our conditional formats run down to it
_OPERATORS = {"lessThan": "lt", "greaterThan": "gt", "greaterThanOrEqual": "ge"}


def rule_id(sqref: Any, rule: Any) -> str | None:
    """The format_id of one rule over `sqref`; None when no rule of ours has its form."""
    ranges = list(sqref.ranges)
    if not ranges or any(r.max_row != MAX_ROW or r.min_col != r.max_col for r in ranges):
        return None
    first_rows = {r.min_row for r in ranges}
    code = _code(rule)
    if code is None or len(first_rows) != 1:
        return None
    return format_id(code, first_rows.pop() - 1, (r.min_col - 1 for r in ranges))


def _code(rule: Any) -> str | None:
    if rule.type == "colorScale":
        colours = rule.colorScale.color if rule.colorScale else []
        return f"scale/{_rgb(colours[0])}" if colours else None
    kind = _OPERATORS.get(rule.operator or "") if rule.type == "cellIs" else None
    fill = rule.dxf.fill if rule.dxf is not None else None
    if not (kind and rule.formula and len(rule.formula) == 1 and fill is not None):
        return None
    return f"{kind}{rule.formula[0]}/{_rgb(fill.fgColor)}"


def _rgb(colour: Any) -> str:
    """RRGGBB of an openpyxl colour ("" for a theme or indexed one: none of ours)."""
    rgb = getattr(colour, "rgb", None)
    return rgb[-6:].upper() if isinstance(rgb, str) else ""


def remove_ours(ws: Worksheet, recorded: tuple[str, ...] | None) -> None:
    """Drop our conditional formats (to be laid out afresh), keeping every other rule as it was."""
    kept = ConditionalFormattingList()
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            if not _is_ours(cf.sqref, rule, recorded):
                kept.add(str(cf.sqref), rule)
    ws.conditional_formatting = kept


def _is_ours(sqref: Any, rule: Any, recorded: tuple[str, ...] | None) -> bool:
    if recorded is not None:
        return rule_id(sqref, rule) in recorded
    # No record (an older version's tab): exactly a rule opsheets writes, from below row 1 to the last row.
    return rule_id(sqref, rule) is not None and all(r.min_row > 1 for r in sqref.ranges)
