"""Which teams get a spreadsheet, renames and vanished teams, leads, and the access rules."""

from __future__ import annotations

from datetime import date

from domain.access import Access, expected_access, plan_access
from domain.provisioning import members_on, merged_mapping, plan_sheets, renamed_teams, team_leads
from domain.records import Employee, JobInfoEntry


def person(
    pid: str, team: str, boss: str | None = None, *, lead: bool = False, left: date | None = None
) -> Employee:
    hired = date(2020, 1, 1)
    return Employee(pid, f"P{pid}", f"p{pid}@x.org", team, None, "Active", "Full-Time", hired, left,
                    supervisor_email=boss, marked_lead=lead)  # fmt: skip


def test_the_config_wins_over_the_teams_tab_whatever_the_spelling() -> None:
    assert merged_mapping({"platform ": "tab-key", "Data": "d"}, {"Platform": "cfg-key"}) == {
        "Platform": "cfg-key",
        "Data": "d",
    }


def test_teams_with_people_and_no_sheet_are_created_and_teams_without_people_are_kept_marked() -> None:
    plan = plan_sheets({"Platform", "Web"}, {"platform": "k1", "Old": "k2"})
    assert plan.to_create == ["Web"]
    assert plan.vanished == ["Old"]
    assert plan.keys == {"platform": "k1", "Old": "k2"}


def test_a_renamed_team_takes_its_predecessors_sheet_and_the_old_name_gets_none() -> None:
    plan = plan_sheets({"Analytics", "Data"}, {"Data": "k"}, {"Analytics": "Data"})
    assert plan.keys == {"Analytics": "k"} and plan.renamed == {"Analytics": "Data"}
    assert plan.to_create == []


def test_a_rename_is_all_of_a_teams_people_moving_on_one_day_from_a_team_now_empty() -> None:
    people = [person("1", "Analytics"), person("2", "Analytics")]
    moved = date(2026, 10, 15)
    history = [JobInfoEntry("1", date(2020, 1, 1), "Data"), JobInfoEntry("2", date(2021, 1, 1), "Data"),
               JobInfoEntry("1", moved, "Analytics"), JobInfoEntry("2", moved, "Analytics")]  # fmt: skip
    assert renamed_teams({"Analytics": people}, history, {"Analytics"}) == {"Analytics": "Data"}
    # Someone still in Data: a new team split off, not a rename.
    assert renamed_teams({"Analytics": people}, history, {"Analytics", "Data"}) == {}
    # Moved on different days: not a rename.
    history[-1] = JobInfoEntry("2", date(2026, 10, 16), "Analytics")
    assert renamed_teams({"Analytics": people}, history, {"Analytics"}) == {}


def test_members_on_a_day_leave_out_leavers_and_people_not_yet_hired() -> None:
    gone = person("3", "Web", left=date(2026, 9, 30))
    assert members_on([person("1", "Web"), gone], date(2026, 11, 1)) == {"Web": [person("1", "Web")]}


def test_the_lead_is_a_marked_person_else_the_supervisor_most_report_to_else_the_config() -> None:
    platform = [person("1", "Platform", "vp@x.org"), person("2", "Platform", "p1@x.org"),
                person("3", "Platform", "p1@x.org")]  # fmt: skip
    leads = team_leads({"Platform": platform, "Web": [person("4", "Web")]}, {"web": "Web.Lead@x.org"})
    assert leads["Platform"].email == "p1@x.org" and "2 of 3" in leads["Platform"].source
    assert leads["Web"].email == "web.lead@x.org"
    marked = [*platform, person("5", "Platform", "p1@x.org", lead=True)]
    assert team_leads({"Platform": marked}, {}, "customIsLead")["Platform"].email == "p5@x.org"


def test_a_tie_between_supervisors_goes_to_the_one_in_the_team() -> None:
    team = [person("1", "Web", "vp@x.org"), person("2", "Web", "p1@x.org")]
    assert team_leads({"Web": team}, {})["Web"].email == "p1@x.org"


LEAD, ADMIN, FORMER, OTHER = "lead@x.org", "ops@x.org", "former@x.org", "other@x.org"
WANTED = expected_access(LEAD, "reader", [ADMIN], "writer")


def test_a_new_sheet_is_shared_with_the_lead_and_the_admins() -> None:
    plan = plan_access("T", [], WANTED, mode="report", new_sheet=True, former_lead=None, other_leads={})
    assert plan.share == [(LEAD, "reader", "lead"), (ADMIN, "writer", "admin")]
    assert plan.findings == []


def test_report_mode_touches_nobody_but_a_missing_admin_and_lists_every_difference() -> None:
    current = [
        Access(FORMER, "reader", "p1"),
        Access("stranger@x.org", "writer", "p2"),
        Access(OTHER, "reader", "p3"),
    ]
    plan = plan_access("T", current, WANTED, mode="report", new_sheet=False, former_lead=FORMER,
                       other_leads={OTHER: "Sales"})  # fmt: skip
    assert plan.share == [(ADMIN, "writer", "admin")] and plan.revoke == []
    assert len(plan.findings) == 4  # lead missing, former lead, stranger, lead of Sales
    assert any("lead of Sales" in f for f in plan.findings)


def test_enforce_mode_adds_the_new_lead_removes_the_former_and_leaves_everyone_else() -> None:
    stranger = Access("stranger@x.org", "writer", "p2")
    current = [
        Access(FORMER, "reader", "p1"),
        stranger,
        Access(ADMIN, "writer", "p4"),
        Access(OTHER, "reader", "p3"),
    ]
    plan = plan_access("T", current, WANTED, mode="enforce", new_sheet=False, former_lead=FORMER,
                       other_leads={OTHER: "Sales"})  # fmt: skip
    assert plan.share == [(LEAD, "reader", "lead")]
    assert plan.revoke == [("p1", FORMER)]
    assert {f.split(":")[1].split()[0] for f in plan.findings} == {"stranger@x.org", OTHER + ","}


def test_inherited_access_is_listed_not_removed_and_never_owner_for_the_lead() -> None:
    current = [Access(FORMER, "organizer", "p1", inherited=True)]
    plan = plan_access(
        "T", current, WANTED, mode="enforce", new_sheet=False, former_lead=FORMER, other_leads={}
    )
    assert plan.revoke == [] and plan.rows[-1].note == "former lead; shared drive or folder member"
    assert plan.findings == [
        f"T: {FORMER}, the former lead, still has organizer access through the shared "
        "drive or a folder (remove it there)"
    ]
    assert all(role != "owner" for _, role, _ in plan.share)
