"""Which conditional formats of a workbook tab are opsheets' own: by a record, never by their shape.

A human rule can have exactly the shape of ours (`E2:E1048576` is what Excel stores for `E2:E`,
`D1:D1048576` for `D:D`). So when opsheets lays out a tab it records the rules it added — range
and rule — in a custom document property of the workbook ("opsheets conditional formats: <tab>",
File → Properties → Custom in Excel); the next layout replaces exactly those and leaves every
other rule alone. A rule of ours that a human edited no longer matches the record: it is kept as
theirs (at worst a duplicate colour rule, never a lost human one).

Workbooks written before the record existed carry none: there, a rule counts as ours only when its
ranges start below row 1 and run to the last row and the rule is one opsheets writes, exactly.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

from openpyxl.packaging.custom import StringProperty
from openpyxl.worksheet.worksheet import Worksheet

PROPERTY = "opsheets conditional formats: "


def signature(rule: Any) -> str:
    """The rule as compared: kind, operator, formulas, colour-scale stops and colours."""
    scale = rule.colorScale
    stops = [[o.type, _number(o.val)] for o in scale.cfvo] if scale is not None else []
    colours = [str(c.rgb)[-6:] for c in scale.color] if scale is not None else []
    return json.dumps([rule.type, rule.operator, list(rule.formula or []), stops, colours, rule.stopIfTrue])


def own_rules(ws: Worksheet, legacy: Callable[[str, Any], bool]) -> list[Any]:
    """The rule objects of `ws` that opsheets wrote (taken before any row or column moves)."""
    record = _record(ws)
    if record is None:
        return [rule for cf in ws.conditional_formatting for rule in cf.rules if legacy(_sqref(cf), rule)]
    wanted = Counter((sqref, sig) for sqref, sig in record)
    found = []
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            key = (_sqref(cf), signature(rule))
            if wanted[key]:
                wanted[key] -= 1
                found.append(rule)
    return found


def remember_rules(ws: Worksheet, added: list[tuple[str, Any]]) -> None:
    """Record the (range, rule) pairs opsheets just added to `ws`, replacing the tab's old record."""
    props = ws.parent.custom_doc_props
    name = PROPERTY + ws.title
    props.props = [p for p in props.props if p.name != name]
    value = json.dumps([[" ".join(sorted(cells.split())), signature(rule)] for cells, rule in added])
    props.append(StringProperty(name=name, value=value))


def _record(ws: Worksheet) -> list[tuple[str, str]] | None:
    for prop in ws.parent.custom_doc_props.props:
        if prop.name == PROPERTY + ws.title:
            try:
                return [(str(sqref), str(sig)) for sqref, sig in json.loads(prop.value)]
            except (TypeError, ValueError):
                return []  # damaged: nothing is provably ours, so nothing is removed
    return None


def _sqref(cf: Any) -> str:
    return " ".join(sorted(str(cf.sqref).split()))


def _number(value: Any) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return value
