"""The comment bridge end to end against the stand-ins: both directions, reruns, crashes, faults.

Most tests drive `flows.comments_bridge.Bridge` directly (no Prefect); the last ones run the
Prefect flow itself under the shared test harness.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from connectors.jira_comments import JiraComments
from domain.comment_markers import MIRROR_PROPERTY
from domain.comments import issue_key_of
from flows.clients import intercom_connector, jira_comments
from flows.comments_bridge import TO_INTERCOM, TO_JIRA, Bridge, BridgeResult
from flows.comments_cursor import (
    BridgeState,
    FileCursor,
    VariableCursor,
    cursor_name,
    cursor_store,
)
from flows.config import load_config
from flows.sandbox_env import SandboxEnvironment, sandbox_environment
from sandbox.core import Knobs
from tests.bridge_fixtures import DATASET, TODAY, env_fixture, no_waiting_fixture  # noqa: F401 (fixtures)


def bridge(env: SandboxEnvironment, **options: Any) -> Bridge:
    config = load_config(env.config_path)
    assert config.intercom is not None
    return Bridge(
        intercom_connector(config), jira_comments(config), note_tag=config.intercom.note_tag, **options
    )


def run(env: SandboxEnvironment, cursor: Any = None, **options: Any) -> BridgeResult:
    cursor = cursor or FileCursor(env.config_path.parent / "cursor.json")
    return bridge(env, **options).run(cursor)


# ---- what the two sides hold ------------------------------------------------------------------


def jira_comments_of(env: SandboxEnvironment, key: str) -> list[dict[str, Any]]:
    issue = env.jira.issue_by_key(key)
    return env.jira.comments.on_issue(issue["id"]) if issue else []


def linked(env: SandboxEnvironment) -> dict[str, str]:
    """conversation id -> issue key, for conversations linked to an issue that exists."""
    assert env.intercom is not None
    result = {}
    for cid, conversation in env.intercom.conversations.items():
        key = issue_key_of(conversation["custom_attributes"].get("jira_issue_key"))
        if key and env.jira.issue_by_key(key):
            result[cid] = key
    return result


FOOTER = re.compile(r"<p><em>Mirrored from Jira (\S+) \[opsheets:jira/(\d+)/(\d+)@(\w+)\]</em></p>$")


def bridge_notes(env: SandboxEnvironment, cid: str) -> list[dict[str, Any]]:
    """Notes the bridge wrote: through the API (app_package_code), its footer last."""
    assert env.intercom is not None
    return [p for p in env.intercom.notes(cid) if p.get("app_package_code") and FOOTER.search(p["body"])]


def note_markers(env: SandboxEnvironment, cid: str) -> Counter[tuple[str, str]]:
    """(issue key, comment id) of each first copy of a Jira comment in the conversation."""
    found: Counter[tuple[str, str]] = Counter()
    for note in bridge_notes(env, cid):
        key, issue_id, comment_id, version = FOOTER.search(note["body"]).groups()  # type: ignore[union-attr]
        issue = env.jira.issue_by_key(issue_id)
        if version != "deleted" and "· edited</strong>" not in note["body"]:
            found[(issue["key"] if issue else key, comment_id)] += 1
    return found


def mirror_properties(env: SandboxEnvironment, key: str) -> Counter[tuple[str, str]]:
    values = [
        c["properties"][MIRROR_PROPERTY]
        for c in jira_comments_of(env, key)
        if MIRROR_PROPERTY in c["properties"]
    ]
    return Counter((v["conversation_id"], v["part_id"]) for v in values)


def assert_mirrored_exactly_once(
    env: SandboxEnvironment, tag: str | None = None, deleted: frozenset[tuple[str, str]] = frozenset()
) -> None:
    """Every source item has exactly one copy on the other side; no copy was copied back.

    `deleted`: (issue key, comment id) of Jira comments deleted after they were mirrored."""
    assert env.intercom is not None
    for cid, key in linked(env).items():
        originals = [c for c in jira_comments_of(env, key) if MIRROR_PROPERTY not in c["properties"]]
        markers = note_markers(env, cid)
        gone = {marker for marker in deleted if marker[0] == key}
        assert set(markers) == {(key, c["id"]) for c in originals} | gone, f"conversation {cid}"
        assert set(markers.values()) <= {1}, f"duplicate note in {cid}: {markers}"
        notes = [
            p
            for p in env.intercom.notes(cid)
            if p["author"]["type"] == "admin" and p not in bridge_notes(env, cid)
        ]
        notes = [p for p in notes if tag is None or re.sub("<[^>]+>", "", p["body"]).startswith(tag)]
        copies = mirror_properties(env, key)
        assert {part for conv, part in copies if conv == cid} == {p["id"] for p in notes}, f"issue {key}"
        assert set(copies.values()) <= {1}, f"duplicate comment on {key}: {copies}"
        for conv, part in copies:  # a Jira copy never points at a note that is itself a copy
            source = next(p for p in env.intercom.conversations[conv]["parts"] if p["id"] == part)
            assert source not in bridge_notes(env, conv)


def assert_only_notes_were_sent(env: SandboxEnvironment) -> None:
    assert env.intercom is not None
    sent = [
        e.body
        for e in env.services["intercom"].log.entries
        if e.method == "POST" and e.path.endswith("/reply")
    ]
    assert sent and all(body["message_type"] == "note" for body in sent)
    assert all(kind == "note" for _, kind in env.intercom.replies)


# ---- tests ------------------------------------------------------------------------------------


def test_both_directions_with_attribution_and_only_notes(env: SandboxEnvironment) -> None:
    result = run(env)
    assert result.failures == [] and result.count(TO_INTERCOM) > 5 and result.count(TO_JIRA) > 5
    assert_mirrored_exactly_once(env)
    assert_only_notes_were_sent(env)
    cid, key = next(iter(linked(env).items()))
    assert env.intercom is not None
    note = bridge_notes(env, cid)[0]
    assert note["body"].startswith(f"<p><strong>{key} · ") and note["author"]["id"] == "7001"
    copy = next(c for c in jira_comments_of(env, key) if MIRROR_PROPERTY in c["properties"])
    assert copy["body"]["content"][0]["content"][0]["text"].startswith(f"Intercom {cid} · ")
    assert copy["properties"]["sd.public.comment"] == {"internal": True}


def test_twenty_runs_never_duplicate_and_pick_up_new_items(env: SandboxEnvironment) -> None:
    assert env.intercom is not None
    cursor = FileCursor(env.config_path.parent / "cursor.json")
    counts = []
    cid, key = next(iter(linked(env).items()))
    for number in range(20):
        if number == 10:  # activity between runs, on both sides
            words = {"type": "paragraph", "content": [{"type": "text", "text": "new from a developer"}]}
            jira_client = jira_comments(load_config(env.config_path))
            jira_client.add_comment(
                key, {"type": "doc", "version": 1, "content": [words]}, {"x": 1}, ("x", 1)
            )
            conversation = env.intercom.conversations[cid]
            env.intercom.add_part(conversation, {"part_type": "note", "body": "<p>new from support</p>",
                                                 "created_at": conversation["updated_at"] + 1,
                                                 "author": {"type": "admin", "id": "7003"}})  # fmt: skip
        result = run(env, cursor)
        assert result.failures == []
        counts.append(len(result.mirrored))
        assert_mirrored_exactly_once(env)
    assert counts[0] > 10 and counts[10] == 2 and sum(counts) == counts[0] + 2
    assert cursor.load() is not None
    assert_only_notes_were_sent(env)


class CrashingCursor(FileCursor):
    def save(self, state: BridgeState) -> None:
        raise RuntimeError("worker killed before the cursor was written")


def test_crash_after_posting_before_the_cursor_makes_no_duplicate(env: SandboxEnvironment) -> None:
    path = env.config_path.parent / "cursor.json"
    with pytest.raises(RuntimeError):
        run(env, CrashingCursor(path))
    assert FileCursor(path).load() is None  # the next run starts from scratch
    again = run(env, FileCursor(path))
    assert again.mirrored == [] and again.failures == []
    assert_mirrored_exactly_once(env)


def test_crash_in_the_middle_of_posting_makes_no_duplicate(env: SandboxEnvironment) -> None:
    crashing = bridge(env)
    post, posted = crashing.intercom.add_note, []

    def add_note_then_die(*args: Any) -> str:
        if len(posted) == 3:
            raise KeyboardInterrupt  # the process dies: nothing after this runs
        posted.append(post(*args))
        return posted[-1]

    crashing.intercom.add_note = add_note_then_die  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        crashing.run(FileCursor(env.config_path.parent / "cursor.json"))
    result = run(env)
    assert result.failures == [] and len(posted) == 3 and result.count(TO_INTERCOM) > 0
    assert_mirrored_exactly_once(env)


def test_faults_and_lost_answers_make_no_duplicate(tmp_path: Path) -> None:
    faults = {"truncate": 0.1, "reset": 0.05, "503": 0.05}
    knobs = {"intercom": Knobs(fault_rates=faults, seed=11), "jira": Knobs(fault_rates=faults, seed=12)}
    with sandbox_environment(DATASET, tmp_path, knobs=knobs) as env:
        assert env.intercom is not None
        env.intercom.fail_after_reply = 2
        env.jira.comments.fail_after_create = 2
        results = [run(env) for _ in range(3)]
        assert all(r.failures == [] for r in results)
        assert_mirrored_exactly_once(env)
        assert sum(e.fault is not None for e in env.services["intercom"].log.entries) > 0


def test_warnings_not_crashes_for_unlinked_missing_issue_and_deleted_comment(
    env: SandboxEnvironment, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="opsheets.comments")
    first = run(env)
    missing = DATASET["intercom"]["conversations"][0]["custom_attributes"]["jira_issue_key"]
    assert any(f"links to {missing}, which does not exist" in w for w in first.warnings)
    assert any("have no jira_issue_key" in w and "2002" in w and "2003" in w for w in first.warnings)
    cid, key = next(iter(linked(env).items()))
    mirrored_comment = next(iter(note_markers(env, cid)))[1]
    JiraComments.delete_comment(jira_comments(load_config(env.config_path)), key, mirrored_comment)
    second = run(env)
    assert second.failures == [] and [(m.source_id, m.kind) for m in second.mirrored] == [
        (mirrored_comment, "deleted")
    ]
    notice = env.intercom.notes(cid)[-1]["body"]  # type: ignore[union-attr]
    assert f"{key} comment {mirrored_comment} was deleted in Jira" in notice and notice.endswith(
        "@deleted]</em></p>"
    )
    assert missing in caplog.text
    assert_mirrored_exactly_once(env, deleted=frozenset({(key, mirrored_comment)}))
    assert run(env).mirrored == []


def test_a_conversation_deleted_during_the_run_is_a_warning(env: SandboxEnvironment) -> None:
    assert env.intercom is not None
    run_once = bridge(env)
    fetch = run_once.intercom.conversation

    def fetch_then_vanish(conversation_id: str) -> Any:
        found = fetch(conversation_id)
        if conversation_id == "2004":
            env.intercom.conversations.pop("2004")  # deleted between reading it and posting into it
        return found

    run_once.intercom.conversation = fetch_then_vanish  # type: ignore[method-assign]
    result = run_once.run(FileCursor(env.config_path.parent / "cursor.json"))
    assert result.failures == [] and any(
        "conversation 2004 was deleted during the run" in w for w in result.warnings
    )
    assert result.count(TO_INTERCOM) > 0


def test_a_conversation_linked_to_something_that_is_not_a_key_is_reported(env: SandboxEnvironment) -> None:
    assert env.intercom is not None
    env.intercom.conversations["2004"]["custom_attributes"]["jira_issue_key"] = "see ticket"
    result = run(env)
    assert (
        "conversation 2004: jira_issue_key 'see ticket' is not a Jira issue key; skipped" in result.warnings
    )
    assert result.failures == [] and all(m.conversation_id != "2004" for m in result.mirrored)


def test_tag_filter_sends_only_tagged_notes_without_the_tag(tmp_path: Path) -> None:
    with sandbox_environment(DATASET, tmp_path, config_overrides={"intercom": {"note_tag": "#jira"}}) as env:
        result = run(env)
        assert result.count(TO_JIRA) > 0
        assert_mirrored_exactly_once(env, tag="#jira")
        copies = [c for key in set(linked(env).values()) for c in jira_comments_of(env, key)
                  if MIRROR_PROPERTY in c["properties"]]  # fmt: skip
        assert copies and all("#jira" not in str(c["body"]) for c in copies)


def test_data_center_comments_are_wiki_text(tmp_path: Path) -> None:
    with sandbox_environment(DATASET, tmp_path, jira_mode="datacenter") as env:
        result = run(env)
        assert result.failures == [] and result.count(TO_JIRA) > 0 and result.count(TO_INTERCOM) > 0
        copies = [c for key in set(linked(env).values()) for c in jira_comments_of(env, key)
                  if MIRROR_PROPERTY in c["properties"]]  # fmt: skip
        assert all(isinstance(c["body"], str) and c["body"].startswith("*Intercom ") for c in copies)
        assert_mirrored_exactly_once(env)
        assert run(env).mirrored == []


def test_dry_run_posts_nothing_and_keeps_no_cursor(env: SandboxEnvironment) -> None:
    cursor = FileCursor(env.config_path.parent / "cursor.json")
    result = run(env, cursor, dry_run=True)
    assert result.count(TO_INTERCOM) > 0 and all(m.new_id == "" for m in result.mirrored)
    assert env.services["intercom"].log.count("POST", "/reply") == 0
    assert env.services["jira"].log.count("POST") == 0 and cursor.load() is None
    assert len(run(env).mirrored) == len(result.mirrored)


def test_unchanged_conversations_are_not_fetched_again(env: SandboxEnvironment) -> None:
    assert env.intercom is not None
    cursor = FileCursor(env.config_path.parent / "cursor.json")
    run(env, cursor)
    env.intercom.clock = lambda: time.time() + 60  # a minute later on Intercom's clock
    run(env, cursor)  # sees the notes and comments the first run wrote, in a second that has passed
    log = env.services["intercom"].log
    log.clear()
    quiet = run(env, cursor)
    assert quiet.examined == 0 and quiet.unchanged == len(linked(env)) and quiet.mirrored == []
    assert log.count("GET", "/conversations/") == 0


def test_file_cursor_round_trip_and_damage(tmp_path: Path) -> None:
    cursor = FileCursor(tmp_path / "c.json")
    assert cursor.load() is None
    state = BridgeState(1_790_000_000, {"2004": "ab12"}, {"2004|j10001@x": 2})
    cursor.save(state)
    assert cursor.load() == state
    (tmp_path / "c.json").write_text("{not json")
    assert cursor.load() is None
    (tmp_path / "c.json").write_text('{"updated_since": "soon"}')
    assert cursor.load() is None


def test_cursor_lives_in_a_file_without_a_prefect_api(env: SandboxEnvironment) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    config = load_config(env.config_path)
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        store = cursor_store(config, env.config_path)
    assert isinstance(store, FileCursor) and store.path.parent == env.config_path.parent
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:4200/api"}):
        assert cursor_store(config, env.config_path) == VariableCursor(cursor_name(config))


def test_flow_reports_and_keeps_its_cursor_in_a_variable(
    env: SandboxEnvironment, prefect_harness: None
) -> None:
    from prefect.variables import Variable

    from flows.comments import comment_bridge_markdown, sync_comments

    first = sync_comments(config_path=str(env.config_path), today=TODAY.isoformat())
    assert first.flow == "sync_comments" and first.failures == [] and len(first.table) > 10
    assert first.summary[0].startswith("2026-11-26: mirrored ")
    assert any("does not exist" in w for w in first.warnings)
    assert Variable.get(cursor_name(load_config(env.config_path)))["updated_since"] > 0
    second = sync_comments(config_path=str(env.config_path), today=TODAY.isoformat())
    assert second.table == [] and "mirrored 0 Jira comment(s)" in second.summary[0]
    markdown = comment_bridge_markdown(first)
    assert "| Direction | Issue | Conversation | From | To | Author |" in markdown
    assert markdown.count("| Jira → Intercom |") == sum(
        1 for row in first.table if row["Direction"] == TO_INTERCOM
    )
    assert_mirrored_exactly_once(env)
    assert_only_notes_were_sent(env)


def test_a_change_in_the_second_the_bridge_read_the_conversation_is_not_lost(env: SandboxEnvironment) -> None:
    """Intercom stamps whole seconds: a note added in the second of the read leaves updated_at as it
    was, so the conversation is compared again until that second is past on Intercom's clock."""
    assert env.intercom is not None
    frozen = time.time()
    env.intercom.clock = lambda: frozen
    run(env)
    assert run(env).mirrored == []  # both sides as the first run left them, all in the same second
    cid = next(iter(linked(env)))
    note = {
        "part_type": "note",
        "body": "<p>same second</p>",
        "created_at": int(frozen),
        "author": {"type": "admin", "id": "7003"},
    }
    env.intercom.add_part(env.intercom.conversations[cid], note)
    assert [m.direction for m in run(env).mirrored] == [TO_JIRA]
    assert_mirrored_exactly_once(env)
