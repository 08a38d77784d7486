"""One pass of the Jira ↔ Intercom comment bridge, without Prefect (the flow in `flows.comments`
wraps it; tests drive it directly).

Which conversations: one Intercom search for those updated since the cursor plus every linked
conversation that is not closed (a Jira comment can arrive while the conversation stays untouched).
For each linked one the issue's comments are read; the conversation itself is fetched only when its
fingerprint (Intercom's `updated_at`, the issue's comment ids and Jira's `updated` times) differs
from the last run's. The cursor is the newest `updated_at` Intercom reported, less an overlap: the
host clock is never compared with the services' timestamps. What to write is decided by
`domain.comments` from the markers alone, so a lost or stale state costs requests, never a duplicate.

Each item is written on its own: one that fails is recorded (direction, item, system, reason) and
the others go on; its conversation is compared again next run. An item the service refuses as
such (400, 409, 413, 422) is tried at most `MAX_ATTEMPTS` times per version, then reported as
skipped on each run until its source changes.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import Protocol

from connectors.errors import ApiError, FatalAPIError, NotFoundError
from connectors.intercom import IntercomConnector, linked_or_updated_query
from connectors.jira_comments import JiraComments
from domain.comment_limits import JIRA_COMMENT_LIMIT, adf_json_length, fit
from domain.comment_markers import MIRROR_PROPERTY
from domain.comments import GONE, CommentToPost, NoteToPost, issue_key_of, plan_mirroring
from domain.records import IntercomConversation, JiraComment, JiraIssueRef
from domain.wiki import adf_to_wiki
from flows.comments_cursor import BridgeState
from flows.comments_result import READING, TO_INTERCOM, TO_JIRA, BridgeResult, Failed, Mirrored

OVERLAP_S = 600  # conversations updated this long before the cursor are searched again
UNLINKED_LISTED = 10
MAX_ATTEMPTS = 3
REFUSED = frozenset({400, 409, 413, 422})  # the service refuses this item; sending it again will not help


class CursorStore(Protocol):
    def load(self) -> BridgeState | None: ...
    def save(self, state: BridgeState) -> None: ...


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
        self.clock = clock  # only for the first run's look-back: never compared with a service's time
        self._issues: dict[str, tuple[JiraIssueRef, list[JiraComment]] | None] = {}

    def run(self, store: CursorStore) -> BridgeResult:
        before = store.load() or BridgeState()
        result = BridgeResult(cursor_before=before.updated_since)
        since = (
            before.updated_since
            if before.updated_since is not None
            else int(self.clock()) - self.initial_lookback_s
        )
        after = BridgeState(before.updated_since)
        unlinked: list[str] = []
        oldest_failed: int | None = None
        for conversation in self.intercom.search(
            linked_or_updated_query(self.link_attribute, since - OVERLAP_S)
        ):
            after.updated_since = max(after.updated_since or 0, conversation.updated_at)
            failed = len(result.failed)
            self._one(conversation, before, after, result, unlinked)
            if len(result.failed) > failed:  # the cursor does not move past a conversation that failed
                oldest_failed = min(oldest_failed or conversation.updated_at, conversation.updated_at)
        if oldest_failed is not None and after.updated_since is not None:
            after.updated_since = min(after.updated_since, oldest_failed)
        if unlinked:
            shown = ", ".join(unlinked[:UNLINKED_LISTED]) + (" …" if len(unlinked) > UNLINKED_LISTED else "")
            self._warn(result, f"{len(unlinked)} conversation(s) have no {self.link_attribute} (missing or "
                               f"blank) and were skipped: {shown}")  # fmt: skip
        if not self.dry_run:
            store.save(after)
            result.cursor_after = after.updated_since
        return result

    def _one(
        self,
        found: IntercomConversation,
        before: BridgeState,
        after: BridgeState,
        result: BridgeResult,
        unlinked: list[str],
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
        prefix = f"{found.id}|"  # refusal counts of the conversation's items live on while it is linked
        after.attempts.update({k: v for k, v in before.attempts.items() if k.startswith(prefix)})
        loaded = self._issue(key, found.id, result)
        if loaded is None:
            return
        issue, comments = loaded
        seen = fingerprint(found, issue, comments)
        if before.seen.get(found.id) == seen:
            after.seen[found.id] = seen
            result.unchanged += 1
            refused = {k: n for k, n in before.attempts.items() if k.startswith(prefix) and n >= MAX_ATTEMPTS}
            result.skipped += [_left_out(k, issue.key, found.id, n) for k, n in refused.items()]
            return
        try:
            conversation = self.intercom.conversation(found.id)
        except NotFoundError:
            self._warn(result, f"conversation {found.id} disappeared from Intercom during the run; skipped")
            return
        except ApiError as exc:
            self._read_failed(result, issue.key, found.id, "Intercom", exc)
            return
        result.examined += 1
        failed = len(result.failed)
        self._apply(conversation, issue, comments, after, result)
        # Intercom stamps whole seconds: a change in the second this read was made would leave
        # updated_at as it is, so a conversation is taken as settled only once that second is past.
        floor = self.intercom.service_time_floor()
        settled = floor is not None and max(found.updated_at, conversation.updated_at) < floor
        if len(result.failed) == failed and settled:
            after.seen[found.id] = seen

    def _apply(
        self,
        conversation: IntercomConversation,
        issue: JiraIssueRef,
        comments: list[JiraComment],
        state: BridgeState,
        result: BridgeResult,
    ) -> None:
        levels, site = self.allowed_security_levels, self.jira.client.base_url
        plan = plan_mirroring(conversation, issue, comments, self.note_tag, levels, site)
        for warning in plan.warnings:
            self._warn(result, warning)
        for withheld in plan.withheld:
            self.log.info("%s comment %s not mirrored: %s", withheld.issue_key, withheld.comment_id,
                          withheld.reason)  # fmt: skip
        result.withheld += plan.withheld
        for note in plan.to_intercom:
            item = Failed(TO_INTERCOM, note.issue_key, note.conversation_id, note.comment_id, "Intercom", "")
            self._write(item, f"{note.conversation_id}|j{note.comment_id}@{note.version}", state, result,
                        partial(self._post_note, note), note.author, note.kind)  # fmt: skip
        for comment in plan.to_jira:
            item = Failed(TO_JIRA, comment.issue_key, comment.conversation_id, comment.part_id, "Jira", "")
            key = f"{comment.conversation_id}|i{comment.part_id}@{comment.version}"
            self._write(item, key, state, result,
                        partial(self._post_comment, comment), comment.author, comment.kind)  # fmt: skip

    def _write(
        self,
        item: Failed,
        attempt_key: str,
        state: BridgeState,
        result: BridgeResult,
        write: Callable[[], str],
        author: str,
        kind: str,
    ) -> None:
        """One item, on its own: a failure is recorded and the next item goes on."""
        refused = state.attempts.get(attempt_key, 0)
        if refused >= MAX_ATTEMPTS:
            skipped = _with_reason(item, left_out_reason(refused))
            result.skipped.append(skipped)
            self.log.warning(skipped.describe())
            return
        try:
            new_id = "" if self.dry_run else write()
        except NotFoundError:
            target = (
                f"conversation {item.conversation_id}" if item.direction == TO_INTERCOM else item.issue_key
            )
            self._warn(
                result, _with_reason(item, f"{target} was deleted during the run; not mirrored").describe()
            )
            return
        except ApiError as exc:
            reason = str(exc)
            if isinstance(exc, FatalAPIError) and exc.status in REFUSED:
                state.attempts[attempt_key] = refused + 1
                left = MAX_ATTEMPTS - refused - 1
                reason += f" (attempt {refused + 1} of {MAX_ATTEMPTS}; " + (
                    f"{left} more run(s) will try it)" if left else "not tried again until it changes)"
                )
            failure = _with_reason(item, reason)
            self.log.error(failure.describe())
            result.failed.append(failure)
            return
        state.attempts.pop(attempt_key, None)
        result.mirrored.append(Mirrored(item.direction, item.issue_key, item.conversation_id, item.source_id,
                                        new_id, author, kind))  # fmt: skip

    def _issue(
        self, key: str, conversation_id: str, result: BridgeResult
    ) -> tuple[JiraIssueRef, list[JiraComment]] | None:
        if key not in self._issues:
            try:
                self._issues[key] = (self.jira.issue(key), self.jira.comments(key))
            except NotFoundError:
                self._issues[key] = None
                self._warn(result, f"conversation {conversation_id} links to {key}, which does not exist in "
                                   "Jira (or the Jira account cannot see it); skipped")  # fmt: skip
            except ApiError as exc:  # this issue only: the others go on, this one is read again next run
                self._read_failed(result, key, conversation_id, "Jira", exc)
                return None
        return self._issues[key]

    def _read_failed(
        self, result: BridgeResult, key: str, conversation_id: str, system: str, exc: Exception
    ) -> None:
        failure = Failed(READING, key, conversation_id, "", system, str(exc))
        self.log.error(failure.describe())
        result.failed.append(failure)

    def _post_note(self, note: NoteToPost) -> str:
        return self.intercom.add_note(note.conversation_id, note.html, note.marker)

    def _post_comment(self, comment: CommentToPost) -> str:
        body = self._jira_body(comment)
        if comment.comment_id:
            self.jira.update_comment(comment.issue_key, comment.comment_id, body, comment.properties)
            return comment.comment_id
        marker = (MIRROR_PROPERTY, comment.properties[MIRROR_PROPERTY])
        return self.jira.add_comment(comment.issue_key, body, comment.properties, marker)

    def _jira_body(self, comment: CommentToPost) -> object:
        """The body in the site's format, within Jira's length limit (cut with a link to the note)."""
        wiki = self.jira.body_format == "wiki"
        measure = (lambda d: len(adf_to_wiki(d))) if wiki else adf_json_length
        document = comment.body
        if measure(document) > JIRA_COMMENT_LIMIT:  # only then is the note's URL asked for (one /me)
            url = None if comment.kind == GONE else self.intercom.conversation_url(comment.conversation_id)
            document, _ = fit(document, JIRA_COMMENT_LIMIT, measure, url)
        return adf_to_wiki(document) if wiki else document

    def _warn(self, result: BridgeResult, message: str) -> None:
        self.log.warning(message)
        result.warnings.append(message)


def left_out_reason(refused: int) -> str:
    return f"left out: refused {refused} times, not tried again until its source changes"


def _left_out(attempt_key: str, issue_key: str, conversation_id: str, refused: int) -> Failed:
    """A left-out item of a conversation not compared this run, from its key in the state."""
    source = attempt_key.split("|", 1)[1].split("@", 1)[0]
    direction, system = (TO_INTERCOM, "Intercom") if source[0] == "j" else (TO_JIRA, "Jira")
    return Failed(direction, issue_key, conversation_id, source[1:], system, left_out_reason(refused))


def _with_reason(item: Failed, reason: str) -> Failed:
    return Failed(item.direction, item.issue_key, item.conversation_id, item.source_id, item.system, reason)


def fingerprint(conversation: IntercomConversation, issue: JiraIssueRef, comments: list[JiraComment]) -> str:
    """What must change for the conversation to need another look; the services' values only."""
    stamps = sorted((c.id, stamp.isoformat() if (stamp := c.updated or c.created) else "") for c in comments)
    source = repr((conversation.updated_at, issue.id, issue.key, issue.security_level, stamps))
    return hashlib.sha256(source.encode()).hexdigest()[:16]
