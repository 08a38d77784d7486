"""Mirroring rules, known answers written from the rules in DESIGN.md (no I/O)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from domain.comment_markers import MIRROR_PROPERTY, footer_claim, mirror_property, version_of
from domain.comments import (
    INTERNAL_PROPERTY,
    SECURITY_LEVEL,
    MirrorPlan,
    Withheld,
    attribution,
    issue_key_of,
    plan_mirroring,
    restriction,
)
from domain.records import IntercomConversation, IntercomPart, JiraComment, JiraIssueRef
from domain.richtext import adf_to_text, doc, paragraph, text

T0 = 1_790_000_000
ISSUE = JiraIssueRef("10042", "PLAT-12")
BODY = doc(paragraph(text("Fix is in review.")))
V = version_of(BODY)


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


def bridge_note(
    pid: str, comment_id: str, version: str = V, issue_id: str = "10042", at: int = 0
) -> IntercomPart:
    """A note as the bridge writes it: through the API, footer last."""
    footer = f"<p><em>Mirrored from Jira PLAT-12 [opsheets:jira/{issue_id}/{comment_id}@{version}]</em></p>"
    return part(pid, f"<p><strong>PLAT-12 · Ana</strong></p><p>x</p>{footer}", at=at, author_id="7001",
                app_package_code="opsheets")  # fmt: skip


def conversation(*parts: IntercomPart, total: int | None = None) -> IntercomConversation:
    return IntercomConversation("2004", T0, {"jira_issue_key": "PLAT-12"}, parts, total or len(parts))


def plan(*parts: IntercomPart, comments: list[JiraComment] | None = None, issue: JiraIssueRef = ISSUE,
         tag: str | None = None, allowed: tuple[str, ...] = ()) -> MirrorPlan:  # fmt: skip
    return plan_mirroring(conversation(*parts), issue, comments or [], tag, allowed)


def copy_of(part_id: str, version: str | None, cid: str = "10003") -> JiraComment:
    value = mirror_property("2004", part_id, version or "")
    if version is None:
        del value["version"]
    return comment(cid, properties={MIRROR_PROPERTY: value})


def test_issue_keys_are_read_leniently_and_checked() -> None:
    assert issue_key_of(" plat-12 ") == "PLAT-12"
    assert issue_key_of("AB_2-7") == "AB_2-7"
    for bad in (None, "", "see jira", "PLAT-0", "PLAT-", 12, "https://x.atlassian.net/browse/PLAT-1"):
        assert issue_key_of(bad) is None


def test_jira_comment_becomes_an_attributed_note_whose_footer_names_issue_id_comment_id_and_version() -> None:
    result = plan(comments=[comment("10001")])
    (note,) = result.to_intercom
    assert note.conversation_id == "2004" and note.comment_id == "10001" and note.author == "Ana Müller"
    assert note.html == (
        "<p><strong>PLAT-12 · Ana Müller</strong></p><p>Fix is in review.</p>"
        f"<p><em>Mirrored from Jira PLAT-12 [opsheets:jira/10042/10001@{V}]</em></p>"
    )
    assert note.marker == f"[opsheets:jira/10042/10001@{V}]" and note.kind == "new"
    assert result.to_jira == [] and result.warnings == []


def test_admin_note_becomes_an_attributed_internal_comment_with_its_marker_property() -> None:
    note = part("501", "<p>Reproduced.<br>Only &gt; 500 rows.</p>")
    (created,) = plan(note).to_jira
    assert adf_to_text(created.body) == "Intercom 2004 · Sam Rivera\nReproduced.\nOnly > 500 rows."
    assert created.body["content"][0]["content"][0]["marks"] == [{"type": "strong"}]
    version = version_of({"body": "<p>Reproduced.<br>Only &gt; 500 rows.</p>", "attachments": []})
    assert created.properties == {
        MIRROR_PROPERTY: {
            "source": "intercom",
            "conversation_id": "2004",
            "part_id": "501",
            "version": version,
        },
        INTERNAL_PROPERTY: {"internal": True},
    }
    assert created.comment_id == "" and created.kind == "new"


def test_only_admin_notes_with_text_or_files_go_to_jira() -> None:
    parts = (
        part("1", "<p>customer says hi</p>", kind="comment", author="user"),
        part("2", "<p>we reply to the customer</p>", kind="comment"),
        part("3", "<p>Fin's internal summary</p>", author="bot"),
        part("4", "", redacted=True),
        part("5", None),  # type: ignore[arg-type]
        part("6", "<p>real note</p>"),
        part("7", "", attachments=(("shot.png", "https://files.example/shot.png"),)),
    )
    result = plan(*parts)
    assert [c.part_id for c in result.to_jira] == ["6", "7"]
    assert "📎 shot.png" in adf_to_text(result.to_jira[1].body)
    assert (
        result.to_jira[1].body["content"][1]["content"][0]["marks"][0]["attrs"]["href"].endswith("shot.png")
    )


def test_mirrored_items_are_never_mirrored_back() -> None:
    note = part("7", "<p>n</p>")
    from_intercom = copy_of("7", version_of({"body": "<p>n</p>", "attachments": []}))
    assert plan(note, bridge_note("9", "10001"), comments=[comment("10001"), from_intercom]) == MirrorPlan()


def test_a_pasted_footer_does_not_make_a_note_a_mirror() -> None:
    footer = f"<p><em>Mirrored from Jira PLAT-12 [opsheets:jira/10042/10001@{V}]</em></p>"
    typed = part("20", f"<p>My own finding.</p>{footer}", at=50)  # typed in the inbox: no app_package_code
    pasted_mid = part("21", f"<p>Quote:</p>{footer}<p>and my reply</p>", at=60, app_package_code="x")
    result = plan(bridge_note("9", "10001"), typed, pasted_mid, comments=[comment("10001")])
    assert [c.part_id for c in result.to_jira] == ["20", "21"] and result.to_intercom == []
    assert footer_claim(typed) is None and footer_claim(pasted_mid) is None


def test_a_moved_issue_keeps_its_mirrors_both_ways() -> None:
    moved = JiraIssueRef("10042", "MOVED-3")  # new key, same id
    comments = [comment("10001"), copy_of("7", None)]
    result = plan(part("7", "<p>n</p>"), bridge_note("9", "10001"), comments=comments, issue=moved)
    assert result == MirrorPlan()


def test_notes_written_before_ids_and_versions_were_kept_still_count() -> None:
    legacy = part(
        "8", "<p>x</p><p><em>Mirrored from Jira [opsheets:PLAT-3/10001]</em></p>", app_package_code="o"
    )
    assert plan(legacy, comments=[comment("10001", words="edited since")]) == MirrorPlan()


def test_an_edited_jira_comment_gets_an_edit_note_once() -> None:
    edited = comment("10001", words="Do NOT restart prod.")
    new_version = version_of(edited.body)
    (note,) = plan(bridge_note("9", "10001"), comments=[edited]).to_intercom
    assert note.kind == "edited" and note.version == new_version
    assert note.html.startswith(
        "<p><strong>PLAT-12 · Ana Müller · edited</strong></p><p>Do NOT restart prod.</p>"
    )
    done = plan(bridge_note("9", "10001"), bridge_note("10", "10001", new_version, at=5), comments=[edited])
    assert done == MirrorPlan()


def test_a_comment_edited_back_to_an_earlier_text_gets_one_more_note_and_no_loop() -> None:
    back = comment("10001")  # A → B → A
    b_version = version_of(comment("10001", words="B").body)
    (note,) = plan(
        bridge_note("9", "10001"), bridge_note("10", "10001", b_version, at=5), comments=[back]
    ).to_intercom
    assert note.kind == "edited" and note.version == V
    notes = (
        bridge_note("9", "10001"),
        bridge_note("10", "10001", b_version, at=5),
        bridge_note("11", "10001", at=9),
    )
    assert (
        plan(*notes, comments=[back]) == MirrorPlan()
    )  # the repeated version is the bridge's: not sent to Jira


def test_a_comment_saved_again_with_new_local_ids_is_not_an_edit() -> None:
    item = {"type": "taskItem", "attrs": {"localId": "a2", "state": "TODO"}, "content": [text("restart")]}
    task = {"type": "taskList", "attrs": {"localId": "a1"}, "content": [item]}
    saved = comment("10001", body=doc(task))
    resaved = comment("10001", body=doc({**task, "attrs": {"localId": "b1"}}))
    assert plan(bridge_note("9", "10001", version_of(saved.body)), comments=[resaved]) == MirrorPlan()


def test_a_deleted_jira_comment_gets_one_notice_and_other_issues_are_left_alone() -> None:
    other_issue = bridge_note("9", "10500", issue_id="777")  # linked to another issue before
    (notice,) = plan(bridge_note("8", "10001"), other_issue).to_intercom
    assert notice.kind == "deleted" and notice.comment_id == "10001"
    assert "PLAT-12 comment 10001 was deleted in Jira" in notice.html
    assert notice.html.endswith("[opsheets:jira/10042/10001@deleted]</em></p>")
    assert (
        plan(bridge_note("8", "10001"), bridge_note("10", "10001", "deleted", at=9), other_issue)
        == MirrorPlan()
    )


def test_an_edited_note_updates_its_jira_copy_and_a_redacted_or_deleted_one_replaces_its_text() -> None:
    note = part("7", "<p>restart prod</p>", updated_at=T0 + 99)
    old = version_of({"body": "<p>restart</p>", "attachments": []})
    (update,) = plan(note, comments=[copy_of("7", old)]).to_jira
    assert (update.kind, update.comment_id, adf_to_text(update.body)) == (
        "edited", "10003", "Intercom 2004 · Sam Rivera · edited\nrestart prod")  # fmt: skip
    assert plan(note, comments=[copy_of("7", update.version)]) == MirrorPlan()
    (redacted,) = plan(part("7", "", redacted=True), comments=[copy_of("7", old)]).to_jira
    assert "redacted in Intercom" in adf_to_text(redacted.body) and "restart" not in adf_to_text(
        redacted.body
    )
    (deleted,) = plan(
        part("8", "<p>other</p>"), comments=[copy_of("7", old), copy_of("8", None, "10004")]
    ).to_jira
    assert (deleted.comment_id, deleted.kind) == ("10003", "deleted")
    assert "deleted in Intercom" in adf_to_text(deleted.body)


def test_a_note_marked_for_another_conversation_is_still_mirrored_here() -> None:
    elsewhere = comment("10003", properties={MIRROR_PROPERTY: mirror_property("3001", "7", "v")})
    result = plan(part("7", "<p>note</p>"), comments=[elsewhere])
    assert [c.part_id for c in result.to_jira] == ["7"] and result.to_intercom == []


def test_tag_filter_keeps_tagged_notes_and_removes_the_tag() -> None:
    parts = (part("1", "<p>#JIRA   please check the logs</p>"), part("2", "<p>not for jira #jira</p>"),
             part("3", "<p><b>#jira</b> bold tag</p>"))  # fmt: skip
    result = plan(*parts, tag="#jira")
    assert [c.part_id for c in result.to_jira] == ["1", "3"]
    texts = [adf_to_text(c.body).split("\n")[1] for c in result.to_jira]
    assert texts == ["please check the logs", "bold tag"]


def test_order_follows_creation() -> None:
    comments = [comment("10010", hours=5), comment("10002", hours=1), comment("10001", hours=1)]
    result = plan(part("20", "<p>b</p>", at=50), part("19", "<p>a</p>", at=10), comments=comments)
    assert [n.comment_id for n in result.to_intercom] == ["10001", "10002", "10010"]
    assert [c.part_id for c in result.to_jira] == ["19", "20"]


def test_truncated_conversation_does_not_repost_comments_older_than_what_it_shows() -> None:
    visible = conversation(part("900", "<p>recent</p>", kind="comment", at=3600 * 10), total=700)
    result = plan_mirroring(visible, ISSUE, [comment("10001", hours=2), comment("10002", hours=11)])
    assert [n.comment_id for n in result.to_intercom] == ["10002"]
    assert len(result.warnings) == 1 and "10001" in result.warnings[0] and "older" in result.warnings[0]


def test_wiki_bodies_from_data_center_are_converted() -> None:
    result = plan(comments=[comment("10001", body="Fixed in [PR 7|https://x.io/7]")])
    assert '<a href="https://x.io/7">PR 7</a>' in result.to_intercom[0].html


def test_attribution_names_source_and_author() -> None:
    assert attribution("PLAT-12", "Ana") == "PLAT-12 · Ana"
    assert attribution("Intercom 2004", None) == "Intercom 2004 · unknown author"
    assert attribution("PLAT-12", "Ana", "edited") == "PLAT-12 · Ana · edited"


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
    first = plan(*parts, comments=comments, tag=tag)
    new_parts = [part(str(900 + i), n.html, at=100 + i, author_id="7001", app_package_code="opsheets")
                 for i, n in enumerate(first.to_intercom)]  # fmt: skip
    new_comments = [comment(str(20000 + i), properties=c.properties) for i, c in enumerate(first.to_jira)]
    second = plan(*parts, *new_parts, comments=comments + new_comments, tag=tag)
    assert second == MirrorPlan()
    assert len(first.to_intercom) == len(comments)
    assert len(first.to_jira) == sum(1 for t in note_times if tag is None or t % 2)


# --- what Jira restricts ------------------------------------------------------------------------------
def test_a_comment_with_any_visibility_is_withheld_by_reason_and_the_rest_is_planned() -> None:
    comments = [comment("10001"), comment("10002", visibility="role"), comment("10003", visibility="group"),
                comment("10004", visibility="restricted")]  # fmt: skip
    result = plan(part("7", "<p>note</p>"), comments=comments)
    assert [n.comment_id for n in result.to_intercom] == ["10001"]
    assert [c.part_id for c in result.to_jira] == ["7"]
    assert result.withheld == [
        Withheld("PLAT-12", "10002", "restricted to a project role"),
        Withheld("PLAT-12", "10003", "restricted to a group"),
        Withheld("PLAT-12", "10004", "restricted visibility"),
    ]
    assert [restriction(c) for c in comments] == [None, *(w.reason for w in result.withheld)]


def test_a_comment_restricted_after_it_was_mirrored_gets_a_notice_and_no_text() -> None:
    result = plan(bridge_note("8", "10001"), comments=[comment("10001", words="secret", visibility="role")])
    (notice,) = result.to_intercom
    assert notice.kind == "deleted" and "secret" not in notice.html


def test_an_issue_security_level_withholds_what_would_go_to_intercom_unless_allowed() -> None:
    comments = [comment("10001"), comment("10002")]
    secured = JiraIssueRef("10042", "PLAT-12", "Staff only")
    assert (
        len(
            plan(part("7", "<p>n</p>"), comments=comments, issue=secured, allowed=("staff ONLY",)).to_intercom
        )
        == 2
    )
    result = plan(part("7", "<p>note</p>"), comments=comments, issue=secured, allowed=("Legal hold",))
    assert result.to_intercom == [] and [c.part_id for c in result.to_jira] == ["7"]  # notes still go to Jira
    assert [(w.comment_id, w.reason) for w in result.withheld] == [
        ("10001", SECURITY_LEVEL), ("10002", SECURITY_LEVEL)
    ]  # fmt: skip


def test_internal_service_management_comments_are_not_restricted() -> None:
    internal = comment("10001", properties={INTERNAL_PROPERTY: {"internal": True}})
    assert restriction(internal) is None
    assert [n.comment_id for n in plan(comments=[internal]).to_intercom] == ["10001"]
