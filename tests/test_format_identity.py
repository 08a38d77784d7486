"""opsheets' conditional formats are known by the identity it recorded: each rule it writes is
recognised as its own on both backends, and any rule that differs from one in anything — colour,
condition, first row, columns, an end row — is a person's."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import Workbook

from connectors.sheets.google_formats import is_ours as google_is_ours
from connectors.sheets.google_requests import layout_requests
from connectors.sheets.layout import RuleLayout, TabLayout, format_ids
from connectors.sheets.workbook import _add_rules
from connectors.sheets.workbook_formats import remove_ours

LAYOUT = TabLayout(
    header_row=2,
    columns=(),
    rules=(RuleLayout("budget", (4,)), RuleLayout("negative", (5,)), RuleLayout("scale", (6, 7))),
    note="",
    protect=False,
)
RECORDED = format_ids(LAYOUT)


def google_rules() -> list[dict[str, Any]]:
    return [
        r["addConditionalFormatRule"]["rule"]
        for r in layout_requests(1, LAYOUT)
        if "addConditionalFormatRule" in r
    ]


def shift_column(rule: dict[str, Any]) -> None:
    for box in rule["ranges"]:
        box["startColumnIndex"] += 1
        box["endColumnIndex"] += 1


def recolour(rule: dict[str, Any]) -> None:
    target = rule["booleanRule"]["format"] if "booleanRule" in rule else rule["gradientRule"]["minpoint"]
    key = "backgroundColor" if "booleanRule" in rule else "color"
    target[key] = {"red": 0.5}


GOOGLE_CHANGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "another column": shift_column,
    "another first row": lambda rule: [box.update(startRowIndex=1) for box in rule["ranges"]],
    "an end row": lambda rule: [box.update(endRowIndex=50) for box in rule["ranges"]],
    "another colour": recolour,
    "one column fewer": lambda rule: rule["ranges"].pop() if len(rule["ranges"]) > 1 else shift_column(rule),
}


def test_each_google_rule_opsheets_writes_is_recognised_as_its_own() -> None:
    rules = google_rules()
    assert len(rules) == len(RECORDED) == 4
    assert all(google_is_ours(rule, RECORDED, LAYOUT.header_row) for rule in rules)
    assert not any(google_is_ours(rule, (), LAYOUT.header_row) for rule in rules)  # nothing recorded


@pytest.mark.parametrize("change", GOOGLE_CHANGES)
def test_a_google_rule_that_differs_in_anything_is_a_persons(change: str) -> None:
    for rule in google_rules():
        theirs = copy.deepcopy(rule)
        GOOGLE_CHANGES[change](theirs)
        assert not google_is_ours(theirs, RECORDED, LAYOUT.header_row), (change, theirs)


def test_workbook_rules_opsheets_writes_are_removed_and_a_persons_stay() -> None:
    ws = Workbook().active
    _add_rules(ws, LAYOUT)
    ours = sum(len(cf.rules) for cf in ws.conditional_formatting)
    layout_elsewhere = TabLayout(
        1, (), (RuleLayout("negative", (5,)), RuleLayout("budget", (4, 9))), "", False
    )
    _add_rules(ws, layout_elsewhere)  # the same kinds of rule on other rows and columns: a person's
    remove_ours(ws, RECORDED)
    left = sorted(str(cf.sqref) for cf in ws.conditional_formatting for _ in cf.rules)
    assert ours == 4 and left == ["E3:E1048576 J3:J1048576"] * 2 + ["F3:F1048576"]
