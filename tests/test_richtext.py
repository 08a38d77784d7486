"""HTML ↔ ADF ↔ wiki markup: what a note or comment looks like after crossing over."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.richtext import adf_to_html, adf_to_text, doc, html_to_adf, html_to_text, link, paragraph, text
from domain.wiki import adf_to_wiki, wiki_to_adf

BR = {"type": "hardBreak"}


def bullet(*items: list) -> dict:
    return {"type": "bulletList", "content": [{"type": "listItem", "content": item} for item in items]}


def test_paragraphs_line_breaks_and_entities() -> None:
    adf = html_to_adf("<p>Hello  &amp;\n welcome,<br>second line</p>\n<p>Next &lt;p&gt;</p>")
    assert adf == doc(
        paragraph(text("Hello & welcome,"), BR, text("second line")),
        paragraph(text("Next <p>")),
    )


def test_links_and_marks_nest() -> None:
    adf = html_to_adf('<p>See <a href="https://x.io/?a=1&amp;b=2"><b>the docs</b></a> and <i>why</i></p>')
    strong_link = text("the docs", link("https://x.io/?a=1&b=2"), {"type": "strong"})
    assert adf == doc(paragraph(text("See "), strong_link, text(" and "), text("why", {"type": "em"})))
    assert adf_to_html(adf) == (
        '<p>See <a href="https://x.io/?a=1&amp;b=2"><strong>the docs</strong></a> and <em>why</em></p>'
    )


def test_nested_lists_keep_their_shape() -> None:
    html = "<ul><li>one</li><li>two<ol><li>deep</li></ol></li></ul>"
    adf = html_to_adf(html)
    inner = {"type": "orderedList", "attrs": {"order": 1},
             "content": [{"type": "listItem", "content": [paragraph(text("deep"))]}]}  # fmt: skip
    assert adf == doc(bullet([paragraph(text("one"))], [paragraph(text("two")), inner]))
    assert adf_to_html(adf) == html


def test_code_inline_and_block_keep_whitespace_and_are_escaped_back() -> None:
    adf = html_to_adf("<p>run <code>make  test</code></p><pre><code>if a &lt; b:\n    go()\n</code></pre>")
    assert adf["content"][0] == paragraph(text("run "), text("make test", {"type": "code"}))
    assert adf["content"][1] == {"type": "codeBlock", "content": [text("if a < b:\n    go()")]}
    assert "<pre><code>if a &lt; b:\n    go()</code></pre>" in adf_to_html(adf)


def test_unknown_markup_is_reduced_to_its_text() -> None:
    adf = html_to_adf('<div><span style="x">plain</span> <img src="a.png"> text</div><script>evil()</script>')
    assert adf == doc(paragraph(text("plain text")))


def test_empty_paragraphs_and_trailing_breaks_disappear() -> None:
    assert html_to_adf("<p></p><p><br></p><p>x<br></p>") == doc(paragraph(text("x")))
    assert html_to_adf("") == doc()


def test_loose_text_and_list_items_without_a_list() -> None:
    adf = html_to_adf("intro<li>item</li>")
    assert adf == doc(paragraph(text("intro")), bullet([paragraph(text("item"))]))


def test_adf_nodes_html_has_no_tag_for_are_kept_as_text() -> None:
    mention = {"type": "mention", "attrs": {"id": "5b10", "text": "@Ana"}}
    card = {"type": "inlineCard", "attrs": {"url": "https://jira.example/browse/A-1"}}
    html = adf_to_html(doc(paragraph(text("ping "), mention, text(" about "), card)))
    assert html == ('<p>ping @Ana about <a href="https://jira.example/browse/A-1">'
                    "https://jira.example/browse/A-1</a></p>")  # fmt: skip


def test_text_of_a_note() -> None:
    assert html_to_text("<p>#jira first<br>second</p><ul><li>item</li></ul>") == "#jira first\nsecond\nitem"
    assert adf_to_text(None) == ""


def test_wiki_markup_known_answer() -> None:
    adf = html_to_adf(
        '<h3>Title</h3><p>Hi <b>all</b>,<br>see <a href="https://x.io">docs</a> and <code>make</code>.</p>'
        "<ul><li>one<ul><li>deep</li></ul></li></ul><ol><li>first</li></ol><pre><code>a = 1</code></pre>"
    )
    assert adf_to_wiki(adf) == (
        "h3. Title\n\nHi *all*,\nsee [docs|https://x.io] and {{make}}.\n\n* one\n** deep\n\n# first\n\n"
        "{code}\na = 1\n{code}"
    )
    assert wiki_to_adf(adf_to_wiki(adf)) == adf


def test_wiki_as_people_type_it() -> None:
    adf = wiki_to_adf(
        "Deployed [the fix|https://x.io/pr/1] for _all_ users\nthanks\n\n{code:python}\nx = 1\n{code}"
    )
    assert adf == doc(
        paragraph(text("Deployed "), text("the fix", link("https://x.io/pr/1")), text(" for "),
                  text("all", {"type": "em"}), text(" users"), BR, text("thanks")),
        {"type": "codeBlock", "content": [text("x = 1")]},
    )  # fmt: skip


WORDS = st.text(alphabet="abcdefxyz<>&'\"", min_size=1, max_size=6)
PHRASES = st.lists(WORDS, min_size=1, max_size=4).map(" ".join)
MARKS = st.sampled_from(
    [[], [{"type": "strong"}], [{"type": "em"}], [{"type": "code"}], [link("https://e.x/?q=<&>")]]
)


@st.composite
def paragraphs(draw: st.DrawFn) -> dict:
    pieces = draw(st.lists(st.tuples(PHRASES, MARKS), min_size=1, max_size=4))
    content: list[dict] = []
    for index, (words, marks) in enumerate(pieces):
        if index:
            content.append(BR)
        content.append(text(words, *marks))
    return paragraph(*content)


DOCUMENTS = st.lists(
    st.one_of(
        paragraphs(),
        st.lists(paragraphs(), min_size=1, max_size=3).map(lambda ps: bullet(*[[p] for p in ps])),
    ),
    min_size=1,
    max_size=4,
).map(lambda blocks: doc(*blocks))


@given(DOCUMENTS)
def test_html_round_trip_keeps_the_document(document: dict) -> None:
    assert html_to_adf(adf_to_html(document)) == document
