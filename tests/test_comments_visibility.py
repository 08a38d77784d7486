"""What Jira restricts never reaches Intercom: comments with a role or group visibility, and comments on
issues with a security level unless the config allows that level. The rest of each issue still goes
both ways, a Jira Service Management internal comment keeps its meaning, and each withheld comment is
counted by reason, never quoted."""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pytest

import connectors.http as http
from domain.comments import RESTRICTED_TO, SECURITY_LEVEL, issue_key_of
from flows.clients import intercom_connector, jira_comments
from flows.comments import bridge_report, sync_comments
from flows.comments_bridge import TO_INTERCOM, TO_JIRA, Bridge, BridgeResult
from flows.comments_cursor import FileCursor
from flows.config import load_config
from flows.sandbox_env import SandboxEnvironment, sandbox_environment
from sandbox.demo_org import generate

TODAY = date(2026, 11, 26)
HIDDEN = "NOT-FOR-INTERCOM"  # in the text of every comment that must stay in Jira


def adf(text: str) -> dict[str, Any]:
    return {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}],
    }


def restricted_dataset() -> tuple[dict[str, Any], dict[str, str]]:
    """Four linked issues: one with a role- and a group-restricted comment among open ones, two with
    security levels, one in a service-desk project with an internal comment."""
    data = copy.deepcopy(generate(people=10, teams=2, issues=40, ledger_rows=0, conversations=9, today=TODAY))
    issues = {i["key"]: i for i in data["jira"]["issues"]}
    keys = [
        k
        for c in data["intercom"]["conversations"]
        if (k := issue_key_of(c["custom_attributes"].get("jira_issue_key"))) and k in issues
    ]
    restricted, staff, legal, desk = (issues[k] for k in keys[:4])
    template = {**restricted["comments"][0]}
    role, group = {"type": "role", "value": "Administrators"}, {"type": "group", "value": "jira-admins"}
    restricted["comments"] += [
        {**template, "id": "90001", "body": adf(f"{HIDDEN} role"), "visibility": role},
        {**template, "id": "90002", "body": adf(f"{HIDDEN} group"), "visibility": group},
    ]
    staff["security"], legal["security"] = "Staff only", "Legal hold"
    for issue in (staff, legal):
        for comment in issue["comments"]:
            comment["body"] = adf(f"{HIDDEN} on a {issue['security']} issue")
    desk_project = next(p for p in data["jira"]["projects"] if p["key"] == desk["project"])
    desk_project["projectTypeKey"] = "service_desk"
    desk["comments"][0]["properties"] = {"sd.public.comment": {"internal": True}}
    names = {
        "restricted": restricted["key"],
        "staff": staff["key"],
        "legal": legal["key"],
        "desk": desk["key"],
    }
    return data, names


DATASET, KEYS = restricted_dataset()


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "sleep", lambda seconds: None)


@pytest.fixture
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SandboxEnvironment]:
    """Jira Cloud; a test parametrized indirectly with "datacenter" gets Data Center (REST v2)."""
    mode: Literal["cloud", "datacenter"] = getattr(request, "param", "cloud")
    with sandbox_environment(copy.deepcopy(DATASET), tmp_path, jira_mode=mode) as environment:
        yield environment


def run(env: SandboxEnvironment, **options: Any) -> BridgeResult:
    config = load_config(env.config_path)
    bridge = Bridge(intercom_connector(config), jira_comments(config), **options)
    return bridge.run(FileCursor(env.config_path.parent / "cursor.json"))


def conversation_of(env: SandboxEnvironment, key: str) -> str:
    assert env.intercom is not None
    return next(
        cid
        for cid, c in env.intercom.conversations.items()
        if issue_key_of(c["custom_attributes"].get("jira_issue_key")) == key
    )


FOOTER = re.compile(r"\[opsheets:jira/(\d+)/(\d+)@[0-9a-f]{12}\]</em></p>$")


def mirrored_from(env: SandboxEnvironment, key: str) -> set[str]:
    """Ids of the Jira comments of `key` that have a note in its conversation."""
    assert env.intercom is not None
    notes = env.intercom.notes(conversation_of(env, key))
    issue = env.jira.issue_by_key(key)
    assert issue is not None
    return {m.group(2) for p in notes for m in FOOTER.finditer(p["body"]) if m.group(1) == issue["id"]}


def comment_ids(env: SandboxEnvironment, key: str) -> set[str]:
    issue = env.jira.issue_by_key(key)
    assert issue is not None
    return {
        c["id"] for c in env.jira.comments.on_issue(issue["id"]) if "opsheets.mirror" not in c["properties"]
    }


def intercom_text(env: SandboxEnvironment) -> str:
    assert env.intercom is not None
    return "\n".join(p.get("body") or "" for c in env.intercom.conversations.values() for p in c["parts"])


@pytest.mark.parametrize("env", ["cloud", "datacenter"], indirect=True)
def test_restricted_comments_stay_in_jira_and_everything_else_is_mirrored(
    env: SandboxEnvironment, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    result = run(env)
    assert not result.failures
    restricted = KEYS["restricted"]
    assert mirrored_from(env, restricted) == comment_ids(env, restricted) - {"90001", "90002"}
    assert mirrored_from(env, restricted), "the unrestricted comments of the same issue went over"
    assert mirrored_from(env, KEYS["staff"]) == mirrored_from(env, KEYS["legal"]) == set()
    assert mirrored_from(env, KEYS["desk"]) == comment_ids(env, KEYS["desk"])  # internal: still mirrored
    assert HIDDEN not in intercom_text(env)
    to_jira = {m.issue_key for m in result.mirrored if m.direction == TO_JIRA}
    assert set(KEYS.values()) <= to_jira  # notes still go to Jira, secured issues included
    assert result.withheld_by_reason() == {
        RESTRICTED_TO["role"]: 1,
        RESTRICTED_TO["group"]: 1,
        SECURITY_LEVEL: sum(len(i["comments"]) for i in DATASET["jira"]["issues"] if i.get("security")),
    }
    report = bridge_report(result, dry_run=False, today=TODAY)
    line = next(s for s in report.summary if s.startswith("withheld"))
    assert line == (
        f"withheld {len(result.withheld)} Jira comment(s) from Intercom: "
        f"{result.withheld_by_reason()[SECURITY_LEVEL]} on an issue with a security level, "
        "1 restricted to a group, 1 restricted to a project role"
    )
    assert HIDDEN not in report.markdown() + caplog.text  # counted, never quoted
    assert "90001 not mirrored: restricted to a project role" in caplog.text


def test_a_security_level_the_config_allows_is_mirrored_others_are_not(env: SandboxEnvironment) -> None:
    result = run(env, allowed_security_levels=["staff ONLY"])  # names compare case-insensitively
    assert mirrored_from(env, KEYS["staff"]) == comment_ids(env, KEYS["staff"])
    assert mirrored_from(env, KEYS["legal"]) == set()
    assert HIDDEN in intercom_text(env)  # the allowed level's text did go over: the rule can pass
    legal = next(i for i in DATASET["jira"]["issues"] if i["key"] == KEYS["legal"])
    assert result.withheld_by_reason()[SECURITY_LEVEL] == len(legal["comments"])
    assert result.count(TO_INTERCOM) > 0


def test_a_dry_run_counts_the_same_and_posts_nothing(env: SandboxEnvironment) -> None:
    dry = run(env, dry_run=True)
    assert env.intercom is not None and not env.intercom.replies
    assert dry.withheld_by_reason() == run(env).withheld_by_reason()


@pytest.mark.usefixtures("prefect_harness")
def test_the_flow_takes_the_allowed_levels_from_the_config_and_reports_the_rest(tmp_path: Path) -> None:
    overrides = {"intercom": {"mirror_security_levels": ["Legal hold"]}}
    with sandbox_environment(copy.deepcopy(DATASET), tmp_path, config_overrides=overrides) as env:
        report = sync_comments(config_path=str(env.config_path), today=TODAY.isoformat())
        assert mirrored_from(env, KEYS["legal"]) == comment_ids(env, KEYS["legal"])
        assert mirrored_from(env, KEYS["staff"]) == set()
    staff = next(i for i in DATASET["jira"]["issues"] if i["key"] == KEYS["staff"])
    assert f"{len(staff['comments'])} on an issue with a security level" in report.markdown()
    assert "1 restricted to a project role" in report.markdown()
