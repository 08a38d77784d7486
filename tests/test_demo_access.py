"""out/demo/access.md: one row per team from the overview's Teams and Access tabs."""

from __future__ import annotations

from flows.demo import access_markdown

TEAMS = [
    ["Team", "Spreadsheet", "Lead", "Lead from", "Status"],
    ["Data", "k1", "ana@x.org", "", "active"],
    ["Old", "k2", "", "", "no people"],
]
ACCESS = [
    ["Team", "Spreadsheet", "Who", "Role", "Expected", "Note"],
    ["Data", "u", "ana@x.org", "reader", "yes", "lead"],
    ["Data", "u", "ops@x.org", "writer", "yes", "admin"],
    ["Data", "u", "new@x.org", "none", "yes", "lead: no access"],
]


def test_each_team_has_one_row_with_its_spreadsheet_lead_and_everyone_with_access() -> None:
    lines = access_markdown(TEAMS, ACCESS).splitlines()
    data = "[k1](https://docs.google.com/spreadsheets/d/k1)"
    assert lines[-2] == f"| Data | {data} | ana@x.org | ana@x.org (reader), ops@x.org (writer) |"
    assert lines[-1] == "| Old | [k2](https://docs.google.com/spreadsheets/d/k2) | — | — |"
