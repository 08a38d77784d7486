"""Keeping a mirrored body within the target's size limit before it is sent.

Jira refuses a comment body over 32,767 characters (the wiki text on Data Center; on Cloud the
stand-in and this rule count the ADF document as JSON, the stricter reading). A body over the
limit is cut at a block boundary (inside the first block only when even that does not fit) and
ends with a notice saying how much was left out and where the original is: the item is mirrored,
visibly shortened, instead of being refused on every run.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from domain.richtext import Node, adf_to_text, doc, link, paragraph, text

JIRA_COMMENT_LIMIT = 32767
Measure = Callable[[Node], int]


def adf_json_length(document: Node) -> int:
    return len(json.dumps(document, ensure_ascii=False, separators=(",", ":")))


def fit(document: Node, limit: int, measure: Measure, original_url: str | None) -> tuple[Node, bool]:
    """(the document within `limit` as `measure` counts it, whether it was shortened)."""
    if measure(document) <= limit:
        return document, False
    blocks = list(document.get("content", []))
    total = len(adf_to_text(document))
    kept: list[Node] = []
    for block in blocks:
        if measure(_with_notice([*kept, block], total, original_url)) > limit:
            break
        kept.append(block)
    if len(kept) < len(blocks):
        partial = _longest_prefix(
            kept, adf_to_text(doc(blocks[len(kept)])), limit, measure, total, original_url
        )
        if partial is not None:
            kept.append(partial)
    return _with_notice(kept, total, original_url), True


def _longest_prefix(
    kept: list[Node], words: str, limit: int, measure: Measure, total: int, url: str | None
) -> Node | None:
    """The longest start of `words` (as a paragraph ending in …) that still fits after `kept`."""
    low, high, best = 1, len(words), None
    while low <= high:
        middle = (low + high) // 2
        candidate = paragraph(text(words[:middle].rstrip() + " …"))
        if measure(_with_notice([*kept, candidate], total, url)) <= limit:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best


def _with_notice(blocks: list[Node], total: int, url: str | None) -> Node:
    shown = len(adf_to_text(doc(*blocks)))
    words = f"[Truncated: {shown:,} of {total:,} characters shown; the full text is in the original"
    notice = [text(words + (": " if url else ".]"), {"type": "em"})]
    if url:
        notice += [text(url, link(url), {"type": "em"}), text("]", {"type": "em"})]
    return doc(*blocks, paragraph(*notice))
