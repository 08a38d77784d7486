"""The Jira stand-in's project lookup and JQL parse answer as Atlassian's v3 document says.

`POST /rest/api/3/jql/parse` (Cloud only): `{"queries": [...]}` in, one ParsedJqlQuery per query out,
in order; a malformed query has `errors`, a value that does not exist `warnings` (the document's own
example: `project = INVALID`); `strict` gives no structure for either. `GET /project/{key}`: the project,
or 404 with Jira's error collection.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from sandbox.core import RunningService
from sandbox.jira import JiraState, start_jira_sandbox
from sandbox.jira.sample import sample_jira_dataset

DATASET = sample_jira_dataset(issues_per_project=3)  # projects PLAT and APP
NO_SUCH_PROJECT = "The value 'INVALID' does not exist for the field 'project'."
QUERIES = ["project = PLAT ORDER BY key", "project = INVALID", "project = PLAT AND", "key in (PLAT-1)"]


@pytest.fixture(scope="module")
def cloud() -> Iterator[tuple[RunningService, JiraState]]:
    service, state = start_jira_sandbox(DATASET, "cloud")
    with service:
        yield service, state


@pytest.fixture(scope="module")
def dc() -> Iterator[tuple[RunningService, JiraState]]:
    service, state = start_jira_sandbox(DATASET, "datacenter", token="pat-123")
    with service:
        yield service, state


def parse(
    cloud: tuple[RunningService, JiraState], body: object, validation: str = "strict"
) -> requests.Response:
    service, state = cloud
    return requests.post(f"{service.url}/rest/api/3/jql/parse", params={"validation": validation}, json=body,
                         auth=(state.email, state.token), timeout=10)  # fmt: skip


@pytest.mark.parametrize(
    ("validation", "invalid_value"),
    [
        ("strict", {"query": "project = INVALID", "warnings": [NO_SUCH_PROJECT]}),
        ("warn", {"query": "project = INVALID", "warnings": [NO_SUCH_PROJECT], "structure": {}}),
        ("none", {"query": "project = INVALID", "structure": {}}),
    ],
)  # fmt: skip
def test_parse_answers_each_query_in_order(
    cloud: tuple[RunningService, JiraState], validation: str, invalid_value: dict
) -> None:
    response = parse(cloud, {"queries": QUERIES}, validation)
    assert response.status_code == 200
    good, invalid, malformed, by_key = response.json()["queries"]
    assert good == {"query": QUERIES[0], "structure": {}} and by_key == {"query": QUERIES[3], "structure": {}}
    assert invalid == invalid_value
    assert malformed["query"] == "project = PLAT AND" and "structure" not in malformed
    assert malformed["errors"] and malformed["errors"][0].startswith("Error in the JQL Query")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"queries": []},
        {"queries": [""]},
        {"queries": "project = PLAT"},
        {"queries": ["x = 1"], "jql": "x"},
        [],
    ],
)
def test_parse_refuses_a_body_the_document_does_not_allow(
    cloud: tuple[RunningService, JiraState], body: object
) -> None:
    response = parse(cloud, body)
    assert response.status_code == 400 and response.json()["errorMessages"]


def test_parse_refuses_an_unknown_validation_mode_and_needs_credentials(
    cloud: tuple[RunningService, JiraState],
) -> None:
    assert parse(cloud, {"queries": QUERIES}, "lenient").status_code == 400
    service, _ = cloud
    anonymous = requests.post(f"{service.url}/rest/api/3/jql/parse", json={"queries": QUERIES}, timeout=10)
    assert anonymous.status_code == 401


def test_data_center_has_no_parse_endpoint(dc: tuple[RunningService, JiraState]) -> None:
    service, state = dc
    response = requests.post(f"{service.url}/rest/api/2/jql/parse", json={"queries": QUERIES},
                             headers={"Authorization": f"Bearer {state.token}"}, timeout=10)  # fmt: skip
    assert response.status_code == 404


def test_project_by_key_or_id_and_404_for_an_unknown_one(
    cloud: tuple[RunningService, JiraState], dc: tuple[RunningService, JiraState]
) -> None:
    service, state = cloud
    session = requests.Session()
    session.auth = (state.email, state.token)
    project = session.get(f"{service.url}/rest/api/3/project/PLAT", timeout=10).json()
    assert (project["key"], project["self"]) == ("PLAT", f"{service.url}/rest/api/3/project/PLAT")
    assert (
        session.get(f"{service.url}/rest/api/3/project/{project['id']}", timeout=10).json()["key"] == "PLAT"
    )
    missing = session.get(f"{service.url}/rest/api/3/project/PLTA", timeout=10)
    assert missing.status_code == 404
    assert missing.json() == {"errorMessages": ["No project could be found with key 'PLTA'."], "errors": {}}
    assert (
        session.get(f"{service.url}/rest/api/3/project/plat", timeout=10).status_code == 404
    )  # case-sensitive
    dc_service, dc_state = dc
    headers = {"Authorization": f"Bearer {dc_state.token}"}
    assert (
        requests.get(f"{dc_service.url}/rest/api/2/project/APP", headers=headers, timeout=10).json()["key"]
        == "APP"
    )
