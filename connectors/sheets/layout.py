"""Formatting intents, decided once and translated by each backend into its own requests."""

from __future__ import annotations

from dataclasses import dataclass

from connectors.sheets.merge import TabPlan

OWNED_NOTE = "maintained by opsheets — edits here are overwritten"
FILL_NOTE = "filled in by opsheets when empty — your edits are kept"
RED = (0.96, 0.78, 0.76)
AMBER = (0.99, 0.91, 0.70)
GREEN = (0.72, 0.88, 0.80)
WHITE = (1.0, 1.0, 1.0)
# The scale's lowest point: any value at or below it takes its colour (Sheets, Excel and LibreOffice all
# clamp), so every negative hour figure (shown to 0.01) is solid red, whichever rule an app lets win.
SCALE_RED_AT = -0.01
_DEFAULT_WIDTH = {"text": 160, "date": 100}


@dataclass(frozen=True)
class ColumnLayout:
    index: int
    name: str
    kind: str
    width: int  # pixels
    number_format: str | None


@dataclass(frozen=True)
class RuleLayout:
    kind: str  # negative / budget / scale
    columns: tuple[int, ...]


@dataclass(frozen=True)
class TabLayout:
    header_row: int
    columns: tuple[ColumnLayout, ...]
    rules: tuple[RuleLayout, ...]
    note: str
    protect: bool  # warning-only protection over owned columns


def number_format(kind: str, currency: str) -> str | None:
    return {
        "int": "0",
        "hours": "0.0",
        "decimal": "0.00",
        "money": f'#,##0.00 "{currency}"',
        "percent": "0%",
        "date": "yyyy-mm-dd",
    }.get(kind)


def tab_layout(plan: TabPlan) -> TabLayout:
    table = plan.table
    columns = tuple(
        ColumnLayout(
            index=plan.positions[c.name],
            name=c.name,
            kind=c.kind,
            width=c.width or _DEFAULT_WIDTH.get(c.kind, 90),
            number_format=number_format(c.kind, table.currency),
        )
        for c in table.owned_columns()
    )
    ordered = sorted(table.rules, key=lambda r: r.kind == "scale")  # a scale matches every number: last
    rules = tuple(RuleLayout(r.kind, tuple(plan.positions[c] for c in r.columns)) for r in ordered)
    managed = table.mode == "managed"
    return TabLayout(plan.header_row, columns, rules, OWNED_NOTE if managed else FILL_NOTE, managed)
