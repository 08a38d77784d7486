"""sync_team_budgets end to end: BambooHR stand-in, a ledger, local workbooks or the Sheets stand-in.

One small hand-built organisation (docs/dataset.md) as of 2026-11-26, quarterly budgets:
  Platform: Ana (all year), Ben (joiner 2026-11-15); override 120 per head per quarter
  Data:     Cleo (all year), Dan (contractor: not counted); default 50 per head
  Web:      Erin; no spreadsheet configured (a warning)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from prefect.states import Failed

from connectors.errors import AuthError, RetriableAPIError, RetriesExhaustedError
from flows.budgets import BudgetSyncFailed, sync_team_budgets
from flows.report import RunReport
from flows.tasks import after_http_gave_up
from sandbox.bamboohr import BambooState, start_bamboohr_sandbox
from sandbox.core import RunningService
from sandbox.sheets import start_sheets_sandbox

pytestmark = pytest.mark.usefixtures("prefect_harness")

KEY = "budget-test-key"
TODAY = "2026-11-26"
ALLOWED_FIELDS = {
    "firstName", "lastName", "workEmail", "department", "status",  # no country: budgets ignore places
    "employmentHistoryStatus", "hireDate", "terminationDate",
}  # fmt: skip
PEOPLE = [
    ("1", "Ana", "Alpha", "Platform", "Full-Time", "2020-02-01"),
    ("2", "Ben", "Beta", "Platform", "Full-Time", "2026-11-15"),
    ("3", "Cleo", "Gamma", "Data", "Full-Time", "2021-05-01"),
    ("4", "Dan", "Delta", "Data", "Contractor", "2022-01-10"),
    ("5", "Erin", "Epsilon", "Web", "Part-Time", "2023-03-01"),
]
MEMBERS = {
    "Platform": {"Ana Alpha", "Ben Beta"},
    "Data": {"Cleo Gamma", "Dan Delta"},
    "Web": {"Erin Epsilon"},
}
LEDGER_HEADER = ["Date", "Team", "Amount", "Currency", "Description"]
LEDGER = [  # sheet rows 2.. ; a rejection of each kind, and an empty row that is skipped
    ["2026-10-05", "Platform", "100.00", "EUR", "Platform bowling night"],  # 2
    ["2026-11-02", "Data", "50", "EUR", "Data cooking class"],  # 3
    ["2026-03-01", "Data", "30", "EUR", "Data pizza in March"],  # 4
    ["2026-11-10", "Platform", "TBD", "EUR", "Platform receipt pending"],  # 5: bad amount
    ["2026-11-11", "Marketing Ops (old)", "10", "EUR", "Old team lunch"],  # 6: unknown team
    ["2026-11-12", "Data", "20", "USD", "Data dollars"],  # 7: other currency
    ["sometime in March", "Platform", "15", "EUR", "Platform undated"],  # 8: bad date
    ["", "", "", "", ""],  # 9: empty, skipped
    ["2026-11-20", "Web", "40", "EUR", "Web karaoke"],  # 10
]
LEDGER_DATA_SPEND = ["Data cooking class", "Data pizza in March"]  # in ledger order
REJECTED = {5: "amount 'TBD'", 6: "not a known team", 7: "not the budget currency", 8: "date 'sometime"}
DESCRIPTIONS = {
    "Platform": {"Platform bowling night", "Platform receipt pending", "Platform undated"},
    "Data": {"Data cooking class", "Data pizza in March", "Data dollars"},
    "Web": {"Web karaoke"},
}


def dataset() -> dict[str, Any]:
    employees = [
        {
            "id": pid, "firstName": first, "lastName": last, "workEmail": f"{first.lower()}@example.org",
            "department": team, "country": "DE", "status": "Active", "employmentHistoryStatus": kind,
            "hireDate": hired, "terminationDate": "0000-00-00",
            "payRate": "85000.00 EUR", "dateOfBirth": "1990-01-01",
        }
        for pid, first, last, team, kind, hired in PEOPLE
    ]  # fmt: skip
    job_info = [
        {"id": str(n), "employeeId": e["id"], "date": e["hireDate"], "department": e["department"]}
        for n, e in enumerate(employees, 1)
    ]
    return {
        "schema": 1, "seed": 0, "today": TODAY, "currency": "EUR",
        "teams": [{"name": t, "lead_email": ""} for t in MEMBERS],
        "bamboohr": {"employees": employees, "job_info": job_info, "time_off": [], "holidays": []},
        "jira": {}, "ledger": [dict(zip(LEDGER_HEADER, row, strict=True)) for row in LEDGER],
    }  # fmt: skip


@dataclass
class Org:
    tmp: Path
    bamboo: RunningService
    state: BambooState

    def config(self, sheets: dict[str, Any], keys: dict[str, str]) -> str:
        data = {
            "timezone": "Europe/Berlin",
            "http": {"max_attempts": 2, "backoff_base_s": 0.05, "backoff_cap_s": 0.1},
            "sheets": sheets,
            "bamboohr": {"company": "demo", "base_url": self.bamboo.url},
            "budgets": {
                "period": "quarter",
                "allowance_per_head": 50,
                "overrides": {"Platform": 120},
                "ledger": {"spreadsheet": keys["ledger"], "tab": "Ledger"},
                "overview_spreadsheet": keys["overview"],
                "teams": {"Platform": keys["Platform"], "Data": keys["Data"]},
            },
        }
        path = self.tmp / "opsheets.yaml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        return str(path)


@pytest.fixture
def org(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Org]:
    monkeypatch.setenv("BAMBOOHR_API_KEY", KEY)
    service, state = start_bamboohr_sandbox(dataset(), api_key=KEY)
    with service:
        yield Org(tmp_path, service, state)


def test_reads_are_retried_only_when_the_service_may_recover() -> None:
    busy = RetriableAPIError("BambooHR", "503 Service Unavailable", status=503)
    assert after_http_gave_up(None, None, Failed(data=RetriesExhaustedError("BambooHR", 6, busy)))
    assert not after_http_gave_up(None, None, Failed(data=busy))
    refused = AuthError("BambooHR", "401 Unauthorized", status=401)
    assert not after_http_gave_up(None, None, Failed(data=refused))
    assert not after_http_gave_up(None, None, Failed(data=ValueError("tab 'Ledger' not found")))


# --- local workbooks ---------------------------------------------------------------------------
WORKBOOK_KEYS = {"ledger": "ledger", "overview": "overview", "Platform": "platform", "Data": "data"}


def workbook_config(org: Org) -> str:
    book = openpyxl.Workbook()
    ledger = book.active
    ledger.title = "Ledger"
    for row in [LEDGER_HEADER, *LEDGER]:
        ledger.append([v or None for v in row])
    (org.tmp / "sheets").mkdir()
    book.save(org.tmp / "sheets" / "ledger.xlsx")
    return org.config({"backend": "workbook", "workbook_dir": str(org.tmp / "sheets")}, WORKBOOK_KEYS)


def book_path(org: Org, key: str) -> Path:
    return org.tmp / "sheets" / f"{key}.xlsx"


def digest(org: Org, key: str) -> str:
    return hashlib.sha256(book_path(org, key).read_bytes()).hexdigest()


def book_cells(org: Org, key: str) -> set[str]:
    """Every non-empty cell of every tab, hidden ones included."""
    book = openpyxl.load_workbook(book_path(org, key))
    return {str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v}


def tab_rows(org: Org, key: str, tab: str) -> list[dict[str, Any]]:
    rows = list(openpyxl.load_workbook(book_path(org, key))[tab].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def set_ledger_cell(org: Org, cell: str, value: str) -> None:
    book = openpyxl.load_workbook(book_path(org, "ledger"))
    book["Ledger"][cell] = value
    book.save(book_path(org, "ledger"))


def rename_header(org: Org, old: str, new: str) -> None:
    book = openpyxl.load_workbook(book_path(org, "platform"))
    cell = next(c for c in book["Budget"][1] if c.value == old)
    cell.value = new
    book.save(book_path(org, "platform"))


def assert_isolated(team: str, cells: set[str]) -> None:
    for other in MEMBERS.keys() - {team}:
        assert not MEMBERS[other] & cells, f"{other}'s people in {team}'s spreadsheet"
        assert not DESCRIPTIONS[other] & cells, f"{other}'s spend in {team}'s spreadsheet"


def test_budgets_written_isolated_rejections_listed_and_rerun_writes_nothing(org: Org) -> None:
    config = workbook_config(org)
    ledger = digest(org, "ledger")
    preview = sync_team_budgets(config, dry_run=True, today=TODAY)
    assert preview.changes() and not any(book_path(org, k).exists() for k in ("platform", "data", "overview"))

    report = sync_team_budgets(config, today=TODAY)
    budget = {r["Period"]: r for r in tab_rows(org, "platform", "Budget")}
    # Platform 2026-Q4 (92 days): Ana 92 + Ben 16 (Nov 15-30) + 31 = 139 head-days;
    # 120 × 139 / 92 = 181.304… → 181.30; spent 100.00 → 81.30 left; 100 / 181.30 = 55.2 %;
    # average heads 139 / 92 = 1.51 (2 people counted at some point)
    assert budget["2026-Q4"] == {
        "Period": "2026-Q4", "People counted": 2, "Average heads": 1.51, "Head-days": 139, "Budget": 181.3,
        "Spent": 100, "Remaining": 81.3, "% used": 0.552, "Sync status": None,
    }  # fmt: skip
    # the previous year is kept by default
    assert list(budget) == [f"{year}-Q{q}" for year in (2025, 2026) for q in (1, 2, 3, 4)]
    assert {r["Name"]: r["Days"] for r in tab_rows(org, "data", "Roster")} == {"Cleo Gamma": 92}
    assert [r["Description"] for r in tab_rows(org, "data", "Spend")] == LEDGER_DATA_SPEND

    rejected = {r["Row"]: r for r in tab_rows(org, "overview", "Rejected")}
    assert rejected.keys() == REJECTED.keys()
    for row, reason in REJECTED.items():
        assert reason in rejected[row]["Reason"] and rejected[row]["Description"] == LEDGER[row - 2][4]
    overview = {(r["Team"], r["Period"]) for r in tab_rows(org, "overview", "Overview")}
    assert {("Web", "2026-Q4"), ("Data", "2026-Q1"), ("Platform", "2026-Q4")} <= overview
    current = [
        (r["Team"], r["Period"], r["Budget"], r["Spent"]) for r in tab_rows(org, "overview", "Current period")
    ]
    assert current == [
        ("Data", "2026-Q4", 50, 50),
        ("Platform", "2026-Q4", 181.3, 100),
        ("Web", "2026-Q4", 50, 40),
    ]
    (chart,) = openpyxl.load_workbook(book_path(org, "overview"))["Current period"]._charts
    assert [s.val.numRef.f for s in chart.series] == [
        "'Current period'!$C$2:$C$4",
        "'Current period'!$D$2:$D$4",
    ]

    for team, key in (("Platform", "platform"), ("Data", "data")):
        assert_isolated(team, book_cells(org, key))
    assert set(org.state.requested_fields) <= ALLOWED_FIELDS
    everything = set().union(*(book_cells(org, k) for k in ("platform", "data", "overview")))
    assert not {"85000.00 EUR", "1990-01-01"} & everything
    assert any("'Web'" in w and "budgets.teams" in w for w in report.warnings)
    assert "Rejected ledger rows: 4 (see the Rejected tab)" in report.summary
    assert "No team over budget in 2026-Q4" in report.summary
    platform_figures = next(row for row in report.table if row["team"] == "Platform")
    assert platform_figures == {
        "team": "Platform", "period": "2026-Q4", "budget": "181.30", "spent": "100.00",
        "remaining": "81.30", "% used": "55.2 %",
    }  # fmt: skip

    before = {k: digest(org, k) for k in ("platform", "data", "overview")}
    rerun = sync_team_budgets(config, today=TODAY)
    assert rerun.cells_written == 0
    assert {k: digest(org, k) for k in before} == before
    assert digest(org, "ledger") == ledger  # only ever read


def test_one_teams_spend_change_writes_only_its_sheet_and_the_overview(org: Org) -> None:
    config = workbook_config(org)
    sync_team_budgets(config, today=TODAY)
    before = {k: digest(org, k) for k in ("platform", "data", "overview")}
    set_ledger_cell(org, "C3", "60")  # Data's cooking class: 50 → 60

    report = sync_team_budgets(config, today=TODAY)
    assert digest(org, "platform") == before["platform"]
    assert digest(org, "data") != before["data"] and digest(org, "overview") != before["overview"]
    assert report.sheets["Budget Platform"].cells_written == 0
    q4 = {r["Period"]: r for r in tab_rows(org, "data", "Budget")}["2026-Q4"]
    assert (q4["Spent"], q4["% used"]) == (60, 1.2)  # Cleo alone: 50 × 92 / 92 = 50.00 budget
    assert "Teams over budget in 2026-Q4: Data (120.0 %)" in report.summary


def test_a_failing_team_spreadsheet_does_not_stop_the_others_and_the_next_run_completes(org: Org) -> None:
    config = workbook_config(org)
    sync_team_budgets(config, today=TODAY)
    rename_header(org, "Spent", "Spent so far")  # a human renamed an owned header: the sync must refuse
    set_ledger_cell(org, "C2", "150")  # Platform's bowling night
    set_ledger_cell(org, "C3", "70")  # Data's cooking class

    with pytest.raises(BudgetSyncFailed) as failed:
        sync_team_budgets(config, today=TODAY)
    message = str(failed.value)
    assert "Budget Platform" in message and "'Spent'" in message and "Fix:" in message
    assert "Budget Data" not in message
    assert {r["Period"]: r for r in tab_rows(org, "data", "Budget")}["2026-Q4"]["Spent"] == 70
    overview = {(r["Team"], r["Period"]): r for r in tab_rows(org, "overview", "Overview")}
    assert overview[("Platform", "2026-Q4")]["Spent"] == 150

    rename_header(org, "Spent so far", "Spent")
    sync_team_budgets(config, today=TODAY)
    assert {r["Period"]: r for r in tab_rows(org, "platform", "Budget")}["2026-Q4"]["Spent"] == 150


def test_the_year_boundary_keeps_last_year_archives_older_and_counts_a_late_expense(org: Org) -> None:
    # On 31 Dec 2026: 2025 and 2026 shown (previous year kept), 2020 (Ana's hire) – 2024 archived.
    config = workbook_config(org)
    sync_team_budgets(config, today="2026-12-31")
    quarters = [f"{year}-Q{q}" for year in range(2020, 2028) for q in (1, 2, 3, 4)]
    assert [r["Period"] for r in tab_rows(org, "platform", "Budget")] == quarters[20:28]
    assert [r["Period"] for r in tab_rows(org, "platform", "Archive")] == quarters[0:20]

    # In January PeopleOps enters a December expense (ledger row 11); the run on 1 Jan 2027 shows
    # 2026 whole and 2027-Q1, counts the expense in 2026-Q4, and moves 2025 to the Archive tab.
    book = openpyxl.load_workbook(book_path(org, "ledger"))
    book["Ledger"].append(["2026-12-20", "Platform", "25", "EUR", "Platform December lunch"])
    book.save(book_path(org, "ledger"))
    report = sync_team_budgets(config, today="2027-01-01")
    budget = {r["Period"]: r for r in tab_rows(org, "platform", "Budget")}
    assert list(budget) == [*quarters[24:28], "2027-Q1"]
    assert [r["Period"] for r in tab_rows(org, "platform", "Archive")] == quarters[4:24]  # 2021–2025
    assert budget["2026-Q4"]["Spent"] == 125  # 100 bowling in October + 25 entered late
    overview = {(r["Team"], r["Period"]): r for r in tab_rows(org, "overview", "Overview")}
    assert overview[("Platform", "2026-Q4")]["Spent"] == 125
    assert overview[("All teams", "2026-Q4")]["Spent"] == 125 + 50 + 40  # and Data cooking, Web karaoke
    assert {p for _, p in overview} == {*quarters[24:28], "2027-Q1"}
    archive = {(r["Team"], r["Period"]) for r in tab_rows(org, "overview", "Archive")}
    assert {("Platform", "2025-Q4"), ("All teams", "2021-Q1")} <= archive
    assert not [w for w in report.warnings if "dated outside" in w]
    assert "Period 2027-Q1 (2027-01-01 – 2027-03-31)" in report.summary


# --- Google Sheets stand-in --------------------------------------------------------------------
def test_google_sheets_isolated_rerun_sends_no_write_request_and_a_denied_sheet_fails_alone(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPSHEETS_TEST_GOOGLE", json.dumps({"type": "authorized_user", "token": "t"}))
    service, sheets = start_sheets_sandbox()
    with service:
        keys = {
            "ledger": sheets.create_spreadsheet("Ledger", {"Ledger": [LEDGER_HEADER]}),
            **{name: sheets.create_spreadsheet(name) for name in ("overview", "Platform", "Data")},
        }
        # PeopleOps types the rows in the Sheets UI: dates become date serials, numbers numbers.
        sheets.edit(keys["ledger"], f"Ledger!A2:E{len(LEDGER) + 1}", LEDGER, user_entered=True)
        google = {
            "backend": "google",
            "api_base": service.url,
            "credentials": {"env": "OPSHEETS_TEST_GOOGLE"},
        }
        config = org.config(google, keys)
        report = sync_team_budgets(config, today=TODAY)
        assert report.cells_written > 0 and sheets.write_requests > 0

        for team in ("Platform", "Data"):
            cells = {
                str(v)
                for tab in sheets.tabs(keys[team])
                for r in sheets.grid(keys[team], tab)
                for v in r
                if v
            }
            assert_isolated(team, cells)
            assert MEMBERS[team] - {"Dan Delta"} <= cells
        (chart,) = sheets.sheet_metadata(keys["overview"], "Current period")["charts"]
        assert chart["spec"]["basicChart"]["chartType"] == "COLUMN"
        assert [r[0] for r in sheets.grid(keys["overview"], "Current period")] == [
            "Team",
            "Data",
            "Platform",
            "Web",
        ]
        rejected = sheets.grid(keys["overview"], "Rejected")
        assert sorted(r[0] for r in rejected[1:]) == sorted(REJECTED)
        ledger_before = sheets.grid(keys["ledger"], "Ledger")

        writes = sheets.write_requests
        service.log.clear()
        rerun: RunReport = sync_team_budgets(config, today=TODAY)
        assert rerun.cells_written == 0 and sheets.write_requests == writes
        assert service.log.count("POST") == 0 and service.log.count("PUT") == 0
        assert sheets.grid(keys["ledger"], "Ledger") == ledger_before
        q4 = next(r for r in sheets.grid(keys["Platform"], "Budget") if r[0] == "2026-Q4")
        assert [Decimal(str(v)) for v in q4[1:8]] == [
            2,
            Decimal("1.51"),
            139,
            Decimal("181.3"),
            100,
            Decimal("81.3"),
            Decimal("0.552"),
        ]
