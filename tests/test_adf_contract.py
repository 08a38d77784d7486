"""What the comment bridge writes to Jira is Atlassian Document Format, by Atlassian's own JSON schema.

The schema is `@atlaskit/adf-schema` 57.7.22's `json-schema/v1/full.json`, pinned in
sandbox/contracts/specs (ORIGIN.md). Notes are generated from the HTML Intercom sends and wiki
markup from what Data Center comments hold, including the awkward parts: empty elements, stray
marks, nested lists, links without a scheme, text that is only spaces.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.comment_text import jira_comment_body, untagged_document
from domain.comments import attribution
from domain.records import IntercomPart
from domain.wiki import wiki_to_adf
from sandbox.contracts.jira import adf_problems

WORDS = st.sampled_from(
    ["ship it", " ", "", "a&b", "<x>", "PROJ-12", "naïve", "#jira", "  two  spaces ", "\n"]
)
INLINE_TAGS = ("b", "strong", "i", "em", "s", "del", "u", "code", "span", "a", "img", "br")
BLOCK_TAGS = ("p", "div", "h1", "h3", "h6", "blockquote", "pre", "ul", "ol", "li", "table", "tr", "td")
HREFS = st.sampled_from(["https://x.io/a?b=1&c=2", "mailto:a@b.io", "/relative", "", "javascript:void(0)"])


@st.composite
def html(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["text", "inline", "block"] if depth < 3 else ["text"]))
        if kind == "text":
            parts.append(draw(WORDS))
            continue
        tag = draw(st.sampled_from(INLINE_TAGS if kind == "inline" else BLOCK_TAGS))
        if tag in ("br", "img"):
            parts.append(f"<{tag}>")
            continue
        attrs = f' href="{draw(HREFS)}"' if tag == "a" else ""
        parts.append(f"<{tag}{attrs}>{draw(html(depth + 1))}</{tag}>")
    return "".join(parts)


def note(body: str) -> IntercomPart:
    return IntercomPart(id="5", part_type="note", body=body, author_type="admin", author_id="7",
                        author_name="Ana", created_at=1)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(html(), st.sampled_from([None, "#jira"]))
def test_every_note_becomes_a_comment_body_atlassians_schema_accepts(body: str, tag: str | None) -> None:
    document = untagged_document(body, tag)
    if document is not None:
        written = jira_comment_body(attribution("Intercom 2004", note(body).author_name), document)
        assert adf_problems(written) == [], (body, written)


WIKI_LINES = st.sampled_from(
    ["* one", "** two", "# first", "h2. Title", "*bold* and _it_", "{{code}}", "[link|https://x.io]", "",
     "plain words", "-strike-", "bq. quoted", "----"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(WIKI_LINES, max_size=8))
def test_data_center_wiki_markup_reads_into_schema_valid_adf(lines: list[str]) -> None:
    markup = "\n".join(lines)
    assert adf_problems(wiki_to_adf(markup)) == [], markup


def test_the_schema_refuses_what_jira_refuses() -> None:
    """The pinned schema is not a pass-everything: an empty text node and an unknown mark are refused."""

    def document(*inline: dict) -> dict:
        return {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": list(inline)}]}

    assert adf_problems(document({"type": "text", "text": ""}))
    assert adf_problems(document({"type": "text", "text": "x", "marks": [{"type": "blink"}]}))
    assert adf_problems(document({"type": "text", "text": "x", "marks": [{"type": "strong"}]})) == []
