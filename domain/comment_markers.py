"""How the comment bridge knows what it wrote, from data a person cannot paste.

Jira → Intercom: the note's last paragraph is a footer in one exact format,
`Mirrored from Jira PLAT-3 [opsheets:jira/10042/10001@3f2a9c1b0d4e]` — issue id, comment id and
the version (hash) of the comment body it carries (`@deleted` once the comment is gone). A note
counts as a mirror only when, besides that footer in that position, Intercom says an app created
it through the API (`app_package_code`, which a person typing in the inbox cannot set). The latest
such note of a comment says which version Intercom shows. A teammate who pastes a mirrored note,
footer included, under their own words writes a note created in the inbox: it is theirs, and it
goes to Jira. Issue and comment ids never change, so a moved issue (PLAT-3 → MOVED-3) keeps its
mirrors; the key in the footer is for the reader only.

Intercom → Jira: the comment carries the property `opsheets.mirror` (conversation id, part id,
version of the note), set in the same request that creates or updates it. Comment properties are
not part of the text, so no paste can fake one.

Versions are hashes of the source as the service stores it, so only a real edit changes one.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from domain.records import IntercomPart, JiraComment
from domain.richtext import adf_to_text, html_to_adf

MIRROR_PROPERTY = "opsheets.mirror"
DELETED = "deleted"
REDACTED = "redacted"
FOOTER_PREFIX = "Mirrored from Jira"
FOOTER = re.compile(
    r"Mirrored from Jira (?P<key>\S+) \[opsheets:jira/(?P<issue>[0-9]+)/(?P<comment>[0-9]+)"
    r"@(?P<version>[0-9a-f]{12}|deleted)\]"
)
# The footer before issue ids and versions were written: `[opsheets:PLAT-3/10001]`.
LEGACY_FOOTER = re.compile(
    r"Mirrored from Jira \[opsheets:(?P<key>[A-Z][A-Z0-9_]*-[0-9]+)/(?P<comment>[0-9]+)\]"
)
TOKEN = re.compile(r"\[opsheets:[^\]]+\]")


def version_of(source: object) -> str:
    """A short hash of a source body as stored (ADF, wiki text or note HTML plus attachments); ADF
    `localId`s, which Jira may renew when a comment is saved unchanged, are left out."""
    canonical = json.dumps(
        _without_local_ids(source), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def _without_local_ids(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_local_ids(v) for k, v in value.items() if k != "localId"}
    if isinstance(value, list):
        return [_without_local_ids(v) for v in value]
    return value


def part_version(part: IntercomPart) -> str:
    if part.redacted:
        return REDACTED
    return version_of({"body": part.body or "", "attachments": [list(a) for a in part.attachments]})


def footer_text(issue_key: str, issue_id: str, comment_id: str, version: str) -> str:
    return f"{FOOTER_PREFIX} {issue_key} {footer_token(issue_id, comment_id, version)}"


def footer_token(issue_id: str, comment_id: str, version: str) -> str:
    return f"[opsheets:jira/{issue_id}/{comment_id}@{version}]"


@dataclass(frozen=True)
class NoteMirror:
    """A note the bridge wrote for a Jira comment (first copy, edit or deletion notice)."""

    part_id: str
    comment_id: str
    issue_id: str | None  # None in a legacy footer, which named the issue by key
    issue_key: str
    version: str | None  # None in a legacy footer: taken as the comment's current version


def footer_claim(part: IntercomPart) -> NoteMirror | None:
    """What the note claims to mirror, when it is written as the bridge writes notes."""
    if part.part_type != "note" or part.author_type != "admin" or part.redacted or not part.app_package_code:
        return None
    blocks = html_to_adf(part.body or "").get("content", [])
    if not blocks or blocks[-1].get("type") != "paragraph":
        return None
    last = adf_to_text({"type": "doc", "content": blocks[-1:]}).strip()
    if match := FOOTER.fullmatch(last):
        return NoteMirror(part.id, match["comment"], match["issue"], match["key"], match["version"])
    if match := LEGACY_FOOTER.fullmatch(last):
        return NoteMirror(part.id, match["comment"], None, match["key"], None)
    return None


def note_mirrors(parts: Iterable[IntercomPart]) -> dict[str, list[NoteMirror]]:
    """Jira comment id → the notes mirroring it, oldest first (a comment edited back to an earlier
    text has that version twice: the latest note is what Intercom shows)."""
    found: dict[str, list[NoteMirror]] = {}
    for part in sorted(parts, key=lambda p: (p.created_at, _number(p.id))):
        claim = footer_claim(part)
        if claim is not None:
            found.setdefault(claim.comment_id, []).append(claim)
    return found


def mirror_part_ids(mirrors: dict[str, list[NoteMirror]]) -> set[str]:
    return {m.part_id for notes in mirrors.values() for m in notes}


@dataclass(frozen=True)
class CommentMirror:
    """A Jira comment the bridge wrote for an Intercom note."""

    comment_id: str
    conversation_id: str
    part_id: str
    version: str | None  # None when written before versions were kept: taken as current


def mirror_property(conversation_id: str, part_id: str, version: str) -> dict[str, Any]:
    return {"source": "intercom", "conversation_id": conversation_id, "part_id": part_id, "version": version}


def is_mirror(comment: JiraComment) -> bool:
    return MIRROR_PROPERTY in comment.properties


def comment_mirrors(comments: Iterable[JiraComment]) -> dict[tuple[str, str], CommentMirror]:
    """(conversation id, part id) → the Jira comment mirroring that note (the oldest, if several)."""
    found: dict[tuple[str, str], CommentMirror] = {}
    for comment in sorted(comments, key=lambda c: _number(c.id)):
        value = comment.properties.get(MIRROR_PROPERTY)
        if not isinstance(value, dict):
            continue
        source = (str(value.get("conversation_id")), str(value.get("part_id")))
        version = value.get("version")
        found.setdefault(source, CommentMirror(comment.id, *source, str(version) if version else None))
    return found


def _number(value: str) -> int:
    return int(value) if value.isdigit() else 0
