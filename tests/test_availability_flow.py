"""`sync_resource_availability` end to end: Jira and BambooHR stand-ins, a local workbook, Prefect.

The dataset is a small demo organisation with worklogs replaced by a controlled set: one open issue
with 45 worklogs, one with 20, nothing else; one open issue assigned to the agency user BambooHR
does not know; one summary that looks like a formula.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from prefect.artifacts import Artifact
from prefect.states import Failed

import connectors.http as http
import flows.availability as availability
from connectors.errors import AuthError, RetriableAPIError, RetriesExhaustedError
from flows.availability import sync_resource_availability
from flows.availability_tables import TABS
from flows.sandbox_env import SandboxEnvironment, sandbox_environment
from flows.tasks import after_http_gave_up
from sandbox.demo_org import generate

TODAY = date(2026, 11, 26)
FORMULA = "=SUM(A1:A3)"
KEYS = {"Availability": "Person id", "Capacity": "Person id", "Actuals": "Person id", "People": "Person id",
        "Issues": "Key", "Sync log": "Run at"}  # fmt: skip
BASE = generate(people=8, teams=2, issues=30, heavy_worklog_issues=0, today=TODAY, seed=3)


def worklogs(author: str, count: int, first_id: int) -> list[dict[str, Any]]:
    first = datetime(2026, 10, 1, 9)
    return [
        {"id": str(first_id + n), "author": author, "timeSpentSeconds": 3600,
         "started": (first + timedelta(days=n)).strftime("%Y-%m-%dT%H:%M:%S.000+0000")}
        for n in range(count)
    ]  # fmt: skip


def controlled_dataset() -> tuple[dict[str, Any], dict[str, str]]:
    """The dataset and the names of its parts: heavy/light issue keys and their assignees, kim."""
    data = copy.deepcopy(BASE)
    jira = data["jira"]
    with_email = {
        u["accountId"] for u in jira["users"] if u["emailAddress"] and "agency" not in u["emailAddress"]
    }
    kim = next(u["accountId"] for u in jira["users"] if "agency" in (u["emailAddress"] or ""))
    open_issues = [i for i in jira["issues"] if i["statusCategory"] != "done" and i["assignee"] in with_email]
    heavy = open_issues[0]
    light = next(i for i in open_issues if i["assignee"] != heavy["assignee"])
    kims = next(i for i in open_issues if i["assignee"] not in (heavy["assignee"], light["assignee"]))
    for item in jira["issues"]:
        item["worklogs"] = []
    heavy["worklogs"] = worklogs(heavy["assignee"], 45, 50000)
    light["worklogs"] = worklogs(light["assignee"], 20, 60000)
    light["summary"] = FORMULA
    kims["assignee"] = kim
    names = {"heavy": heavy["key"], "light": light["key"], "kim": kim, "kim_issue": kims["key"]}
    return data, names | {"heavy_person": heavy["assignee"], "light_person": light["assignee"]}


@pytest.fixture(autouse=True)
def no_retry_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "sleep", lambda _seconds: None)


@pytest.fixture
def env(tmp_path: Path) -> Iterator[tuple[SandboxEnvironment, dict[str, str]]]:
    data, names = controlled_dataset()
    overrides = {"availability": {"weeks": 4, "actuals_weeks": 8}}
    with sandbox_environment(data, tmp_path, config_overrides=overrides) as environment:
        yield environment, names


def run(environment: SandboxEnvironment, **options: Any) -> Any:
    return sync_resource_availability(
        config_path=str(environment.config_path), today=TODAY.isoformat(), **options
    )


def read_book(path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """Every tab as {row key: {header: value}}, keyed by the tab's first-found key column."""
    wb = openpyxl.load_workbook(path)
    book: dict[str, dict[str, dict[str, Any]]] = {}
    for name, key in KEYS.items():
        header, *rows = list(wb[name].iter_rows(values_only=True))
        records = [dict(zip(header, row, strict=True)) for row in rows]
        book[name] = {str(r[key]): r for r in records if r[key] is not None}
    return book


def edit(path: Path, name: str, key: str, edits: dict[str, dict[str, Any]]) -> None:
    """Play the human: type values into cells found by row key and header, adding headers as needed."""
    wb = openpyxl.load_workbook(path)
    ws = wb[name]
    header = [c.value for c in ws[1]]
    for row_key, cells in edits.items():
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, header.index(key) + 1).value == row_key)
        for column, value in cells.items():
            if column not in header:
                header.append(column)
                ws.cell(1, len(header), column)
            ws.cell(row, header.index(column) + 1, value)
    wb.save(path)


def test_sync_writes_every_tab_counts_worklogs_keeps_human_edits_and_reruns_write_nothing(
    prefect_harness: None, env: tuple[SandboxEnvironment, dict[str, str]]
) -> None:
    environment, names = env
    book = environment.config_path.parent / "resource-availability.xlsx"
    first = run(environment)

    assert openpyxl.load_workbook(book).sheetnames[: len(TABS)] == list(TABS)
    worklog_gets = [e.path for e in environment.services["jira"].log.entries if e.path.endswith("/worklog")]
    assert worklog_gets == [f"/rest/api/3/issue/{names['heavy']}/worklog"]  # ≤ 20 worklogs: no request
    sheet = read_book(book)
    actuals = sheet["Actuals"]
    assert actuals[names["heavy_person"]]["Total"] == 45 and actuals[names["light_person"]]["Total"] == 20
    people = sheet["People"]
    assert "no BambooHR match" in people[names["kim"]]["Match"]
    assert names["kim"] in sheet["Availability"]
    summary = openpyxl.load_workbook(book)["Issues"]["B1":"B40"]
    formula_cell = next(c for (c,) in summary if c.value == FORMULA)
    assert formula_cell.data_type == "s"
    assert any("no BambooHR match" in w for w in first.warnings)
    assert_artifacts_published()
    capacity_before = sheet["Capacity"][names["heavy_person"]]["W49 · 30 Nov"]

    edit(book, "People", "Person id", {
        names["heavy_person"]: {"FTE %": 0.5},
        names["light_person"]: {"Exclude": "yes"},
        names["kim"]: {"Team": "Skunkworks", "Name": "Kim (agency)"},
    })  # fmt: skip
    edit(book, "Issues", "Key", {names["heavy"]: {"Notes": "blocked on vendor"}})
    edited = book.read_bytes()

    dry = run(environment, dry_run=True)
    assert dry.dry_run and dry.changes() and book.read_bytes() == edited

    second = run(environment)
    assert second.cells_written > 0
    sheet = read_book(book)
    assert sheet["Capacity"][names["heavy_person"]]["W49 · 30 Nov"] == capacity_before / 2
    assert names["light_person"] not in sheet["Availability"]
    assert sheet["Availability"][names["kim"]]["Team"] == "Skunkworks"
    people = sheet["People"]
    assert people[names["heavy_person"]]["FTE %"] == 0.5
    assert people[names["light_person"]]["Exclude"] == "yes"
    assert (people[names["kim"]]["Team"], people[names["kim"]]["Name"]) == ("Skunkworks", "Kim (agency)")
    assert sheet["Issues"][names["heavy"]]["Notes"] == "blocked on vendor"
    assert len(sheet["Sync log"]) == 2

    unchanged = book.stat().st_mtime_ns
    third = run(environment)
    assert third.cells_written == 0 and book.stat().st_mtime_ns == unchanged
    assert len(read_book(book)["Sync log"]) == 2  # an unchanged run leaves the sheet alone


def assert_artifacts_published() -> None:
    summary = Artifact.get("sync-resource-availability-summary")
    table = Artifact.get("sync-resource-availability-table")
    link = Artifact.get("sync-resource-availability-sheet-resource-availability")
    assert summary and "overbooked people" in str(summary.data) and "unestimated issues" in str(summary.data)
    assert table and "Overbooked weeks" in str(table.data) and "Unscheduled hours" in str(table.data)
    assert link and "resource-availability.xlsx)" in str(link.data)


def test_unreachable_source_fails_the_run_before_any_sheet_is_touched(
    prefect_harness: None, env: tuple[SandboxEnvironment, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    environment, _ = env
    monkeypatch.setattr(availability, "fetch_jira", availability.fetch_jira.with_options(retries=0))
    environment.services["jira"].stop()
    state = sync_resource_availability(
        config_path=str(environment.config_path), today=TODAY.isoformat(), return_state=True
    )
    assert state.is_failed()
    assert "Jira" in str(state.result(raise_on_failure=False))
    assert not (environment.config_path.parent / "resource-availability.xlsx").exists()


def test_reads_are_retried_by_prefect_only_after_the_http_layer_gave_up_on_a_transient_error() -> None:
    exhausted = RetriesExhaustedError("Jira", 8, RetriableAPIError("Jira", "503 Service Unavailable"))
    assert after_http_gave_up(None, None, Failed(data=exhausted))
    assert not after_http_gave_up(None, None, Failed(data=AuthError("Jira", "401", status=401)))
