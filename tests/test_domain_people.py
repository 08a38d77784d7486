from datetime import date

import pytest

from domain.overrides import PersonOverride, parse_flag, parse_fte, parse_weekly_hours
from domain.people import NO_BAMBOOHR_MATCH, NO_JIRA_USER, Person, match_people
from domain.records import Employee, JiraUser


def employee(id_: str, name: str, email: str | None, team: str = "Platform", **kw: object) -> Employee:
    fields: dict[str, object] = {
        "country": "DE",
        "status": "Active",
        "employment_status": "Full-Time",
        "hire_date": date(2020, 1, 1),
        "termination_date": None,
    }
    fields.update(kw)
    return Employee(id=id_, name=name, email=email, team=team, **fields)  # type: ignore[arg-type]


EMPLOYEES = [
    employee("1", "Anna Schmidt", "anna@example.com"),
    employee("2", "Ben Jones", "ben@example.com", country="GB"),
    employee("3", "Chloe Weber", "Chloe.Weber@Example.com"),
    employee("4", "Dana Park", "dana@example.com", team="Sales"),
    employee("5", "Old Timer", "old@example.com", status="Inactive", termination_date=date(2024, 3, 31)),
]


def by_key(people: list[Person]) -> dict[str, Person]:
    return {p.key: p for p in people}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("50 %", 0.5), ("50%", 0.5), (50, 0.5), (0.5, 0.5), ("0,5", 0.5), ("100", 1.0), (1, 1.0), ("1%", 0.01)],
)
def test_parse_fte_reads_percentages_and_fractions(raw: object, expected: float) -> None:
    assert parse_fte(raw) == pytest.approx(expected)


def test_parse_fte_empty_means_no_override() -> None:
    assert parse_fte(None) is None
    assert parse_fte("  ") is None


@pytest.mark.parametrize("raw", ["half", "150 %", -0.2, True, "5 0"])
def test_parse_fte_rejects_with_field_and_value(raw: object) -> None:
    with pytest.raises(ValueError, match="FTE %") as caught:
        parse_fte(raw)
    assert repr(raw) in str(caught.value)


def test_override_parse_names_the_row_field_and_value() -> None:
    with pytest.raises(ValueError, match=r"People row 'acc-ben': weekly hours must be a number, got 'lots'"):
        PersonOverride.parse("acc-ben", weekly_hours="lots")


def test_override_parse_reads_sheet_cells() -> None:
    override = PersonOverride.parse(
        "acc-ben",
        employee_id=2.0,
        team=" Mobile ",
        fte="50 %",
        weekly_hours="20 h",
        country="gb",
        exclude="no",
    )
    assert override == PersonOverride(
        "acc-ben", employee_id="2", team="Mobile", fte=0.5, weekly_hours=20.0, country="GB", exclude=False
    )
    assert parse_weekly_hours("32,5") == 32.5
    assert parse_flag("x") is True
    with pytest.raises(ValueError, match="exclude must be yes/no"):
        parse_flag("maybe")


def test_jira_users_match_employees_by_email_case_insensitively() -> None:
    users = [
        JiraUser("acc-anna", "Anna S.", "ANNA@example.com"),
        JiraUser("acc-chloe", "Chloe", "chloe.weber@example.com"),
    ]
    people = by_key(match_people(EMPLOYEES, users, hours_per_day=7.5))
    anna = people["acc-anna"]
    assert (anna.employee_id, anna.name, anna.matched, anna.flags) == ("1", "Anna Schmidt", True, ())
    assert anna.hours_per_day == 7.5
    assert people["acc-chloe"].employee_id == "3"


def test_unmatched_jira_user_is_kept_and_flagged() -> None:
    people = by_key(match_people(EMPLOYEES, [JiraUser("acc-ghost", "Ghost", None)]))
    ghost = people["acc-ghost"]
    assert not ghost.matched
    assert ghost.employee_id is None
    assert ghost.flags[0] == NO_BAMBOOHR_MATCH
    assert ghost.flags[1] == "Jira hides this user's email, so it cannot be matched by email"


def test_override_maps_a_hidden_email_account_and_its_fields_win() -> None:
    users = [JiraUser("acc-ben", "Ben", None)]
    overrides = [PersonOverride("acc-ben", employee_id="2", team="Mobile", fte=0.5, country="IE")]
    ben = by_key(match_people(EMPLOYEES, users, overrides))["acc-ben"]
    assert (ben.employee_id, ben.matched, ben.team, ben.fte, ben.country) == ("2", True, "Mobile", 0.5, "IE")
    assert ben.email == "ben@example.com"


def test_override_mapping_beats_an_email_match() -> None:
    users = [JiraUser("acc-x", "X", "anna@example.com")]
    person = by_key(match_people(EMPLOYEES, users, [PersonOverride("acc-x", employee_id="3")]))["acc-x"]
    assert person.employee_id == "3"
    # Anna's employee was not claimed by anyone, so she stays as an employee without Jira user
    assert by_key(match_people(EMPLOYEES, users, [PersonOverride("acc-x", employee_id="3")]))[
        "bamboohr:1"
    ].flags == (NO_JIRA_USER,)


def test_override_to_unknown_employee_is_flagged() -> None:
    users = [JiraUser("acc-z", "Zed", None)]
    zed = by_key(match_people(EMPLOYEES, users, [PersonOverride("acc-z", employee_id="99")]))["acc-z"]
    assert not zed.matched
    assert any("employee id 99" in flag for flag in zed.flags)


def test_weekly_hours_override_sets_hours_per_day_and_exclude_marks_excluded() -> None:
    users = [JiraUser("acc-anna", "Anna", "anna@example.com")]
    overrides = [PersonOverride("acc-anna", weekly_hours=30, exclude=True)]
    anna = by_key(match_people(EMPLOYEES, users, overrides))["acc-anna"]
    assert anna.hours_per_day == 6.0
    assert anna.excluded


def test_employees_without_jira_user_are_kept_when_active_only() -> None:
    keys = set(by_key(match_people(EMPLOYEES, [])))
    assert keys == {"bamboohr:1", "bamboohr:2", "bamboohr:3", "bamboohr:4"}


def test_inactive_employee_matched_to_a_jira_user_is_flagged() -> None:
    people = by_key(match_people(EMPLOYEES, [JiraUser("acc-old", "Old", "old@example.com")]))
    assert people["acc-old"].flags == ("Inactive in BambooHR",)
    assert people["acc-old"].termination_date == date(2024, 3, 31)


def test_one_employee_is_matched_once_and_duplicate_jira_users_collapse() -> None:
    users = [
        JiraUser("acc-a1", "Anna", "anna@example.com"),
        JiraUser("acc-a1", "Anna", "anna@example.com"),
        JiraUser("acc-a2", "Anna again", "anna@example.com"),
    ]
    people = by_key(match_people(EMPLOYEES, users))
    assert people["acc-a1"].employee_id == "1"
    assert people["acc-a2"].employee_id is None


def test_duplicate_override_rows_are_refused() -> None:
    with pytest.raises(ValueError, match="'acc-ben' twice"):
        match_people(EMPLOYEES, [], [PersonOverride("acc-ben"), PersonOverride("acc-ben", fte=0.5)])


def test_person_rejects_impossible_numbers() -> None:
    with pytest.raises(ValueError, match="FTE must be between 0 and 1"):
        Person("k", "Kim", None, None, None, fte=1.5)


def test_a_stale_people_row_does_not_hide_its_employee() -> None:
    # the mapped Jira user is not among this run's users: employee 2 still shows, without Jira user
    people = by_key(match_people(EMPLOYEES, [], [PersonOverride("acc-gone", employee_id="2")]))
    assert people["bamboohr:2"].flags == (NO_JIRA_USER,)
