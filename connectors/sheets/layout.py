"""Formatting intents, decided once and translated by each backend into its own requests."""

from __future__ import annotations

from collections.abc import Iterable
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


def hex_colour(rgb: tuple[float, float, float]) -> str:
    return "".join(f"{round(c * 255):02X}" for c in rgb)


# The concrete rules each wish becomes, in order, on both backends: a code names each in a format id
# by its condition and its colour (a scale by its lowest colour).
RULE_CODES = {
    "negative": (f"lt0/{hex_colour(RED)}",),
    "budget": (f"gt1/{hex_colour(RED)}", f"ge0.9/{hex_colour(AMBER)}"),
    "scale": (f"scale/{hex_colour(RED)}",),
}


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


def format_id(code: str, first_row: int, columns: Iterable[int]) -> str:
    """The identity opsheets records for one of its conditional formats: which rule (code), from which
    0-based row down to the sheet's end, over which columns — a person's rule is not one of these
    unless it is the very same rule over the very same cells."""
    return f"{code}@{first_row}:{','.join(str(c) for c in sorted(columns))}"


def format_ids(layout: TabLayout) -> tuple[str, ...]:
    first = layout.header_row + 1
    return tuple(
        format_id(code, first, rule.columns) for rule in layout.rules for code in RULE_CODES[rule.kind]
    )


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
