"""The Jira stand-in's comment visibility and issue security levels, with plain requests, per the v3
spec (Comment.visibility, Visibility, the issue `security` field, SecurityLevel)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sandbox.core import RunningService
from sandbox.jira import JiraState, start_jira_sandbox
from sandbox.jira.sample import sample_jira_dataset

AUTH = ("sandbox-bot@example.com", "sandbox-jira-token")
NEEDS_TYPE = "Visibility needs a type of 'group' or 'role' and a value or identifier."
ROLE = {"type": "role", "value": "Administrators"}
GROUP = {"type": "group", "value": "jira-admins", "identifier": "276f955c-63d7-42c8-9520-92d01dca0625"}


def adf(text: str) -> dict[str, Any]:
    return {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}],
    }


def dataset() -> dict[str, Any]:
    data = copy.deepcopy(sample_jira_dataset(issues_per_project=3))
    open_issue, secured = same_project(data["jira"]["issues"])
    comment = {"author": open_issue["assignee"], "created": "2026-11-02T09:00:00.000+0000"}
    open_issue["comments"] = [
        {**comment, "id": "30001", "body": adf("for everyone")},
        {**comment, "id": "30002", "body": adf("admins only"), "visibility": ROLE},
        {**comment, "id": "30003", "body": adf("group only"), "visibility": GROUP},
    ]
    secured["security"] = "Staff only"
    secured["comments"] = [{**comment, "id": "30004", "body": adf("on a secured issue")}]
    data["jira"]["security_levels"] = [{"id": "10201", "name": "Staff only", "description": "Employees"}]
    return data


def same_project(issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    first = issues[0]
    return [first, next(i for i in issues[1:] if i["project"] == first["project"])]


@pytest.fixture
def site() -> Iterator[tuple[RunningService, JiraState, list[str]]]:
    data = dataset()
    service, state = start_jira_sandbox(data, "cloud")
    with service:
        yield service, state, [i["key"] for i in same_project(data["jira"]["issues"])]


def call(service: RunningService, method: str, path: str, **kw: Any) -> requests.Response:
    return requests.request(method, service.url + path, auth=AUTH, timeout=5, **kw)


def comment_ids(service: RunningService, key: str, version: str = "3") -> list[str]:
    return [
        c["id"] for c in call(service, "GET", f"/rest/api/{version}/issue/{key}/comment").json()["comments"]
    ]


def test_restricted_comments_carry_their_visibility(
    site: tuple[RunningService, JiraState, list[str]],
) -> None:
    service, _, (key, _) = site
    for version in ("3", "2"):
        comments = call(service, "GET", f"/rest/api/{version}/issue/{key}/comment").json()["comments"]
        assert [c.get("visibility") for c in comments] == [None, ROLE, GROUP]


def test_a_caller_outside_the_role_or_group_never_sees_the_comment(
    site: tuple[RunningService, JiraState, list[str]],
) -> None:
    service, state, (key, _) = site
    state.caller_roles, state.caller_groups = frozenset({"Developers"}), frozenset({"jira-admins"})
    assert comment_ids(service, key) == ["30001", "30003"]
    assert call(service, "GET", f"/rest/api/3/issue/{key}/comment/30002").status_code == 404
    assert call(service, "GET", "/rest/api/3/comment/30002/properties").status_code == 404
    state.caller_groups = frozenset()
    page = call(service, "GET", f"/rest/api/3/issue/{key}/comment").json()
    assert [c["id"] for c in page["comments"]] == ["30001"] and page["total"] == 1
    assert (
        call(service, "GET", f"/rest/api/3/issue/{key}", params={"fields": "comment"}).json()["fields"][
            "comment"
        ]["total"]
        == 1
    )


@pytest.mark.parametrize(
    ("visibility", "error"),
    [
        ({"type": "everyone", "value": "x"}, NEEDS_TYPE),
        ({"type": "role"}, NEEDS_TYPE),
        ("Administrators", NEEDS_TYPE),
        ({"type": "role", "value": "Legal"}, "You are currently not a member of the project role: Legal."),
    ],
)
def test_creating_with_a_visibility_jira_would_refuse_is_400(
    site: tuple[RunningService, JiraState, list[str]], visibility: object, error: str
) -> None:
    service, state, (key, _) = site
    state.caller_roles = frozenset({"Administrators"})
    answer = call(
        service, "POST", f"/rest/api/3/issue/{key}/comment", json={"body": adf("x"), "visibility": visibility}
    )
    assert answer.status_code == 400
    assert answer.json() == {"errorMessages": [], "errors": {"commentLevel": error}}


def test_a_comment_created_with_a_visibility_keeps_it(
    site: tuple[RunningService, JiraState, list[str]],
) -> None:
    service, _, (key, _) = site
    created = call(
        service, "POST", f"/rest/api/3/issue/{key}/comment", json={"body": adf("x"), "visibility": ROLE}
    )
    assert created.status_code == 201
    assert created.json()["visibility"] == {**ROLE, "identifier": "Administrators"}


def test_the_security_field_is_the_issues_level_or_null(
    site: tuple[RunningService, JiraState, list[str]],
) -> None:
    service, _, (open_key, secured_key) = site
    level = call(service, "GET", f"/rest/api/3/issue/{secured_key}", params={"fields": "security"}).json()
    assert level["key"] == secured_key and set(level["fields"]) == {"security"}
    assert level["fields"]["security"] == {
        "self": f"{service.url}/rest/api/3/securitylevel/10201",
        "id": "10201",
        "description": "Employees",
        "name": "Staff only",
    }
    plain = call(service, "GET", f"/rest/api/2/issue/{open_key}", params={"fields": "security"}).json()
    assert plain["fields"] == {"security": None}
    everything = call(service, "GET", f"/rest/api/3/issue/{open_key}").json()["fields"]
    assert "security" in everything and "summary" in everything  # no fields: *all


def test_a_caller_without_the_level_gets_404_everywhere_and_no_search_hit(
    site: tuple[RunningService, JiraState, list[str]],
) -> None:
    service, state, (open_key, secured_key) = site
    state.caller_security_levels = frozenset()
    for path in (f"issue/{secured_key}", f"issue/{secured_key}/comment", f"issue/{secured_key}/worklog"):
        assert call(service, "GET", f"/rest/api/3/{path}").status_code == 404, path
    assert call(service, "GET", "/rest/api/3/comment/30004/properties").status_code == 404
    project = secured_key.split("-")[0]
    found = call(
        service, "POST", "/rest/api/3/search/jql", json={"jql": f"project = {project}", "fields": ["key"]}
    )
    keys = [i["key"] for i in found.json()["issues"]]
    assert open_key in keys and secured_key not in keys
    state.caller_security_levels = frozenset({"Staff only"})
    assert call(service, "GET", f"/rest/api/3/issue/{secured_key}").status_code == 200
