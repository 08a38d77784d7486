"""Property-based conformance: schemathesis generates requests from each pinned contract, for every
operation opsheets uses, and sends them to the stand-in.

Every answer must be a non-5xx, and (through the strict wire check every test runs under) match the
contract. Requests are generated valid (positive mode): the stand-ins, like the services, ignore
parameters they have no use for, so invalid-input generation would report that, not drift. Path ids
are pointed at seeded records (an issue, a conversation, a spreadsheet) so more than the 404 path is
reached. Examples per operation: OPSHEETS_CONTRACT_EXAMPLES (2 in `make test`, more in
`make contracts`); derandomized, so a run is repeatable.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from sandbox.bamboohr import start_bamboohr_sandbox
from sandbox.contracts.discovery import as_openapi
from sandbox.contracts.openapi import load_cut
from sandbox.core import RunningService
from sandbox.demo_org import generate
from sandbox.intercom import start_intercom_sandbox
from sandbox.jira import start_jira_sandbox
from sandbox.sheets import start_sheets_sandbox

pytestmark = pytest.mark.contracts

EXAMPLES = int(os.environ.get("OPSHEETS_CONTRACT_EXAMPLES", "2"))
CONFIG = {
    "generation": {"mode": "positive"},
    "phases": {phase: {"enabled": False} for phase in ("examples", "coverage", "stateful")},
}
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)
DATASET = generate(people=12, teams=3, issues=12, ledger_rows=4, conversations=4, today=date(2026, 12, 1))
JIRA_AUTH = ("fuzz@example.com", "fuzz-token")


def schema_of(document: dict[str, Any]) -> Any:
    return schemathesis.openapi.from_dict(document, config=SchemathesisConfig.from_dict(CONFIG))


JIRA = schema_of(load_cut("jira"))
BAMBOOHR = schema_of(load_cut("bamboohr"))
INTERCOM = schema_of(load_cut("intercom"))
SHEETS = schema_of(as_openapi("sheets"))


@pytest.fixture(scope="module")
def jira() -> Iterator[RunningService]:
    service, _ = start_jira_sandbox(DATASET, "cloud", email=JIRA_AUTH[0], token=JIRA_AUTH[1])
    with service:
        yield service


@pytest.fixture(scope="module")
def bamboohr() -> Iterator[RunningService]:
    service, _ = start_bamboohr_sandbox(DATASET, api_key="fuzz-key")
    with service:
        yield service


@pytest.fixture(scope="module")
def intercom() -> Iterator[RunningService]:
    service, _ = start_intercom_sandbox(DATASET, token="fuzz-token")
    with service:
        yield service


@pytest.fixture(scope="module")
def sheets() -> Iterator[tuple[RunningService, str]]:
    service, state = start_sheets_sandbox()
    with service:
        yield service, state.create_spreadsheet("Fuzz", {"T": [["Key", "Hours"], ["A-1", 3]], "U": []})


def answered(case: Any, url: str, **kw: Any) -> int:
    # schemathesis may send `?expand=`; OpenAPI 3.0 forbids empty query values unless allowEmptyValue
    # says otherwise, and the wire check holds to that: such a request is the generator's, not drift.
    case.query = {k: v for k, v in (case.query or {}).items() if v != ""} or None
    status = case.call(base_url=url, timeout=60, **kw).status_code
    assert status < 500, f"{case.method} {case.formatted_path}: {status}"
    return status


@JIRA.parametrize()
@BOUNDED
def test_jira_stand_in_conforms(case: Any, jira: RunningService) -> None:
    issue = DATASET["jira"]["issues"][0]["key"]
    if "issueIdOrKey" in (case.path_parameters or {}):
        case.path_parameters["issueIdOrKey"] = issue
    answered(case, jira.url, auth=JIRA_AUTH)


@BAMBOOHR.parametrize()
@BOUNDED
def test_bamboohr_stand_in_conforms(case: Any, bamboohr: RunningService) -> None:
    if "table" in (case.path_parameters or {}):
        case.path_parameters.update(id="all", table="employmentStatus")
    answered(case, bamboohr.url, auth=("fuzz-key", "x"))


@INTERCOM.parametrize()
@BOUNDED
def test_intercom_stand_in_conforms(case: Any, intercom: RunningService) -> None:
    if "conversation_id" in (case.path_parameters or {}):
        case.path_parameters["conversation_id"] = str(DATASET["intercom"]["conversations"][0]["id"])
    headers = {"Authorization": "Bearer fuzz-token", "Intercom-Version": "2.14"}
    answered(case, intercom.url, headers={**(case.headers or {}), **headers})


@SHEETS.parametrize()
@BOUNDED
def test_sheets_stand_in_conforms(case: Any, sheets: tuple[RunningService, str]) -> None:
    service, key = sheets
    case.path_parameters["spreadsheetId"] = key
    if "range" in case.path_parameters:
        case.path_parameters["range"] = "T!A1:B2"
    answered(case, service.url, headers={"Authorization": "Bearer fuzz-user"})
