"""Which colour a conditional-formatting rule set gives a number, in Excel, LibreOffice and Google Sheets.

Read from what was written (an .xlsx's rules, or the Sheets stand-in's stored rules), with each app's
own precedence, so a test can ask "what does a planner see for −73.3 h":

- Excel: rules by priority; a matching rule with stop-if-true ends the evaluation; when several fill a
  cell, the highest-priority one wins.
- LibreOffice: takes the xlsx rules of a range as entries in priority order; the first matching
  condition gives the cell style, but a colour scale covering the cell paints the background over that
  style (the pessimistic reading of how Calc draws it; stop-if-true is not honoured).
- Google Sheets: the first rule in the tab's list that matches wins; a gradient matches every number.

Colour scales clamp: a value below the lowest point takes its colour, above the highest the top colour;
in between, the two neighbouring points are mixed linearly.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import openpyxl

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Rule:
    priority: int
    kind: str  # "less" / "greater" / "greater_eq" / "scale"
    threshold: float | None
    colour: RGB | None  # a boolean rule's fill
    stop: bool
    points: tuple[tuple[str, float | None, RGB], ...] = ()  # scale: (type, value, colour)


def excel_colour(rules: list[Rule], value: float, column: list[float]) -> RGB | None:
    chosen: RGB | None = None
    for rule in sorted(rules, key=lambda r: r.priority):
        colour = _apply(rule, value, column)
        if colour is None:
            continue
        chosen = chosen or colour  # the higher-priority fill wins a conflict
        if rule.stop:
            break
    return chosen


def libreoffice_colour(rules: list[Rule], value: float, column: list[float]) -> RGB | None:
    ordered = sorted(rules, key=lambda r: r.priority)
    scale = next((r for r in ordered if r.kind == "scale"), None)
    if scale is not None:
        return _apply(scale, value, column)
    return next((c for r in ordered if (c := _apply(r, value, column)) is not None), None)


def google_colour(rules: list[Rule], value: float, column: list[float]) -> RGB | None:
    return next((c for r in rules if (c := _apply(r, value, column)) is not None), None)


def _apply(rule: Rule, value: float, column: list[float]) -> RGB | None:
    if rule.kind == "scale":
        return _scale(rule.points, value, column)
    assert rule.threshold is not None
    hit = {
        "less": value < rule.threshold,
        "greater": value > rule.threshold,
        "greater_eq": value >= rule.threshold,
    }[rule.kind]
    return rule.colour if hit else None


def _scale(points: tuple[tuple[str, float | None, RGB], ...], value: float, column: list[float]) -> RGB:
    resolved = [(_point(kind, at, column), colour) for kind, at, colour in points]
    if value <= resolved[0][0]:
        return resolved[0][1]
    for (low, low_colour), (high, high_colour) in itertools.pairwise(resolved):
        if value <= high:
            share = 0.0 if high == low else (value - low) / (high - low)
            return tuple(round(a + (b - a) * share) for a, b in zip(low_colour, high_colour, strict=True))  # type: ignore[return-value]
    return resolved[-1][1]


def _point(kind: str, at: float | None, column: list[float]) -> float:
    if kind in ("min", "MIN"):
        return min(column)
    if kind in ("max", "MAX"):
        return max(column)
    assert at is not None
    return float(at)


def _hex(text: str) -> RGB:
    text = text[-6:]
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def xlsx_rules(path: str, tab: str, cell: str) -> list[Rule]:
    """The rules of an .xlsx tab that cover `cell`, as Excel and LibreOffice read them."""
    ws = openpyxl.load_workbook(path)[tab]
    found = []
    for cf in ws.conditional_formatting:
        if not any(cell in r for r in cf.sqref.ranges):
            continue
        for rule in cf.rules:
            found.append(_xlsx_rule(rule))
    return found


def _xlsx_rule(rule: Any) -> Rule:
    if rule.type == "colorScale":
        scale = rule.colorScale
        points = tuple(
            (c.type, None if c.val is None else float(c.val), _hex(colour.rgb))
            for c, colour in zip(scale.cfvo, scale.color, strict=True)
        )
        return Rule(rule.priority, "scale", None, None, False, points)
    kinds = {"lessThan": "less", "greaterThan": "greater", "greaterThanOrEqual": "greater_eq"}
    fill = rule.dxf.fill
    colour = _hex((fill.bgColor if fill.bgColor.rgb not in (None, "00000000") else fill.fgColor).rgb)
    return Rule(rule.priority, kinds[rule.operator], float(rule.formula[0]), colour, bool(rule.stopIfTrue))


def google_rules(stored: list[dict[str, Any]], column_index: int) -> list[Rule]:
    """A tab's stored conditional formats (index order) that cover a column."""
    found = []
    for index, body in enumerate(stored):
        covers = any(r["startColumnIndex"] <= column_index < r["endColumnIndex"] for r in body["ranges"])
        if covers:
            found.append(_google_rule(index, body))
    return found


def _google_colour(colour: dict[str, float]) -> RGB:
    return tuple(round(colour.get(k, 0.0) * 255) for k in ("red", "green", "blue"))  # type: ignore[return-value]


def _google_rule(index: int, body: dict[str, Any]) -> Rule:
    if "gradientRule" in body:
        gradient = body["gradientRule"]
        points = tuple(
            (p["type"], float(p["value"]) if "value" in p else None, _google_colour(p["color"]))
            for p in (gradient.get(k) for k in ("minpoint", "midpoint", "maxpoint"))
            if p
        )
        return Rule(index, "scale", None, None, False, points)
    boolean = body["booleanRule"]
    kinds = {"NUMBER_LESS": "less", "NUMBER_GREATER": "greater", "NUMBER_GREATER_THAN_EQ": "greater_eq"}
    condition = boolean["condition"]
    threshold = float(condition["values"][0]["userEnteredValue"])
    colour = _google_colour(boolean["format"]["backgroundColor"])
    return Rule(index, kinds[condition["type"]], threshold, colour, True)
