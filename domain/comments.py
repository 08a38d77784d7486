"""Mirroring rules for the Jira ↔ Intercom comment bridge. Pure: both sides in, what to write out.

What counts as a mirror, and which version of its source it carries, is in `domain.comment_markers`.
For one linked conversation and the comments of its issue the plan says, both ways:
- a source with no mirror yet → post a copy (a note in Intercom, a comment in Jira);
- a source edited since its mirror was written (its version differs) → Jira comments written by
  the bridge are updated in place; Intercom notes cannot be edited through the API, so a new note
  "edited in Jira" carries the new text and supersedes the earlier one;
- a source deleted (or a Jira comment no longer shared, an Intercom note redacted) → its mirror is
  marked: the Jira copy's text is replaced by a notice, a note says the Jira comment is gone.
A mirror is never a source, so nothing loops.

Every teammate in Intercom reads its notes, so what Jira restricts stays in Jira: a comment with any
`visibility` (a project role or a group) is withheld, and so is every comment of an issue with a
security level unless that level is allowed. Withheld comments are counted by reason, never quoted.
A Jira Service Management internal comment is hidden from the customer, not from the team: mirrored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from domain.comment_markers import (
    DELETED,
    MIRROR_PROPERTY,
    REDACTED,
    CommentMirror,
    NoteMirror,
    comment_mirrors,
    footer_text,
    footer_token,
    is_mirror,
    mirror_part_ids,
    mirror_property,
    note_mirrors,
    part_version,
    version_of,
)
from domain.comment_text import comment_document, jira_comment_body, note_document, notice_body
from domain.records import IntercomConversation, IntercomPart, JiraComment, JiraIssueRef
from domain.richtext import adf_to_html

INTERNAL_PROPERTY = "sd.public.comment"  # Jira Service Management: {"internal": true} hides it from customers
ISSUE_KEY = re.compile(r"[A-Z][A-Z0-9_]*-[1-9][0-9]*")
SEPARATOR = " · "
NEW, EDITED, GONE = "new", "edited", "deleted"

RESTRICTED_TO = {"role": "restricted to a project role", "group": "restricted to a group"}
RESTRICTED = "restricted visibility"
SECURITY_LEVEL = "on an issue with a security level"


@dataclass(frozen=True)
class NoteToPost:
    """A note to add to a conversation for a Jira comment: its first copy, an edit or a deletion."""

    conversation_id: str
    issue_key: str
    comment_id: str
    author: str
    html: str  # attribution, converted body, footer
    marker: str  # the footer token a retry looks for to know the note already exists
    kind: str = NEW
    version: str = ""


@dataclass(frozen=True)
class CommentToPost:
    """A Jira comment to add (`comment_id` empty) or to update (an edited or deleted note)."""

    issue_key: str
    conversation_id: str
    part_id: str
    author: str
    body: dict[str, Any]  # ADF, attribution first
    properties: dict[str, Any]
    kind: str = NEW
    comment_id: str = ""
    version: str = ""


@dataclass(frozen=True)
class Withheld:
    """A Jira comment not mirrored to Intercom because Jira restricts who may read it."""

    issue_key: str
    comment_id: str
    reason: str  # one of RESTRICTED_TO's values, RESTRICTED or SECURITY_LEVEL; never the text


@dataclass(frozen=True)
class MirrorPlan:
    to_intercom: list[NoteToPost] = field(default_factory=list)
    to_jira: list[CommentToPost] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    withheld: list[Withheld] = field(default_factory=list)


def issue_key_of(value: object) -> str | None:
    """The Jira issue key in a link attribute (trimmed, upper-cased), or None when it holds none."""
    if not isinstance(value, str):
        return None
    candidate = value.strip().upper()
    return candidate if ISSUE_KEY.fullmatch(candidate) else None


def attribution(source: str, author: str | None, kind: str = NEW) -> str:
    """'PROJ-12 · Ana Müller' — where it came from and who wrote it (and ' · edited' for an edit)."""
    suffix = {NEW: "", EDITED: f"{SEPARATOR}edited", GONE: f"{SEPARATOR}deleted"}[kind]
    return f"{source}{SEPARATOR}{author or 'unknown author'}{suffix}"


def restriction(comment: JiraComment) -> str | None:
    """Why Jira limits who reads the comment (a role or group visibility), or None."""
    if comment.visibility is None:
        return None
    return RESTRICTED_TO.get(comment.visibility, RESTRICTED)


def withheld_reason(comment: JiraComment, issue: JiraIssueRef, allowed: Iterable[str]) -> str | None:
    if (reason := restriction(comment)) is not None:
        return reason
    level = issue.security_level
    if level is not None and level.casefold() not in {name.casefold() for name in allowed}:
        return SECURITY_LEVEL
    return None


def note_html(
    issue: JiraIssueRef, comment: JiraComment, version: str, kind: str, jira_url: str | None = None
) -> str:
    """Attribution, body, footer. `jira_url` (the site) links attachments to the comment holding them."""
    header = (
        f"<p><strong>{escape(attribution(issue.key, comment.author_name, kind), quote=False)}</strong></p>"
    )
    link = f"{jira_url.rstrip('/')}/browse/{issue.key}?focusedCommentId={comment.id}" if jira_url else None
    body = adf_to_html(comment_document(comment), link) or "<p>(empty comment)</p>"
    return header + body + _footer_html(issue, comment.id, version)


def deletion_html(issue: JiraIssueRef, mirror: NoteMirror) -> str:
    words = (f"{issue.key} comment {mirror.comment_id} was deleted in Jira or is no longer shared with "
             "Intercom: disregard its earlier note.")  # fmt: skip
    return f"<p><strong>{escape(words, quote=False)}</strong></p>" + _footer_html(
        issue, mirror.comment_id, DELETED
    )


def _footer_html(issue: JiraIssueRef, comment_id: str, version: str) -> str:
    return f"<p><em>{escape(footer_text(issue.key, issue.id, comment_id, version), quote=False)}</em></p>"


def is_admin_note(part: IntercomPart) -> bool:
    return (
        part.part_type == "note"
        and part.author_type == "admin"
        and (bool(part.body) or bool(part.attachments))
    )


def plan_mirroring(
    conversation: IntercomConversation,
    issue: JiraIssueRef,
    comments: Sequence[JiraComment],
    tag: str | None = None,
    allowed_levels: Iterable[str] = (),
    jira_url: str | None = None,
) -> MirrorPlan:
    """What to write, both ways, for one linked conversation and the comments of its issue."""
    plan = MirrorPlan()
    notes = note_mirrors(conversation.parts)
    _plan_to_intercom(conversation, issue, comments, notes, (tuple(allowed_levels), jira_url), plan)
    _plan_to_jira(conversation, issue, comments, mirror_part_ids(notes), tag, plan)
    return plan


def _plan_to_intercom(
    conversation: IntercomConversation,
    issue: JiraIssueRef,
    comments: Sequence[JiraComment],
    notes: dict[str, list[NoteMirror]],
    options: tuple[tuple[str, ...], str | None],  # allowed security levels, the Jira site's URL
    plan: MirrorPlan,
) -> None:
    allowed, jira_url = options
    window_start = min((p.created_at for p in conversation.parts), default=0) if conversation.truncated else 0
    shared: set[str] = set()
    for comment in sorted(comments, key=lambda c: (c.created is None, c.created, _number(c.id))):
        if is_mirror(comment):
            continue
        if (reason := withheld_reason(comment, issue, allowed)) is not None:
            plan.withheld.append(Withheld(issue.key, comment.id, reason))
            continue
        shared.add(comment.id)
        latest = notes[comment.id][-1] if comment.id in notes else None
        version = version_of(comment.body)
        if latest is not None and latest.version in (None, version):
            continue
        created = comment.created.timestamp() if comment.created else 0
        if latest is None and created < window_start:
            plan.warnings.append(
                f"conversation {conversation.id} has more than {len(conversation.parts)} parts, so Intercom "
                f"hides the oldest; {issue.key} comment {comment.id} is older than what it shows and was not "
                f"mirrored (it may be there already)"
            )
            continue
        kind = NEW if latest is None else EDITED
        plan.to_intercom.append(
            NoteToPost(conversation.id, issue.key, comment.id, comment.author_name or "unknown author",
                       note_html(issue, comment, version, kind, jira_url),
                       footer_token(issue.id, comment.id, version), kind, version)
        )  # fmt: skip
    for comment_id, mirrors in sorted(notes.items()):
        latest = mirrors[-1]
        if comment_id in shared or latest.version == DELETED or not _same_issue(latest, issue):
            continue
        plan.to_intercom.append(
            NoteToPost(conversation.id, issue.key, comment_id, "", deletion_html(issue, latest),
                       footer_token(issue.id, comment_id, DELETED), GONE, DELETED)
        )  # fmt: skip


def _same_issue(mirror: NoteMirror, issue: JiraIssueRef) -> bool:
    return mirror.issue_id == issue.id if mirror.issue_id is not None else mirror.issue_key == issue.key


def _plan_to_jira(
    conversation: IntercomConversation,
    issue: JiraIssueRef,
    comments: Sequence[JiraComment],
    mirror_parts: set[str],
    tag: str | None,
    plan: MirrorPlan,
) -> None:
    copies = comment_mirrors(comments)
    present = set()
    for part in sorted(conversation.parts, key=lambda p: (p.created_at, _number(p.id))):
        present.add(part.id)
        if part.id in mirror_parts or not (is_admin_note(part) or part.redacted):
            continue
        copy = copies.get((conversation.id, part.id))
        version = part_version(part)
        if copy is None:
            document = None if part.redacted else note_document(part, tag)
            if document is not None:
                plan.to_jira.append(_comment(conversation, issue, part, document, version, NEW, ""))
        elif copy.version is not None and copy.version != version:
            kind = GONE if part.redacted else EDITED
            document = notice_body(REDACTED) if part.redacted else note_document(part, None)
            assert document is not None  # with no tag asked for, every note has a document
            plan.to_jira.append(_comment(conversation, issue, part, document, version, kind, copy.comment_id))
    if not conversation.truncated:  # a part missing from a truncated conversation may just be hidden
        _plan_deleted_notes(conversation, issue, copies, present, plan)


def _plan_deleted_notes(
    conversation: IntercomConversation,
    issue: JiraIssueRef,
    copies: dict[tuple[str, str], CommentMirror],
    present: set[str],
    plan: MirrorPlan,
) -> None:
    for (conversation_id, part_id), copy in sorted(copies.items()):
        if conversation_id != conversation.id or part_id in present or copy.version == DELETED:
            continue
        gone = IntercomPart(part_id, "note", "admin", None, None, None, 0)
        plan.to_jira.append(
            _comment(conversation, issue, gone, notice_body(DELETED), DELETED, GONE, copy.comment_id)
        )


def _comment(
    conversation: IntercomConversation,
    issue: JiraIssueRef,
    part: IntercomPart,
    document: dict[str, Any],
    version: str,
    kind: str,
    comment_id: str,
) -> CommentToPost:
    author = part.author_name or "unknown admin"
    return CommentToPost(
        issue_key=issue.key,
        conversation_id=conversation.id,
        part_id=part.id,
        author=author,
        body=jira_comment_body(attribution(f"Intercom {conversation.id}", author, kind), document),
        properties={MIRROR_PROPERTY: mirror_property(conversation.id, part.id, version),
                    INTERNAL_PROPERTY: {"internal": True}},
        kind=kind,
        comment_id=comment_id,
        version=version,
    )  # fmt: skip


def _number(value: str) -> int:
    return int(value) if value.isdigit() else 0
