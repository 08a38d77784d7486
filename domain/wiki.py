"""Jira wiki markup (REST v2 comment bodies, Data Center) ↔ ADF documents.

The subset that `domain.richtext` keeps: paragraphs (blank line), line breaks, `[text|url]` links,
`*`/`#` lists (nested by repetition), `{{inline code}}`, `{code}` blocks, `h1.` headings, `bq.`
quotes, `*bold*`, `_italic_`, `-strike-`, `+underline+`.
"""

from __future__ import annotations

import re

from domain.richtext import Node, doc, link, paragraph, text

_MARK_WIKI = {"strong": "*", "em": "_", "strike": "-", "underline": "+"}


# ---- ADF → wiki ---------------------------------------------------------------------------------


def adf_to_wiki(document: Node | None) -> str:
    blocks = [_block_wiki(child, "") for child in (document or {}).get("content", [])]
    return "\n\n".join(block for block in blocks if block)


def _block_wiki(node: Node, bullets: str) -> str:
    kind = node.get("type")
    children = node.get("content", [])
    if kind == "paragraph":
        return _inline_wiki(children)
    if kind == "heading":
        return f"h{node.get('attrs', {}).get('level', 1)}. {_inline_wiki(children)}"
    if kind == "codeBlock":
        return "{code}\n" + "".join(c.get("text", "") for c in children) + "\n{code}"
    if kind == "blockquote":
        return "\n".join(f"bq. {_block_wiki(child, '')}" for child in children)
    if kind == "rule":
        return "----"
    if kind in ("bulletList", "orderedList"):
        prefix = bullets + ("*" if kind == "bulletList" else "#")
        return "\n".join(_item_wiki(item, prefix) for item in children)
    return _inline_wiki(children) if children else str(node.get("text", ""))


def _item_wiki(item: Node, prefix: str) -> str:
    lines = []
    for child in item.get("content", []):
        if child.get("type") in ("bulletList", "orderedList"):
            lines.append(_block_wiki(child, prefix))
        else:
            lines.append(f"{prefix} {_block_wiki(child, prefix)}")
    return "\n".join(lines)


def _inline_wiki(nodes: list[Node]) -> str:
    return "".join(_leaf_wiki(node) for node in nodes)


def _leaf_wiki(node: Node) -> str:
    if node.get("type") == "hardBreak":
        return "\n"
    if node.get("type") != "text":
        attrs = node.get("attrs", {})
        return str(attrs.get("text") or attrs.get("url") or attrs.get("shortName") or "")
    value = str(node.get("text", ""))
    marks = {m.get("type"): m for m in node.get("marks", [])}
    if "code" in marks:
        value = "{{" + value + "}}"
    for kind, symbol in _MARK_WIKI.items():
        if kind in marks:
            value = f"{symbol}{value}{symbol}"
    href = marks.get("link", {}).get("attrs", {}).get("href")
    if href:
        value = f"[{href}]" if value == href else f"[{value}|{href}]"
    return value


# ---- wiki → ADF ---------------------------------------------------------------------------------

_CODE_BLOCK = re.compile(r"\{(code|noformat)(?::[^}]*)?\}\n?(.*?)\n?\{\1\}", re.S)
_LIST_LINE = re.compile(r"^([*#]+)\s+(.*)$")
_HEADING_LINE = re.compile(r"^h([1-6])\.\s+(.*)$")
_INLINE = re.compile(
    r"\[(?P<label>[^|\]]+)\|(?P<href>[^\]]+)\]|\[(?P<bare>(?:https?|mailto):[^\]]+)\]"
    r"|\{\{(?P<code>.+?)\}\}|(?<![\w*])\*(?P<strong>[^*\n]+)\*(?![\w*])|(?<![\w_])_(?P<em>[^_\n]+)_(?![\w_])"
)


def wiki_to_adf(markup: str) -> Node:
    content: list[Node] = []
    position = 0
    for match in _CODE_BLOCK.finditer(markup or ""):
        content += _blocks(markup[position : match.start()])
        content.append({"type": "codeBlock", "content": [text(match.group(2))] if match.group(2) else []})
        position = match.end()
    content += _blocks((markup or "")[position:])
    return doc(*content)


def _blocks(chunk: str) -> list[Node]:
    blocks: list[Node] = []
    for raw in re.split(r"\n\s*\n", chunk):
        lines = [line.rstrip() for line in raw.strip("\n").split("\n") if line.strip()]
        pending: list[str] = []
        for line in lines:
            special = _LIST_LINE.match(line) or _HEADING_LINE.match(line) or line.startswith("bq. ")
            if special and pending:
                blocks.append(_paragraph(pending))
                pending = []
            if line.startswith("bq. "):
                blocks.append({"type": "blockquote", "content": [_paragraph([line[4:]])]})
            elif heading := _HEADING_LINE.match(line):
                level, words = heading.groups()
                blocks.append({"type": "heading", "attrs": {"level": int(level)}, "content": _inline(words)})
            elif item := _LIST_LINE.match(line):
                _add_list_item(blocks, item.group(1), item.group(2))
            else:
                pending.append(line)
        if pending:
            blocks.append(_paragraph(pending))
    return blocks


def _paragraph(lines: list[str]) -> Node:
    content: list[Node] = []
    for index, line in enumerate(lines):
        if index:
            content.append({"type": "hardBreak"})
        content += _inline(line.strip())
    return paragraph(*content)


def _add_list_item(blocks: list[Node], bullets: str, words: str) -> None:
    """Append an item at the depth of its bullet string, opening lists as needed."""
    container, siblings = None, blocks
    for depth, symbol in enumerate(bullets):
        kind = "bulletList" if symbol == "*" else "orderedList"
        last_list = siblings[-1] if siblings and siblings[-1].get("type") == kind else None
        if depth == len(bullets) - 1:
            if last_list is None:
                last_list = {"type": kind, "content": []}
                if kind == "orderedList":
                    last_list["attrs"] = {"order": 1}
                siblings.append(last_list)
            last_list["content"].append({"type": "listItem", "content": [paragraph(*_inline(words))]})
            return
        if last_list is None or not last_list["content"]:
            last_list = {"type": kind, "content": [{"type": "listItem", "content": [paragraph()]}]}
            siblings.append(last_list)
        container = last_list["content"][-1]
        siblings = container["content"]


def _inline(line: str) -> list[Node]:
    nodes: list[Node] = []
    position = 0
    for match in _INLINE.finditer(line):
        if match.start() > position:
            nodes.append(text(line[position : match.start()]))
        if match.group("label"):
            nodes.append(text(match.group("label"), link(match.group("href").strip())))
        elif match.group("bare"):
            nodes.append(text(match.group("bare"), link(match.group("bare"))))
        elif match.group("code"):
            nodes.append(text(match.group("code"), {"type": "code"}))
        elif match.group("strong"):
            nodes.append(text(match.group("strong"), {"type": "strong"}))
        else:
            nodes.append(text(match.group("em"), {"type": "em"}))
        position = match.end()
    if position < len(line):
        nodes.append(text(line[position:]))
    return nodes
