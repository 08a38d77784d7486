"""Jira wiki markup (REST v2 comment bodies, Data Center) ↔ ADF documents.

The subset that `domain.richtext` keeps: paragraphs (blank line), line breaks, `[text|url]` links,
`*`/`#` lists (nested by repetition), `{{inline code}}`, `{code}` blocks, `h1.` headings, `bq.`
quotes, `*bold*`, `_italic_`, `-strike-`, `+underline+`. Text written as wiki is escaped (`\\_legacy\\_`
stays `_legacy_`, not italic); read back, escapes are undone, a table row becomes one line with
" | " between cells and an image (`!shot.png!`) its name.
"""

from __future__ import annotations

import re

from domain.richtext import Node, doc, link, paragraph, text
from domain.richtext_nodes import CELL_SEPARATOR

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
    value = "{{" + value + "}}" if "code" in marks else escape_wiki(value)
    for kind, symbol in _MARK_WIKI.items():
        if kind in marks:
            value = f"{symbol}{value}{symbol}"
    href = marks.get("link", {}).get("attrs", {}).get("href")
    if href:
        value = f"[{href}]" if value == href else f"[{value}|{href}]"
    return value


_ALWAYS = re.compile(r"([\\{}\[\]|!])")
# Marks open or close at a word's edge (`_legacy_`, `*x*`, `-gone-`); inside a word (PLAT-3) they are text.
_AT_EDGE = re.compile(r"(?<!\w)([*_\-+^~?#])|([*_\-+^~?#])(?!\w)")


def escape_wiki(words: str) -> str:
    """Text as Jira's wiki renderer shows it literally: a backslash before each character that
    would start a link, macro, image or table cell, and before each mark character at a word's edge."""
    words = _ALWAYS.sub(r"\\\1", words)
    return _AT_EDGE.sub(lambda m: "\\" + (m.group(1) or m.group(2)), words)


# ---- wiki → ADF ---------------------------------------------------------------------------------

_CODE_BLOCK = re.compile(r"\{(code|noformat)(?::[^}]*)?\}\n?(.*?)\n?\{\1\}", re.S)
_LIST_LINE = re.compile(r"^([*#]+)\s+(.*)$")
_HEADING_LINE = re.compile(r"^h([1-6])\.\s+(.*)$")
_INLINE = re.compile(
    r"\\(?P<escaped>\S)|\[~(?P<mention>[^\]\s]+)\]|\[\^(?P<attachment>[^\]]+)\]|!(?P<image>[^!\s|][^!|\n]*)(?:\|[^!\n]*)?!|\[(?P<label>[^|\]]+)\|(?P<href>[^\]]+)\]|\[(?P<bare>(?:https?|mailto):[^\]]+)\]"
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
        start = len(blocks)  # a blank line ends a list: the next item opens a new one
        lines = [line.rstrip() for line in raw.strip("\n").split("\n") if line.strip()]
        pending: list[str] = []
        for line in lines:
            special = _LIST_LINE.match(line) or _HEADING_LINE.match(line) or line.startswith(("bq. ", "|"))
            special = special or line.strip() == "----"
            if special and pending:
                blocks.append(_paragraph(pending))
                pending = []
            if line.startswith("bq. "):
                blocks.append({"type": "blockquote", "content": [_paragraph([line[4:]])]})
            elif heading := _HEADING_LINE.match(line):
                level, words = heading.groups()
                blocks.append({"type": "heading", "attrs": {"level": int(level)}, "content": _inline(words)})
            elif item := _LIST_LINE.match(line):
                _add_list_item(blocks, item.group(1), item.group(2), start)
            elif line.startswith("|"):
                blocks.append(_table_row(line))
            elif line.strip() == "----":
                blocks.append({"type": "rule"})
            else:
                pending.append(line)
        if pending:
            blocks.append(_paragraph(pending))
    return blocks


_CELL = re.compile(r"(\|\|?)((?:\\.|[^|\\])*)")


def _table_row(line: str) -> Node:
    """A table row as one line, " | " between cells, header cells bold (as `domain.richtext` reads HTML)."""
    content: list[Node] = []
    for bar, words in _CELL.findall(line.rstrip("|").rstrip()):
        if content:
            content.append(text(CELL_SEPARATOR))
        cell = _inline(words.strip())
        if bar == "||":
            cell = [dict(node, marks=[*node.get("marks", []), {"type": "strong"}]) for node in cell]
        content += cell
    return paragraph(*_merged(content))


def _paragraph(lines: list[str]) -> Node:
    content: list[Node] = []
    for index, line in enumerate(lines):
        if index:
            content.append({"type": "hardBreak"})
        content += _inline(line.strip())
    return paragraph(*content)


def _add_list_item(blocks: list[Node], bullets: str, words: str, start: int = 0) -> None:
    """Append an item at the depth of its bullet string, opening lists as needed (at the top, only
    lists from `start` on are continued)."""
    container, siblings = None, blocks
    for depth, symbol in enumerate(bullets):
        kind = "bulletList" if symbol == "*" else "orderedList"
        open_here = depth > 0 or len(siblings) > start
        last_list = siblings[-1] if open_here and siblings and siblings[-1].get("type") == kind else None
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
        if match.group("escaped"):
            nodes.append(text(match.group("escaped")))
        elif match.group("mention"):
            nodes.append(text(f"@{match.group('mention').removeprefix('accountid:')}"))
        elif match.group("attachment"):
            nodes.append(text(f"📎 {match.group('attachment')} (attached in Jira)"))
        elif match.group("image"):
            nodes.append(text(f"🖼 {match.group('image')} (attached in Jira)"))
        elif match.group("label"):
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
    return _merged(nodes)


def _merged(nodes: list[Node]) -> list[Node]:
    """Neighbouring plain texts as one node (an escaped character splits none)."""
    merged: list[Node] = []
    for node in nodes:
        if merged and "marks" not in node and "marks" not in merged[-1] and merged[-1]["type"] == "text":
            merged[-1] = text(merged[-1]["text"] + node["text"])
        else:
            merged.append(node)
    return merged
