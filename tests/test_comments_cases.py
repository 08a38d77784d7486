"""The comment bridge as support and engineering use it, against the stand-ins: a wrong admin, a moved
issue, edits and deletions both ways, skewed clocks, an oversized note, a pasted footer. Each case
is what a person does in Jira or Intercom between two runs; the answers follow from the rules in
DESIGN.md (every source item has one current copy, never two, never a stale one)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from domain.comments import issue_key_of
from flows.clients import intercom_connector, jira_comments
from flows.comments_bridge import MAX_ATTEMPTS, TO_INTERCOM, TO_JIRA, Bridge, BridgeResult
from flows.comments_cursor import FileCursor
from flows.config import load_config
from flows.sandbox_env import SandboxEnvironment, sandbox_environment
from sandbox.jira.comment_edits import edit_comment
from tests.bridge_fixtures import DATASET, env_fixture, no_waiting_fixture  # noqa: F401 (fixtures)

PERSON = {"type": "admin", "id": "7003"}  # a support engineer, typing in the inbox


def run(env: SandboxEnvironment, **options: Any) -> BridgeResult:
    config = load_config(env.config_path)
    bridge = Bridge(intercom_connector(config), jira_comments(config), **options)
    return bridge.run(FileCursor(env.config_path.parent / "state.json"))


def first_link(env: SandboxEnvironment) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(conversation id, conversation, issue) of the first conversation linked to an existing issue."""
    assert env.intercom is not None
    for cid, conversation in sorted(env.intercom.conversations.items()):
        key = issue_key_of(conversation["custom_attributes"].get("jira_issue_key"))
        issue = env.jira.issue_by_key(key) if key else None
        if issue is not None:
            return cid, conversation, issue
    raise AssertionError("no linked conversation")


def person_comment(env: SandboxEnvironment, issue: dict[str, Any], words: str) -> dict[str, Any]:
    now = env.jira.now()
    body = {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": words}]}],
    }
    return env.jira.comments.add(issue["id"], {"author": None, "created": now, "updated": now, "body": body,
                                                "properties": {}, "visibility": None})  # fmt: skip


def person_note(env: SandboxEnvironment, conversation: dict[str, Any], html: str) -> dict[str, Any]:
    assert env.intercom is not None
    part = {"part_type": "note", "body": html, "created_at": env.intercom.now(), "author": PERSON}
    env.intercom.add_part(conversation, part)
    return part


def copies_in_jira(env: SandboxEnvironment, issue: dict[str, Any], part_id: str) -> list[dict[str, Any]]:
    return [c for c in env.jira.comments.on_issue(issue["id"])
            if (c["properties"].get("opsheets.mirror") or {}).get("part_id") == part_id]  # fmt: skip


def notes_for(env: SandboxEnvironment, cid: str, comment_id: str) -> list[str]:
    assert env.intercom is not None
    token = re.compile(rf"\[opsheets:jira/\d+/{comment_id}@(\w+)\]</em></p>$")
    return [
        p["body"] for p in env.intercom.notes(cid) if p.get("app_package_code") and token.search(p["body"])
    ]


def text_of(body: Any) -> str:
    return re.sub(r"\s+", " ", str(body))


# ---- failures are visible, bounded, and do not hold the rest back ----------------------------------


def test_an_admin_that_does_not_exist_fails_each_note_by_name_and_the_other_direction_goes_on(
    tmp_path: Path,
) -> None:
    with sandbox_environment(DATASET, tmp_path, config_overrides={"intercom": {"admin_id": "999"}}) as env:
        first = run(env)
        assert first.failed and first.count(TO_INTERCOM) == 0 and first.count(TO_JIRA) > 0
        assert {(f.direction, f.system) for f in first.failed} == {(TO_INTERCOM, "Intercom")}
        assert all("admin_id not found" in f.reason and "attempt 1 of 3" in f.reason for f in first.failed)
        cid, _, issue = first_link(env)
        assert any(f.conversation_id == cid and f.issue_key == issue["key"] for f in first.failed)
        runs = [run(env) for _ in range(MAX_ATTEMPTS - 1)]
        assert all(len(r.failed) == len(first.failed) for r in runs)
        assert "not tried again until it changes" in runs[-1].failed[0].reason
        later = run(env)  # every refused item was tried three times: reported, not tried again
        assert later.failed == [] and len(later.skipped) == len(first.failed)
        assert {(s.source_id, s.conversation_id) for s in later.skipped} == {
            (f.source_id, f.conversation_id) for f in first.failed
        }
        assert run(env).skipped == later.skipped  # and reported again on every run


def test_a_failed_item_keeps_its_conversation_for_the_next_run(env: SandboxEnvironment) -> None:
    assert env.intercom is not None
    run(env)
    cid, _, issue = first_link(env)
    comment = person_comment(env, issue, "needs a retry")
    env.intercom.admins.pop("7001")  # the bridge's admin was removed from the workspace
    failed = run(env)
    assert [f.source_id for f in failed.failed] == [comment["id"]]
    env.intercom.admins["7001"] = {"id": "7001", "name": "Jira Bridge (opsheets)"}
    again = run(env)
    assert [(m.source_id, m.direction) for m in again.mirrored] == [(comment["id"], TO_INTERCOM)]
    assert len(notes_for(env, cid, comment["id"])) == 1


# ---- identity that survives a move -----------------------------------------------------------------


def test_a_moved_issue_mirrors_nothing_twice_whether_or_not_support_repoints_the_conversation(
    env: SandboxEnvironment,
) -> None:
    assert env.intercom is not None
    assert run(env).mirrored
    cid, conversation, issue = first_link(env)
    old_key = issue["key"]
    env.jira.move_issue(old_key, "MOVED-" + old_key.rsplit("-", 1)[1])
    assert run(env).mirrored == []  # the link still says the old key: Jira still finds the issue
    conversation["custom_attributes"]["jira_issue_key"] = issue["key"]
    conversation["updated_at"] = env.intercom.now()
    assert run(env).mirrored == []
    comment = person_comment(env, issue, "after the move")
    (new,) = run(env).mirrored
    assert new.source_id == comment["id"] and new.issue_key == issue["key"]
    assert f"<strong>{issue['key']} · " in notes_for(env, cid, comment["id"])[0]


# ---- edits and deletions travel --------------------------------------------------------------------


def test_an_edited_jira_comment_reaches_intercom_once_and_a_deleted_one_is_marked(
    env: SandboxEnvironment,
) -> None:
    run(env)
    cid, _, issue = first_link(env)
    comment = person_comment(env, issue, "restart prod")
    run(env)
    body = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [
        {"type": "text", "text": "do NOT restart prod"}]}]}  # fmt: skip
    edit_comment(env.jira, comment, body, {})
    (edit,) = run(env).mirrored
    assert (edit.direction, edit.kind, edit.source_id) == (TO_INTERCOM, "edited", comment["id"])
    first, second = notes_for(env, cid, comment["id"])
    assert "restart prod" in first and "do NOT restart prod" in second and "· edited</strong>" in second
    assert run(env).mirrored == []
    env.jira.comments.delete(comment["id"])
    (gone,) = run(env).mirrored
    assert gone.kind == "deleted" and "was deleted in Jira" in notes_for(env, cid, comment["id"])[-1]
    assert run(env).mirrored == [] and len(notes_for(env, cid, comment["id"])) == 3


def test_an_edited_note_updates_its_jira_copy_in_place_and_a_redacted_one_loses_its_text(
    env: SandboxEnvironment,
) -> None:
    assert env.intercom is not None
    run(env)
    cid, conversation, issue = first_link(env)
    note = person_note(env, conversation, "<p>customer on v2.3</p>")
    run(env)
    env.intercom.edit_part(conversation, note["id"], "<p>customer on v2.4, not v2.3</p>")
    (edit,) = run(env).mirrored
    assert (edit.direction, edit.kind) == (TO_JIRA, "edited")
    (copy,) = copies_in_jira(env, issue, note["id"])
    assert "v2.4, not v2.3" in text_of(copy["body"]) and copy["updated"] > copy["created"]
    assert run(env).mirrored == []
    config = load_config(env.config_path)
    intercom_connector(config).client.post_json(
        "/conversations/redact",
        {"type": "conversation_part", "conversation_id": cid, "conversation_part_id": note["id"]},
    )
    (redacted,) = run(env).mirrored
    (copy,) = copies_in_jira(env, issue, note["id"])
    assert redacted.kind == "deleted" and "redacted in Intercom" in text_of(copy["body"])
    assert "v2.4" not in text_of(copy["body"]) and run(env).mirrored == []


# ---- clocks ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("host_off_s", [600, -600])
def test_a_host_ten_minutes_off_loses_and_duplicates_nothing(
    env: SandboxEnvironment, host_off_s: int
) -> None:
    assert env.intercom is not None
    env.jira.clock_offset_s = -host_off_s / 2  # the services disagree with the host, and with each other
    env.intercom.clock = lambda: time.time() + host_off_s / 3
    skewed = {"clock": lambda: time.time() + host_off_s}
    run(env, **skewed)
    cid, conversation, issue = first_link(env)
    for round_number in range(3):
        comment = person_comment(env, issue, f"round {round_number}")
        note = person_note(env, conversation, f"<p>note {round_number}</p>")
        result = run(env, **skewed)
        assert sorted((m.direction, m.source_id) for m in result.mirrored) == sorted(
            [(TO_INTERCOM, comment["id"]), (TO_JIRA, note["id"])]
        ), round_number
        assert (
            len(notes_for(env, cid, comment["id"])) == 1 and len(copies_in_jira(env, issue, note["id"])) == 1
        )
    assert run(env, **skewed).mirrored == []


# ---- poison items ----------------------------------------------------------------------------------


@pytest.mark.parametrize("jira_mode", ["cloud", "datacenter"])
def test_a_note_longer_than_jiras_limit_is_cut_with_a_link_to_the_note(
    tmp_path: Path, jira_mode: str
) -> None:
    with sandbox_environment(DATASET, tmp_path, jira_mode=jira_mode) as env:  # type: ignore[arg-type]
        run(env)
        cid, conversation, issue = first_link(env)
        paragraphs = "".join(f"<p>log line {n}: {'x' * 90}</p>" for n in range(450))  # ≈ 45,000 characters
        note = person_note(env, conversation, paragraphs)
        result = run(env)
        assert result.failed == [] and [m.source_id for m in result.mirrored] == [note["id"]]
        (copy,) = copies_in_jira(env, issue, note["id"])
        body = copy["body"]
        size = len(body) if isinstance(body, str) else len(re.sub(r",\s", ",", str(body)))
        assert "log line 0:" in text_of(body) and "log line 449" not in text_of(body)
        assert "[Truncated: " in text_of(body) and f"/inbox/conversation/{cid}" in text_of(body)
        assert size <= 32767 or isinstance(body, dict)
        assert run(env).mirrored == []


# ---- markers cannot be spoofed by text ------------------------------------------------------------


def test_a_pasted_mirrored_note_with_its_footer_is_still_sent_to_jira(env: SandboxEnvironment) -> None:
    assert env.intercom is not None
    run(env)
    cid, conversation, issue = first_link(env)
    mirrored = next(p for p in env.intercom.notes(cid) if p.get("app_package_code"))
    pasted = person_note(env, conversation, "<p>Seen again today, see below:</p>" + mirrored["body"])
    result = run(env)
    assert [(m.direction, m.source_id) for m in result.mirrored] == [(TO_JIRA, pasted["id"])]
    (copy,) = copies_in_jira(env, issue, pasted["id"])
    assert "Seen again today" in text_of(copy["body"])
    assert run(env).mirrored == []
