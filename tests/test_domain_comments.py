"""Mirroring rules: what goes where, with which attribution and marker, and what never goes back."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from domain.comments import (
    INTERNAL_PROPERTY,
    MIRROR_PROPERTY,
    SECURITY_LEVEL,
    MirrorPlan,
    Withheld,
    attribution,
    issue_key_of,
    mirror_property,
    note_marker,
    plan_mirroring,
    restriction,
    withhold_secured,
)
from domain.records import IntercomConversation, IntercomPart, JiraComment
from domain.richtext import adf_to_text, doc, paragraph, text

T0 = 1_790_000_000


def comment(cid: str, words: str = "Fix is in review.", hours: int = 0, **kw: object) -> JiraComment:
    base = JiraComment(
        id=cid,
        issue_key="PLAT-12",
        author_account_id="5b10ana",
        author_name="Ana Müller",
        created=datetime.fromtimestamp(T0 + 3600 * hours, UTC),
        body=doc(paragraph(text(words))),
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def part(
    pid: str, body: str, kind: str = "note", author: str = "admin", at: int = 0, **kw: object
) -> IntercomPart:
    base = IntercomPart(pid, kind, author, "7002", "Sam Rivera", body, T0 + at)
    return replace(base, **kw)  # type: ignore[arg-type]


def conversation(*parts: IntercomPart, total: int | None = None) -> IntercomConversation:
    return IntercomConversation("2004", T0, {"jira_issue_key": "PLAT-12"}, parts, total or len(parts))


def test_issue_keys_are_read_leniently_and_checked() -> None:
    assert issue_key_of(" plat-12 ") == "PLAT-12"
    assert issue_key_of("AB_2-7") == "AB_2-7"
    for bad in (None, "", "see jira", "PLAT-0", "PLAT-", 12, "https://x.atlassian.net/browse/PLAT-1"):
        assert issue_key_of(bad) is None


def test_jira_comment_becomes_an_attributed_marked_note() -> None:
    plan = plan_mirroring(conversation(), "PLAT-12", [comment("10001")])
    (note,) = plan.to_intercom
    assert note.conversation_id == "2004" and note.comment_id == "10001" and note.author == "Ana Müller"
    assert note.html.startswith("<p><strong>PLAT-12 · Ana Müller</strong></p><p>Fix is in review.</p>")
    assert note.marker == "[opsheets:PLAT-12/10001]" and note.marker in note.html
    assert plan.to_jira == [] and plan.warnings == []


def test_admin_note_becomes_an_attributed_internal_comment_with_its_marker_property() -> None:
    plan = plan_mirroring(
        conversation(part("501", "<p>Reproduced.<br>Only &gt; 500 rows.</p>")), "PLAT-12", []
    )
    (created,) = plan.to_jira
    assert adf_to_text(created.body) == "Intercom 2004 · Sam Rivera\nReproduced.\nOnly > 500 rows."
    assert created.body["content"][0]["content"][0]["marks"] == [{"type": "strong"}]
    assert created.properties == {
        MIRROR_PROPERTY: {"source": "intercom", "conversation_id": "2004", "part_id": "501"},
        INTERNAL_PROPERTY: {"internal": True},
    }


def test_only_admin_notes_with_text_go_to_jira() -> None:
    parts = (
        part("1", "<p>customer says hi</p>", kind="comment", author="user"),
        part("2", "<p>we reply to the customer</p>", kind="comment"),
        part("3", "<p>Fin's internal summary</p>", author="bot"),
        part("4", "<p>redacted</p>", redacted=True),
        part("5", None),  # type: ignore[arg-type]
        part("6", "<p>real note</p>"),
    )
    assert [c.part_id for c in plan_mirroring(conversation(*parts), "PLAT-12", []).to_jira] == ["6"]


def test_mirrored_items_are_never_mirrored_back() -> None:
    from_jira = part("9", f"<p>copy</p><p><em>Mirrored from Jira {note_marker('PLAT-12', '10001')}</em></p>")
    from_intercom = comment("10002", properties={MIRROR_PROPERTY: mirror_property("2004", "7")})
    plan = plan_mirroring(conversation(from_jira), "PLAT-12", [comment("10001"), from_intercom])
    assert plan == MirrorPlan()


def test_already_mirrored_items_are_not_posted_again() -> None:
    note = part("7", "<p>note</p>")
    mirror_of_note = comment("10003", properties={MIRROR_PROPERTY: mirror_property("2004", "7")})
    mirror_of_comment = part("8", f"<p>x {note_marker('PLAT-12', '10001')}</p>")
    plan = plan_mirroring(
        conversation(note, mirror_of_comment), "PLAT-12", [comment("10001"), mirror_of_note]
    )
    assert plan == MirrorPlan()


def test_a_note_marked_for_another_conversation_is_still_mirrored_here() -> None:
    elsewhere = comment("10003", properties={MIRROR_PROPERTY: mirror_property("3001", "7")})
    plan = plan_mirroring(conversation(part("7", "<p>note</p>")), "PLAT-12", [elsewhere])
    assert [c.part_id for c in plan.to_jira] == ["7"] and plan.to_intercom == []


def test_tag_filter_keeps_tagged_notes_and_removes_the_tag() -> None:
    parts = (part("1", "<p>#JIRA   please check the logs</p>"), part("2", "<p>not for jira #jira</p>"),
             part("3", "<p><b>#jira</b> bold tag</p>"))  # fmt: skip
    plan = plan_mirroring(conversation(*parts), "PLAT-12", [], tag="#jira")
    assert [c.part_id for c in plan.to_jira] == ["1", "3"]
    texts = [adf_to_text(c.body).split("\n")[1] for c in plan.to_jira]
    assert texts == ["please check the logs", "bold tag"]


def test_order_follows_creation() -> None:
    comments = [comment("10010", hours=5), comment("10002", hours=1), comment("10001", hours=1)]
    parts = (part("20", "<p>b</p>", at=50), part("19", "<p>a</p>", at=10))
    plan = plan_mirroring(conversation(*parts), "PLAT-12", comments)
    assert [n.comment_id for n in plan.to_intercom] == ["10001", "10002", "10010"]
    assert [c.part_id for c in plan.to_jira] == ["19", "20"]


def test_a_deleted_jira_comment_is_reported_not_reposted() -> None:
    mirrored = part("8", f"<p>x {note_marker('PLAT-12', '10001')}</p>")
    other_issue = part("9", f"<p>y {note_marker('APP-3', '10500')}</p>")  # linked elsewhere before
    plan = plan_mirroring(conversation(mirrored, other_issue), "PLAT-12", [])
    assert plan.to_intercom == [] and plan.to_jira == []
    assert plan.warnings == [
        "PLAT-12 comment 10001 was deleted in Jira; its note in conversation 2004 stays "
        "(Intercom notes cannot be deleted)"
    ]


def test_truncated_conversation_does_not_repost_comments_older_than_what_it_shows() -> None:
    visible = conversation(part("900", "<p>recent</p>", kind="comment", at=3600 * 10), total=700)
    plan = plan_mirroring(visible, "PLAT-12", [comment("10001", hours=2), comment("10002", hours=11)])
    assert [n.comment_id for n in plan.to_intercom] == ["10002"]
    assert len(plan.warnings) == 1 and "10001" in plan.warnings[0] and "older" in plan.warnings[0]


def test_wiki_bodies_from_data_center_are_converted() -> None:
    plan = plan_mirroring(
        conversation(), "PLAT-12", [comment("10001", body="Fixed in [PR 7|https://x.io/7]")]
    )
    assert '<a href="https://x.io/7">PR 7</a>' in plan.to_intercom[0].html


def test_attribution_names_source_and_author() -> None:
    assert attribution("PLAT-12", "Ana") == "PLAT-12 · Ana"
    assert attribution("Intercom 2004", None) == "Intercom 2004 · unknown author"


@given(
    st.lists(st.integers(0, 50), max_size=6, unique=True),
    st.lists(st.integers(0, 50), max_size=6, unique=True),
    st.sampled_from([None, "#jira"]),
)
def test_applying_a_plan_leaves_nothing_to_do(
    comment_hours: list[int], note_times: list[int], tag: str | None
) -> None:
    """Post what the plan says, plan again: nothing more, whatever the mix (idempotence)."""
    comments = [comment(str(10000 + h), hours=h) for h in comment_hours]
    parts = [part(str(500 + t), f"<p>{'#jira ' if t % 2 else ''}note {t}</p>", at=t) for t in note_times]
    first = plan_mirroring(conversation(*parts), "PLAT-12", comments, tag)
    new_parts = [part(str(900 + i), n.html, at=100 + i) for i, n in enumerate(first.to_intercom)]
    new_comments = [comment(str(20000 + i), properties=c.properties) for i, c in enumerate(first.to_jira)]
    second = plan_mirroring(conversation(*parts, *new_parts), "PLAT-12", comments + new_comments, tag)
    assert second == MirrorPlan()
    assert len(first.to_intercom) == len(comments)
    assert len(first.to_jira) == sum(1 for t in note_times if tag is None or t % 2)


# --- what Jira restricts ------------------------------------------------------------------------------
def test_a_comment_with_any_visibility_is_withheld_by_reason_and_the_rest_is_planned() -> None:
    comments = [comment("10001"), comment("10002", visibility="role"), comment("10003", visibility="group"),
                comment("10004", visibility="restricted")]  # fmt: skip
    plan = plan_mirroring(conversation(part("7", "<p>note</p>")), "PLAT-12", comments)
    assert [n.comment_id for n in plan.to_intercom] == ["10001"] and [c.part_id for c in plan.to_jira] == [
        "7"
    ]
    assert plan.withheld == [
        Withheld("PLAT-12", "10002", "restricted to a project role"),
        Withheld("PLAT-12", "10003", "restricted to a group"),
        Withheld("PLAT-12", "10004", "restricted visibility"),
    ]
    assert [restriction(c) for c in comments] == [None, *(w.reason for w in plan.withheld)]


def test_an_already_mirrored_comment_restricted_later_is_not_counted_again() -> None:
    mirrored = part("8", f"<p>x {note_marker('PLAT-12', '10001')}</p>")
    plan = plan_mirroring(conversation(mirrored), "PLAT-12", [comment("10001", visibility="role")])
    assert plan == MirrorPlan()


def test_an_issue_security_level_withholds_what_would_go_to_intercom_unless_allowed() -> None:
    plan = plan_mirroring(
        conversation(part("7", "<p>note</p>")), "PLAT-12", [comment("10001"), comment("10002")]
    )
    assert withhold_secured(plan, None, []) == plan
    assert withhold_secured(plan, "Staff only", ["staff ONLY"]) == plan
    secured = withhold_secured(plan, "Staff only", ["Legal hold"])
    assert secured.to_intercom == [] and secured.to_jira == plan.to_jira  # notes still go to Jira
    assert [(w.comment_id, w.reason) for w in secured.withheld] == [
        ("10001", SECURITY_LEVEL), ("10002", SECURITY_LEVEL)
    ]  # fmt: skip


def test_internal_service_management_comments_are_not_restricted() -> None:
    internal = comment("10001", properties={INTERNAL_PROPERTY: {"internal": True}})
    assert restriction(internal) is None
    assert [n.comment_id for n in plan_mirroring(conversation(), "PLAT-12", [internal]).to_intercom] == [
        "10001"
    ]
