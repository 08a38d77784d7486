"""Bad-input catalogue, sources: wrong credentials for every system, a spreadsheet not shared with
the service account, odd Jira issues and BambooHR records. Each message is checked in full."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from connectors.bamboohr import BambooHRClient, FeatureDisabledError
from connectors.errors import AuthError
from connectors.http import RetryPolicy
from connectors.intercom import IntercomConnector
from connectors.jira import JiraConnector
from connectors.sheets import SheetAccessDenied, open_google
from connectors.sheets.google import SHEETS_URL
from flows.availability import site_warnings
from sandbox.bamboohr import start_bamboohr_sandbox
from sandbox.intercom import start_intercom_sandbox
from sandbox.jira import app as jira_app
from sandbox.jira import start_jira_sandbox
from sandbox.sheets import start_sheets_sandbox
from tests.reliability.scenario import small_dataset
from tests.sheets_fixtures import ACCOUNT, SandboxCredentials

WRONG = "tok-wrong-5f2a9c77"  # realistic: a short word would be masked wherever it appears
SERVER_SAID = " (server said: "
FAST = RetryPolicy(max_attempts=2, backoff_base_s=0.01, backoff_cap_s=0.05)
JIRA_401 = (
    "Jira: 401 Unauthorized on GET /rest/api/3/myself — check jira.email and the API token in jira.token "
    "(JIRA_API_TOKEN by default): the token must belong to that email's Atlassian account and not be "
    "revoked (create one at https://id.atlassian.com/manage-profile/security/api-tokens)"
)


@pytest.fixture(scope="module")
def dataset() -> dict[str, Any]:
    return small_dataset()


# --- credentials ---------------------------------------------------------------------------------
def test_jira_wrong_token(dataset: dict[str, Any]) -> None:
    with start_jira_sandbox(dataset, email="bot@example.com", token="right")[0] as service:
        jira = JiraConnector(service.url, email="bot@example.com", api_token=WRONG, policy=FAST)
        with pytest.raises(AuthError) as caught:
            jira.myself()
    assert str(caught.value).split(SERVER_SAID)[0] == JIRA_401
    assert str(caught.value).endswith(")")


def test_bamboohr_wrong_key(dataset: dict[str, Any]) -> None:
    with start_bamboohr_sandbox(dataset, api_key="right")[0] as service:
        client = BambooHRClient("demo", WRONG, base_url=service.url, policy=FAST)
        with pytest.raises(AuthError) as caught:
            client.employees()
    assert str(caught.value) == (
        "BambooHR: 401 Unauthorized on POST /api/v1/reports/custom — check the API key in "
        "bamboohr.api_key (BAMBOOHR_API_KEY by default) and bamboohr.company"
    )


def test_intercom_wrong_token(dataset: dict[str, Any]) -> None:
    with start_intercom_sandbox(dataset, token="right")[0] as service:
        intercom = IntercomConnector(WRONG, base_url=service.url, policy=FAST)
        with pytest.raises(AuthError) as caught:
            intercom.admin_id()
    assert str(caught.value).split(SERVER_SAID)[0] == (
        "Intercom: 401 Unauthorized on GET /me — check INTERCOM_ACCESS_TOKEN: the access token is wrong or "
        "was revoked (Developer Hub → your app → Authentication)"
    )


@pytest.fixture
def sheets() -> Iterator[Any]:
    service, state = start_sheets_sandbox()
    with service:
        yield service, state


def test_google_spreadsheet_not_shared(sheets: Any) -> None:
    service, state = sheets
    key = state.create_spreadsheet("Platform event budget")
    state.deny(key)
    sheet = open_google(
        key, credentials=SandboxCredentials(token="t"), policy=FAST, rewrite={SHEETS_URL: service.url}
    )
    with pytest.raises(SheetAccessDenied) as caught:
        sheet.read_rows("Budget")
    assert str(caught.value) == (
        f"Google Sheets: spreadsheet '{key}': access denied. Fix: share it with {ACCOUNT} as Editor"
    )


# --- Jira data -----------------------------------------------------------------------------------
def jira_with(dataset: dict[str, Any], **changes: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(dataset)
    issues = data["jira"]["issues"]
    for index, (key, fields) in enumerate(changes.items()):
        issues[index].update(fields, key=key.replace("_", "-"))
    return data


def search(data: dict[str, Any]) -> dict[str, Any]:
    with start_jira_sandbox(data, email="bot@example.com", token="t")[0] as service:
        jira = JiraConnector(service.url, email="bot@example.com", api_token="t", policy=FAST)
        projects = ", ".join(p["key"] for p in data["jira"]["projects"])
        return {i.key: i for i in jira.search_issues(f"project in ({projects}) ORDER BY key")}


def test_jira_negative_and_absurd_estimates_are_warnings(dataset: dict[str, Any]) -> None:
    data = jira_with(
        dataset,
        NEG_1={"timeoriginalestimate": -3600, "timeestimate": None, "timespent": 0},
        HUGE_2={"timeoriginalestimate": 3600, "timeestimate": 400_000_000, "timespent": None},
    )
    for issue in data["jira"]["issues"][:2]:
        issue["project"] = data["jira"]["projects"][0]["key"]
    issues = search(data)
    negative, huge = issues["NEG-1"], issues["HUGE-2"]
    assert negative.warnings == (
        "original estimate of -3600 s is implausible (negative or over 10 years); treated as missing",
    )
    assert (negative.original_seconds, negative.remaining_seconds) == (None, None)
    assert huge.warnings == (
        "remaining estimate of 400000000 s is implausible (negative or over 10 years); treated as missing",
    )
    assert (huge.original_seconds, huge.remaining_seconds) == (3600, None)


def test_jira_missing_assignee_is_unassigned(dataset: dict[str, Any]) -> None:
    data = copy.deepcopy(dataset)
    data["jira"]["issues"][0]["assignee"] = None
    key = data["jira"]["issues"][0]["key"]
    issue = search(data)[key]
    assert (issue.assignee_account_id, issue.assignee_name, issue.warnings) == (None, None, ())


def test_jira_site_without_sprint_field(dataset: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """No gh-sprint field on the site: found as None, issues still parse, their sprints are empty."""
    original = jira_app.field_list
    monkeypatch.setattr(
        jira_app,
        "field_list",
        lambda state: [f for f in original(state) if "gh-sprint" not in str(f.get("schema"))],
    )
    data = copy.deepcopy(dataset)
    assert any(i["sprint_ids"] for i in data["jira"]["issues"])
    with start_jira_sandbox(data, email="bot@example.com", token="t")[0] as service:
        jira = JiraConnector(service.url, email="bot@example.com", api_token="t", policy=FAST)
        assert jira.custom_fields.sprint is None
        projects = ", ".join(p["key"] for p in data["jira"]["projects"])
        issues = jira.search_issues(f"project in ({projects}) ORDER BY key")
        warnings = site_warnings(jira)
    assert issues and all(i.sprints == () for i in issues)
    assert warnings == [
        "Jira: no Sprint field on this site (no field of type com.pyxis.greenhopper.jira:gh-sprint in "
        "the field list), so sprint dates are not used for allocation; set jira.sprint_field if it has one"
    ]


# --- BambooHR data -------------------------------------------------------------------------------
def bamboo(data: dict[str, Any], **switches: Any) -> tuple[Any, BambooHRClient]:
    service, state = start_bamboohr_sandbox(data, api_key="k")
    for name, value in switches.items():
        setattr(state, name, value)
    return service, BambooHRClient("demo", "k", base_url=service.url, policy=FAST)


def test_bamboohr_zero_date_is_no_date(dataset: dict[str, Any]) -> None:
    data = copy.deepcopy(dataset)
    data["bamboohr"]["employees"][0].update(terminationDate="0000-00-00", hireDate="2020-01-06")
    service, client = bamboo(data)
    with service:
        first = client.employees()[0]
    assert (first.hire_date, first.termination_date) == (date(2020, 1, 6), None)


def test_bamboohr_missing_team_is_no_team(dataset: dict[str, Any]) -> None:
    data = copy.deepcopy(dataset)
    data["bamboohr"]["employees"][0]["department"] = ""
    service, client = bamboo(data)
    with service:
        assert client.employees()[0].team is None


def test_bamboohr_whos_out_disabled(dataset: dict[str, Any]) -> None:
    service, client = bamboo(dataset, whos_out_enabled=False)
    with service, pytest.raises(FeatureDisabledError) as caught:
        client.company_holidays(date(2026, 11, 1), date(2026, 12, 31))
    assert str(caught.value) == (
        "BambooHR: Who's Out (company holidays) is not enabled for this API key/company (403 on "
        "/api/v1/time_off/whos_out): ask a BambooHR admin to enable Time Off / Who's Out or give the key "
        "access"
    )
