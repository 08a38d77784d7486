"""The BambooHR stand-in speaks the public API as the live service does (raw HTTP, no connector)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import requests

from sandbox.bamboohr import BambooState, start_bamboohr_sandbox
from sandbox.core import RunningService
from sandbox.demo_org import generate

KEY = "sandbox-key-123"
TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def dataset() -> dict:
    return generate(people=30, teams=3, issues=20, today=TODAY)


@pytest.fixture(scope="module")
def served(dataset: dict) -> Iterator[tuple[RunningService, BambooState]]:
    service, state = start_bamboohr_sandbox(dataset, api_key=KEY)
    with service:
        yield service, state


@pytest.fixture
def state(served: tuple[RunningService, BambooState]) -> Iterator[BambooState]:
    state = served[1]
    yield state
    state.time_off_enabled = state.whos_out_enabled = state.directory_shared = True
    state.ids_as_numbers = False
    state.forbidden_fields.clear()


def call(
    served: tuple[RunningService, BambooState], method: str, path: str, **kw: object
) -> requests.Response:
    kw.setdefault("auth", (KEY, "x"))
    return requests.request(method, served[0].url + "/api/v1" + path, timeout=10, **kw)  # type: ignore[arg-type]


def report(served: tuple[RunningService, BambooState], fields: list[str]) -> requests.Response:
    return call(
        served, "POST", "/reports/custom", params={"format": "json"}, json={"fields": fields},
        headers={"Accept": "application/json"},
    )  # fmt: skip


@pytest.mark.parametrize("auth", [None, ("wrong-key", "x"), ("x", KEY)])
def test_without_the_key_as_basic_user_every_endpoint_is_401(served: tuple, auth: object) -> None:
    assert call(served, "GET", "/employees/all/tables/jobInfo", auth=auth).status_code == 401
    assert report(served, ["firstName"]).status_code == 200  # control: the right key works


def test_any_password_is_accepted_with_the_right_key(served: tuple) -> None:
    assert call(served, "GET", "/employees/all/tables/jobInfo", auth=(KEY, "anything")).status_code == 200


def test_report_drops_unknown_and_forbidden_fields_but_answers_200(served: tuple, state: BambooState) -> None:
    state.forbidden_fields.add("payRate")
    response = report(served, ["firstName", "noSuchField", "payRate", "hireDate"])
    assert response.status_code == 200
    body = response.json()
    assert [f["id"] for f in body["fields"]] == ["firstName", "hireDate"]
    assert all(set(e) == {"id", "firstName", "hireDate"} for e in body["employees"])


def test_report_sends_ids_as_strings_empty_dates_as_zeros_and_inactive_people(
    served: tuple, dataset: dict
) -> None:
    body = report(served, ["status", "terminationDate", "country"]).json()
    employees = body["employees"]
    assert len(employees) == len(dataset["bamboohr"]["employees"])
    assert all(isinstance(e["id"], str) for e in employees)
    assert {e["status"] for e in employees} == {"Active", "Inactive"}
    assert any(e["terminationDate"] == "0000-00-00" for e in employees)
    names = {"Germany", "United Kingdom", "France", "Spain", "Netherlands", "United States"}
    assert {e["country"] for e in employees} <= names  # reports carry country names, not codes


def test_report_ids_can_be_numbers_when_switched(served: tuple, state: BambooState) -> None:
    state.ids_as_numbers = True
    assert all(isinstance(e["id"], int) for e in report(served, ["firstName"]).json()["employees"])


def test_report_needs_exact_json_content_type_and_a_known_format(served: tuple) -> None:
    odd_type = {"Content-Type": "application/json; charset=UTF-8"}
    body = b'{"fields": ["firstName"]}'
    assert call(served, "POST", "/reports/custom?format=json", data=body, headers=odd_type).status_code == 400
    assert call(served, "POST", "/reports/custom?format=bogus", json={"fields": []}).status_code == 404
    no_format = call(served, "POST", "/reports/custom", json={"fields": []}, headers={"Accept": "*/*"})
    assert no_format.status_code == 404


def test_requested_fields_are_tracked(served: tuple, state: BambooState) -> None:
    state.requested_fields.clear()
    report(served, ["firstName", "dateOfBirth"])
    assert state.requested_fields == ["firstName", "dateOfBirth"]


def test_time_off_requests_need_a_window_and_filter_by_status(served: tuple, dataset: dict) -> None:
    assert call(served, "GET", "/time_off/requests", params={"start": "2026-11-01"}).status_code == 400
    window = {"start": "2026-09-01", "end": "2027-03-01"}
    approved = call(served, "GET", "/time_off/requests", params={**window, "status": "approved"}).json()
    everything = call(served, "GET", "/time_off/requests", params=window).json()
    assert approved and len(approved) < len(everything)
    assert {r["status"]["status"] for r in approved} == {"approved"}
    first = next(r for r in approved if r["id"] == "1")  # the pinned half-day request
    assert isinstance(first["employeeId"], str) and first["amount"]["unit"] == "days"
    assert all(isinstance(v, str) for v in first["dates"].values()) and "0.5" in first["dates"].values()
    assert float(first["amount"]["amount"]) == sum(float(v) for v in first["dates"].values())


def test_time_off_window_is_an_overlap(served: tuple, dataset: dict) -> None:
    request = dataset["bamboohr"]["time_off"][1]
    params = {"start": request["end"], "end": request["end"], "employeeId": request["employeeId"]}
    found = call(served, "GET", "/time_off/requests", params=params).json()
    assert request["id"] in {r["id"] for r in found}


def test_whos_out_lists_holidays_and_misses_some_approved_requests(served: tuple, dataset: dict) -> None:
    window = {"start": "2026-09-01", "end": "2027-03-01"}
    entries = call(served, "GET", "/time_off/whos_out", params=window).json()
    holidays = [e for e in entries if e["type"] == "holiday"]
    assert {h["name"] for h in holidays} == {h["name"] for h in dataset["bamboohr"]["holidays"]}
    assert all(h["employeeId"] is None for h in holidays)
    approved = call(served, "GET", "/time_off/requests", params={**window, "status": "approved"}).json()
    assert 0 < sum(e["type"] == "timeOff" for e in entries) < len(approved)
    assert [e["start"] for e in entries] == sorted(e["start"] for e in entries)


def test_disabled_time_off_is_403_naming_the_feature(served: tuple, state: BambooState) -> None:
    state.time_off_enabled = False
    response = call(served, "GET", "/time_off/requests", params={"start": "2026-11-01", "end": "2026-11-30"})
    assert response.status_code == 403 and "Time Off" in response.json()["error"]["message"]
    assert "Time Off" in response.headers["X-BambooHR-Error-Message"]
    assert call(served, "GET", "/time_off/whos_out").status_code == 403


def test_job_info_table_for_all_or_one_employee(served: tuple, dataset: dict) -> None:
    rows = call(served, "GET", "/employees/all/tables/jobInfo").json()
    assert len(rows) == len(dataset["bamboohr"]["job_info"])
    assert {"id", "employeeId", "date", "department", "jobTitle", "location", "division"} <= set(rows[0])
    one = dataset["bamboohr"]["employees"][0]["id"]
    assert {r["employeeId"] for r in call(served, "GET", f"/employees/{one}/tables/jobInfo").json()} == {one}
    assert call(served, "GET", "/employees/all/tables/compensation").status_code == 404
    assert call(served, "GET", "/employees/99999/tables/jobInfo").status_code == 404


def test_directory_is_403_unless_shared_and_lists_active_people_only(
    served: tuple, state: BambooState
) -> None:
    body = call(served, "GET", "/employees/directory").json()
    active = [e["id"] for e in state.employees if e["status"] == "Active"]
    assert [e["id"] for e in body["employees"]] == active
    state.directory_shared = False
    assert call(served, "GET", "/employees/directory").status_code == 403
