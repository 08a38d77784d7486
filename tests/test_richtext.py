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


def test_unknown_markup_is_reduced_to_its_text_and_an_image_to_a_link() -> None:
    adf = html_to_adf('<div><span style="x">plain</span> <img src="a.png"> text</div><script>evil()</script>')
    assert adf == doc(paragraph(text("plain "), text("🖼 a.png", link("a.png")), text(" text")))


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


# ---- what used to be mangled: tables, images, dates, tasks, wiki markup in text --------------------------


def cell(kind: str, words: str) -> dict:
    return {"type": kind, "content": [paragraph(text(words))]}


def test_table_cells_stay_apart_both_ways() -> None:
    html = "<table><tr><th>Host</th><th>CPU</th></tr><tr><td>web-1</td><td>93%</td></tr></table>"
    assert html_to_text(html) == "Host | CPU\nweb-1 | 93%"
    table = {"type": "table", "content": [
        {"type": "tableRow", "content": [cell("tableHeader", "Host"), cell("tableHeader", "CPU")]},
        {"type": "tableRow", "content": [cell("tableCell", "web-1"), cell("tableCell", "93%")]},
    ]}  # fmt: skip
    assert adf_to_html(doc(table)) == "<p><strong>Host</strong> | <strong>CPU</strong></p><p>web-1 | 93%</p>"
    assert wiki_to_adf("||Host||CPU||\n|web-1|93%|") == html_to_adf(adf_to_html(doc(table)))


def test_images_and_attachments_become_links_never_nothing() -> None:
    only_image = html_to_adf('<p><img src="https://files.example/a/shot.png?x=1" alt=""></p>')
    assert only_image == doc(paragraph(text("🖼 shot.png", link("https://files.example/a/shot.png?x=1"))))
    pasted = html_to_adf('<p><img src="data:image/png;base64,AAAA"></p>')
    assert adf_to_text(pasted) == "🖼 image pasted into the note (not copied)" and "data:" not in str(pasted)
    media = {
        "type": "mediaSingle",
        "content": [{"type": "media", "attrs": {"type": "file", "id": "9f", "alt": "graph.png"}}],
    }
    external = {"type": "media", "attrs": {"type": "external", "url": "https://img.example/x.png"}}
    where = "https://site.example/browse/A-1?focusedCommentId=5"
    assert adf_to_html(doc(media), where) == f'<p><a href="{where}">📎 graph.png (in Jira)</a></p>'
    assert adf_to_html(doc(media)) == "<p>📎 graph.png (in Jira)</p>"
    assert (
        adf_to_html(doc(paragraph(external)))
        == '<p><a href="https://img.example/x.png">🖼 https://img.example/x.png</a></p>'
    )
    assert wiki_to_adf("logs in [^run.log]") == doc(paragraph(text("logs in 📎 run.log (attached in Jira)")))
    assert wiki_to_adf("see !shot.png|thumbnail!") == doc(
        paragraph(text("see 🖼 shot.png (attached in Jira)"))
    )


def test_dates_status_mentions_tasks_decisions_panels_and_expands_are_readable() -> None:
    due = {"type": "date", "attrs": {"timestamp": "1796083200000"}}
    status = {"type": "status", "attrs": {"text": "In progress", "color": "blue"}}
    mention = {"type": "mention", "attrs": {"id": "5b10", "text": "@Ana"}}
    tasks = {"type": "taskList", "attrs": {"localId": "t"}, "content": [
        {"type": "taskItem", "attrs": {"localId": "1", "state": "DONE"}, "content": [text("backup")]},
        {"type": "taskItem", "attrs": {"localId": "2", "state": "TODO"}, "content": [text("restart")]},
    ]}  # fmt: skip
    decisions = {"type": "decisionList", "content": [{"type": "decisionItem", "attrs": {"state": "DECIDED"},
                                                       "content": [text("ship Friday")]}]}  # fmt: skip
    panel = {"type": "panel", "attrs": {"panelType": "warning"}, "content": [paragraph(text("careful"))]}
    expand = {"type": "expand", "attrs": {"title": "Logs"}, "content": [paragraph(text("line 1"))]}
    html = adf_to_html(doc(paragraph(text("Release is due "), due, text(". "), status, text(" "), mention),
                           tasks, decisions, panel, expand))  # fmt: skip
    assert html == (
        "<p>Release is due 2026-12-01. [IN PROGRESS] @Ana</p><ul><li>☑ backup</li><li>☐ restart</li></ul>"
        "<ul><li>◆ ship Friday</li></ul><blockquote><p>careful</p></blockquote>"
        "<p><strong>Logs</strong></p><p>line 1</p>"
    )
    assert wiki_to_adf("ask [~ana.m] first") == doc(paragraph(text("ask @ana.m first")))  # Data Center


def test_wiki_markup_in_words_is_escaped_for_data_center_and_read_back_as_typed() -> None:
    words = "Use _legacy_ mode, *not* {noformat} or [PLAT-3|x] -- a - b, PLAT-3 and snake_case stay"
    wiki = adf_to_wiki(doc(paragraph(text(words))))
    assert wiki == (
        "Use \\_legacy\\_ mode, \\*not\\* \\{noformat\\} or \\[PLAT-3\\|x\\] \\-\\- a \\- b, PLAT-3 and "
        "snake_case stay"
    )
    assert wiki_to_adf(wiki) == doc(paragraph(text(words)))


NOTE_HTML = st.lists(
    st.sampled_from([
        "<p>a <b>bold</b> _x_ *y*</p>",
        "<table><tr><th>H</th><th>I</th></tr><tr><td>1</td><td>2 | 3</td></tr></table>",
        '<p><img src="https://f.example/s.png"></p>', "<ul><li>one<ul><li>two</li></ul></li></ul>",
        "<pre><code>x = {1}</code></pre>", "<blockquote>quoted [x]</blockquote>", "<p>a<br>b</p>",
        '<p><a href="https://e.x/?q=1&amp;r=2">link</a> !bang! #hash -dash-</p>', "<h2>Title</h2>", "<hr>",
    ]),
    min_size=1, max_size=6,
).map("".join)  # fmt: skip


@given(NOTE_HTML)
def test_html_through_adf_and_wiki_is_stable_after_one_round_trip(html: str) -> None:
    """A note crossing over and back (and again, as it would across runs) neither changes nor grows."""
    once = adf_to_html(html_to_adf(html))
    assert adf_to_html(html_to_adf(once)) == once
    wiki = adf_to_wiki(html_to_adf(once))
    assert adf_to_wiki(wiki_to_adf(wiki)) == wiki
    assert adf_to_html(wiki_to_adf(wiki)) == adf_to_html(wiki_to_adf(adf_to_wiki(wiki_to_adf(wiki))))
