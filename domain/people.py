"""Who is planned for: Jira users matched to BambooHR employees, with the People tab's human overrides.

Jira Cloud often hides email addresses, so matching by email alone would silently lose people; a
Jira user nobody can match is kept and flagged so a human can map it in the People tab.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from domain.overrides import WORKING_DAYS_PER_WEEK, PersonOverride
from domain.records import Employee, JiraUser
from domain.regions import RegionRules, holiday_calendar

BAMBOOHR_KEY_PREFIX = "bamboohr:"
NO_BAMBOOHR_MATCH = "no BambooHR match"
NO_JIRA_USER = "no Jira user"
MATCHED_BY_NAME = (
    "matched by display name (Jira hides the email): check it, or set Employee id in the People tab"
)


@dataclass(frozen=True)
class Person:
    """One row of the availability map. `key` is stable across runs: the Jira account id, or
    "bamboohr:<id>" for an employee without a Jira user, so a later match never moves the sheet row."""

    key: str
    name: str
    email: str | None
    team: str | None
    country: str | None
    fte: float = 1.0
    hours_per_day: float = 8.0
    focus: float = 1.0
    excluded: bool = False
    employee_id: str | None = None
    jira_account_id: str | None = None
    hire_date: date | None = None
    termination_date: date | None = None
    matched: bool = False  # a Jira user and a BambooHR employee were joined
    # False for a Jira user nobody could match: no contract, so no capacity (blank, never invented)
    # until the People tab maps the account or gives weekly hours.
    capacity_known: bool = True
    flags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.fte <= 1:
            raise ValueError(f"{self.name}: FTE must be between 0 and 1, got {self.fte}")
        if not 0 <= self.hours_per_day <= 24:
            raise ValueError(f"{self.name}: hours per day must be between 0 and 24, got {self.hours_per_day}")
        if not 0 <= self.focus <= 1:
            raise ValueError(f"{self.name}: focus factor must be between 0 and 1, got {self.focus}")


def match_people(
    employees: Iterable[Employee],
    jira_users: Iterable[JiraUser],
    overrides: Iterable[PersonOverride] = (),
    *,
    hours_per_day: float = 8.0,
    focus: float = 1.0,
    regions: RegionRules = RegionRules(),
) -> list[Person]:
    """Join Jira users to employees, apply overrides. One person, one row:

    1. a People tab mapping (account → employee id) wins;
    2. else the work email (case-insensitive); of several records with one email (a rehire) the
       active one, then the latest hire;
    3. else the exact display name, when exactly one active, still unclaimed employee and exactly one
       still unmatched Jira user carry it (flagged, so the run warns and a human can override);
    4. else the Jira user stays unmatched: capacity unknown, never an invented one.

    Every Jira user given is kept; active employees without a Jira user are kept too, since someone
    with no issues yet is exactly who a planner is looking for. A person's country is the holiday
    calendar it names, with its region where known (domain.regions): "GB-ENG", "DE-BY", "SE".
    """
    staff = list(employees)
    users = list(_first_per_account(jira_users))
    by_id = {e.id: e for e in staff}
    by_override = _index_overrides(overrides)
    # Only mappings of users present this run claim an employee: a stale People row must not hide one.
    chosen: dict[str, tuple[Employee, tuple[str, ...]]] = {}
    for user in users:
        mapped = by_override[user.account_id].employee_id if user.account_id in by_override else None
        if mapped and mapped in by_id:
            chosen[user.account_id] = (by_id[mapped], ())
    claimed = {e.id for e, _ in chosen.values()}
    _match_by_email(users, staff, chosen, claimed)
    _match_by_name(users, staff, chosen, claimed)

    people: dict[str, Person] = {}
    for user in users:
        override = by_override.get(user.account_id)
        if user.account_id in chosen:
            employee, flags = chosen[user.account_id]
            base = _from_employee(user.account_id, employee, user, (hours_per_day, focus, regions), flags)
        else:
            base = _unmatched_user(user, override, hours_per_day, focus)
        people[base.key] = _apply(base, override)
    for employee in staff:
        key = BAMBOOHR_KEY_PREFIX + employee.id
        override = by_override.get(key)
        if employee.id in claimed or not (_is_active(employee) or override):
            continue
        base = _from_employee(key, employee, None, (hours_per_day, focus, regions), (NO_JIRA_USER,))
        people[key] = _apply(base, override)
    return sorted(people.values(), key=lambda p: (p.name.lower(), p.key))


def _first_per_account(users: Iterable[JiraUser]) -> Iterable[JiraUser]:
    seen: dict[str, JiraUser] = {}
    for user in users:
        seen.setdefault(user.account_id, user)
    return seen.values()


def _match_by_email(
    users: list[JiraUser],
    staff: list[Employee],
    chosen: dict[str, tuple[Employee, tuple[str, ...]]],
    claimed: set[str],
) -> None:
    by_email: dict[str, list[Employee]] = {}
    for employee in staff:
        if employee.email and employee.id not in claimed:
            by_email.setdefault(employee.email.strip().lower(), []).append(employee)
    for user in users:
        if user.account_id in chosen or not user.email:
            continue
        candidates = [e for e in by_email.get(user.email.strip().lower(), []) if e.id not in claimed]
        if candidates:
            employee = max(candidates, key=_record_preference)
            chosen[user.account_id] = (employee, ())
            claimed.add(employee.id)


def _record_preference(employee: Employee) -> tuple[bool, date]:
    """Of a rehired person's records, the active one; then the latest hire."""
    return _is_active(employee), employee.hire_date or date.min


def _match_by_name(
    users: list[JiraUser],
    staff: list[Employee],
    chosen: dict[str, tuple[Employee, tuple[str, ...]]],
    claimed: set[str],
) -> None:
    active = [e for e in staff if _is_active(e)]
    employees_named: dict[str, list[Employee]] = {}
    for employee in active:
        employees_named.setdefault(display_name_key(employee.name), []).append(employee)
    unmatched = [u for u in users if u.account_id not in chosen]
    users_named: dict[str, list[JiraUser]] = {}
    for user in unmatched:
        users_named.setdefault(display_name_key(user.name), []).append(user)
    for name, named_users in users_named.items():
        named_employees = employees_named.get(name, [])
        if len(named_users) != 1 or len(named_employees) != 1 or named_employees[0].id in claimed:
            continue
        employee = named_employees[0]
        chosen[named_users[0].account_id] = (employee, (MATCHED_BY_NAME,))
        claimed.add(employee.id)


def display_name_key(name: str) -> str:
    """Names compare exactly, up to Unicode normal form and runs of spaces ("Chloé" typed two ways)."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def _unmatched_user(
    user: JiraUser, override: PersonOverride | None, hours_per_day: float, focus: float
) -> Person:
    flags = [NO_BAMBOOHR_MATCH]
    if override and override.employee_id:
        flags.append(f"People tab maps to employee id {override.employee_id}, which BambooHR does not have")
    if not user.email:
        flags.append("Jira hides this user's email, so it cannot be matched by email")
    return Person(
        key=user.account_id,
        name=user.name,
        email=user.email,
        team=None,
        country=None,
        hours_per_day=hours_per_day,
        focus=focus,
        jira_account_id=user.account_id,
        capacity_known=False,
        flags=tuple(flags),
    )


def _from_employee(
    key: str,
    employee: Employee,
    user: JiraUser | None,
    defaults: tuple[float, float, RegionRules],  # hours per day, focus, region rules
    flags: tuple[str, ...],
) -> Person:
    hours_per_day, focus, regions = defaults
    if not _is_active(employee):
        flags = (*flags, f"{employee.status or 'no status'} in BambooHR")
    return Person(
        key=key,
        name=employee.name or (user.name if user else key),
        email=employee.email or (user.email if user else None),
        team=employee.team,
        country=holiday_calendar(employee.country, employee.state, employee.location, regions),
        hours_per_day=hours_per_day,
        focus=focus,
        employee_id=employee.id,
        jira_account_id=user.account_id if user else None,
        hire_date=employee.hire_date,
        termination_date=employee.termination_date,
        matched=user is not None,
        flags=flags,
    )


def _apply(person: Person, override: PersonOverride | None) -> Person:
    if override is None:
        return person
    flags = person.flags
    if override.fte is not None and override.weekly_hours is not None:
        flags = (*flags, "both FTE % and weekly hours set: capacity uses weekly hours × FTE")
    return replace(
        person,
        team=override.team if override.team is not None else person.team,
        country=override.country if override.country is not None else person.country,
        fte=override.fte if override.fte is not None else person.fte,
        hours_per_day=(
            override.weekly_hours / WORKING_DAYS_PER_WEEK
            if override.weekly_hours is not None
            else person.hours_per_day
        ),
        excluded=bool(override.exclude),
        capacity_known=person.capacity_known or override.weekly_hours is not None,
        flags=flags,
    )


def _index_overrides(overrides: Iterable[PersonOverride]) -> dict[str, PersonOverride]:
    indexed: dict[str, PersonOverride] = {}
    for override in overrides:
        if override.key in indexed:
            raise ValueError(f"People tab lists {override.key!r} twice; keep one row per person")
        indexed[override.key] = override
    return indexed


def _is_active(employee: Employee) -> bool:
    return (employee.status or "").strip().lower() == "active"
