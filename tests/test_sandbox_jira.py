"""The Jira stand-in behaves like Jira Cloud / Data Center on the endpoints the connector uses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from sandbox.core import RunningService
from sandbox.jira import JiraState, start_jira_sandbox
from sandbox.jira.jql import JqlError, parse
from sandbox.jira.sample import sample_jira_dataset

DATASET = sample_jira_dataset(issues_per_project=30)
ALL_OPEN = "project in (PLAT, APP) AND statusCategory != Done ORDER BY key"


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


def cloud_session(state: JiraState) -> requests.Session:
    session = requests.Session()
    session.auth = (state.email, state.token)
    return session


def dc_session(state: JiraState) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {state.token}"
    return session


def search_jql(service: RunningService, state: JiraState, body: dict[str, Any]) -> dict[str, Any]:
    response = cloud_session(state).post(f"{service.url}/rest/api/3/search/jql", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_cloud_pages_by_opaque_token_without_total(cloud: tuple[RunningService, JiraState]) -> None:
    service, state = cloud
    body: dict[str, Any] = {"jql": ALL_OPEN, "fields": ["summary"], "maxResults": 15}
    keys, pages = [], []
    while True:
        page = search_jql(service, state, body)
        pages.append(page)
        keys += [issue["key"] for issue in page["issues"]]
        if page["isLast"]:
            break
        body["nextPageToken"] = page["nextPageToken"]
    expected = [i["key"] for i in state.issues if i["statusCategory"] != "done"]
    assert sorted(keys) == sorted(expected) and len(keys) == len(set(keys))
    assert all("total" not in p and "startAt" not in p for p in pages)
    assert "nextPageToken" not in pages[-1] and all(not p["isLast"] for p in pages[:-1])
    assert [len(p["issues"]) for p in pages[:-1]] == [15] * (len(pages) - 1)


def test_cloud_get_search_reads_repeated_and_comma_fields(cloud: tuple[RunningService, JiraState]) -> None:
    service, state = cloud
    response = cloud_session(state).get(
        f"{service.url}/rest/api/3/search/jql",
        params={"jql": "key in (PLAT-1, APP-4)", "fields": ["summary,status", "duedate"]},
    )
    issues = response.json()["issues"]
    assert {i["key"] for i in issues} == {"PLAT-1", "APP-4"}
    assert all(set(i["fields"]) == {"summary", "status", "duedate"} for i in issues)


def test_cloud_page_cap_depends_on_fields() -> None:
    big = sample_jira_dataset(issues_per_project=120)
    service2, state2 = start_jira_sandbox(big, "cloud")
    with service2:
        wide = search_jql(
            service2, state2, {"jql": "project in (PLAT, APP)", "fields": ["summary"], "maxResults": 500}
        )
        narrow = search_jql(
            service2, state2, {"jql": "project in (PLAT, APP)", "fields": ["key"], "maxResults": 500}
        )
        default = search_jql(service2, state2, {"jql": "project in (PLAT, APP)"})
    assert len(wide["issues"]) == 100 and not wide["isLast"]
    assert len(narrow["issues"]) == 240 and narrow["isLast"]
    assert len(default["issues"]) == 50 and default["issues"][0].keys() == {"id"}


def test_unsupported_jql_is_a_400_with_jira_body(cloud: tuple[RunningService, JiraState]) -> None:
    service, state = cloud
    response = cloud_session(state).post(
        f"{service.url}/rest/api/3/search/jql", json={"jql": 'project = PLAT OR summary ~ "login"'}
    )
    assert response.status_code == 400 and response.json()["errors"] == {}
    assert """'summary ~ "login"'""" in response.json()["errorMessages"][0]


def test_search_bodies_refuse_unknown_properties(cloud: tuple[RunningService, JiraState]) -> None:
    service, state = cloud
    response = cloud_session(state).post(
        f"{service.url}/rest/api/3/search/jql", json={"jql": "project = APP", "startAt": 50}
    )
    assert response.status_code == 400 and '"startAt"' in response.json()["errorMessages"][0]


def test_cloud_old_search_is_gone(cloud: tuple[RunningService, JiraState]) -> None:
    service, state = cloud
    for path in ("/rest/api/3/search", "/rest/api/2/search"):
        response = cloud_session(state).get(f"{service.url}{path}", params={"jql": "project = PLAT"})
        assert response.status_code == 410
        assert "/rest/api/3/search/jql" in response.json()["errorMessages"][0]
        assert response.json()["errors"] == {}


def test_cloud_token_bound_to_its_query(cloud: tuple[RunningService, JiraState]) -> None:
    service, state = cloud
    first = search_jql(service, state, {"jql": "project = PLAT", "maxResults": 5})
    response = cloud_session(state).post(
        f"{service.url}/rest/api/3/search/jql",
        json={"jql": "project = APP", "nextPageToken": first["nextPageToken"]},
    )
    assert response.status_code == 400 and "token" in response.json()["errorMessages"][0]


@pytest.mark.parametrize(
    ("mode", "headers"),
    [
        ("cloud", {"Authorization": "Bearer sandbox-jira-token"}),
        ("datacenter", {"Authorization": "Basic eDp5"}),
    ],
)
def test_wrong_credentials_are_401_with_jira_body(mode: str, headers: dict[str, str]) -> None:
    service, _ = start_jira_sandbox(DATASET, mode)  # type: ignore[arg-type]
    with service:
        response = requests.get(f"{service.url}/rest/api/2/myself", headers=headers)
        anonymous = requests.get(f"{service.url}/rest/api/2/serverInfo")
    assert response.status_code == 401
    assert response.json()["errorMessages"] == ["Client must be authenticated to access this resource."]
    assert anonymous.status_code == 200


def test_dc_pages_by_start_at_with_total_and_cap(dc: tuple[RunningService, JiraState]) -> None:
    service, state = dc
    state.dc_page_cap = 7
    try:
        session, keys, start = dc_session(state), [], 0
        while True:
            page = session.post(
                f"{service.url}/rest/api/2/search",
                json={"jql": ALL_OPEN, "startAt": start, "maxResults": 50, "fields": ["summary"]},
            ).json()
            assert page["maxResults"] == 7 and page["startAt"] == start
            keys += [i["key"] for i in page["issues"]]
            start += len(page["issues"])
            if start >= page["total"]:
                break
    finally:
        state.dc_page_cap = 1000
    assert len(keys) == len(set(keys)) == page["total"] == 40
    assert keys == sorted(keys, key=lambda k: (k.split("-")[0], int(k.split("-")[1])))


def test_dc_has_no_v3_and_no_enhanced_search(dc: tuple[RunningService, JiraState]) -> None:
    service, state = dc
    session = dc_session(state)
    assert session.get(f"{service.url}/rest/api/3/serverInfo").status_code == 404
    assert (
        session.get(f"{service.url}/rest/api/2/search/jql", params={"jql": "project = APP"}).status_code
        == 404
    )
    info = session.get(f"{service.url}/rest/api/2/serverInfo").json()
    assert info["deploymentType"] == "Server"


def test_dc_users_carry_name_and_key_not_account_id(dc: tuple[RunningService, JiraState]) -> None:
    service, state = dc
    page = (
        dc_session(state)
        .get(f"{service.url}/rest/api/2/search", params={"jql": "key = PLAT-1", "fields": "assignee"})
        .json()
    )
    assignee = page["issues"][0]["fields"]["assignee"]
    assert (
        assignee["name"] == "ben" and assignee["key"].startswith("JIRAUSER") and "accountId" not in assignee
    )


def test_issue_json_has_only_requested_fields_and_hides_email(
    cloud: tuple[RunningService, JiraState],
) -> None:
    service, state = cloud
    page = search_jql(
        service, state, {"jql": "key in (PLAT-1, PLAT-2)", "fields": ["*all", "-worklog"], "maxResults": 5}
    )
    by_key = {i["key"]: i["fields"] for i in page["issues"]}
    assert "worklog" not in by_key["PLAT-1"] and state.sprint_field_id in by_key["PLAT-1"]
    assert [s["name"] for s in by_key["PLAT-1"][state.sprint_field_id]] == [
        "PLAT Sprint 42",
        "PLAT Sprint 43",
    ]
    assert by_key["PLAT-1"]["fixVersions"][0] == {
        "self": f"{service.url}/rest/api/3/version/10001", "id": "10001", "description": "",
        "name": "2026.12", "archived": False, "released": False, "releaseDate": "2026-12-15",
    }  # fmt: skip
    assert by_key["PLAT-1"]["assignee"]["emailAddress"] == "ben@example.com"
    assert "emailAddress" not in by_key["PLAT-2"]["assignee"]  # acc-hidden
    assert by_key["PLAT-1"]["status"]["statusCategory"]["key"] == "indeterminate"


def test_embedded_worklog_is_truncated_at_20(cloud: tuple[RunningService, JiraState]) -> None:
    service, state = cloud
    page = search_jql(service, state, {"jql": "key in (PLAT-1, APP-1)", "fields": ["worklog"]})
    logs = {i["key"]: i["fields"]["worklog"] for i in page["issues"]}
    assert (logs["PLAT-1"]["total"], logs["PLAT-1"]["maxResults"], len(logs["PLAT-1"]["worklogs"])) == (
        45,
        20,
        20,
    )
    assert (logs["APP-1"]["total"], len(logs["APP-1"]["worklogs"])) == (3, 3)
    assert logs["APP-1"]["worklogs"][0]["author"]["accountId"] == "acc-ana"


def test_worklog_endpoint_pages_and_filters_by_start(cloud: tuple[RunningService, JiraState]) -> None:
    service, state = cloud
    url = f"{service.url}/rest/api/3/issue/PLAT-1/worklog"
    session = cloud_session(state)
    page = session.get(url, params={"startAt": 40, "maxResults": 10}).json()
    assert (page["startAt"], page["total"], len(page["worklogs"])) == (40, 45, 5)
    twentieth_ms = int(
        datetime(2026, 10, 20, 9, tzinfo=UTC).timestamp() * 1000
    )  # worklogs run daily from Oct 1
    after = session.get(url, params={"startedAfter": twentieth_ms - 1}).json()
    assert after["total"] == 45 - 19 and after["worklogs"][0]["started"].startswith("2026-10-20T09:00")
    assert session.get(f"{service.url}/rest/api/3/issue/NOPE-1/worklog").status_code == 404


def test_field_list_and_configuration_and_myself(cloud: tuple[RunningService, JiraState]) -> None:
    service, state = cloud
    session = cloud_session(state)
    fields = session.get(f"{service.url}/rest/api/3/field").json()
    sprint = [f for f in fields if f["schema"].get("custom") == "com.pyxis.greenhopper.jira:gh-sprint"]
    assert [f["id"] for f in sprint] == ["customfield_10020"]
    config = session.get(f"{service.url}/rest/api/3/configuration").json()
    assert config["timeTrackingConfiguration"]["workingHoursPerDay"] == 7.5
    assert session.get(f"{service.url}/rest/api/3/myself").json()["emailAddress"] == state.email


def test_injected_fault_hits_exactly_the_nth_search(cloud: tuple[RunningService, JiraState]) -> None:
    service, state = cloud
    state.fail_search_request(3, status=429, retry_after_s=1)
    session, statuses = cloud_session(state), []
    for _ in range(4):
        response = session.post(f"{service.url}/rest/api/3/search/jql", json={"jql": "project = APP"})
        statuses.append((response.status_code, response.headers.get("Retry-After")))
    assert statuses == [(200, None), (200, None), (429, "1"), (200, None)]


def test_bytes_sent_are_counted_per_route(cloud: tuple[RunningService, JiraState]) -> None:
    service, state = cloud
    before = state.bytes_sent
    response = cloud_session(state).get(f"{service.url}/rest/api/3/field")
    assert state.bytes_sent - before == len(response.content)
    assert state.bytes_by_route["GET /rest/api/3/field"] >= len(response.content)


@pytest.mark.parametrize(
    ("jql", "message"),
    [
        ("project = PLAT OR (project = APP", "Expecting ')'"),
        ("project = PLAT AND OR project = APP", "Expecting a clause"),
        ('worklogDate >= "last week"', "Date value 'last week' for field 'worklogDate' is invalid"),
        ("worklogDate in (2026-01-01)", "'worklogDate in ( 2026-01-01 )'"),
        ("project = PLAT AND sprint in openSprints()", "sprint"),
        ("assignee = currentUser()", "'assignee = currentUser ( )'"),
        ("project = NOPE", "The value 'NOPE' does not exist for the field 'project'."),
        ("project = PLAT ORDER BY priority", "'ORDER BY priority'"),
        ('summary ~ "x"', "'summary ~ \"x\"'"),
    ],
)
def test_unsupported_jql_is_rejected_by_name(jql: str, message: str) -> None:
    with pytest.raises(JqlError) as raised:
        parse(jql, {"PLAT", "APP"})
    assert message in str(raised.value)


def test_jql_subset_selects_and_orders() -> None:
    state = JiraState.from_dataset(DATASET)
    query = parse(
        'project in ("PLAT") AND assignee is not EMPTY AND resolution = Unresolved ORDER BY created DESC',
        {"PLAT", "APP"},
    )
    keys = [i["key"] for i in query.run(state.issues)]
    expected = [
        i["key"]
        for i in reversed(state.issues)
        if i["project"] == "PLAT" and i["assignee"] and i["statusCategory"] != "done"
    ]
    assert keys == expected and keys


def _keys(jql: str, issues: list[dict]) -> list[str]:
    return [i["key"] for i in parse(jql, {"PLAT", "APP"}).run(issues)]


def test_jql_or_not_and_parentheses_combine_as_in_jira() -> None:
    issues = [
        {"key": "PLAT-1", "project": "PLAT", "statusCategory": "done", "assignee": "a", "created": 1},
        {"key": "PLAT-2", "project": "PLAT", "statusCategory": "new", "assignee": None, "created": 2},
        {"key": "PLAT-3", "project": "PLAT", "statusCategory": "new", "assignee": "a", "created": 3},
        {"key": "APP-1", "project": "APP", "statusCategory": "done", "assignee": None, "created": 4},
    ]
    by_key = "ORDER BY key"
    assert _keys(f"project = PLAT AND (statusCategory = Done OR assignee is EMPTY) {by_key}", issues) == [
        "PLAT-1",
        "PLAT-2",
    ]
    # AND binds tighter than OR: this is (PLAT AND done) OR unassigned
    assert _keys(f"project = PLAT AND statusCategory = Done OR assignee is EMPTY {by_key}", issues) == [
        "APP-1",
        "PLAT-1",
        "PLAT-2",
    ]
    assert _keys(f"NOT (assignee is EMPTY OR statusCategory = Done) {by_key}", issues) == ["PLAT-3"]


def test_worklog_date_selects_issues_by_when_work_started() -> None:
    def logged(key: str, *started: str) -> dict:
        return {"key": key, "project": "PLAT", "created": 0,
                "worklogs": [{"started": s, "timeSpentSeconds": 60} for s in started]}  # fmt: skip

    issues = [
        logged("PLAT-1", "2026-10-04T23:59:00.000+0000"),  # the evening before: not on or after the 5th
        logged("PLAT-2", "2026-10-05T00:00:00.000+0000", "2026-09-01T09:00:00.000+0000"),
        logged("PLAT-3", "2026-10-05T01:30:00.000+0200"),  # 23:30 UTC on the 4th
        logged("PLAT-4"),
    ]
    assert _keys('worklogDate >= "2026-10-05" ORDER BY key', issues) == ["PLAT-2"]
    assert _keys("worklogDate >= 2026/10/04 ORDER BY key", issues) == ["PLAT-1", "PLAT-2", "PLAT-3"]
    assert _keys('worklogDate < "2026-10-05" ORDER BY key', issues) == ["PLAT-1", "PLAT-2", "PLAT-3"]
    assert _keys('worklogDate > "2026-10-04 23:59" ORDER BY key', issues) == ["PLAT-2"]
