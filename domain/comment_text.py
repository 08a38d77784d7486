"""Bodies the comment bridge writes: a Jira comment as a document, an Intercom note as a document
(its files as links), a Jira copy's attribution, and the notices that replace a gone note's text."""

from __future__ import annotations

from domain.comment_markers import DELETED, REDACTED
from domain.records import IntercomPart, JiraComment
from domain.richtext import Node, html_to_adf, link, paragraph, text
from domain.wiki import wiki_to_adf

NOTICES = {
    DELETED: "(This note was deleted in Intercom.)",
    REDACTED: "(This note was redacted in Intercom; its text is no longer shown.)",
}


def comment_document(comment: JiraComment) -> Node:
    """The comment body as ADF whichever API it came from (v3 ADF, v2 wiki markup)."""
    if isinstance(comment.body, dict):
        return comment.body
    return wiki_to_adf(str(comment.body or ""))


def note_document(part: IntercomPart, tag: str | None) -> Node | None:
    """The note as ADF without its leading tag, its attached files as links; None when a tag is
    configured and the note does not start with it."""
    document = untagged_document(part.body or "", tag)
    if document is None:
        return None
    for name, url in part.attachments:
        document.setdefault("content", []).append(paragraph(text(f"📎 {name or url}", link(url))))
    return document


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


def jira_comment_body(header: str, document: Node) -> Node:
    content = document.get("content") or [paragraph(text("(empty note)"))]
    return {"type": "doc", "version": 1, "content": [paragraph(text(header, {"type": "strong"})), *content]}


def notice_body(kind: str) -> Node:
    return {"type": "doc", "version": 1, "content": [paragraph(text(NOTICES[kind], {"type": "em"}))]}
