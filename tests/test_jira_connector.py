"""The Jira connector against the stand-in, in both deployment modes."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

import connectors.http as http
from connectors.http import AuthError, FatalAPIError
from connectors.jira import JiraConnector, jql_per_project, open_assigned_jql
from connectors.jira_parse import SYSTEM_FIELDS
from sandbox.core import Knobs, LoggedRequest, RunningService
from sandbox.jira import JiraState, start_jira_sandbox
from sandbox.jira.jql import key_sort
from sandbox.jira.sample import sample_jira_dataset

DATASET = sample_jira_dataset(issues_per_project=30)
PROJECTS = ["PLAT", "APP"]
OPEN_ASSIGNED = sorted(
    i["key"] for i in DATASET["jira"]["issues"] if i["assignee"] and i["statusCategory"] != "done"
)
Sandbox = tuple[RunningService, JiraState]


@pytest.fixture(autouse=True)
def recorded_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retry waits are recorded instead of slept, so the suite stays fast and the waits can be checked."""
    sleeps: list[float] = []
    monkeypatch.setattr(http, "sleep", sleeps.append)
    http.reset_request_counts()  # `logged` compares against them; ports get reused between tests
    return sleeps


@pytest.fixture
def cloud() -> Iterator[Sandbox]:
    service, state = start_jira_sandbox(DATASET, "cloud")
    with service:
        yield service, state


@pytest.fixture
def dc() -> Iterator[Sandbox]:
    service, state = start_jira_sandbox(DATASET, "datacenter", token="dc-pat-secret")
    with service:
        yield service, state


def cloud_connector(sandbox: Sandbox, **options: Any) -> JiraConnector:
    service, state = sandbox
    return JiraConnector(service.url, email=state.email, api_token=state.token, **options)


def dc_connector(sandbox: Sandbox, **options: Any) -> JiraConnector:
    service, state = sandbox
    return JiraConnector(service.url, pat=state.token, **options)


def logged(service: RunningService) -> list[LoggedRequest]:
    """Every answered request: the stand-in logs a request before its answer leaves."""
    return service.log.entries


def search_bodies(service: RunningService, path: str) -> list[dict[str, Any]]:
    return [e.body for e in logged(service) if e.path == path and e.method == "POST"]


def test_cloud_pages_enhanced_search_by_token_never_old_search(cloud: Sandbox) -> None:
    service, _ = cloud
    issues = cloud_connector(cloud, page_size=10).search_issues(open_assigned_jql(PROJECTS))
    assert [i.key for i in issues] == sorted(OPEN_ASSIGNED, key=key_sort)  # ORDER BY key, across pages
    bodies = search_bodies(service, "/rest/api/3/search/jql")
    assert len(bodies) == -(-len(OPEN_ASSIGNED) // 10)
    assert "nextPageToken" not in bodies[0] and all(b["nextPageToken"] for b in bodies[1:])
    assert service.log.count(None, "/search") == len(bodies)  # nothing went to /rest/api/3/search
    assert all(e.path != "/rest/api/3/search" for e in logged(service))


def test_dc_pages_search_by_start_at(dc: Sandbox) -> None:
    service, _ = dc
    issues = dc_connector(dc, page_size=10).search_issues(open_assigned_jql(PROJECTS))
    assert sorted(i.key for i in issues) == OPEN_ASSIGNED and len(issues) == len(OPEN_ASSIGNED)
    bodies = search_bodies(service, "/rest/api/2/search")
    assert [b["startAt"] for b in bodies] == list(range(0, len(OPEN_ASSIGNED), 10))
    assert not any(e.path.startswith("/rest/api/3") for e in logged(service))


def test_429_on_third_search_page_is_recovered_without_loss(
    cloud: Sandbox, recorded_sleeps: list[float]
) -> None:
    service, state = cloud
    connector = cloud_connector(cloud, page_size=5)
    connector.custom_fields  # noqa: B018 - discovery first, so the fault lands on a search page
    state.fail_search_request(3, status=429, retry_after_s=1)
    issues = connector.search_issues(open_assigned_jql(PROJECTS))
    keys = [i.key for i in issues]
    assert sorted(keys) == OPEN_ASSIGNED and len(keys) == len(set(keys))
    statuses = [e.status for e in logged(service) if e.path.endswith("/search/jql")]
    assert statuses[:4] == [200, 200, 429, 200] and statuses.count(429) == 1
    assert any(wait >= 1 for wait in recorded_sleeps)


def test_all_45_worklogs_and_no_worklog_request_for_20_or_fewer(cloud: Sandbox) -> None:
    service, state = cloud
    state.worklog_page_cap = 10  # the 45 then take five pages
    issues = {i.key: i for i in cloud_connector(cloud).search_issues("key in (PLAT-1, PLAT-2, APP-1)")}
    assert [len(issues[k].worklogs) for k in ("PLAT-1", "PLAT-2", "APP-1")] == [45, 20, 3]
    assert len({w.started for w in issues["PLAT-1"].worklogs}) == 45
    worklog_paths = [e.path for e in logged(service) if e.path.endswith("/worklog")]
    assert worklog_paths == ["/rest/api/3/issue/PLAT-1/worklog"] * 5


def test_worklogs_since_asks_with_started_after_and_filters_embedded(cloud: Sandbox) -> None:
    service, _ = cloud
    since = datetime(2026, 10, 20, 9, tzinfo=UTC)
    issues = {
        i.key: i for i in cloud_connector(cloud).search_issues("key in (PLAT-1, APP-1)", worklogs_since=since)
    }
    assert len(issues["PLAT-1"].worklogs) == 45 - 19 and not issues["APP-1"].worklogs
    assert all(w.started >= since for w in issues["PLAT-1"].worklogs)
    (query,) = [e.query for e in logged(service) if e.path.endswith("/worklog")]
    assert f"startedAfter={int(since.timestamp() * 1000) - 1}" in query


def test_requests_only_the_needed_fields(cloud: Sandbox) -> None:
    service, state = cloud
    cloud_connector(cloud).search_issues("project = APP")
    (body,) = search_bodies(service, "/rest/api/3/search/jql")
    assert body["fields"] == [*SYSTEM_FIELDS, state.sprint_field_id, state.start_date_field_id]
    assert not any(f.startswith("*") for f in body["fields"])


def test_custom_fields_are_discovered_once_per_run() -> None:
    service, state = start_jira_sandbox(DATASET, "cloud", sprint_field_id="customfield_12345",
                                        start_date_field_id="customfield_15555")  # fmt: skip
    with service:
        connector = cloud_connector((service, state))
        for _ in range(2):
            issues = {i.key: i for i in connector.search_issues("key in (PLAT-1, PLAT-4)")}
        assert service.log.count("GET", "/field") == 1
    assert connector.custom_fields.sprint == "customfield_12345"
    assert [s.name for s in issues["PLAT-1"].sprints] == ["PLAT Sprint 42", "PLAT Sprint 43"]
    assert issues["PLAT-1"].sprints[0].start == date(2026, 11, 23) and issues["PLAT-1"].start == date(
        2026, 11, 30
    )
    assert issues["PLAT-4"].start == date(2026, 11, 30) and issues["PLAT-4"].sprints == ()


def test_field_and_hours_overrides_skip_their_requests(cloud: Sandbox) -> None:
    service, state = cloud
    connector = cloud_connector(cloud, hours_per_day=6.0, sprint_field=state.sprint_field_id,
                                start_date_field=state.start_date_field_id)  # fmt: skip
    connector.search_issues("project = APP")
    assert connector.hours_per_day() == 6.0
    assert service.log.count("GET", "/field") == 0 and service.log.count("GET", "/configuration") == 0
    assert cloud_connector(cloud).hours_per_day() == 7.5


def test_issue_fields_parsed_and_hidden_email_is_none(cloud: Sandbox, dc: Sandbox) -> None:
    cloud_issues = {i.key: i for i in cloud_connector(cloud).search_issues("key in (PLAT-1, PLAT-2)")}
    dc_issues = {i.key: i for i in dc_connector(dc).search_issues("key in (PLAT-1, PLAT-2)")}
    plat1, plat2 = cloud_issues["PLAT-1"], cloud_issues["PLAT-2"]
    assert (plat1.assignee_account_id, plat1.assignee_email) == ("acc-ben", "ben@example.com")
    assert (plat2.assignee_account_id, plat2.assignee_name, plat2.assignee_email) == (
        "acc-hidden", "Hidden Person", None)  # fmt: skip
    assert (plat1.original_seconds, plat1.remaining_seconds, plat1.spent_seconds) == (28800, 3600, 1800)
    assert plat1.due == date(2026, 12, 2) and plat1.fix_version_dates == (date(2026, 12, 15),)
    assert plat1.status == "In Progress" and plat1.project == "PLAT"
    assert dc_issues["PLAT-1"].assignee_account_id == "ben" and dc_issues["PLAT-2"].assignee_email is None
    assert dc_issues["PLAT-1"].sprints == plat1.sprints


def test_implausible_estimates_are_missing_with_a_warning() -> None:
    dataset = copy.deepcopy(DATASET)
    app4 = next(i for i in dataset["jira"]["issues"] if i["key"] == "APP-4")
    app4["timeoriginalestimate"] = 11 * 365 * 24 * 3600
    service, state = start_jira_sandbox(dataset, "cloud")
    with service:
        issues = {
            i.key: i for i in cloud_connector((service, state)).search_issues("key in (APP-2, APP-4, APP-1)")
        }
    assert (
        issues["APP-2"].remaining_seconds is None
        and "remaining estimate of -3600 s" in issues["APP-2"].warnings[0]
    )
    assert issues["APP-4"].original_seconds is None and "original estimate" in issues["APP-4"].warnings[0]
    assert issues["APP-1"].warnings == ()


def test_parallel_chains_return_the_same_issues(cloud: Sandbox) -> None:
    service, _ = cloud
    connector = cloud_connector(cloud, page_size=5)
    chained = connector.search_issues(jql_per_project(PROJECTS), max_parallel_chains=2)
    assert sorted(i.key for i in chained) == OPEN_ASSIGNED and len(chained) == len(OPEN_ASSIGNED)
    jqls = {b["jql"] for b in search_bodies(service, "/rest/api/3/search/jql")}
    assert jqls == set(jql_per_project(PROJECTS))
    seen = {u.account_id: u for u in connector.seen_users()}
    assert seen["acc-hidden"].email is None and seen["acc-ana"].name == "Ana Lopez"


def test_random_faults_lose_and_duplicate_nothing() -> None:
    service, state = start_jira_sandbox(
        DATASET,
        "cloud",
        Knobs(fault_rates={"429": 0.15, "503": 0.1, "reset": 0.05, "truncate": 0.05}, seed=3),
    )
    with service:
        issues = cloud_connector((service, state), page_size=5).search_issues(
            jql_per_project(PROJECTS), max_parallel_chains=2
        )
        faults = [e.fault for e in logged(service) if e.fault]
    assert sorted(i.key for i in issues) == OPEN_ASSIGNED and len(issues) == len(OPEN_ASSIGNED)
    assert len(faults) >= 2


def test_401_names_the_credentials_to_fix(cloud: Sandbox, dc: Sandbox) -> None:
    cloud_service, state = cloud
    with pytest.raises(AuthError) as cloud_error:
        JiraConnector(cloud_service.url, email=state.email, api_token="wrong-token-xyz").search_issues(
            "project = APP"
        )
    assert "401" in str(cloud_error.value) and "check jira.email and the API token" in str(cloud_error.value)
    assert "JIRA_API_TOKEN" in str(cloud_error.value) and "wrong-token-xyz" not in str(cloud_error.value)
    with pytest.raises(AuthError, match=r"check the personal access token in jira\.token"):
        JiraConnector(dc[0].url, pat="bad-pat").search_issues("project = APP")
    with pytest.raises(AuthError, match=r"does not accept a personal access token: set jira\.email"):
        JiraConnector(cloud_service.url, pat="a-pat").search_issues("project = APP")


def test_bad_jql_names_the_query(cloud: Sandbox) -> None:
    with pytest.raises(FatalAPIError, match="project = PLAT OR summary") as raised:
        cloud_connector(cloud).search_issues('project = PLAT OR summary ~ "login"')
    assert raised.value.status == 400


def test_pinned_headers_and_myself(cloud: Sandbox) -> None:
    connector = cloud_connector(cloud)
    assert connector.client.session.headers["Accept-Language"] == "en"
    assert connector.myself().email == cloud[1].email
