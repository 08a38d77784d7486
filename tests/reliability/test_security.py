"""Security: formula injection stays text, secrets never leak from a whole run on the Sheets stand-in
(test_secrets.py follows them through every command), teams never see each other's data, and only
the spreadsheets scope is asked of Google."""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import openpyxl
import pytest

from connectors.sheets import Column, Table
from flows.availability import sync_resource_availability
from flows.budgets import sync_team_budgets
from flows.comments import sync_comments
from flows.sandbox_env import SandboxEnvironment, sandbox_environment
from sandbox.core import RunningService
from sandbox.sheets import SheetsState
from tests.reliability.scenario import TODAY, dump_workbooks, small_dataset
from tests.reliability.security_helpers import (
    FORMULA_CORPUS,
    canary_secrets,
    google_cells,
    leaks,
    prefect_records,
    texts,
)
from tests.sheets_fixtures import GoogleHarness, Harness, WorkbookHarness, running_sandbox

FLOWS = {"availability": sync_resource_availability, "budgets": sync_team_budgets, "comments": sync_comments}


@pytest.fixture
def sandbox() -> Iterator[tuple[RunningService, SheetsState]]:
    yield from running_sandbox()


@pytest.fixture(params=["workbook", "google"])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Harness:
    if request.param == "workbook":
        return WorkbookHarness(tmp_path / "Injection.xlsx")
    service, state = request.getfixturevalue("sandbox")
    return GoogleHarness(service, state, "Injection")


# --- formula injection ----------------------------------------------------------------------------
def injection_table() -> Table:
    # Keyed by Id: payloads that differ only by surrounding whitespace are one key as people type keys.
    rows = [{"Id": i, "Key": p, "Summary": p, "Note": f"x{p}"} for i, p in enumerate(FORMULA_CORPUS)]
    columns = [Column("Id", "int"), Column("Key"), Column("Summary"), Column("Note")]
    return Table("Issues", columns, key=("Id",), rows=rows)


def test_formula_corpus_stays_literal_text(harness: Harness) -> None:
    harness.sheet.sync([injection_table()], today=TODAY)
    rows = harness.sheet.read_rows("Issues", required=("Id", "Key"))  # as the backend reads them back
    assert [r for r, _ in rows] == list(range(2, len(FORMULA_CORPUS) + 2))
    for (_, values), payload in zip(rows, FORMULA_CORPUS, strict=True):
        assert [values["Key"], values["Summary"], values["Note"]] == [payload, payload, f"x{payload}"]
    for r, payload in enumerate(FORMULA_CORPUS, start=1):
        for c in (1, 2):
            assert not harness.is_formula("Issues", r, c), f"{payload!r} became a formula"
    assert harness.sheet.sync([injection_table()], today=TODAY).cells_written == 0  # read back equal


def test_workbook_cells_are_typed_string(tmp_path: Path) -> None:
    harness = WorkbookHarness(tmp_path / "Injection.xlsx")
    harness.sheet.sync([injection_table()], today=TODAY)
    ws = openpyxl.load_workbook(tmp_path / "Injection.xlsx")["Issues"]
    for r in range(2, len(FORMULA_CORPUS) + 2):
        for c in (2, 3):
            cell = ws.cell(row=r, column=c)
            assert cell.data_type == "s", (cell.coordinate, cell.value)
            # Excel shows a quote-prefixed cell as text even if a user re-enters it.
            assert cell.quotePrefix == cell.value.startswith(("=", "+", "-", "@"))


def test_google_writes_are_raw(sandbox: tuple[RunningService, SheetsState]) -> None:
    """Every write carries its cells as stringValues (literal, like RAW) in a batch; a values write,
    where one is sent, is RAW."""
    service, state = sandbox
    sheet = GoogleHarness(service, state, "Injection").sheet
    sheet.sync([injection_table()], today=TODAY)  # a new tab: one structural batch with its cells
    edited = injection_table()
    for row in edited.rows:
        row["Note"] = f"y{row['Key']}"
    sheet.sync([edited], today=TODAY)  # values only: a guarded batch of updateCells
    writes = [e for e in service.log.entries if e.method in ("PUT", "POST") and "values" in e.path]
    for entry in writes:
        body = entry.body if isinstance(entry.body, dict) else json.loads(entry.body or "{}")
        options = [*parse_qs(entry.query).get("valueInputOption", []), body.get("valueInputOption")]
        assert "RAW" in options and "USER_ENTERED" not in options, entry
    batches = [e.body for e in service.log.entries if e.method == "POST" and e.path.endswith(":batchUpdate")]
    entered = [
        cell.get("userEnteredValue", {})
        for body in batches
        for request in body.get("requests", [])
        for row in request.get("updateCells", {}).get("rows", [])
        for cell in row.get("values", [])
    ]
    assert set(FORMULA_CORPUS) <= {v.get("stringValue") for v in entered}  # the corpus went in as text
    assert {f"y{row['Key']}" for row in edited.rows} <= {v.get("stringValue") for v in entered}
    assert not any("formulaValue" in v for v in entered)


# --- a whole run with canary secrets and hostile data --------------------------------------------
def hostile_dataset() -> dict[str, Any]:
    """Payloads where people type: Jira summaries, BambooHR names, ledger descriptions."""
    data = small_dataset()
    for i, issue in enumerate(listed_issues(data)):
        issue["summary"] = FORMULA_CORPUS[i % len(FORMULA_CORPUS)]
    data["bamboohr"]["employees"][0]["firstName"] = '=HYPERLINK("https://evil.example","x")'
    data["bamboohr"]["employees"][1]["lastName"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    for i, row in enumerate(data["ledger"]):
        if row["Description"]:
            row["Description"] = f"{FORMULA_CORPUS[i % len(FORMULA_CORPUS)]} #{i}"
    return data


def listed_issues(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The issues the default JQL finds (open and assigned), so each lands in the Issues tab."""
    return [i for i in data["jira"]["issues"] if i["statusCategory"] != "done" and i["assignee"]]


@pytest.fixture(scope="module")
def google_run(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Every flow (and a dry run) on the Sheets stand-in, with canary secrets; the CLI test covers
    every flow's dry-run output."""
    data = hostile_dataset()
    out = tmp_path_factory.mktemp("google-run")
    with canary_secrets(), sandbox_environment(data, out, sheets="google") as env:
        for service in env.services.values():
            service.knobs.echo_headers = True  # a gateway quoting request headers in error bodies
        reports = {}
        for name, flow in FLOWS.items():
            reports[name] = flow(config_path=str(env.config_path), today=TODAY.isoformat())
        reports["availability dry run"] = sync_resource_availability(
            config_path=str(env.config_path), dry_run=True, today=TODAY.isoformat()
        )
        yield {"env": env, "reports": reports, "data": data, "cells": list(google_cells(env.sheets))}


@pytest.mark.usefixtures("prefect_harness")
def test_secrets_leak_nowhere_in_flow_runs(google_run: dict[str, Any], capsys: pytest.CaptureFixture) -> None:
    records = prefect_records()
    assert records["logs"] and records["artifacts"]
    for where, strings in records.items():
        assert not [s for s in strings if leaks(s)], f"a secret in the Prefect {where}"
    for name, report in google_run["reports"].items():
        assert not leaks("\n".join(texts(report))), f"a secret in the {name} report"
        assert not leaks(report.markdown())
    assert not [cell for cell in google_run["cells"] if leaks(str(cell[4]))], "a secret in a sheet cell"
    captured = capsys.readouterr()
    assert not leaks(captured.out + captured.err)


def test_hostile_text_written_as_text_in_every_sheet(google_run: dict[str, Any]) -> None:
    cells = google_run["cells"]
    formulas = [c for c in cells if c[5]]
    assert not formulas, f"formula cells written: {formulas[:5]}"
    written = {c[4] for c in cells if isinstance(c[4], str)}
    summaries = {i["summary"] for i in listed_issues(google_run["data"])}
    assert len(summaries) >= 15, "too few payloads reached the Issues tab to prove anything"
    assert summaries <= written, f"summaries not written literally: {summaries - written}"
    descriptions = {r["Description"] for r in google_run["data"]["ledger"] if r["Description"]}
    assert descriptions & written, "no ledger description reached a sheet"


def test_dry_run_writes_nothing(google_run: dict[str, Any]) -> None:
    dry = google_run["reports"]["availability dry run"]
    assert dry.dry_run and dry.cells_written == 0


# --- team isolation ------------------------------------------------------------------------------
def team_members(data: dict[str, Any]) -> dict[str, set[str]]:
    """Everyone ever in each team (current department or any job-history department)."""
    employees = {e["id"]: e for e in data["bamboohr"]["employees"]}
    members: dict[str, set[str]] = {t["name"]: set() for t in data["teams"]}
    for e in employees.values():
        members.setdefault(e["department"], set()).add(e["id"])
    for job in data["bamboohr"]["job_info"]:
        members.setdefault(job["department"], set()).add(job["employeeId"])
    return members


def identity_strings(employee: dict[str, Any]) -> set[str]:
    return {f"{employee['firstName']} {employee['lastName']}", employee["workEmail"]}


def sensitive_strings(data: dict[str, Any]) -> set[str]:
    employees = data["bamboohr"]["employees"]
    return (
        {e["payRate"] for e in employees}
        | {e["payRate"].split()[0] for e in employees}
        | {e["dateOfBirth"] for e in employees}
    )


def assert_isolated(data: dict[str, Any], team_cells: dict[str, list[Any]], all_cells: list[Any]) -> int:
    members = team_members(data)
    employees = {e["id"]: e for e in data["bamboohr"]["employees"]}
    checked = 0
    for team, cells in team_cells.items():
        strings = {str(v) for v in cells if v not in (None, "")}
        mine = set().union(*(identity_strings(employees[i]) for i in members[team]))
        others = set().union(*(identity_strings(e) for i, e in employees.items() if i not in members[team]))
        assert not strings & (others - mine), f"{team} shows other teams' people: {strings & (others - mine)}"
        foreign = {
            r["Description"] for r in data["ledger"] if r["Team"] not in ("", team) and r["Description"]
        }
        assert not strings & foreign, f"{team} shows other teams' spend: {strings & foreign}"
        assert strings & mine or not mine, f"{team}'s roster is empty: the check would prove nothing"
        checked += len(cells)
    leaked = {str(v) for v in all_cells} & sensitive_strings(data)
    assert not leaked, f"salary or birth date in a sheet: {leaked}"
    return checked


def distinct_descriptions(data: dict[str, Any]) -> dict[str, Any]:
    for i, row in enumerate(data["ledger"]):
        if row["Description"]:
            row["Description"] = f"{row['Description']} ({row['Team'] or 'no team'} #{i})"
    return data


def test_team_isolation_google(google_run: dict[str, Any]) -> None:
    env: SandboxEnvironment = google_run["env"]
    titles = {env.sheets.spreadsheets[key].title: team for team, key in env.team_keys.items()}
    team_cells: dict[str, list[Any]] = {team: [] for team in env.team_keys}
    for title, _tab, _r, _c, value, _f in google_run["cells"]:
        if title in titles:
            team_cells[titles[title]].append(value)
    assert all(team_cells.values()), "a team spreadsheet is empty"
    assert assert_isolated(google_run["data"], team_cells, [c[4] for c in google_run["cells"]]) > 100


@pytest.mark.usefixtures("prefect_harness")
def test_team_isolation_workbooks(tmp_path: Path) -> None:
    data = distinct_descriptions(small_dataset(seed=5))
    with sandbox_environment(data, tmp_path) as env:
        sync_team_budgets(config_path=str(env.config_path), today=TODAY.isoformat())
        dump = dump_workbooks(tmp_path)
    team_cells = {}
    for team, key in env.team_keys.items():
        tabs = dump[f"{key}.xlsx"]
        team_cells[team] = [v for rows in tabs.values() for row in rows for v in row]
    all_cells = [v for tabs in dump.values() for rows in tabs.values() for row in rows for v in row]
    assert assert_isolated(data, team_cells, all_cells) > 100


# --- Google scopes -------------------------------------------------------------------------------
def test_only_the_spreadsheets_scope_is_requested_but_to_provision_team_spreadsheets() -> None:
    """Drive (creating, copying and sharing files) is asked for only by the Drive client, which only
    provisioning (budgets.provision) and its check build."""
    from flows.clients import DRIVE_SCOPES, SHEETS_SCOPES

    assert SHEETS_SCOPES == ("https://www.googleapis.com/auth/spreadsheets",)
    assert (*SHEETS_SCOPES, "https://www.googleapis.com/auth/drive") == DRIVE_SCOPES
    sources = [p for d in ("connectors", "flows") for p in Path(d).rglob("*.py")]
    scopes = {
        m for p in sources for m in re.findall(r"https://www\.googleapis\.com/auth/[\w.]+", p.read_text())
    }
    assert scopes == {"https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive"}
    callers = {p.as_posix() for p in sources if "drive_client(" in p.read_text() and p.name != "clients.py"}
    assert callers == {"flows/budgets_teams.py", "flows/check_provision.py"}


def test_service_account_token_request_asks_for_spreadsheets_only(tmp_path: Path) -> None:
    """The JWT a service account signs to get its token names the scopes; decode what is sent."""
    key = service_account_key(tmp_path)
    from flows.clients import google_credentials
    from flows.config import parse_config

    os.environ["OPSHEETS_TEST_SA"] = json.dumps(key)
    try:
        config = parse_config({"sheets": {"backend": "google", "credentials": {"env": "OPSHEETS_TEST_SA"}}})
        credentials = google_credentials(config)
    finally:
        del os.environ["OPSHEETS_TEST_SA"]
    assert credentials.scopes == ["https://www.googleapis.com/auth/spreadsheets"]
    assertion = credentials._make_authorization_grant_assertion()  # what refresh() posts to Google
    payload = (assertion.decode() if isinstance(assertion, bytes) else assertion).split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["scope"] == "https://www.googleapis.com/auth/spreadsheets"


def service_account_key(tmp_path: Path) -> dict[str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return {
        "type": "service_account",
        "project_id": "demo-project",
        "private_key_id": "0" * 40,
        "private_key": pem,
        "client_email": "opsheets@demo-project.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
