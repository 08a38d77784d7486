"""ADF → HTML: a Jira comment as an Intercom note body (the reverse of `domain.richtext.html_to_adf`)."""

from __future__ import annotations

from html import escape

from domain.richtext_nodes import Node, special_html

MARK_ORDER = {"link": 0, "strong": 1, "em": 2, "strike": 3, "underline": 4, "code": 5}  # outermost first
_BLOCK_HTML = {"paragraph": "p", "bulletList": "ul", "orderedList": "ol", "blockquote": "blockquote"}
_MARK_HTML = {"strong": "strong", "em": "em", "strike": "s", "underline": "u", "code": "code"}


def adf_to_html(document: Node | None, media_link: str | None = None) -> str:
    """`media_link`: where an attachment the document shows can be opened (the comment in Jira)."""
    return _Html(media_link).children((document or {}).get("content", []))


class _Html:
    def __init__(self, media_link: str | None) -> None:
        self.media_link = media_link

    def children(self, nodes: list[Node]) -> str:
        return "".join(self.node(child) for child in nodes)

    def node(self, node: Node) -> str:
        kind = node.get("type")
        children = node.get("content", [])
        if kind == "text":
            return _text_html(node)
        if kind == "hardBreak":
            return "<br>"
        if kind == "rule":
            return "<hr>"
        if kind == "heading":
            level = int(node.get("attrs", {}).get("level", 1))
            return f"<h{level}>{self.children(children)}</h{level}>"
        if kind == "codeBlock":
            code = escape("".join(c.get("text", "") for c in children), quote=False)
            return f"<pre><code>{code}</code></pre>"
        if kind == "listItem":
            first, rest = (children[0], children[1:]) if children else ({"type": "paragraph"}, [])
            is_paragraph = first.get("type") == "paragraph"
            lead = self.children(first.get("content", [])) if is_paragraph else self.node(first)
            return f"<li>{lead}{self.children(rest)}</li>"
        if kind in _BLOCK_HTML:
            tag = _BLOCK_HTML[kind]
            return f"<{tag}>{self.children(children)}</{tag}>"
        special = special_html(node, self.children, self.media_link)
        if special is not None:
            return special
        return _inline_leaf_html(node) if not children else self.children(children)


def _inline_leaf_html(node: Node) -> str:
    attrs = node.get("attrs", {})
    if node.get("type") == "inlineCard" and attrs.get("url"):
        url = escape(attrs["url"])
        return f'<a href="{url}">{url}</a>'
    label = attrs.get("text") or attrs.get("shortName") or node.get("text") or ""
    return escape(str(label), quote=False)


def _text_html(node: Node) -> str:
    html = escape(node.get("text", ""), quote=False)
    for mark in reversed(sorted(node.get("marks", []), key=lambda m: MARK_ORDER.get(m.get("type"), 9))):
        kind = mark.get("type")
        if kind == "link" and mark.get("attrs", {}).get("href"):
            html = f'<a href="{escape(mark["attrs"]["href"])}">{html}</a>'
        elif kind in _MARK_HTML:
            html = f"<{_MARK_HTML[kind]}>{html}</{_MARK_HTML[kind]}>"
    return html
