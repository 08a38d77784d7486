"""The Jira stand-in's comment and comment-property routes, with plain requests, per the v3 spec."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sandbox.core import RunningService
from sandbox.jira import JiraState, start_jira_sandbox
from sandbox.jira.sample import sample_jira_dataset

DATASET = sample_jira_dataset(issues_per_project=3)
AUTH = ("sandbox-bot@example.com", "sandbox-jira-token")
ADF = {
    "type": "doc",
    "version": 1,
    "content": [{"type": "paragraph", "content": [{"type": "text", "text": "hi"}]}],
}


def with_comments(count: int) -> dict[str, Any]:
    data = copy.deepcopy(DATASET)
    issue = data["jira"]["issues"][0]
    issue["comments"] = [
        {"id": str(20000 + n), "author": issue["assignee"],
         "created": f"2026-11-{1 + n % 28:02d}T09:00:00.000+0000",
         "body": {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [
             {"type": "text", "text": f"comment {n}"}]}]}}
        for n in range(count)
    ]  # fmt: skip
    return data


@pytest.fixture
def cloud() -> Iterator[tuple[RunningService, JiraState, str]]:
    data = with_comments(3)
    service, state = start_jira_sandbox(data, "cloud")
    with service:
        yield service, state, data["jira"]["issues"][0]["key"]


def call(service: RunningService, method: str, path: str, **kw: Any) -> requests.Response:
    return requests.request(method, service.url + path, auth=kw.pop("auth", AUTH), timeout=5, **kw)


def test_list_pages_orders_and_expands_properties(cloud: tuple[RunningService, JiraState, str]) -> None:
    service, _, key = cloud
    page = call(service, "GET", f"/rest/api/3/issue/{key}/comment", params={"maxResults": 2}).json()
    assert (page["startAt"], page["maxResults"], page["total"]) == (0, 2, 3)
    assert [c["id"] for c in page["comments"]] == ["20000", "20001"]
    assert page["comments"][0]["body"]["content"][0]["content"][0]["text"] == "comment 0"
    assert "properties" not in page["comments"][0]
    newest = call(service, "GET", f"/rest/api/3/issue/{key}/comment",
                  params={"orderBy": "-created", "expand": "properties"}).json()  # fmt: skip
    assert [c["id"] for c in newest["comments"]] == ["20002", "20001", "20000"]
    assert newest["comments"][0]["properties"] == []
    assert (
        call(service, "GET", f"/rest/api/3/issue/{key}/comment", params={"orderBy": "author"}).status_code
        == 400
    )


def test_create_with_properties_in_the_same_request(cloud: tuple[RunningService, JiraState, str]) -> None:
    service, _, key = cloud
    body = {"body": ADF, "properties": [{"key": "opsheets.mirror", "value": {"part_id": "9"}}]}
    created = call(service, "POST", f"/rest/api/3/issue/{key}/comment", json=body)
    assert created.status_code == 201
    comment_id = created.json()["id"]
    assert created.json()["body"] == ADF and created.json()["jsdPublic"] is True
    prop = call(service, "GET", f"/rest/api/3/comment/{comment_id}/properties/opsheets.mirror").json()
    assert prop == {"key": "opsheets.mirror", "value": {"part_id": "9"}}
    keys = call(service, "GET", f"/rest/api/3/comment/{comment_id}/properties").json()["keys"]
    assert [k["key"] for k in keys] == ["opsheets.mirror"]
    listed = call(service, "GET", f"/rest/api/3/issue/{key}/comment", params={"expand": "properties"}).json()
    assert listed["comments"][-1]["properties"] == [{"key": "opsheets.mirror", "value": {"part_id": "9"}}]


@pytest.mark.parametrize(
    "body",
    [
        {"body": "plain text on v3"},
        {"body": {"type": "doc", "version": 1, "content": []}},
        {"body": ADF, "properties": [{"key": "x"}]},
    ],
)
def test_create_refuses_bad_bodies(cloud: tuple[RunningService, JiraState, str], body: dict) -> None:
    service, state, key = cloud
    answer = call(service, "POST", f"/rest/api/3/issue/{key}/comment", json=body)
    assert answer.status_code == 400 and set(answer.json()) == {"errorMessages", "errors"}
    assert len(state.comments.on_issue(state.issue_by_key(key)["id"])) == 3


def test_v2_speaks_wiki_text_and_shows_adf_comments_as_text(
    cloud: tuple[RunningService, JiraState, str],
) -> None:
    service, _, key = cloud
    created = call(
        service, "POST", f"/rest/api/2/issue/{key}/comment", json={"body": "line one\nline two\n\nnext"}
    )
    assert created.status_code == 201 and created.json()["body"] == "line one\nline two\n\nnext"
    as_v3 = call(service, "GET", f"/rest/api/3/issue/{key}/comment/{created.json()['id']}").json()["body"]
    assert [block["type"] for block in as_v3["content"]] == ["paragraph", "paragraph"]
    as_v2 = call(service, "GET", f"/rest/api/2/issue/{key}/comment").json()["comments"][0]["body"]
    assert as_v2 == "comment 0"


def test_missing_issue_comment_and_property_are_404(cloud: tuple[RunningService, JiraState, str]) -> None:
    service, _, key = cloud
    assert call(service, "GET", "/rest/api/3/issue/NOPE-1/comment").status_code == 404
    assert call(service, "POST", "/rest/api/3/issue/NOPE-1/comment", json={"body": ADF}).status_code == 404
    assert call(service, "GET", f"/rest/api/3/issue/{key}/comment/999").status_code == 404
    assert call(service, "GET", "/rest/api/3/comment/20000/properties/none").status_code == 404
    assert call(service, "GET", f"/rest/api/3/issue/{key}/comment", auth=("x", "y")).status_code == 401


def test_delete_comment_and_put_delete_property(cloud: tuple[RunningService, JiraState, str]) -> None:
    service, _, key = cloud
    assert call(service, "PUT", "/rest/api/3/comment/20001/properties/k", json={"a": 1}).status_code == 201
    assert call(service, "PUT", "/rest/api/3/comment/20001/properties/k", json={"a": 2}).status_code == 200
    assert call(service, "PUT", "/rest/api/3/comment/20001/properties/k", json={}).status_code == 400
    assert call(service, "GET", "/rest/api/3/comment/20001/properties/k").json()["value"] == {"a": 2}
    assert call(service, "DELETE", "/rest/api/3/comment/20001/properties/k").status_code == 204
    assert call(service, "DELETE", f"/rest/api/3/issue/{key}/comment/20001").status_code == 204
    remaining = call(service, "GET", f"/rest/api/3/issue/{key}/comment").json()
    assert [c["id"] for c in remaining["comments"]] == ["20000", "20002"] and remaining["total"] == 2
    assert call(service, "GET", "/rest/api/3/comment/20001/properties").status_code == 404


def test_internal_comments_on_service_management_projects() -> None:
    data = with_comments(0)
    data["jira"]["projects"][0]["projectTypeKey"] = "service_desk"
    service, _ = start_jira_sandbox(data, "cloud")
    with service:
        jsm_key = data["jira"]["issues"][0]["key"]
        other = next(
            i["key"] for i in data["jira"]["issues"] if i["project"] != data["jira"]["projects"][0]["key"]
        )
        internal = [{"key": "sd.public.comment", "value": {"internal": True}}]
        results = [
            call(
                service, "POST", f"/rest/api/3/issue/{k}/comment", json={"body": ADF, "properties": p}
            ).json()
            for k, p in ((jsm_key, internal), (jsm_key, []), (other, internal))
        ]
        assert [r["jsdPublic"] for r in results] == [False, True, True]


def test_paging_caps_at_100() -> None:
    service, _ = start_jira_sandbox(with_comments(130), "cloud")
    with service:
        key = DATASET["jira"]["issues"][0]["key"]
        page = call(service, "GET", f"/rest/api/3/issue/{key}/comment", params={"maxResults": 500}).json()
        assert (page["maxResults"], len(page["comments"]), page["total"]) == (100, 100, 130)
        rest = call(service, "GET", f"/rest/api/3/issue/{key}/comment", params={"startAt": 100}).json()
        assert len(rest["comments"]) == 30


def test_update_replaces_body_and_properties_and_moves_updated(
    cloud: tuple[RunningService, JiraState, str],
) -> None:
    service, state, key = cloud
    state.clock_offset_s = 3600  # the site's clock an hour ahead of this machine
    body = {"body": ADF, "properties": [{"key": "opsheets.mirror", "value": {"version": "b"}}]}
    updated = call(service, "PUT", f"/rest/api/3/issue/{key}/comment/20000", json=body)
    assert updated.status_code == 200 and updated.json()["body"] == ADF
    listed = call(service, "GET", f"/rest/api/3/issue/{key}/comment", params={"expand": "properties"}).json()
    first = listed["comments"][0]
    assert first["updated"] > first["created"] and first["updated"].startswith(
        state.now().strftime("%Y-%m-%dT%H")
    )
    assert first["properties"] == [{"key": "opsheets.mirror", "value": {"version": "b"}}]
    assert call(service, "PUT", f"/rest/api/3/issue/{key}/comment/99999", json=body).status_code == 404


@pytest.mark.parametrize("version", ["2", "3"])
def test_a_body_over_32767_characters_is_refused(
    cloud: tuple[RunningService, JiraState, str], version: str
) -> None:
    service, _, key = cloud
    words = "x" * 32_800
    body = words if version == "2" else {"type": "doc", "version": 1, "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": words}]}]}  # fmt: skip
    refused = call(service, "POST", f"/rest/api/{version}/issue/{key}/comment", json={"body": body})
    assert refused.status_code == 400
    assert "exceeds the allowed limit of 32,767 characters" in refused.json()["errors"]["comment"]
    fits = "x" * 32_767 if version == "2" else ADF
    assert (
        call(service, "POST", f"/rest/api/{version}/issue/{key}/comment", json={"body": fits}).status_code
        == 201
    )


def test_a_moved_issue_keeps_its_id_and_comments_and_answers_to_its_old_key(
    cloud: tuple[RunningService, JiraState, str],
) -> None:
    service, state, key = cloud
    issue_id = state.issue_by_key(key)["id"]  # type: ignore[index]
    state.move_issue(key, "MOVED-7")
    for asked in (key, "MOVED-7"):
        found = call(service, "GET", f"/rest/api/3/issue/{asked}", params={"fields": "security"}).json()
        assert (found["id"], found["key"]) == (issue_id, "MOVED-7")
        assert call(service, "GET", f"/rest/api/3/issue/{asked}/comment").json()["total"] == 3


def test_my_permissions_for_comments(cloud: tuple[RunningService, JiraState, str]) -> None:
    service, state, _ = cloud
    params = {"projectKey": "PLAT", "permissions": "ADD_COMMENTS,EDIT_OWN_COMMENTS"}
    granted = call(service, "GET", "/rest/api/3/mypermissions", params=params).json()["permissions"]
    assert (
        granted["ADD_COMMENTS"]["havePermission"]
        and granted["EDIT_OWN_COMMENTS"]["key"] == "EDIT_OWN_COMMENTS"
    )
    state.denied_permissions.add("ADD_COMMENTS")
    granted = call(service, "GET", "/rest/api/3/mypermissions", params=params).json()["permissions"]
    assert granted["ADD_COMMENTS"]["havePermission"] is False
    assert call(service, "GET", "/rest/api/3/mypermissions").status_code == 400
