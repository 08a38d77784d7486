"""Mirroring rules for the Jira ↔ Intercom comment bridge. Pure: both sides in, what to post out.

Markers travel with the posted item itself, so no local state is needed to avoid duplicates:
- a note mirrored from Jira ends with a footer holding `[opsheets:PROJ-12/10001]` (issue key and
  Jira comment id). Intercom keeps a note's visible text, so the footer survives where an HTML
  comment might be stripped; it doubles as a pointer for the support engineer;
- a comment mirrored from Intercom carries the comment property `opsheets.mirror` with the
  conversation and part id, set in the same request that creates the comment.
A Jira comment with that property is never mirrored to Intercom, a note with the footer never to
Jira (never back, and no chains between several conversations linked to one issue).

Every teammate in Intercom reads its notes, so what Jira restricts stays in Jira: a comment with any
`visibility` (a project role or a group) is withheld, and so is every comment of an issue with a
security level unless that level is allowed (`withhold_secured`). Withheld comments are counted by
reason, never quoted. A Jira Service Management internal comment is not restricted this way: it is
hidden from the customer, not from the team, and is mirrored like any other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from html import escape
from typing import Any

from domain.records import IntercomConversation, IntercomPart, JiraComment
from domain.richtext import Node, adf_to_html, html_to_adf, paragraph, text
from domain.wiki import wiki_to_adf

MIRROR_PROPERTY = "opsheets.mirror"
INTERNAL_PROPERTY = "sd.public.comment"  # Jira Service Management: {"internal": true} hides it from customers
ISSUE_KEY = re.compile(r"[A-Z][A-Z0-9_]*-[1-9][0-9]*")
NOTE_MARKER = re.compile(r"\[opsheets:([A-Z][A-Z0-9_]*-[0-9]+)/([0-9]+)\]")
SEPARATOR = " · "


@dataclass(frozen=True)
class NoteToPost:
    """A Jira comment to add to a conversation as an admin note."""

    conversation_id: str
    issue_key: str
    comment_id: str
    author: str
    html: str  # attribution, converted body, marker footer
    marker: str  # the footer token a retry looks for to know the note already exists


@dataclass(frozen=True)
class CommentToPost:
    """An admin note to add to the linked Jira issue as a comment."""

    issue_key: str
    conversation_id: str
    part_id: str
    author: str
    body: Node  # ADF, attribution first
    properties: dict[str, Any]


RESTRICTED_TO = {"role": "restricted to a project role", "group": "restricted to a group"}
RESTRICTED = "restricted visibility"
SECURITY_LEVEL = "on an issue with a security level"


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


def attribution(source: str, author: str | None) -> str:
    """'PROJ-12 · Ana Müller' — where it came from and who wrote it."""
    return f"{source}{SEPARATOR}{author or 'unknown author'}"


def note_marker(issue_key: str, comment_id: str) -> str:
    return f"[opsheets:{issue_key}/{comment_id}]"


def marked_comments(parts: Iterable[IntercomPart]) -> set[tuple[str, str]]:
    """(issue key, Jira comment id) of every note that is a mirror of a Jira comment."""
    return {(m.group(1), m.group(2)) for p in parts for m in NOTE_MARKER.finditer(p.body or "")}


def mirror_property(conversation_id: str, part_id: str) -> dict[str, Any]:
    return {"source": "intercom", "conversation_id": conversation_id, "part_id": part_id}


def mirrored_parts(comments: Iterable[JiraComment]) -> set[tuple[str, str]]:
    """(conversation id, part id) of every Jira comment that is a mirror of an Intercom note."""
    found = set()
    for comment in comments:
        value = comment.properties.get(MIRROR_PROPERTY)
        if isinstance(value, dict):
            found.add((str(value.get("conversation_id")), str(value.get("part_id"))))
    return found


def is_mirror(comment: JiraComment) -> bool:
    return MIRROR_PROPERTY in comment.properties


def restriction(comment: JiraComment) -> str | None:
    """Why Jira limits who reads the comment (a role or group visibility), or None."""
    if comment.visibility is None:
        return None
    return RESTRICTED_TO.get(comment.visibility, RESTRICTED)


def withhold_secured(plan: MirrorPlan, level: str | None, allowed: Iterable[str]) -> MirrorPlan:
    """The plan with nothing sent to Intercom when the issue has a security level not in `allowed`
    (level names, compared case-insensitively)."""
    if level is None or level.casefold() in {name.casefold() for name in allowed}:
        return plan
    secured = [Withheld(n.issue_key, n.comment_id, SECURITY_LEVEL) for n in plan.to_intercom]
    return replace(plan, to_intercom=[], withheld=[*plan.withheld, *secured])


def comment_document(comment: JiraComment) -> Node:
    """The comment body as ADF whichever API it came from (v3 ADF, v2 wiki markup)."""
    if isinstance(comment.body, dict):
        return comment.body
    return wiki_to_adf(str(comment.body or ""))


def note_html(comment: JiraComment) -> str:
    header = (
        f"<p><strong>{escape(attribution(comment.issue_key, comment.author_name), quote=False)}</strong></p>"
    )
    body = adf_to_html(comment_document(comment)) or "<p>(empty comment)</p>"
    footer = f"<p><em>Mirrored from Jira {note_marker(comment.issue_key, comment.id)}</em></p>"
    return header + body + footer


def untagged_document(html: str, tag: str | None) -> Node | None:
    """The note as ADF, without its leading tag; None when a tag is configured and the note lacks it."""
    document = html_to_adf(html)
    if not tag:
        return document
    first = _first_text(document)
    if first is None or not first["text"].lstrip().lower().startswith(tag.lower()):
        return None
    first["text"] = first["text"].lstrip()[len(tag) :].lstrip()
    document = _without_empty_text(document)
    following = _first_text(document)  # "<b>#jira</b> text": the words after the tag start here
    if following is not None:
        following["text"] = following["text"].lstrip()
    return _without_empty_text(document)


def _first_text(node: Node) -> Node | None:
    for child in node.get("content", []):
        if child.get("type") == "text":
            return child
        if child.get("type") != "hardBreak":
            found = _first_text(child)
            if found is not None:
                return found
    return None


def _without_empty_text(node: Node) -> Node:
    if "content" in node:
        node["content"] = [
            _without_empty_text(c) for c in node["content"] if not (c.get("type") == "text" and not c["text"])
        ]
    return node


def jira_comment_body(conversation_id: str, part: IntercomPart, document: Node) -> Node:
    header = paragraph(text(attribution(f"Intercom {conversation_id}", part.author_name), {"type": "strong"}))
    content = document.get("content") or [paragraph(text("(empty note)"))]
    return {"type": "doc", "version": 1, "content": [header, *content]}


def is_admin_note(part: IntercomPart) -> bool:
    return part.part_type == "note" and part.author_type == "admin" and not part.redacted and bool(part.body)


def plan_mirroring(
    conversation: IntercomConversation,
    issue_key: str,
    comments: Sequence[JiraComment],
    tag: str | None = None,
) -> MirrorPlan:
    """What to post, both ways, for one linked conversation and the comments of its issue."""
    plan = MirrorPlan()
    _plan_to_intercom(conversation, issue_key, comments, plan)
    _plan_to_jira(conversation, issue_key, comments, tag, plan)
    return plan


def _plan_to_intercom(
    conversation: IntercomConversation, issue_key: str, comments: Sequence[JiraComment], plan: MirrorPlan
) -> None:
    already = marked_comments(conversation.parts)
    window_start = min((p.created_at for p in conversation.parts), default=0) if conversation.truncated else 0
    for comment in sorted(comments, key=lambda c: (c.created is None, c.created, int_or_zero(c.id))):
        if is_mirror(comment) or (issue_key, comment.id) in already:
            continue
        if (reason := restriction(comment)) is not None:
            plan.withheld.append(Withheld(issue_key, comment.id, reason))
            continue
        created = comment.created.timestamp() if comment.created else 0
        if created < window_start:
            plan.warnings.append(
                f"conversation {conversation.id} has more than {len(conversation.parts)} parts, so Intercom "
                f"hides the oldest; {issue_key} comment {comment.id} is older than what it shows and was not "
                f"mirrored (it may be there already)"
            )
            continue
        plan.to_intercom.append(
            NoteToPost(conversation.id, issue_key, comment.id, comment.author_name or "unknown author",
                       note_html(comment), note_marker(issue_key, comment.id))
        )  # fmt: skip
    present = {c.id for c in comments}
    for key, comment_id in sorted(already):
        if key == issue_key and comment_id not in present:
            plan.warnings.append(
                f"{issue_key} comment {comment_id} was deleted in Jira; its note in conversation "
                f"{conversation.id} stays (Intercom notes cannot be deleted)"
            )


def _plan_to_jira(
    conversation: IntercomConversation,
    issue_key: str,
    comments: Sequence[JiraComment],
    tag: str | None,
    plan: MirrorPlan,
) -> None:
    already = mirrored_parts(comments)
    for part in sorted(conversation.parts, key=lambda p: (p.created_at, int_or_zero(p.id))):
        if not is_admin_note(part) or NOTE_MARKER.search(part.body or ""):
            continue
        if (conversation.id, part.id) in already:
            continue
        document = untagged_document(part.body or "", tag)
        if document is None:
            continue
        plan.to_jira.append(
            CommentToPost(
                issue_key=issue_key,
                conversation_id=conversation.id,
                part_id=part.id,
                author=part.author_name or "unknown admin",
                body=jira_comment_body(conversation.id, part, document),
                properties={MIRROR_PROPERTY: mirror_property(conversation.id, part.id),
                            INTERNAL_PROPERTY: {"internal": True}},
            )
        )  # fmt: skip


def int_or_zero(value: str) -> int:
    return int(value) if value.isdigit() else 0
