"""The contract checks on the stand-ins' wire: what they catch, what they let through and why."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import requests
from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from openapi_spec_validator import validate as validate_openapi

from sandbox.contracts.checker import ContractCheck, contract_for, violations_of
from sandbox.contracts.model import RECORDER, Exchange, Violation
from sandbox.contracts.openapi import SPECS, load_cut
from sandbox.contracts.operations import OPERATIONS, of
from sandbox.core import RunningService


def exchange(method: str, path: str, status: int = 200, body: Any = None, answer: Any = None,
             query: str = "", headers: dict[str, str] | None = None) -> Exchange:  # fmt: skip
    return Exchange(
        method=method, path=path, query=query,
        headers={"content-type": "application/json", "authorization": "Bearer t", **(headers or {})},
        body=b"" if body is None else json.dumps(body).encode(), status=status,
        response_headers={"content-type": "application/json"},
        response_body=b"" if answer is None else json.dumps(answer).encode(),
    )  # fmt: skip


def checked(api: str, ex: Exchange) -> list[Violation]:
    return violations_of(contract_for(api), ex)


@pytest.mark.parametrize("api", ["jira", "bamboohr", "intercom"])
def test_each_pinned_openapi_cut_is_a_valid_document_holding_every_listed_operation(api: str) -> None:
    cut = load_cut(api)
    validate_openapi(cut)
    for op in of(api):
        assert op.method.lower() in cut["paths"][op.path], op.name


def test_the_sheets_cut_holds_every_listed_method() -> None:
    names = set(json.loads((SPECS / "sheets.json").read_text(encoding="utf-8"))["methods"])
    assert {op.name for op in of("sheets")} <= names


def test_a_response_departure_names_api_operation_direction_and_json_path() -> None:
    page = {"startAt": 0, "maxResults": 50, "total": 1, "comments": [{"id": 7, "created": "yesterday"}]}
    found = checked("jira", exchange("GET", "/rest/api/3/issue/PLAT-1/comment", answer=page))
    assert {str(v) for v in found} == {
        "jira GET /rest/api/3/issue/{issueIdOrKey}/comment response (answered 200) at $.comments[0].id: "
        "7 is not of type 'string'",
        "jira GET /rest/api/3/issue/{issueIdOrKey}/comment response (answered 200) at $.comments[0].created: "
        "'yesterday' is not a 'date-time'",
    }


def test_jira_timestamps_pass_in_jiras_form_and_rfc_3339_only() -> None:
    def created(value: str) -> list[Violation]:
        page = {"startAt": 0, "maxResults": 1, "total": 1, "comments": [{"id": "1", "created": value}]}
        return checked("jira", exchange("GET", "/rest/api/2/issue/PLAT-1/comment", answer=page))

    assert created("2026-11-03T09:15:00.000+0000") == created("2026-11-03T09:15:00Z") == []
    assert [v.json_path for v in created("03/11/2026 09:15")] == ["$.comments[0].created"]


def test_a_request_counts_only_when_the_stand_in_accepted_it() -> None:
    body = {"jql": "project = A", "maxResults": "many"}
    accepted = checked("jira", exchange("POST", "/rest/api/3/search/jql", 200, body, {"issues": []}))
    refused = checked("jira", exchange("POST", "/rest/api/3/search/jql", 400, body,
                                       {"errorMessages": ["bad"], "errors": {}}))  # fmt: skip
    assert [(v.direction, v.json_path) for v in accepted] == [("request", "$.maxResults")]
    assert refused == []


def test_an_operation_outside_the_contract_counts_when_served_not_when_404() -> None:
    served = checked("intercom", exchange("GET", "/contacts", 200, answer={}))
    assert [(v.operation, v.direction) for v in served] == [("GET /contacts", "request")]
    assert "sandbox/contracts/operations.py" in served[0].message
    assert checked("intercom", exchange("GET", "/contacts", 404, answer={})) == []


def test_known_departures_excuse_exactly_their_case() -> None:
    holiday = {"id": "12", "type": "holiday", "name": "New Year", "start": "2027-01-01", "end": "2027-01-01",
               "employeeId": None}  # fmt: skip
    assert checked("bamboohr", exchange("GET", "/api/v1/time_off/whos_out", answer=[holiday])) == []
    wrong = {**holiday, "name": 12, "start": None}
    paths = sorted(v.json_path for v in checked("bamboohr", exchange("GET", "/api/v1/time_off/whos_out",
                                                                     answer=[wrong])))  # fmt: skip
    assert paths == ["$[0].name", "$[0].start"]


def test_sheets_requests_are_closed_objects_where_null_means_default() -> None:
    path = "/v4/spreadsheets/abc:batchUpdate"
    good = {"requests": [{"addSheet": {"properties": {"title": "T", "index": None}}}]}
    typo = {"requests": [{"addSheet": {"properties": {"titel": "T"}}}]}
    assert checked("sheets", exchange("POST", path, body=good, answer={"spreadsheetId": "abc"})) == []
    found = checked("sheets", exchange("POST", path, body=typo, answer={"spreadsheetId": "abc"}))
    assert [(v.direction, v.json_path) for v in found] == [("request", "$.requests[0].addSheet.properties")]
    assert "'titel' was unexpected" in found[0].message


def test_sheets_answers_never_carry_null_and_query_parameters_are_checked() -> None:
    get = "/v4/spreadsheets/abc/values:batchGet"
    answer = {"spreadsheetId": "abc", "valueRanges": [{"range": "T!A1", "values": None}]}
    found = checked(
        "sheets", exchange("GET", get, answer=answer, query="ranges=T&ranges=U&majorDimension=ROW")
    )
    assert {(v.direction, v.json_path) for v in found} == {
        ("request", "query.majorDimension"),
        ("response", "$.valueRanges[0].values"),
    }


def test_adf_comment_bodies_are_checked_on_v3_only() -> None:
    bad = {
        "body": {
            "type": "doc",
            "version": 1,
            "content": [{"type": "paragraph", "content": [{"type": "text"}]}],
        }
    }
    answer = {"id": "1", "created": "2026-11-03T09:15:00.000+0000"}
    found = checked("jira", exchange("POST", "/rest/api/3/issue/A-1/comment", 201, bad, answer))
    assert [(v.direction, v.json_path) for v in found] == [("request", "$.body.content[0]")]
    assert found[0].message.startswith("ADF: ")
    wiki = checked("jira", exchange("POST", "/rest/api/2/issue/A-1/comment", 201, {"body": "h1. x"}, answer))
    assert wiki == []


@pytest.fixture
def broken_stand_in() -> Iterator[RunningService]:
    """A Jira look-alike that answers serverInfo with a number where the contract wants a string."""
    app = FastAPI()

    @app.get("/rest/api/3/serverInfo")
    async def info() -> Response:
        return JSONResponse({"baseUrl": 1, "deploymentType": "Cloud"})

    with RunningService(ContractCheck(app, contract_for("jira"))) as service:
        yield service


def test_the_middleware_records_before_the_answer_leaves(broken_stand_in: RunningService) -> None:
    assert requests.get(f"{broken_stand_in.url}/rest/api/3/serverInfo", timeout=30).status_code == 200
    found = RECORDER.take()  # taken here, so the autouse check does not fail this test
    assert [str(v) for v in found] == [
        "jira GET /rest/api/3/serverInfo response (answered 200) at $.baseUrl: 1 is not of type 'string'"
    ]


def test_every_stand_in_route_is_a_listed_operation() -> None:
    from sandbox.bamboohr import BambooState
    from sandbox.bamboohr import create_app as bamboohr_app
    from sandbox.drive import DriveState
    from sandbox.drive import create_app as drive_app
    from sandbox.intercom import IntercomState
    from sandbox.intercom import create_app as intercom_app
    from sandbox.jira import create_app as jira_app
    from sandbox.jira.sample import sample_jira_dataset
    from sandbox.jira.state import JiraState
    from sandbox.sheets import SheetsState
    from sandbox.sheets import create_app as sheets_app

    apps = {
        "jira": jira_app(JiraState.from_dataset(sample_jira_dataset(issues_per_project=1), mode="cloud")),
        "bamboohr": bamboohr_app(BambooState([], [], [], [], date(2026, 12, 1))),
        "intercom": intercom_app(IntercomState.from_dataset({})),
        "sheets": sheets_app(SheetsState()),
        "drive": drive_app(DriveState()),
    }
    for api, app in apps.items():
        contract = contract_for(api)
        for route in app.routes:
            for method in sorted(getattr(route, "methods", None) or ()):
                if method == "HEAD" or route.path.startswith(("/docs", "/openapi", "/redoc")):
                    continue
                path = _example_path(route.path)
                assert contract.operation_of(exchange(method, path)), f"{api}: {method} {route.path}"
    assert len({op.name for op in OPERATIONS}) == len(OPERATIONS)


def _example_path(template: str) -> str:
    """A concrete path for a FastAPI route template (`{version}` as 3, other parameters as `x1`)."""
    return (
        template.replace("{version}", "3")
        .replace("{a1_range:path}", "T!A1")
        .replace("{", "")
        .replace("}", "")
    )


def test_the_coverage_table_has_a_row_per_operation_with_its_flows() -> None:
    from pathlib import Path

    page = (Path(__file__).parents[1] / "docs" / "api-coverage.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(" `"): line for line in page.splitlines() if line.startswith("| `")}
    for op in OPERATIONS:
        row = rows.get(op.name)
        assert row is not None, f"docs/api-coverage.md lacks {op.name}"
        used = row.split("|")[2]
        assert all(flow in used for flow in op.flows) and ("stand-in only" in used) == (not op.flows), op.name
