"""The Intercom stand-in against the 2.14 spec, with plain requests (not opsheets' connector)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import requests

from sandbox.core import RunningService
from sandbox.demo_org import generate
from sandbox.intercom import IntercomState, start_intercom_sandbox

TOKEN = "sandbox-intercom-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Intercom-Version": "2.14"}


def dataset(conversations: int = 3, parts: int = 3) -> dict[str, Any]:
    admins = [
        {"id": "7001", "name": "Bridge", "email": "b@x.io"},
        {"id": "7002", "name": "Sam", "email": "s@x.io"},
    ]
    items = []
    for n in range(conversations):
        items.append({
            "id": str(100 + n), "created_at": 1000 + n, "updated_at": 2000 + 10 * n, "state": "open",
            "contact": {"id": f"c{n}", "name": "Customer", "email": "c@x.io"},
            "custom_attributes": {"jira_issue_key": f"PLAT-{n}"} if n % 2 == 0 else {},
            "parts": [{"id": str(10_000 * (n + 1) + p), "part_type": "comment" if p % 2 == 0 else "note",
                       "author": {"type": "user" if p == 0 else "admin", "id": f"c{n}" if p == 0 else "7002"},
                       "body": f"<p>part {p}</p>", "created_at": 1000 + p} for p in range(parts)],
        })  # fmt: skip
    return {"intercom": {"admins": admins, "conversations": items}}


@pytest.fixture
def sandbox() -> Iterator[tuple[RunningService, IntercomState]]:
    service, state = start_intercom_sandbox(dataset(), token=TOKEN)
    with service:
        yield service, state


def call(service: RunningService, method: str, path: str, **kw: Any) -> requests.Response:
    return requests.request(method, service.url + path, headers=kw.pop("headers", HEADERS), timeout=5, **kw)


def search(service: RunningService, query: dict, **pagination: Any) -> requests.Response:
    return call(service, "POST", "/conversations/search", json={"query": query, "pagination": pagination})


def test_bearer_token_is_required(sandbox: tuple[RunningService, IntercomState]) -> None:
    service, _ = sandbox
    answer = call(service, "GET", "/me", headers={"Authorization": "Bearer wrong"})
    assert answer.status_code == 401
    assert answer.json()["type"] == "error.list" and answer.json()["errors"][0]["code"] == "unauthorized"


def test_me_and_admins(sandbox: tuple[RunningService, IntercomState]) -> None:
    service, _ = sandbox
    assert call(service, "GET", "/me").json()["id"] == "7001"
    admins = call(service, "GET", "/admins").json()
    assert admins["type"] == "admin.list" and [a["id"] for a in admins["admins"]] == ["7001", "7002"]


def test_version_header_is_recorded_and_checked(sandbox: tuple[RunningService, IntercomState]) -> None:
    service, state = sandbox
    call(service, "GET", "/me")
    call(service, "GET", "/me", headers={"Authorization": f"Bearer {TOKEN}"})
    bad = call(service, "GET", "/me", headers={**HEADERS, "Intercom-Version": "9.9"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "intercom_version_invalid"
    assert state.versions_seen == {"2.14": 1, "(none)": 1, "9.9": 1}


def test_search_filters_and_groups(sandbox: tuple[RunningService, IntercomState]) -> None:
    service, _ = sandbox

    def ids(query: dict) -> list[str]:
        answer = search(service, query)
        assert answer.status_code == 200, answer.text
        return [c["id"] for c in answer.json()["conversations"]]

    linked = {"field": "custom_attributes.jira_issue_key", "operator": "!=", "value": None}
    assert ids(linked) == ["100", "102"]
    assert ids({"field": "updated_at", "operator": ">", "value": "2010"}) == ["101", "102"]  # inclusive
    assert ids({"field": "custom_attributes.jira_issue_key", "operator": "IN", "value": ["PLAT-2"]}) == [
        "102"
    ]
    assert ids({"field": "custom_attributes.jira_issue_key", "operator": "^", "value": "plat"}) == [
        "100",
        "102",
    ]
    recent = {"field": "updated_at", "operator": ">", "value": 2011}
    recent_or_linked = {"operator": "OR", "value": [{"operator": "AND", "value": [recent]},
                                                    {"operator": "AND", "value": [linked]}]}  # fmt: skip
    assert ids(recent_or_linked) == ["100", "102"]
    assert search(service, recent_or_linked).json()["conversations"][0].get("conversation_parts") is None


@pytest.mark.parametrize(
    "query",
    [
        {"field": "updated_at", "operator": ">", "value": "yesterday"},
        {"field": "updated_at", "operator": "!=", "value": 5},
        {"field": "state", "operator": "LIKE", "value": "open"},
        {"operator": "XOR", "value": [{"field": "state", "operator": "=", "value": "open"}]},
        {"operator": "AND", "value": [{"operator": "OR", "value": [{"operator": "AND", "value": [
            {"field": "state", "operator": "=", "value": "open"}]}]}]},  # three levels deep
        {"operator": "AND", "value": [{"field": "state", "operator": "=", "value": "open"}] * 16},
    ],
)  # fmt: skip
def test_search_refuses_queries_it_cannot_run(
    sandbox: tuple[RunningService, IntercomState], query: dict
) -> None:
    answer = search(sandbox[0], query)
    assert answer.status_code == 400 and answer.json()["type"] == "error.list"


def test_search_pages_hold_at_most_150_and_chain_with_starting_after() -> None:
    service, _ = start_intercom_sandbox(dataset(conversations=320, parts=1), token=TOKEN)
    with service:
        everything = {"field": "updated_at", "operator": ">", "value": 0}
        seen, pages, cursor = [], [], None
        while True:
            pagination = {"per_page": 500} | ({"starting_after": cursor} if cursor else {})
            page = search(service, everything, **pagination).json()
            pages.append(page["pages"])
            seen += [c["id"] for c in page["conversations"]]
            cursor = page["pages"].get("next", {}).get("starting_after")
            if not cursor:
                break
        assert [p["per_page"] for p in pages] == [150, 150, 150] and pages[0]["total_pages"] == 3
        assert [p["page"] for p in pages] == [1, 2, 3] and page["total_count"] == 320
        assert seen == sorted(seen, key=int) and len(set(seen)) == 320
        other = search(
            service,
            {"field": "state", "operator": "=", "value": "open"},
            starting_after=pages[0]["next"]["starting_after"],
        )
        assert other.status_code == 400  # a cursor belongs to its query


def test_conversation_returns_the_500_most_recent_parts() -> None:
    service, _ = start_intercom_sandbox(dataset(conversations=1, parts=620), token=TOKEN)
    with service:
        body = call(service, "GET", "/conversations/100").json()
        parts = body["conversation_parts"]
        assert parts["total_count"] == 619  # the first message is the conversation's source
        assert len(parts["conversation_parts"]) == 500
        assert parts["conversation_parts"][-1]["body"] == "<p>part 619</p>"
        assert body["source"]["body"] == "<p>part 0</p>" and body["custom_attributes"] == {
            "jira_issue_key": "PLAT-0"
        }
        plain = call(service, "GET", "/conversations/100", params={"display_as": "plaintext"}).json()
        assert plain["conversation_parts"]["conversation_parts"][-1]["body"] == "part 619"
        assert call(service, "GET", "/conversations/999").json()["errors"][0]["code"] == "not_found"


def test_reply_adds_a_part_of_the_requested_type(sandbox: tuple[RunningService, IntercomState]) -> None:
    service, state = sandbox
    note = {"message_type": "note", "type": "admin", "admin_id": "7002", "body": "<p>internal</p>"}
    answer = call(service, "POST", "/conversations/101/reply", json=note)
    assert answer.status_code == 200
    last = answer.json()["conversation_parts"]["conversation_parts"][-1]
    assert last["part_type"] == "note" and last["author"] == {"type": "admin", "id": "7002", "name": "Sam",
                                                              "email": "s@x.io"}  # fmt: skip
    assert answer.json()["updated_at"] >= last["created_at"] > 2010
    user = {"message_type": "comment", "type": "user", "intercom_user_id": "c1", "body": "thanks"}
    assert call(service, "POST", "/conversations/101/reply", json=user).status_code == 200
    assert state.replies == [("101", "note"), ("101", "comment")]


@pytest.mark.parametrize(
    "body",
    [
        {"message_type": "note", "type": "admin", "body": "<p>x</p>"},  # no admin_id
        {"message_type": "note", "type": "admin", "admin_id": "404", "body": "<p>x</p>"},
        {"message_type": "note", "type": "admin", "admin_id": "7002", "body": " "},
        {"message_type": "note", "type": "user", "intercom_user_id": "c1", "body": "x"},
        {"message_type": "comment", "type": "user", "body": "x"},
        {"message_type": "whisper", "type": "admin", "admin_id": "7002", "body": "x"},
    ],
)
def test_reply_validates_the_request(sandbox: tuple[RunningService, IntercomState], body: dict) -> None:
    service, state = sandbox
    answer = call(service, "POST", "/conversations/101/reply", json=body)
    assert answer.status_code == 400 and answer.json()["type"] == "error.list"
    assert state.replies == []


def test_rate_limit_headers_and_429_once_the_window_is_spent() -> None:
    service, state = start_intercom_sandbox(dataset(), token=TOKEN, rate_limit=3, window_s=60)
    with service:
        answers = [call(service, "GET", "/me") for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
        assert all(a.headers["X-RateLimit-Limit"] == "3" for a in answers)
        reset = int(answers[0].headers["X-RateLimit-Reset"])
        assert all(int(a.headers["X-RateLimit-Reset"]) == reset for a in answers)
        assert answers[3].json()["errors"][0]["code"] == "rate_limit_exceeded"
        assert "Retry-After" not in answers[3].headers and state.rate_limited == 1


def test_one_shot_faults(sandbox: tuple[RunningService, IntercomState]) -> None:
    service, state = sandbox
    state.forced_429 = 1
    assert [call(service, "GET", "/me").status_code for _ in range(2)] == [429, 200]
    state.fail_after_reply = 1
    note = {"message_type": "note", "type": "admin", "admin_id": "7002", "body": "<p>x</p>"}
    assert call(service, "POST", "/conversations/100/reply", json=note).status_code == 500
    assert [p["body"] for p in state.notes("100")][-1] == "<p>x</p>"  # stored all the same


def test_support_data_leaves_the_rest_of_the_demo_dataset_as_it_was() -> None:
    def without_support(data: dict[str, Any]) -> dict[str, Any]:
        for issue in data["jira"]["issues"]:
            issue.pop("comments", None)
        data.pop("intercom")
        return data

    day = date(2026, 11, 26)
    few, many = (
        generate(today=day, issues=60, conversations=0),
        generate(today=day, issues=60, conversations=20),
    )
    assert few["intercom"]["conversations"] == [] and len(many["intercom"]["conversations"]) == 20
    assert without_support(few) == without_support(many)


def test_demo_conversations_pin_the_shapes_the_bridge_must_survive() -> None:
    data = generate(today=date(2026, 11, 26), issues=60, conversations=6)
    links = [c["custom_attributes"].get("jira_issue_key") for c in data["intercom"]["conversations"]]
    keys = {i["key"] for i in data["jira"]["issues"]}
    assert links[0] not in keys and links[1] is None and links[2] == ""
    assert set(links[3:]) <= keys and len(set(links[3:])) == 3
    commented = {i["key"] for i in data["jira"]["issues"] if i.get("comments")}
    assert set(links[3:]) <= commented
    ids = [c["id"] for i in data["jira"]["issues"] for c in i.get("comments", [])]
    assert len(ids) == len(set(ids))


def test_one_admin_the_conversation_attributes_and_redaction(
    sandbox: tuple[RunningService, IntercomState],
) -> None:
    service, _ = sandbox
    admin = call(service, "GET", "/admins/7002").json()
    assert (admin["type"], admin["id"], admin["has_inbox_seat"]) == ("admin", "7002", True)
    missing = call(service, "GET", "/admins/999")
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "admin_not_found"
    attributes = call(service, "GET", "/data_attributes", params={"model": "conversation"}).json()
    assert [(a["name"], a["model"], a["type"]) for a in attributes["data"]] == [
        ("jira_issue_key", "conversation", "data_attribute")
    ]
    assert call(service, "GET", "/data_attributes", params={"model": "contact"}).json()["data"] == []
    body = {"type": "conversation_part", "conversation_id": "100", "conversation_part_id": "10001"}
    redacted = call(service, "POST", "/conversations/redact", json=body).json()
    part = next(p for p in redacted["conversation_parts"]["conversation_parts"] if p["id"] == "10001")
    assert part["redacted"] is True and part["body"] == "" and part["updated_at"] >= part["created_at"]


def test_replies_carry_their_attachments_and_only_api_parts_an_app_package_code(
    sandbox: tuple[RunningService, IntercomState],
) -> None:
    service, _ = sandbox
    body = {"message_type": "note", "type": "admin", "admin_id": "7001", "body": "<p>see</p>",
            "attachment_urls": ["https://files.example/a/shot.png"]}  # fmt: skip
    parts = call(service, "POST", "/conversations/100/reply", json=body).json()["conversation_parts"]
    note = parts["conversation_parts"][-1]
    assert note["attachments"][0]["url"] == "https://files.example/a/shot.png"
    assert note["attachments"][0]["name"] == "shot.png" and note["app_package_code"]
    assert all(p["app_package_code"] is None for p in parts["conversation_parts"][:-1])
    too_many = dict(body, attachment_urls=[f"https://f.example/{n}" for n in range(11)])
    assert call(service, "POST", "/conversations/100/reply", json=too_many).status_code == 400


def test_an_edit_in_the_inbox_moves_updated_at_on_the_workspace_clock() -> None:
    service, state = start_intercom_sandbox(dataset(), token=TOKEN, clock=lambda: 5000.0)
    with service:
        state.edit_part(state.conversations["100"], "10001", "<p>changed</p>")
        conversation = call(service, "GET", "/conversations/100").json()
    part = next(p for p in conversation["conversation_parts"]["conversation_parts"] if p["id"] == "10001")
    assert (part["body"], part["updated_at"], conversation["updated_at"]) == ("<p>changed</p>", 5000, 5000)
