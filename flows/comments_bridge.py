"""One pass of the Jira ↔ Intercom comment bridge, without Prefect (the flow in `flows.comments`
wraps it; tests drive it directly).

Which conversations: one Intercom search for those updated since the cursor plus every linked
conversation that is not closed (a Jira comment can arrive while the conversation stays untouched).
For each linked one, the issue's comments are read; the conversation itself is fetched only when
it or its issue changed since the cursor. What to post is decided by `domain.comments` from the
markers alone, so a lost or stale cursor costs requests, never a duplicate.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from connectors.errors import ApiError, NotFoundError
from connectors.intercom import IntercomConnector, linked_or_updated_query
from connectors.jira_comments import JiraComments
from domain.comments import (
    MIRROR_PROPERTY,
    CommentToPost,
    MirrorPlan,
    NoteToPost,
    Withheld,
    is_mirror,
    issue_key_of,
    plan_mirroring,
    withhold_secured,
)
from domain.records import IntercomConversation, JiraComment
from domain.wiki import adf_to_wiki

# Conversations and comments this close before the cursor are looked at again: clocks differ.
OVERLAP_S = 120
UNLINKED_LISTED = 10


class CursorStore(Protocol):
    def load(self) -> int | None: ...
    def save(self, updated_since: int) -> None: ...


@dataclass(frozen=True)
class Mirrored:
    direction: str  # "Jira → Intercom" or "Intercom → Jira"
    issue_key: str
    conversation_id: str
    source_id: str  # Jira comment id or Intercom part id
    new_id: str  # the note's part id or the comment id it became; "" in a dry run
    author: str

    def row(self) -> dict[str, object]:
        return {"Direction": self.direction, "Issue": self.issue_key, "Conversation": self.conversation_id,
                "From": self.source_id, "To": self.new_id or "(dry run)", "Author": self.author}  # fmt: skip


@dataclass
class BridgeResult:
    mirrored: list[Mirrored] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    withheld: list[Withheld] = field(default_factory=list)  # restricted in Jira: never sent to Intercom
    examined: int = 0  # linked conversations fetched and compared
    unchanged: int = 0  # linked conversations skipped: nothing new on either side since the cursor
    cursor_before: int | None = None
    cursor_after: int | None = None

    def count(self, direction: str) -> int:
        return sum(1 for m in self.mirrored if m.direction == direction)

    def withheld_by_reason(self) -> Counter[str]:
        return Counter(w.reason for w in self.withheld)


TO_INTERCOM = "Jira → Intercom"
TO_JIRA = "Intercom → Jira"


class Bridge:
    def __init__(
        self,
        intercom: IntercomConnector,
        jira: JiraComments,
        *,
        link_attribute: str = "jira_issue_key",
        note_tag: str | None = None,
        initial_lookback_s: int = 30 * 86400,
        allowed_security_levels: Iterable[str] = (),
        dry_run: bool = False,
        log: logging.Logger | logging.LoggerAdapter | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.intercom, self.jira = intercom, jira
        self.link_attribute, self.note_tag = link_attribute, note_tag
        self.initial_lookback_s = initial_lookback_s
        self.allowed_security_levels = tuple(allowed_security_levels)
        self.dry_run = dry_run
        self.log = log or logging.getLogger("opsheets.comments")
        self.clock = clock
        self._comments: dict[str, list[JiraComment] | None] = {}
        self._security_levels: dict[str, str | None] = {}

    def run(self, cursor: CursorStore) -> BridgeResult:
        started = int(self.clock())
        result = BridgeResult(cursor_before=cursor.load())
        since = (result.cursor_before or started - self.initial_lookback_s) - OVERLAP_S
        unlinked: list[str] = []
        for conversation in self.intercom.search(linked_or_updated_query(self.link_attribute, since)):
            self._one(conversation, since if result.cursor_before is not None else None, result, unlinked)
        if unlinked:
            shown = ", ".join(unlinked[:UNLINKED_LISTED]) + (" …" if len(unlinked) > UNLINKED_LISTED else "")
            self._warn(result, f"{len(unlinked)} conversation(s) have no {self.link_attribute} (missing or "
                               f"blank) and were skipped: {shown}")  # fmt: skip
        if not self.dry_run and not result.failures:
            cursor.save(started)
            result.cursor_after = started
        return result

    def _one(
        self, found: IntercomConversation, since: int | None, result: BridgeResult, unlinked: list[str]
    ) -> None:
        raw = found.custom_attributes.get(self.link_attribute)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            unlinked.append(found.id)
            return
        key = issue_key_of(raw)
        if key is None:
            self._warn(result, f"conversation {found.id}: {self.link_attribute} {raw!r} is not a Jira issue "
                               "key; skipped")  # fmt: skip
            return
        comments = self._issue_comments(key, found.id, result)
        if comments is None:
            return
        if since is not None and found.updated_at < since and not _new_comments(comments, since):
            result.unchanged += 1
            return
        try:
            conversation = self.intercom.conversation(found.id)
        except NotFoundError:
            self._warn(result, f"conversation {found.id} disappeared from Intercom during the run; skipped")
            return
        result.examined += 1
        plan = self._visible_only(plan_mirroring(conversation, key, comments, self.note_tag))
        for warning in plan.warnings:
            self._warn(result, warning)
        for withheld in plan.withheld:
            self.log.info("%s comment %s not mirrored: %s", withheld.issue_key, withheld.comment_id,
                          withheld.reason)  # fmt: skip
        result.withheld += plan.withheld
        for note in plan.to_intercom:
            self._post_note(note, result)
        for comment in plan.to_jira:
            self._post_comment(comment, result)

    def _visible_only(self, plan: MirrorPlan) -> MirrorPlan:
        """Asks for the issue's security level only when there is something to send to Intercom."""
        if not plan.to_intercom:
            return plan
        key = plan.to_intercom[0].issue_key
        if key not in self._security_levels:
            self._security_levels[key] = self.jira.security_level(key)
        return withhold_secured(plan, self._security_levels[key], self.allowed_security_levels)

    def _issue_comments(
        self, key: str, conversation_id: str, result: BridgeResult
    ) -> list[JiraComment] | None:
        if key not in self._comments:
            try:
                self._comments[key] = self.jira.comments(key)
            except NotFoundError:
                self._comments[key] = None
                self._warn(result, f"conversation {conversation_id} links to {key}, which does not exist in "
                                   "Jira (or the Jira account cannot see it); skipped")  # fmt: skip
        return self._comments[key]

    def _post_note(self, note: NoteToPost, result: BridgeResult) -> None:
        new_id = ""
        if not self.dry_run:
            try:
                new_id = self.intercom.add_note(note.conversation_id, note.html, note.marker)
            except NotFoundError:
                self._warn(result, f"conversation {note.conversation_id} was deleted during the run; "
                                   f"{note.issue_key} comment {note.comment_id} not mirrored")  # fmt: skip
                return
            except ApiError as exc:
                self._fail(result, f"{note.issue_key} comment {note.comment_id} → conversation "
                                   f"{note.conversation_id}: {exc}")  # fmt: skip
                return
        result.mirrored.append(Mirrored(TO_INTERCOM, note.issue_key, note.conversation_id, note.comment_id,
                                        new_id, note.author))  # fmt: skip

    def _post_comment(self, comment: CommentToPost, result: BridgeResult) -> None:
        new_id = ""
        if not self.dry_run:
            body: object = comment.body if self.jira.body_format == "adf" else adf_to_wiki(comment.body)
            marker = (MIRROR_PROPERTY, comment.properties[MIRROR_PROPERTY])
            try:
                new_id = self.jira.add_comment(comment.issue_key, body, comment.properties, marker)
            except NotFoundError:
                self._warn(result, f"{comment.issue_key} was deleted during the run; note "
                                   f"{comment.part_id} of conversation {comment.conversation_id} "
                                   "not mirrored")  # fmt: skip
                return
            except ApiError as exc:
                self._fail(result, f"conversation {comment.conversation_id} note {comment.part_id} → "
                                   f"{comment.issue_key}: {exc}")  # fmt: skip
                return
        result.mirrored.append(Mirrored(TO_JIRA, comment.issue_key, comment.conversation_id, comment.part_id,
                                        new_id, comment.author))  # fmt: skip

    def _warn(self, result: BridgeResult, message: str) -> None:
        self.log.warning(message)
        result.warnings.append(message)

    def _fail(self, result: BridgeResult, message: str) -> None:
        self.log.error(message)
        result.failures.append(message)


def _new_comments(comments: list[JiraComment], since: int) -> bool:
    return any(c.created is None or c.created.timestamp() >= since for c in comments if not is_mirror(c))
