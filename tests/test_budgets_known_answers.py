"""Known answers, computed by hand from the rules, for what a team lead and PeopleOps read in the budgets.

Quarters of 2026: Q2 has 91 days, Q3 92 (Jul 31 + Aug 31 + Sep 30), Q4 92. Allowance 100 EUR a head.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from connectors.bamboohr import BambooHRClient
from connectors.http import RetryPolicy
from domain.budget_model import mapping_warnings
from domain.budgets import BudgetRules, compute_budgets
from domain.ledger import parse_ledger
from domain.periods import periods_in_year
from domain.records import Employee, JobInfoEntry, LedgerRow, StatusEntry
from domain.roster import roster
from domain.teams import canonical_people, spreadsheet_keys
from flows import budgets_tables as bt
from flows.budgets_explained import explanation_table
from flows.config import ConfigError, parse_config
from sandbox.bamboohr import BambooState, start_bamboohr_sandbox

QUARTERS = periods_in_year("quarter", 2026)
Q2, Q3, Q4 = QUARTERS[1], QUARTERS[2], QUARTERS[3]
CONTRACTORS = frozenset({"Contractor"})
RULES = BudgetRules("quarter", Decimal("100"), excluded_statuses=CONTRACTORS)
KEY = "bamboo-key"


def person(eid: str, first: str, team: str, status: str, hired: str, left: str = "0000-00-00") -> dict:
    return {"id": eid, "firstName": first, "lastName": "Doe", "workEmail": f"{first.lower()}@org.example",
            "department": team, "country": "DE", "status": "Inactive" if left != "0000-00-00" else "Active",
            "employmentHistoryStatus": status, "hireDate": hired, "terminationDate": left}  # fmt: skip


def org(with_status_table: bool = True) -> dict[str, Any]:
    """Ana: full-time all along. Cat: a contractor who left on 20 Aug (BambooHR now says Terminated).
    Dev: a contractor converted to full-time on 15 Aug."""
    employees = [
        person("1", "Ana", "Platform", "Full-Time", "2020-01-06"),
        person("2", "Cat", "Platform", "Contractor", "2021-03-01", left="2026-08-20"),
        person("3", "Dev", "Platform", "Full-Time", "2022-05-01"),
    ]
    statuses = [
        {"id": "1", "employeeId": "1", "date": "2020-01-06", "employmentStatus": "Full-Time"},
        {"id": "2", "employeeId": "2", "date": "2021-03-01", "employmentStatus": "Contractor"},
        {"id": "3", "employeeId": "2", "date": "2026-08-20", "employmentStatus": "Terminated"},
        {"id": "4", "employeeId": "3", "date": "2022-05-01", "employmentStatus": "Contractor"},
        {"id": "5", "employeeId": "3", "date": "2026-08-15", "employmentStatus": "Full-Time"},
    ]
    bamboo: dict[str, Any] = {"employees": employees, "job_info": [], "time_off": [], "holidays": []}
    if with_status_table:
        bamboo["employment_status"] = statuses
    return {"today": "2026-11-26", "bamboohr": bamboo}


@pytest.fixture
def bamboohr() -> Iterator[BambooHRClient]:
    service, _ = start_bamboohr_sandbox(org(), api_key=KEY)
    with service:
        yield BambooHRClient("demo", KEY, base_url=service.url, policy=RetryPolicy(max_attempts=2))


# ---- 7. Departed people as BambooHR reports them; exclusions from the status held then ----------------


def test_a_departed_contractor_reads_terminated_and_exclusions_use_the_status_held_then(
    bamboohr: BambooHRClient,
) -> None:
    employees, history = bamboohr.employees(), bamboohr.employment_statuses()
    assert {e.name: e.employment_status for e in employees} == {
        "Ana Doe": "Full-Time",
        "Cat Doe": "Terminated",  # as the live API says it: the Contractor she was is only in the table
        "Dev Doe": "Full-Time",
    }
    lines = {
        line.period_label: line for line in compute_budgets(employees, [], [], RULES, QUARTERS, [], history)
    }
    # Q2: Ana 91; Cat a contractor (0); Dev a contractor until 14 Aug (0) → 91 head-days, 1 person
    assert (lines["2026-Q2"].head_days, lines["2026-Q2"].headcount) == (91, 1)
    # Q3: Ana 92; Cat 0 (a contractor until she left on 20 Aug, not a "Terminated" employee for 51 days);
    # Dev full-time from 15 Aug: Aug 15–31 = 17 + Sep 30 = 47 → 139 head-days, 2 people; 100 × 139 / 92
    assert (lines["2026-Q3"].head_days, lines["2026-Q3"].headcount) == (139, 2)
    assert lines["2026-Q3"].budget == Decimal("151.09")
    assert (lines["2026-Q4"].head_days, lines["2026-Q4"].headcount) == (184, 2)  # Ana 92 + Dev 92


def test_without_a_status_table_the_stand_in_derives_one_as_bamboohr_keeps_it() -> None:
    state = BambooState.from_dataset(org(with_status_table=False))
    cat = [(r["date"], r["employmentStatus"]) for r in state.employment_status if r["employeeId"] == "2"]
    assert cat == [("2021-03-01", "Contractor"), ("2026-08-20", "Terminated")]


def test_a_status_row_after_the_termination_or_terminated_alone_never_excludes_employed_days() -> None:
    leaver = Employee(
        "9", "Eli", None, "Data", "DE", "Inactive", "Terminated", date(2026, 7, 1), date(2026, 7, 10)
    )
    history = [StatusEntry("9", date(2026, 7, 10), "Terminated")]  # no earlier row: status unknown
    lines = compute_budgets([leaver], [], [], RULES, [Q3], [], history)
    assert lines[0].head_days == 10  # 1–10 Jul: counted, since nothing says she was a contractor


# ---- 8. Team names are one name -----------------------------------------------------------------------


def test_history_spelled_differently_is_the_same_team_and_both_heads_count() -> None:
    employees = [
        Employee("1", "Ana", None, "Platform", "DE", "Active", "Full-Time", date(2020, 1, 6), None),
        Employee("2", "Ben", None, "Platform", "DE", "Active", "Full-Time", date(2020, 1, 6), None),
    ]
    history = [
        JobInfoEntry("1", date(2020, 1, 6), "platform"),
        JobInfoEntry("2", date(2020, 1, 6), " PLATFORM "),
    ]
    employees, history, names = canonical_people(employees, history, ["platform"])
    rules = BudgetRules("quarter", Decimal("100"), overrides={"  platform": Decimal("200")})
    (q3,) = compute_budgets(employees, history, [], rules, [Q3], names.names())
    # one team, 2 heads all quarter: 184 head-days; the override (typed "  platform") applies: 200 × 184 / 92
    assert (q3.team, q3.headcount, q3.head_days, q3.budget) == ("Platform", 2, 184, Decimal("400.00"))
    spends, rejected = parse_ledger(
        [LedgerRow(2, {"Date": "2026-08-03", "Team": " PLATFORM", "Amount": "10"})], names.names(), "EUR"
    )
    assert [(s.team, s.amount) for s in spends] == [("Platform", Decimal("10.00"))] and not rejected
    assert spreadsheet_keys(names.names(), {"platform ": "k1"}) == {"Platform": "k1"}


def test_team_mapping_warnings_name_a_value_the_config_accepts() -> None:
    employees = [Employee("1", "Ana", None, "Platform", "DE", "Active", "Full-Time", date(2020, 1, 6), None)]
    lines = compute_budgets(employees, [], [], RULES, [Q3], ["Platfrom"])
    unmapped, warning = mapping_warnings(lines, {"Platfrom": "k1"})
    assert unmapped.startswith("team 'Platform' has people or spend but no spreadsheet")
    assert "did you mean 'Platform'?" in warning
    suggested = warning.split("did you mean '")[1].split("'")[0]
    config = parse_config({"budgets": {"ledger": {"spreadsheet": "L"}, "teams": {suggested: "k1"}}})
    assert config.budgets is not None and spreadsheet_keys(["Platform"], config.budgets.teams) == {
        "Platform": "k1"
    }
    team = unmapped.split("team '")[1].split("'")[0]
    config = parse_config({"budgets": {"ledger": {"spreadsheet": "L"}, "teams": {team: "k1"}}})
    assert (
        config.budgets is not None
        and mapping_warnings(lines, spreadsheet_keys([team], config.budgets.teams)) == []
    )


# ---- 9. One team per spreadsheet ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("teams", "named"),
    [
        ({"Platform": "k1", "Payments": "k1"}, ["'Platform'", "'Payments'", "'k1'"]),
        ({"Platform": "k1", " platform": "k2"}, ["'Platform'", "' platform'", "names one team twice"]),
        ({"Platform": "overview"}, ["'Platform'", "'overview'", "budgets.overview_spreadsheet"]),
        ({"Platform": "L"}, ["'Platform'", "'L'", "budgets.ledger"]),
    ],
)
def test_two_teams_in_one_spreadsheet_are_refused_at_config_load(teams: dict, named: list[str]) -> None:
    raw = {"budgets": {"ledger": {"spreadsheet": "L"}, "overview_spreadsheet": "overview", "teams": teams}}
    with pytest.raises(ConfigError) as refused:
        parse_config(raw)
    assert all(part in str(refused.value) for part in named)


# ---- 11. A team lead can check their own budget -------------------------------------------------------

STAFF = [  # Q4 2026, 92 days; allowance 100 EUR
    Employee("1", "Ana", None, "Platform", "DE", "Active", "Full-Time", date(2020, 1, 6), None),  # 92
    Employee(
        "2", "Ben", None, "Platform", "DE", "Active", "Full-Time", date(2026, 11, 15), None
    ),  # joined: 47
    Employee(
        "3", "Cem", None, "Platform", "DE", "Inactive", "Terminated", date(2021, 1, 4), date(2026, 10, 20)
    ),
    Employee("4", "Dia", None, "Data", "DE", "Active", "Full-Time", date(2019, 3, 1), None),  # moved 1 Dec
    Employee("5", "Fay", None, "Data", "DE", "Active", "Full-Time", date(2019, 3, 1), None),  # 92
]  # Cem left on 20 Oct: 20 days
HISTORY = [JobInfoEntry("4", date(2019, 3, 1), "Platform"), JobInfoEntry("4", date(2026, 12, 1), "Data")]


def q4_lines() -> list:
    return compute_budgets(STAFF, HISTORY, [], RULES, [Q4], ["Platform", "Data"])


def test_overview_has_a_total_row_that_adds_up_the_teams() -> None:
    overview = {(r["Team"], r["Period"]): r for r in bt.overview_table(q4_lines(), "EUR", False).rows}
    total = overview[(bt.TOTAL, "2026-Q4")]
    # Platform: Ana 92 + Ben 47 + Cem 20 + Dia 61 = 220 → 239.13; Data: Dia 31 + Fay 92 = 123 → 133.70
    assert (total["Budget"], total["Head-days"], total["People counted"]) == (Decimal("372.83"), 343, 5)
    assert total["Average heads"] == Decimal("3.73")  # 343 / 92 = 3.728…; Dia counted once among the 5
    assert total["Allowance per head"] is None


def test_people_counted_and_average_heads_are_told_apart() -> None:
    platform = {r["Period"]: r for r in bt.budget_table("Platform", q4_lines(), "EUR", False).rows}["2026-Q4"]
    # 4 people counted at some point (Ana, Ben, Cem, Dia) but 220 / 92 = 2.39 heads on average
    assert (platform["People counted"], platform["Average heads"], platform["Head-days"]) == (
        4,
        Decimal("2.39"),
        220,
    )


def test_each_team_spreadsheet_explains_its_budget_with_its_own_figures() -> None:
    lines = q4_lines()
    counted = roster(STAFF, HISTORY, Q4, CONTRACTORS)
    platform = next(line for line in lines if line.team == "Platform")
    table = explanation_table("Platform", platform, Q4, counted, {e.id: e for e in STAFF}, currency="EUR",
                              excluded_statuses=CONTRACTORS, carry_over=False, names=True)  # fmt: skip
    how = {row["Topic"]: row["How"] for row in table.rows}
    assert how["Budget 2026-Q4"] == (
        "100.00 EUR per head × 220 head-days ÷ 92 days in the period = 239.13 EUR"
    )
    assert how["Average heads"].startswith("220 head-days ÷ 92 days = 2.39 heads; 4 people were counted")
    assert how["Joined"] == "Ben (from 2026-11-15, 47 days in this team)"
    assert how["Left"] == "Cem (until 2026-10-20, 20 days in this team)"
    assert how["Moved out"] == "Dia to Data (until 2026-11-30, 61 days in this team)"
    assert "Contractor" in how["Head-days"]
    data = next(line for line in lines if line.team == "Data")
    moved_in = explanation_table("Data", data, Q4, counted, {e.id: e for e in STAFF}, currency="EUR",
                                 excluded_statuses=CONTRACTORS, carry_over=False, names=False)  # fmt: skip
    data_how = {row["Topic"]: row["How"] for row in moved_in.rows}
    assert data_how["Moved in"] == "1 person (31 head-days in this team)"  # Roster off: no names
    assert "Ana" not in str(moved_in.rows)  # another team's people never appear
