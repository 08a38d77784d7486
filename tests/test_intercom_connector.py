"""The Intercom and Jira-comments connectors against their stand-ins."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import pytest

import connectors.http as http
from connectors.http import AuthError, RetriesExhaustedError, RetryPolicy
from connectors.intercom import API_VERSION, IntercomConnector, linked_or_updated_query
from connectors.jira_comments import JiraComments
from sandbox.core import Knobs, RunningService
from sandbox.demo_org import generate
from sandbox.intercom import IntercomState, start_intercom_sandbox
from sandbox.jira import JiraState, start_jira_sandbox

DATASET = generate(people=10, teams=2, issues=40, ledger_rows=0, conversations=8, today=date(2026, 11, 26))
TOKEN = "intercom-secret-token"
ADF = {
    "type": "doc",
    "version": 1,
    "content": [{"type": "paragraph", "content": [{"type": "text", "text": "x"}]}],
}
FAST = RetryPolicy(max_attempts=4, backoff_base_s=0.01, backoff_cap_s=0.05)


@pytest.fixture(autouse=True)
def recorded_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    sleeps: list[float] = []
    monkeypatch.setattr(http, "sleep", sleeps.append)
    return sleeps


@pytest.fixture
def intercom() -> Iterator[tuple[RunningService, IntercomState]]:
    service, state = start_intercom_sandbox(DATASET, token=TOKEN)
    with service:
        yield service, state


@pytest.fixture
def jira() -> Iterator[tuple[RunningService, JiraState]]:
    service, state = start_jira_sandbox(DATASET, "cloud", email="bot@x.io", token="jira-secret")
    with service:
        yield service, state


def connector(service: RunningService, **kw: object) -> IntercomConnector:
    return IntercomConnector(TOKEN, base_url=service.url, policy=FAST, **kw)  # type: ignore[arg-type]


def test_search_follows_pages_and_pins_the_version(intercom: tuple[RunningService, IntercomState]) -> None:
    service, state = intercom
    found = list(connector(service).search({"field": "updated_at", "operator": ">", "value": 0}, per_page=3))
    assert [c.id for c in found] == sorted(state.conversations, key=int)
    assert service.log.count("POST", "/conversations/search") == 3  # 8 conversations, 3 a page
    assert state.versions_seen == {API_VERSION: 3}
    assert found[0].custom_attributes == state.conversations[found[0].id]["custom_attributes"]


def test_bridge_query_finds_updated_and_open_linked(intercom: tuple[RunningService, IntercomState]) -> None:
    service, state = intercom
    state.conversations["2005"]["state"] = "closed"
    future = max(c["updated_at"] for c in state.conversations.values()) + 1
    found = {c.id for c in connector(service).search(linked_or_updated_query("jira_issue_key", future))}
    linked_open = {cid for cid, c in state.conversations.items()
                   if "jira_issue_key" in c["custom_attributes"] and c["state"] != "closed"}  # fmt: skip
    assert found == linked_open and "2005" not in found and "2002" not in found
    state.conversations["2005"]["updated_at"] = future + 5
    assert "2005" in {
        c.id for c in connector(service).search(linked_or_updated_query("jira_issue_key", future))
    }


def test_conversation_parts_are_parsed(intercom: tuple[RunningService, IntercomState]) -> None:
    service, state = intercom
    conversation = connector(service).conversation("2004")
    seeded = state.conversations["2004"]["parts"]
    assert [p.id for p in conversation.parts] == [p["id"] for p in seeded[1:]]
    assert conversation.parts_total == len(seeded) - 1 and not conversation.truncated
    note = next(p for p in conversation.parts if p.part_type == "note")
    seeded_note = next(p for p in seeded if p["id"] == note.id)
    assert (note.author_type, note.author_id, note.body) == (
        "admin",
        seeded_note["author"]["id"],
        seeded_note["body"],
    )
    assert (
        note.author_name in {"Sam Rivera", "Noor Haddad", "Lee Park"}
        and note.created_at == seeded_note["created_at"]
    )


def test_notes_are_notes_and_written_by_the_token_admin(
    intercom: tuple[RunningService, IntercomState],
) -> None:
    service, state = intercom
    client = connector(service)
    part_id = client.add_note("2004", "<p>hello [m-1]</p>", "[m-1]")
    assert state.replies == [("2004", "note")]
    stored = state.conversations["2004"]["parts"][-1]
    assert stored["id"] == part_id and stored["author"]["id"] == "7001" and stored["part_type"] == "note"
    bodies = [e.body for e in service.log.entries if e.path.endswith("/reply")]
    assert bodies == [
        {"message_type": "note", "type": "admin", "admin_id": "7001", "body": "<p>hello [m-1]</p>"}
    ]
    assert connector(service, admin_id="7003").add_note("2004", "<p>x [m-2]</p>", "[m-2]")
    assert state.conversations["2004"]["parts"][-1]["author"]["id"] == "7003"


def test_a_note_whose_answer_was_lost_is_not_posted_twice(
    intercom: tuple[RunningService, IntercomState],
) -> None:
    service, state = intercom
    state.fail_after_reply = 1  # stored, then a 500: the connector cannot know it got through
    part_id = connector(service).add_note("2004", "<p>once [m-3]</p>", "[m-3]")
    notes = [p for p in state.notes("2004") if "[m-3]" in p["body"]]
    assert len(notes) == 1 and notes[0]["id"] == part_id
    assert service.log.count("POST", "/reply") == 1 and service.log.count("GET", "/conversations/2004") == 1


def test_lost_connections_while_posting_never_duplicate() -> None:
    knobs = Knobs(fault_rates={"truncate": 0.3, "reset": 0.1, "500": 0.1}, seed=3)
    service, state = start_intercom_sandbox(DATASET, knobs=knobs, token=TOKEN)
    with service:
        client = IntercomConnector(
            TOKEN, base_url=service.url, policy=RetryPolicy(max_attempts=10, backoff_base_s=0.01)
        )
        for n in range(12):
            client.add_note("2004", f"<p>n [chaos-{n}]</p>", f"[chaos-{n}]")
        bodies = [p["body"] for p in state.notes("2004")]
        assert all(sum(f"[chaos-{n}]" in b for b in bodies) == 1 for n in range(12))
        assert service.log.count("POST", "/reply") > 12  # some posts really were retried


def test_spent_rate_limit_waits_until_the_reset(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    monkeypatch.setattr(http, "sleep", sleep)
    service, state = start_intercom_sandbox(DATASET, token=TOKEN, rate_limit=3, window_s=1.0)
    with service:
        client = connector(service)
        for _ in range(5):
            client.conversation("2004")
        assert state.rate_limited == 0  # the connector stopped before the stand-in had to say 429
        assert len(waits) >= 1 and all(0 < w <= 2.0 for w in waits)
        assert client.rate_limit.waited_s == pytest.approx(sum(waits))


def test_429_is_retried_after_the_reset_time(
    intercom: tuple[RunningService, IntercomState], recorded_sleeps: list[float]
) -> None:
    service, state = intercom
    state.forced_429 = 1
    assert connector(service).conversation("2004").id == "2004"
    assert state.rate_limited == 1 and len(recorded_sleeps) == 1
    assert 1 <= recorded_sleeps[0] <= state.window_s + 2  # to the (whole-second) reset, not a backoff


def test_wrong_token_names_intercom_and_the_fix(intercom: tuple[RunningService, IntercomState]) -> None:
    service, _ = intercom
    with pytest.raises(AuthError) as error:
        IntercomConnector("wrong-token", base_url=service.url).admin_id()
    assert "Intercom: 401" in str(error.value) and "INTERCOM_ACCESS_TOKEN" in str(error.value)
    assert "wrong-token" not in str(error.value)


# ---- Jira comments ---------------------------------------------------------------------------


def jira_client(service: RunningService, **kw: object) -> JiraComments:
    return JiraComments(service.url, email="bot@x.io", api_token="jira-secret", policy=FAST, **kw)  # type: ignore[arg-type]


def commented_issue(state: JiraState) -> str:
    return next(i["key"] for i in state.issues if len(i.get("comments", [])) >= 2)


def test_comments_come_with_properties_across_pages(
    jira: tuple[RunningService, JiraState], monkeypatch: pytest.MonkeyPatch
) -> None:
    service, state = jira
    monkeypatch.setattr("connectors.jira_comments.PAGE_SIZE", 1)
    key = commented_issue(state)
    client = jira_client(service)
    client.add_comment(key, ADF, {"opsheets.mirror": {"part_id": "1"}}, ("opsheets.mirror", {"part_id": "1"}))
    comments = client.comments(key)
    seeded = state.issue_by_key(key)["comments"]
    assert [c.id for c in comments][: len(seeded)] == [c["id"] for c in seeded]
    assert comments[-1].properties == {"opsheets.mirror": {"part_id": "1"}} and comments[0].properties == {}
    assert comments[0].author_name and comments[0].created and isinstance(comments[0].body, dict)
    assert service.log.count("GET", f"/issue/{key}/comment") == len(comments)
    assert client.body_format == "adf"


def test_a_comment_whose_answer_was_lost_is_not_created_twice(jira: tuple[RunningService, JiraState]) -> None:
    service, state = jira
    key = commented_issue(state)
    state.comments.fail_after_create = 1
    marker = ("opsheets.mirror", {"part_id": "77"})
    new_id = jira_client(service).add_comment(key, ADF, dict([marker]), marker)
    mirrors = [
        c
        for c in state.comments.on_issue(state.issue_by_key(key)["id"])
        if "opsheets.mirror" in c["properties"]
    ]
    assert [c["id"] for c in mirrors] == [new_id]


def test_marker_must_be_one_of_the_properties(jira: tuple[RunningService, JiraState]) -> None:
    with pytest.raises(ValueError):
        jira_client(jira[0]).add_comment("X-1", ADF, {}, ("opsheets.mirror", {"part_id": "1"}))


def test_data_center_uses_v2_and_wiki_text() -> None:
    service, state = start_jira_sandbox(DATASET, "datacenter", token="dc-pat")
    with service:
        client = JiraComments(service.url, pat="dc-pat", policy=FAST)
        key = commented_issue(state)
        assert client.body_format == "wiki"
        client.add_comment(key, "*bold* text", {"k": {"v": 1}}, ("k", {"v": 1}))
        comments = client.comments(key)
        assert isinstance(comments[0].body, str) and comments[-1].body == "*bold* text"
        assert service.log.count("POST", "/rest/api/2/issue/") == 1


def test_missing_issue_and_property_helpers(jira: tuple[RunningService, JiraState]) -> None:
    service, state = jira
    client = jira_client(service)
    with pytest.raises(http.NotFoundError):
        client.comments("NOPE-1")
    key = commented_issue(state)
    first = client.comments(key)[0].id
    client.set_comment_property(first, "opsheets.note", {"seen": True})
    assert client.comment_property(first, "opsheets.note") == {"seen": True}
    client.delete_comment(key, first)
    assert first not in [c.id for c in client.comments(key)]


def test_exhausted_retries_surface_as_a_named_error(jira: tuple[RunningService, JiraState]) -> None:
    service, state = jira
    service.knobs.fault_rates = {"503": 1.0}
    with pytest.raises(RetriesExhaustedError) as error:
        jira_client(service).comments(commented_issue(state))
    assert str(error.value).startswith("Jira: gave up after 4 attempts")
