"""HTML (Intercom note bodies) ↔ Atlassian Document Format (Jira Cloud comment bodies).

Kept: paragraphs, line breaks, links, bullet and numbered lists (nested), inline code and code
blocks, headings, quotes, bold/italic/strike/underline. Table rows become lines with " | " between
cells, images links to them (`domain.richtext_nodes` renders the ADF nodes HTML has no tag for:
tables, media, dates, status, tasks, panels). Anything else (styles, scripts) is reduced to its
text, so nothing a person wrote is lost. ADF is the pivot: `domain.wiki` renders
and reads Jira Data Center's wiki markup from and to the same documents.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from domain.adf_html import MARK_ORDER, adf_to_html
from domain.richtext_nodes import CELL_SEPARATOR

Node = dict[str, Any]
__all__ = [
    "Node",
    "adf_to_html",
    "adf_to_text",
    "doc",
    "html_to_adf",
    "html_to_text",
    "link",
    "paragraph",
    "text",
]

_MARK_TAGS = {"b": "strong", "strong": "strong", "i": "em", "em": "em", "s": "strike", "strike": "strike",
              "del": "strike", "u": "underline", "code": "code"}  # fmt: skip
_BLOCK_TAGS = frozenset({"p", "div", "section", "article", "header", "footer", "table", "tr", "body", "html"})
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_SKIPPED = frozenset({"script", "style", "head", "title"})
_WHITESPACE = re.compile(r"[ \t\r\n\f]+")


def doc(*content: Node) -> Node:
    return {"type": "doc", "version": 1, "content": list(content)}


def paragraph(*content: Node) -> Node:
    return {"type": "paragraph", "content": list(content)}


def text(value: str, *marks: Node) -> Node:
    node: Node = {"type": "text", "text": value}
    if marks:
        node["marks"] = list(marks)
    return node


def link(href: str) -> Node:
    return {"type": "link", "attrs": {"href": href}}


# ---- HTML → ADF ---------------------------------------------------------------------------------


class _AdfBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = doc()
        self.stack: list[Node] = [self.root]  # block containers: doc, lists, list items, quotes
        self.inline: Node | None = None  # the paragraph, heading or code block being filled
        self.marks: list[tuple[str, Node]] = []  # (tag, mark) in opening order
        self.skipping = 0

    # -- tags
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self._break()
        elif (
            tag in _BLOCK_TAGS or tag == "li" or tag in _HEADINGS or tag in ("ul", "ol", "pre", "blockquote")
        ):
            self._close_inline()
            self._open_block(tag)
        elif tag == "a":
            href = dict(attrs).get("href")
            self.marks.append((tag, link(href) if href else {}))
        elif tag in _MARK_TAGS and not self._in_code_block():
            self.marks.append((tag, {"type": _MARK_TAGS[tag]}))
        elif tag == "hr":
            self._close_inline()
            self._container().setdefault("content", []).append({"type": "rule"})
        elif tag in ("td", "th"):
            self._cell(tag)
        elif tag == "img":
            self._image(dict(attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in ("li", "ul", "ol", "blockquote"):
            self._close_inline()
            self._pop_to({"li": ("listItem",), "ul": ("bulletList",), "ol": ("orderedList",),
                          "blockquote": ("blockquote",)}[tag])  # fmt: skip
        elif tag in _BLOCK_TAGS or tag in _HEADINGS or tag == "pre":
            self._close_inline()
        elif tag in ("a", "th") or (tag in _MARK_TAGS and not self._in_code_block()):
            for index in range(len(self.marks) - 1, -1, -1):
                if self.marks[index][0] == tag:
                    del self.marks[index]
                    break

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self._in_code_block():
            self._append_text(data)
            return
        data = _WHITESPACE.sub(" ", data)
        if self.inline is None and not data.strip():
            return
        content = self._inline().setdefault("content", [])
        after_space = bool(content) and content[-1]["type"] == "text" and content[-1]["text"].endswith(" ")
        if not content or content[-1]["type"] == "hardBreak" or after_space:
            data = data.lstrip()
        if data:
            self._append_text(data)

    # -- building
    def _container(self) -> Node:
        top = self.stack[-1]
        if top["type"] in ("bulletList", "orderedList"):  # text straight inside a list: an implicit item
            item: Node = {"type": "listItem", "content": []}
            top["content"].append(item)
            self.stack.append(item)
            return item
        return top

    def _open_block(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            node: Node = {"type": "bulletList" if tag == "ul" else "orderedList", "content": []}
            if tag == "ol":
                node["attrs"] = {"order": 1}
        elif tag == "li":
            self._pop_while_item()
            node = {"type": "listItem", "content": []}
        elif tag == "blockquote":
            node = {"type": "blockquote", "content": []}
        elif tag in _HEADINGS:
            self.inline = {"type": "heading", "attrs": {"level": _HEADINGS[tag]}, "content": []}
            return
        elif tag == "pre":
            self.inline = {"type": "codeBlock", "content": []}
            return
        else:
            return  # plain blocks only end the current paragraph
        self._container_for(node)["content"].append(node)
        self.stack.append(node)

    def _container_for(self, node: Node) -> Node:
        if node["type"] == "listItem" and self.stack[-1]["type"] not in ("bulletList", "orderedList"):
            implicit: Node = {"type": "bulletList", "content": []}
            self._container()["content"].append(implicit)
            self.stack.append(implicit)
            return implicit
        return self.stack[-1] if node["type"] == "listItem" else self._container()

    def _pop_while_item(self) -> None:
        """An unclosed <li> ends where the next one starts."""
        if self.stack[-1]["type"] == "listItem":
            self.stack.pop()

    def _pop_to(self, types: tuple[str, ...]) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index]["type"] in types:
                del self.stack[index:]
                return

    def _inline(self) -> Node:
        if self.inline is None:
            self.inline = paragraph()
        return self.inline

    def _in_code_block(self) -> bool:
        return self.inline is not None and self.inline["type"] == "codeBlock"

    def _append_text(self, value: str) -> None:
        node = self._inline()
        content = node.setdefault("content", [])
        marks = [] if node["type"] == "codeBlock" else _unique_marks(self.marks)
        if content and content[-1]["type"] == "text" and content[-1].get("marks", []) == marks:
            content[-1]["text"] += value
        else:
            content.append(text(value, *marks))

    def _cell(self, tag: str) -> None:
        """Cells of a row share its line, " | " between them (a row is a block: `tr` ends the line)."""
        content = (self.inline or {}).get("content", [])
        has_words = any(n["type"] == "text" and n["text"].strip() for n in content)
        if has_words and content[-1]["type"] == "text" and not content[-1].get("marks"):
            content[-1]["text"] = content[-1]["text"].rstrip() + CELL_SEPARATOR
        elif has_words:
            content.append(text(CELL_SEPARATOR))
        if tag == "th":
            self.marks.append((tag, {"type": "strong"}))

    def _image(self, attrs: dict[str, str | None]) -> None:
        """An image becomes a link to it (a pasted one, held in the page itself, only its name)."""
        source = attrs.get("src") or ""
        name = attrs.get("alt") or source.rsplit("/", 1)[-1].split("?", 1)[0] or "image"
        marks = [] if source.startswith("data:") or not source else [link(source)]
        label = f"🖼 {name if marks else 'image pasted into the note (not copied)'}"
        self._inline().setdefault("content", []).append(text(label, *marks))

    def _break(self) -> None:
        if self._in_code_block():
            self._append_text("\n")
        else:
            self._inline().setdefault("content", []).append({"type": "hardBreak"})

    def _close_inline(self) -> None:
        node, self.inline = self.inline, None
        if node is None:
            return
        content = node.get("content", [])
        if node["type"] != "codeBlock":
            while content and content[-1]["type"] == "hardBreak":
                content.pop()
            if content and content[-1]["type"] == "text":
                content[-1]["text"] = content[-1]["text"].rstrip()
                if not content[-1]["text"]:
                    content.pop()
        elif content:
            content[0]["text"] = content[0]["text"].strip("\n")
        if any(n["type"] != "text" or n["text"] for n in content):
            self._container()["content"].append(node)


def _unique_marks(marks: list[tuple[str, Node]]) -> list[Node]:
    seen: dict[str, Node] = {}
    for _, mark in marks:
        if mark and mark["type"] not in seen:
            seen[mark["type"]] = mark
    if "code" in seen:  # ADF: inline code carries a link at most, never bold, italics and the like
        seen = {kind: mark for kind, mark in seen.items() if kind in ("code", "link")}
    return sorted(seen.values(), key=lambda m: MARK_ORDER.get(m["type"], 9))


def html_to_adf(html: str) -> Node:
    builder = _AdfBuilder()
    builder.feed(html or "")
    builder.close()
    builder._close_inline()
    _fit_blocks(builder.root)
    _ensure_items_start_with_paragraph(builder.root)
    return builder.root


_NEVER_EMPTY = frozenset({"blockquote", "bulletList", "orderedList"})
_QUOTE_OR_ITEM_BLOCKS = frozenset({"paragraph", "bulletList", "orderedList", "codeBlock"})


def _fit_blocks(node: Node) -> None:
    """What HTML allows and ADF's schema does not, made to fit without losing text: a quote or a list
    with nothing in it goes; in a quote or a list item, a heading becomes a paragraph and a quote
    gives up its blocks (ADF has headings and quotes at the top level only)."""
    if "content" not in node:
        return
    fitted: list[Node] = []
    for child in node["content"]:
        _fit_blocks(child)
        if child.get("type") in _NEVER_EMPTY and not child.get("content"):
            continue
        if node["type"] in ("blockquote", "listItem") and child["type"] not in _QUOTE_OR_ITEM_BLOCKS:
            if child["type"] == "heading":
                fitted.append(paragraph(*child.get("content", [])))
            else:
                fitted.extend(child.get("content", []))
            continue
        fitted.append(child)
    node["content"] = fitted


def _ensure_items_start_with_paragraph(node: Node) -> None:
    """ADF requires a list item to start with a paragraph (e.g. `<li><ul>…</ul></li>` has none)."""
    for child in node.get("content", []):
        if child.get("type") == "listItem":
            content = child.setdefault("content", [])
            if not content or content[0]["type"] != "paragraph":
                content.insert(0, paragraph())
        _ensure_items_start_with_paragraph(child)


# ---- plain text ---------------------------------------------------------------------------------


def adf_to_text(document: Node | None) -> str:
    """The words of a document, blocks on their own lines (for tag checks and summaries)."""
    lines: list[str] = []
    _collect_text(document or {}, lines)
    return "\n".join(line for line in lines if line.strip())


def _collect_text(node: Node, lines: list[str]) -> None:
    if node.get("type") in ("paragraph", "heading", "codeBlock"):
        lines.append("".join(_inline_text(child) for child in node.get("content", [])))
        return
    for child in node.get("content", []):
        _collect_text(child, lines)


def _inline_text(node: Node) -> str:
    if node.get("type") == "hardBreak":
        return "\n"
    if "text" in node:
        return str(node["text"])
    attrs = node.get("attrs", {})
    return str(attrs.get("text") or attrs.get("url") or attrs.get("shortName") or "")


def html_to_text(html: str) -> str:
    return adf_to_text(html_to_adf(html))
