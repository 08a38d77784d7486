"""The comment bridge soak: people comment, edit, delete, redact, move issues, paste mirrored notes
and post oversized and rich notes between runs, with skewed clocks and injected failures; then the
two sides are compared with what people did.

Counted at the end (after a few quiet rounds to let failed items through):
- duplicates: a Jira comment whose note was posted twice with nothing changed in between, or a
  note with two copies in Jira (must be 0);
- lost: a live source item with no copy on the other side (must be 0);
- stale: a copy whose latest version is not its source's current one — an edit that did not
  travel, or a deletion or redaction not marked (must be 0).
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from connectors.errors import ApiError
from domain.comment_markers import part_version, version_of
from domain.comments import issue_key_of
from domain.records import IntercomPart
from flows.clients import intercom_connector, jira_comments
from flows.comments_bridge import Bridge
from flows.comments_cursor import FileCursor
from flows.config import load_config
from flows.sandbox_env import SandboxEnvironment
from sandbox.jira.comment_edits import edit_comment

ROUND_S = 300  # the bridge runs every five minutes
FOOTER = re.compile(r"\[opsheets:jira/(\d+)/(\d+)@(\w+)\]</em></p>$")
PERSON = {"type": "admin", "id": "7003"}
ACTIONS = (
    "comment",
    "rich_comment",
    "edit_comment",
    "delete_comment",
    "note",
    "rich_note",
    "big_note",
    "paste_note",
    "edit_note",
    "redact_note",
    "move_issue",
    "nothing",
)


def paragraph(words: str) -> dict[str, Any]:
    return {"type": "paragraph", "content": [{"type": "text", "text": words}]}


RICH_COMMENT = [
    {
        "type": "table",
        "content": [
            {
                "type": "tableRow",
                "content": [
                    {"type": "tableHeader", "content": [paragraph("Host")]},
                    {"type": "tableHeader", "content": [paragraph("CPU")]},
                ],
            }
        ],
    },
    {
        "type": "paragraph",
        "content": [
            {"type": "text", "text": "due "},
            {"type": "date", "attrs": {"timestamp": "1796083200000"}},
        ],
    },
    {
        "type": "taskList",
        "attrs": {"localId": "t1"},
        "content": [
            {
                "type": "taskItem",
                "attrs": {"localId": "t2", "state": "TODO"},
                "content": [{"type": "text", "text": "restart"}],
            }
        ],
    },
    {
        "type": "mediaSingle",
        "content": [
            {"type": "media", "attrs": {"type": "file", "id": "f1", "collection": "", "alt": "shot.png"}}
        ],
    },
]
RICH_NOTE = (
    "<p>Use _legacy_ *mode* {x}</p><table><tr><th>Host</th><th>CPU</th></tr><tr><td>web-1</td>"
    '<td>93%</td></tr></table><p><img src="https://files.example/shot.png"></p>'
)


@dataclass
class SoakFigures:
    rounds: int = 0
    runs_failed: int = 0  # runs in which some item failed (and was retried later)
    runs_crashed: int = 0  # runs that failed as a whole (Intercom's search or Jira unreachable)
    mirrored: Counter[str] = field(default_factory=Counter)  # by direction and kind
    actions: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    lost: int = 0
    stale: int = 0
    checked: int = 0  # source items compared with their copies at the end


class BridgeSoak:
    def __init__(self, env: SandboxEnvironment, seed: int) -> None:
        assert env.intercom is not None
        self.env, self.intercom, self.rng = env, env.intercom, random.Random(seed)
        self.figures = SoakFigures()
        self.moves = 0
        self.base = time.time()
        self.jira_skew, self.intercom_skew = self.rng.randint(-420, 420), self.rng.randint(-420, 420)
        self.now_s = 0
        env.jira.clock_offset_s = self.jira_skew
        self.intercom.clock = lambda: self.base + self.now_s + self.intercom_skew
        self.state = FileCursor(env.config_path.parent / "soak-state.json")

    # ---- one round -------------------------------------------------------------------------------
    def run(self, rounds: int, quiet_rounds: int = 4) -> SoakFigures:
        for _ in range(rounds):
            for _ in range(self.rng.randint(1, 3)):
                self.act(self.rng.choice(ACTIONS))
            self.sync(faults=True)
        for _ in range(quiet_rounds):
            self.sync(faults=False)
        self.check()
        return self.figures

    def sync(self, faults: bool) -> None:
        self.now_s += ROUND_S
        self.env.jira.clock_offset_s = self.jira_skew + self.now_s
        outage = self.rng.choice(["jira", "intercom"]) if faults and self.rng.random() < 0.1 else None
        for name in ("jira", "intercom"):
            knobs = self.env.services[name].knobs
            knobs.fault_rates = {"503": 0.03, "reset": 0.02, "truncate": 0.02} if faults else {}
            if name == outage:  # a bad five minutes: most requests fail, some items with them
                knobs.fault_rates = {"503": 0.5, "reset": 0.1}
        if faults and self.rng.random() < 0.2:
            self.intercom.fail_after_reply = 1  # the note is stored, the answer is lost
        if faults and self.rng.random() < 0.2:
            self.env.jira.comments.fail_after_create = 1
        host_skew = self.rng.randint(-600, 600)
        config = load_config(self.env.config_path)
        bridge = Bridge(
            intercom_connector(config),
            jira_comments(config),
            clock=lambda: self.base + self.now_s + host_skew,
        )
        self.figures.rounds += faults
        try:
            result = bridge.run(self.state)
        except ApiError:  # the search or the Jira deployment could not be read: the whole run fails
            self.figures.runs_crashed += 1
            return
        self.figures.runs_failed += bool(result.failed)
        for mirrored in result.mirrored:
            self.figures.mirrored[f"{mirrored.direction} {mirrored.kind}"] += 1

    # ---- what people do --------------------------------------------------------------------------
    def links(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(conversation, issue) of each conversation linked to an issue that exists."""
        found = []
        for _, conversation in sorted(self.intercom.conversations.items()):
            key = issue_key_of(conversation["custom_attributes"].get("jira_issue_key"))
            issue = self.env.jira.issue_by_key(key) if key else None
            if issue is not None:
                found.append((conversation, issue))
        return found

    def act(self, action: str) -> None:
        conversation, issue = self.rng.choice(self.links())
        done = getattr(self, f"_{action}")(conversation, issue)
        self.figures.actions[action if done is not False else "nothing"] += 1

    def _comment(self, _: dict[str, Any], issue: dict[str, Any], content: list | None = None) -> None:
        now = self.env.jira.now()
        body = {
            "type": "doc",
            "version": 1,
            "content": content or [paragraph(f"finding {self.rng.random():.6f}")],
        }
        self.env.jira.comments.add(
            issue["id"],
            {
                "author": None,
                "created": now,
                "updated": now,
                "body": body,
                "properties": {},
                "visibility": None,
            },
        )

    def _rich_comment(self, conversation: dict[str, Any], issue: dict[str, Any]) -> None:
        self._comment(conversation, issue, RICH_COMMENT)

    def human_comments(self, issue: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            c
            for c in self.env.jira.comments.on_issue(issue["id"])
            if "opsheets.mirror" not in c["properties"]
        ]

    def _edit_comment(self, _: dict[str, Any], issue: dict[str, Any]) -> bool:
        comments = self.human_comments(issue)
        if not comments:
            return False
        body = {"type": "doc", "version": 1, "content": [paragraph(f"corrected {self.rng.random():.6f}")]}
        edit_comment(self.env.jira, self.rng.choice(comments), body, {})
        return True

    def _delete_comment(self, _: dict[str, Any], issue: dict[str, Any]) -> bool:
        comments = self.human_comments(issue)
        if not comments:
            return False
        self.env.jira.comments.delete(self.rng.choice(comments)["id"])
        return True

    def _note(self, conversation: dict[str, Any], _: dict[str, Any], html: str | None = None) -> None:
        part = {
            "part_type": "note",
            "body": html or f"<p>support {self.rng.random():.6f}</p>",
            "created_at": int(self.intercom.clock()),
            "author": PERSON,
        }
        self.intercom.add_part(conversation, part)

    def _rich_note(self, conversation: dict[str, Any], issue: dict[str, Any]) -> None:
        self._note(conversation, issue, RICH_NOTE)

    def _big_note(self, conversation: dict[str, Any], issue: dict[str, Any]) -> None:
        self._note(conversation, issue, "".join(f"<p>log {n}: {'y' * 95}</p>" for n in range(400)))

    def _paste_note(self, conversation: dict[str, Any], issue: dict[str, Any]) -> bool:
        mirrors = [
            p for p in conversation["parts"] if p.get("app_package_code") and FOOTER.search(p["body"] or "")
        ]
        if not mirrors:
            return False
        self._note(conversation, issue, "<p>Seen again:</p>" + self.rng.choice(mirrors)["body"])
        return True

    def human_notes(self, conversation: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            p
            for p in conversation["parts"]
            if p["part_type"] == "note" and not p.get("app_package_code") and not p.get("redacted")
        ]

    def _edit_note(self, conversation: dict[str, Any], _: dict[str, Any]) -> bool:
        notes = self.human_notes(conversation)
        if not notes:
            return False
        self.intercom.edit_part(
            conversation, self.rng.choice(notes)["id"], f"<p>edited {self.rng.random():.6f}</p>"
        )
        return True

    def _redact_note(self, conversation: dict[str, Any], _: dict[str, Any]) -> bool:
        notes = self.human_notes(conversation)
        if not notes:
            return False
        self.intercom.redact(conversation, self.rng.choice(notes)["id"])
        return True

    def _move_issue(self, conversation: dict[str, Any], issue: dict[str, Any]) -> None:
        self.moves += 1
        self.env.jira.move_issue(issue["key"], f"MOVED-{self.moves}")
        if (
            self.rng.random() < 0.5
        ):  # support re-points the conversation (an attribute update moves updated_at)
            conversation["custom_attributes"]["jira_issue_key"] = issue["key"]
            conversation["updated_at"] = max(conversation["updated_at"], int(self.intercom.clock()))

    def _nothing(self, *_: Any) -> None:
        return None

    # ---- the comparison --------------------------------------------------------------------------
    def check(self) -> None:
        for conversation, issue in self.links():
            self._check_notes(conversation, issue)
            self._check_copies(conversation, issue)

    def _check_notes(self, conversation: dict[str, Any], issue: dict[str, Any]) -> None:
        by_comment: dict[str, list[str]] = {}
        for part in conversation["parts"]:
            match = FOOTER.search(part.get("body") or "") if part.get("app_package_code") else None
            if match and match.group(1) == issue["id"]:
                by_comment.setdefault(match.group(2), []).append(match.group(3))
        live = {c["id"]: version_of(c["body"]) for c in self.human_comments(issue)}
        for comment_id, versions in by_comment.items():
            # the same version twice in a row: a note posted again with nothing changed in between
            self.figures.duplicates += sum(1 for before, after in pairwise(versions) if before == after)
            self.figures.stale += versions[-1] != live.get(comment_id, "deleted")
        self.figures.lost += sum(1 for comment_id in live if comment_id not in by_comment)
        self.figures.checked += len(live)

    def _check_copies(self, conversation: dict[str, Any], issue: dict[str, Any]) -> None:
        copies: dict[str, list[str]] = {}
        for comment in self.env.jira.comments.on_issue(issue["id"]):
            mirror = comment["properties"].get("opsheets.mirror") or {}
            if mirror.get("conversation_id") == conversation["id"]:
                copies.setdefault(str(mirror["part_id"]), []).append(str(mirror.get("version")))
        notes = [
            p for p in conversation["parts"] if p["part_type"] == "note" and not p.get("app_package_code")
        ]
        for part_id, versions in copies.items():
            self.figures.duplicates += len(versions) - 1
            note = next((p for p in notes if p["id"] == part_id), None)
            self.figures.stale += versions[-1] != (_version(note) if note else "deleted")
        self.figures.lost += sum(
            1 for p in notes if p["id"] not in copies and (p.get("body") or p.get("redacted"))
        )
        self.figures.checked += len(notes)


def _version(part: dict[str, Any]) -> str:
    attachments = tuple((a.get("name", ""), a["url"]) for a in part.get("attachments", []))
    record = IntercomPart(
        part["id"],
        "note",
        "admin",
        None,
        None,
        part.get("body"),
        part["created_at"],
        redacted=bool(part.get("redacted")),
        attachments=attachments,
    )
    return part_version(record)
