"""The BambooHR connector against the stand-in: records parsed, only the allowed fields asked for."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from connectors.bamboohr import BambooHRClient, FeatureDisabledError, report_fields
from connectors.http import ApiError, AuthError, RetryPolicy
from domain.records import CompanyHoliday, Employee, JobInfoEntry, StatusEntry, TimeOffDay
from domain.regions import country_code
from sandbox.bamboohr import BambooState, start_bamboohr_sandbox
from sandbox.core import Knobs, RunningService
from sandbox.demo_org import generate

KEY = "bamboo-SECRET-key"
FAST = RetryPolicy(max_attempts=5, backoff_base_s=0.01, backoff_cap_s=0.05, read_timeout_s=5.0)
ALLOWED = {"firstName", "lastName", "displayName", "workEmail", "department", "country", "status"}
ALLOWED |= {"employmentHistoryStatus", "hireDate", "terminationDate", "state", "location"}


def employee(eid: str, first: str, team: str | None, country: str, **extra: str) -> dict:
    return {
        "id": eid, "firstName": first, "lastName": "Doe", "workEmail": f"{first.lower()}@org.example",
        "department": team, "country": country, "status": "Active", "employmentHistoryStatus": "Full-Time",
        "hireDate": "2020-01-06", "terminationDate": "0000-00-00", "payRate": "90000.00 EUR",
        "dateOfBirth": "1990-01-01", **extra,
    }  # fmt: skip


def hand_built() -> dict:
    """Three people, a transfer, a half day, an hours-unit request, a two-day company holiday."""
    return {
        "schema": 1, "seed": 0, "today": "2026-11-26", "currency": "EUR",
        "teams": [], "jira": {}, "ledger": [],
        "bamboohr": {
            "employees": [
                employee("7", "Ana", "Platform", "DE"),
                employee("8", "Ben", "Payments", "GB", status="Inactive", terminationDate="2026-10-15",
                         employmentHistoryStatus="Contractor", state="Scotland", location="Edinburgh"),
                employee("9", "Cleo", None, "US", hireDate="2026-08-15"),
            ],
            "job_info": [
                {"id": "3", "employeeId": "7", "date": "2026-11-15", "department": "Platform"},
                {"id": "1", "employeeId": "7", "date": "2020-01-06", "department": "Payments"},
                {"id": "2", "employeeId": "8", "date": "2020-01-06", "department": "Payments"},
                {"id": "4", "employeeId": "9", "date": "0000-00-00", "department": None},
            ],
            "time_off": [
                {"id": "1", "employeeId": "7", "status": "approved", "type": "Vacation", "unit": "days",
                 "start": "2026-11-27", "end": "2026-11-30",
                 "dates": {"2026-11-27": "1", "2026-11-28": "0", "2026-11-29": "0", "2026-11-30": "0.5"}},
                {"id": "2", "employeeId": "9", "status": "approved", "type": "Sick", "unit": "hours",
                 "start": "2026-12-01", "end": "2026-12-02", "dates": {"2026-12-01": "8", "2026-12-02": "4"}},
                {"id": "3", "employeeId": "9", "status": "requested", "type": "Vacation", "unit": "days",
                 "start": "2026-12-03", "end": "2026-12-03", "dates": {"2026-12-03": "1"}},
            ],
            "holidays": [{"id": "h1", "name": "Founders' days", "start": "2026-12-24", "end": "2026-12-25"}],
        },
    }  # fmt: skip


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[RunningService, BambooState]]:
    service, state = start_bamboohr_sandbox(hand_built(), api_key=KEY)
    with service:
        yield service, state


@pytest.fixture
def state(served: tuple[RunningService, BambooState]) -> Iterator[BambooState]:
    state = served[1]
    state.requested_fields.clear()
    yield state
    state.time_off_enabled = state.whos_out_enabled = True
    state.ids_as_numbers = False
    state.forbidden_fields.clear()


@pytest.fixture
def client(served: tuple[RunningService, BambooState]) -> BambooHRClient:
    # The real base URL, rewritten to the stand-in: proves the connector builds the spec's URLs.
    return BambooHRClient("acme", KEY, policy=FAST, rewrite={"https://acme.bamboohr.com": served[0].url})


def test_employees_are_parsed_into_records(client: BambooHRClient, state: BambooState) -> None:
    by_id = {e.id: e for e in client.employees()}
    assert by_id["7"] == Employee(
        id="7", name="Ana Doe", email="ana@org.example", team="Platform", country="Germany", status="Active",
        employment_status="Full-Time", hire_date=date(2020, 1, 6), termination_date=None,
    )  # fmt: skip
    assert by_id["8"].status == "Inactive" and by_id["8"].termination_date == date(2026, 10, 15)
    # BambooHR shows a departed person as Terminated: the contractor they were is in the history table
    assert by_id["8"].employment_status == "Terminated"
    # The country as BambooHR names it, and the fields its region is read from (domain.regions)
    assert (by_id["8"].country, by_id["8"].state, by_id["8"].location) == (
        "United Kingdom",
        "Scotland",
        "Edinburgh",
    )
    assert by_id["9"].team is None and by_id["9"].hire_date == date(2026, 8, 15)


def test_ids_are_strings_when_they_arrive_as_numbers(client: BambooHRClient, state: BambooState) -> None:
    state.ids_as_numbers = True
    assert sorted(e.id for e in client.employees()) == ["7", "8", "9"]
    assert {d.employee_id for d in client.time_off(date(2026, 11, 1), date(2026, 12, 31))} == {"7", "9"}


def test_only_name_dates_team_status_place_and_email_are_requested(
    client: BambooHRClient, state: BambooState
) -> None:
    client.employees()
    assert state.requested_fields and set(state.requested_fields) <= ALLOWED
    assert "payRate" not in report_fields("department") and "dateOfBirth" not in report_fields("department")
    assert not {"country", "state", "location"} & set(report_fields("department", places=False))


def test_a_custom_team_field_is_read_from_the_report(served: tuple, client: BambooHRClient) -> None:
    state = served[1]
    state.employees[0]["customSquad"] = "Squad A"
    try:
        teams = {e.id: e.team for e in client.employees(team_field="customSquad")}
    finally:
        del state.employees[0]["customSquad"]
    assert teams == {"7": "Squad A", "8": None, "9": None}


def test_a_team_field_bamboohr_drops_is_a_clear_error(client: BambooHRClient) -> None:
    with pytest.raises(ApiError, match=r"left out noSuchTeamField.*bamboohr.team_field"):
        client.employees(team_field="noSuchTeamField")


def test_time_off_is_per_day_with_half_days_hours_and_only_approved(client: BambooHRClient) -> None:
    days = client.time_off(date(2026, 11, 1), date(2026, 12, 31))
    assert sorted(days, key=lambda d: d.day) == [
        TimeOffDay("7", date(2026, 11, 27), 1.0, "days"),
        TimeOffDay("7", date(2026, 11, 30), 0.5, "days"),
        TimeOffDay("9", date(2026, 12, 1), 8.0, "hours"),
        TimeOffDay("9", date(2026, 12, 2), 4.0, "hours"),
    ]  # weekend zeros dropped, the merely requested day absent


def test_time_off_is_clipped_to_the_window(client: BambooHRClient) -> None:
    days = client.time_off(date(2026, 11, 30), date(2026, 12, 1))
    assert [(d.employee_id, d.day) for d in days] == [("7", date(2026, 11, 30)), ("9", date(2026, 12, 1))]


def test_company_holidays_come_one_per_day(client: BambooHRClient) -> None:
    assert client.company_holidays(date(2026, 12, 1), date(2026, 12, 31)) == [
        CompanyHoliday(date(2026, 12, 24), "Founders' days"),
        CompanyHoliday(date(2026, 12, 25), "Founders' days"),
    ]
    assert client.company_holidays(date(2026, 12, 25), date(2026, 12, 31)) == [
        CompanyHoliday(date(2026, 12, 25), "Founders' days")
    ]


def test_employment_status_history_keeps_what_a_leaver_was_before_terminated(client: BambooHRClient) -> None:
    history = client.employment_statuses()
    assert [entry for entry in history if entry.employee_id == "8"] == [
        StatusEntry("8", date(2020, 1, 6), "Contractor"),
        StatusEntry("8", date(2026, 10, 15), "Terminated"),
    ]
    assert StatusEntry("7", date(2020, 1, 6), "Full-Time") in history
    assert not [entry for entry in history if entry.employee_id == "9" and entry.status == "Terminated"]


def test_job_history_is_sorted_by_date_and_skips_undated_rows(client: BambooHRClient) -> None:
    assert client.job_history() == [
        JobInfoEntry("7", date(2020, 1, 6), "Payments"),
        JobInfoEntry("8", date(2020, 1, 6), "Payments"),
        JobInfoEntry("7", date(2026, 11, 15), "Platform"),
    ]


def test_disabled_time_off_names_the_feature_and_the_fix(client: BambooHRClient, state: BambooState) -> None:
    state.time_off_enabled = False
    with pytest.raises(FeatureDisabledError) as caught:
        client.time_off(date(2026, 11, 1), date(2026, 11, 30))
    assert str(caught.value) == (
        "BambooHR: time off is not enabled for this API key/company (403 on /api/v1/time_off/requests): "
        "ask a BambooHR admin to enable Time Off or give the key access"
    )
    assert caught.value.status == 403 and isinstance(caught.value, AuthError)
    with pytest.raises(FeatureDisabledError, match="Who's Out"):
        client.company_holidays(date(2026, 11, 1), date(2026, 11, 30))


def test_a_wrong_key_says_what_to_check_without_showing_the_key(served: tuple) -> None:
    wrong = BambooHRClient("acme", "wrong-SECRET-key", base_url=served[0].url, policy=FAST)
    with pytest.raises(AuthError) as caught:
        wrong.employees()
    assert "401" in str(caught.value)
    assert "bamboohr.api_key (BAMBOOHR_API_KEY by default) and bamboohr.company" in str(caught.value)
    assert "wrong-SECRET-key" not in str(caught.value)


def test_demo_org_round_trip_survives_injected_faults() -> None:
    dataset = generate(people=60, teams=4, issues=10, today=date(2026, 11, 26))
    knobs = Knobs(fault_rates={"429": 0.25, "503": 0.15, "reset": 0.1}, retry_after_s=0)
    service, state = start_bamboohr_sandbox(dataset, knobs, api_key=KEY)
    with service:
        client = BambooHRClient("demo", KEY, base_url=service.url, policy=FAST)
        people = client.employees()
        history = client.job_history()
        days = client.time_off(date(2026, 9, 1), date(2027, 3, 1))
    assert len(people) == 60 and {country_code(p.country) for p in people} <= {
        "DE",
        "GB",
        "FR",
        "ES",
        "NL",
        "US",
    }
    assert {h.employee_id for h in history} == {p.id for p in people}
    assert any(d.amount == 0.5 for d in days) and any(d.unit == "hours" for d in days)
    assert set(state.requested_fields) <= ALLOWED
    assert any(entry.fault for entry in service.log.entries)  # the faults really happened
