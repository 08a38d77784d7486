"""ADF nodes Intercom's note HTML has no tag for, rendered so nothing a person wrote goes silent.

- tables: one line per row, cells separated by " | " (header cells bold) — Intercom notes have no
  tables, and glued cells ("HostCPU") read as one word;
- media (images, files): a link — to the file for an external one, else to the comment in Jira,
  where the attachment is; never dropped, so an image-only comment is not "(empty comment)";
- dates: the day (ISO), status lozenges: `[IN PROGRESS]`, task and decision items: one per line
  with ☐/☑/◆, panels: a quote, expands: their title then their content, block cards: a link.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from html import escape
from typing import Any

Node = dict[str, Any]
Render = Callable[[list[Node]], str]
CELL_SEPARATOR = " | "
TASK_MARKS = {"DONE": "☑", "TODO": "☐"}


def special_html(node: Node, children: Render, media_link: str | None) -> str | None:
    """HTML for a node of the kinds above, or None when it is not one of them."""
    kind = node.get("type")
    content = node.get("content", [])
    attrs = node.get("attrs", {})
    if kind == "table":
        return "".join(_row_html(row, children) for row in content)
    if kind in ("mediaSingle", "mediaGroup"):
        return "<p>" + " ".join(_media_html(m, media_link) for m in content) + "</p>"
    if kind in ("media", "mediaInline"):
        return _media_html(node, media_link)
    if kind == "date":
        return escape(date_text(attrs.get("timestamp")))
    if kind == "status":
        return escape(f"[{str(attrs.get('text') or '').upper()}]", quote=False)
    if kind in ("taskList", "decisionList"):
        return "<ul>" + children(content) + "</ul>"
    if kind in ("taskItem", "decisionItem"):
        mark = TASK_MARKS.get(str(attrs.get("state")), "☐") if kind == "taskItem" else "◆"
        return f"<li>{mark} {children(content)}</li>"
    if kind == "panel":
        return f"<blockquote>{children(content)}</blockquote>"
    if kind in ("expand", "nestedExpand"):
        title = escape(str(attrs.get("title") or ""), quote=False)
        return (f"<p><strong>{title}</strong></p>" if title else "") + children(content)
    if kind in ("blockCard", "embedCard") and attrs.get("url"):
        url = escape(str(attrs["url"]))
        return f'<p><a href="{url}">{url}</a></p>'
    return None


def date_text(timestamp: object) -> str:
    """An ADF date (milliseconds since the epoch, as a string) as the day it names."""
    try:
        return datetime.fromtimestamp(int(str(timestamp)) / 1000, UTC).date().isoformat()
    except (TypeError, ValueError, OverflowError, OSError):
        return str(timestamp or "")


def _row_html(row: Node, children: Render) -> str:
    cells = []
    for cell in row.get("content", []):
        words = " ".join(_unwrapped(children([block])) for block in cell.get("content", []))
        cells.append(f"<strong>{words}</strong>" if cell.get("type") == "tableHeader" and words else words)
    return "<p>" + CELL_SEPARATOR.join(cells) + "</p>"


def _unwrapped(html: str) -> str:
    """A cell's paragraph without its <p>, so a row stays one line."""
    return html[3:-4] if html.startswith("<p>") and html.endswith("</p>") else html


def _media_html(node: Node, media_link: str | None) -> str:
    attrs = node.get("attrs", {})
    name = str(attrs.get("alt") or attrs.get("__fileName") or "")
    if attrs.get("type") == "external" and attrs.get("url"):
        url = escape(str(attrs["url"]))
        return f'<a href="{url}">🖼 {escape(name or str(attrs["url"]), quote=False)}</a>'
    label = escape(f"📎 {name or 'attachment'} (in Jira)", quote=False)
    return f'<a href="{escape(media_link)}">{label}</a>' if media_link else label
