"""Which of a tab's Google conditional formats are opsheets' own: those whose identity
(layout.format_id: the rule, its first row, its columns) opsheets recorded when it wrote them.

A person's rule — on an open-ended `E2:E`, a whole column, anything — is never taken for one of
ours by its shape. A tab with no record (written by an older version) falls back, once, to what
that version wrote: exactly one of opsheets' rules (condition and colour), open-ended, one column
wide, starting under the header.
"""

from __future__ import annotations

from typing import Any

from connectors.sheets.layout import format_id, hex_colour

_CONDITIONS = {"NUMBER_LESS": "lt", "NUMBER_GREATER": "gt", "NUMBER_GREATER_THAN_EQ": "ge"}
# What the read asks for, inside sheets(...): enough of each rule to tell its identity.
FIELDS = "conditionalFormats(ranges,booleanRule(condition,format.backgroundColor),gradientRule)"


def rule_id(rule: dict[str, Any]) -> str | None:
    """The format_id of a rule read back from Sheets; None when no rule of ours has its form."""
    ranges = rule.get("ranges") or []
    if not ranges or any("endRowIndex" in r or r.get("endColumnIndex", 0) - r.get("startColumnIndex", 0) != 1
                         for r in ranges):  # fmt: skip
        return None
    first_rows = {int(r.get("startRowIndex", 0)) for r in ranges}
    code = _code(rule)
    if code is None or len(first_rows) != 1:
        return None
    return format_id(code, first_rows.pop(), (int(r.get("startColumnIndex", 0)) for r in ranges))


def _code(rule: dict[str, Any]) -> str | None:
    if "gradientRule" in rule:
        return f"scale/{_rgb((rule['gradientRule'].get('minpoint') or {}).get('color'))}"
    boolean = rule.get("booleanRule") or {}
    condition = boolean.get("condition") or {}
    values = [v.get("userEnteredValue") for v in condition.get("values") or []]
    kind = _CONDITIONS.get(condition.get("type", ""))
    if not (kind and len(values) == 1):
        return None
    return f"{kind}{values[0]}/{_rgb((boolean.get('format') or {}).get('backgroundColor'))}"


def _rgb(colour: dict[str, float] | None) -> str:
    """RRGGBB of a Sheets Color (absent channels are 0, as the API leaves them out)."""
    if not colour:
        return ""
    return hex_colour((colour.get("red", 0.0), colour.get("green", 0.0), colour.get("blue", 0.0)))


def is_ours(rule: dict[str, Any], recorded: tuple[str, ...] | None, header_row: int) -> bool:
    if recorded is not None:
        return rule_id(rule) in recorded
    # No record (an older version's tab): exactly one of opsheets' rules, open-ended from under the header.
    return rule_id(rule) is not None and all(r.get("startRowIndex") == header_row + 1 for r in rule["ranges"])
