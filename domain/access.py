"""Who should be able to open a team's spreadsheet, and what to do about who can.

Expected: the team's lead (the configured lead role, never owner), the PeopleOps admins (their role)
and the service account. Every run compares that with the spreadsheet's permissions:

- a spreadsheet created in this run is shared with its lead and the admins, and an admin (named in
  the config for that purpose) missing from any spreadsheet is shared with;
- `report` mode (the default) changes nothing else: each difference is a finding;
- `enforce` mode also shares with a lead who lacks access (a new lead) and removes the former
  lead's access (the lead the Teams tab recorded, when it is no longer the lead);
- nobody else's permission is ever touched, in either mode;
- access by the lead of another team is always a finding;
- access inherited from the shared drive or a folder cannot be removed on the file: it is listed,
  and a finding only when it is another team's lead's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

Mode = Literal["report", "enforce"]
RANK = {"reader": 1, "commenter": 2, "writer": 3, "fileOrganizer": 4, "organizer": 5, "owner": 6}


@dataclass(frozen=True)
class Access:
    """One permission as the file has it."""

    email: str | None  # None for a domain or anyone-with-the-link permission
    role: str
    permission_id: str
    inherited: bool = False
    kind: str = "user"


@dataclass(frozen=True)
class Wanted:
    role: str
    why: str  # "lead", "admin", "service account"


@dataclass(frozen=True)
class AccessRow:
    """A line of the overview's Access tab."""

    who: str
    role: str
    expected: bool
    note: str


@dataclass(frozen=True)
class AccessPlan:
    share: list[tuple[str, str, str]] = field(default_factory=list)  # (email, role, why)
    revoke: list[tuple[str, str]] = field(default_factory=list)  # (permission id, email)
    findings: list[str] = field(default_factory=list)
    rows: list[AccessRow] = field(default_factory=list)


def expected_access(
    lead: str | None,
    lead_role: str,
    admins: Iterable[str],
    admin_role: str,
    service_account: str | None = None,
) -> dict[str, Wanted]:
    """email -> the access it should have; the lead's role wins over an admin's only if stronger."""
    wanted = {email.strip().casefold(): Wanted(admin_role, "admin") for email in admins}
    if lead and (lead not in wanted or RANK[lead_role] > RANK[wanted[lead].role]):
        wanted[lead] = Wanted(lead_role, "lead")
    if service_account:
        wanted[service_account.casefold()] = Wanted("writer", "service account")
    return wanted


def plan_access(
    team: str,
    current: Iterable[Access],
    wanted: Mapping[str, Wanted],
    *,
    mode: Mode,
    new_sheet: bool,
    former_lead: str | None,
    other_leads: Mapping[str, str],
) -> AccessPlan:
    """What to share, what to remove and what to report for one team's spreadsheet.

    `other_leads`: email -> the other team that person leads."""
    plan = AccessPlan()
    holders = [a for a in current if a.email]
    have = {a.email: a for a in holders}
    for email, want in sorted(wanted.items()):
        if email not in have:
            _missing(plan, team, email, want, mode, new_sheet)
        elif RANK.get(have[email].role, 0) < RANK[want.role]:
            plan.findings.append(f"{team}: {email} ({want.why}) has {have[email].role}, expected {want.role}")
    for access in sorted(holders, key=lambda a: str(a.email)):
        email = str(access.email)
        if email in wanted:
            plan.rows.append(AccessRow(email, access.role, True, wanted[email].why))
            continue
        _unexpected(plan, team, access, mode, former_lead, other_leads.get(email))
    for access in current:
        if not access.email:
            plan.rows.append(AccessRow(access.kind, access.role, False, "link or domain sharing"))
            plan.findings.append(f"{team}: shared with {access.kind} ({access.role}): not expected")
    return plan


def _missing(plan: AccessPlan, team: str, email: str, want: Wanted, mode: Mode, new_sheet: bool) -> None:
    if want.why == "service account":  # it reads the sheet, so its access comes from somewhere unlisted
        plan.rows.append(AccessRow(email, "", True, "service account: no permission listed"))
        return
    if new_sheet or mode == "enforce" or want.why == "admin":
        plan.share.append((email, want.role, want.why))
        plan.rows.append(AccessRow(email, want.role, True, want.why))  # as the next run will find it
        return
    plan.rows.append(AccessRow(email, "", True, f"{want.why}: no access"))
    plan.findings.append(
        f"{team}: {email} ({want.why}) has no access; share it by hand or set budgets.provision.mode: enforce"
    )


def _unexpected(
    plan: AccessPlan, team: str, access: Access, mode: Mode, former_lead: str | None, leads_other: str | None
) -> None:
    email = str(access.email)
    notes = []
    if leads_other:
        notes.append(f"lead of {leads_other}")
        plan.findings.append(f"{team}: {email}, the lead of {leads_other}, has {access.role} access")
    if email == former_lead:
        notes.append("former lead")
        if mode == "enforce" and not access.inherited:
            plan.revoke.append((access.permission_id, email))
            return  # gone: no row
        where = " through the shared drive or a folder (remove it there)" if access.inherited else ""
        plan.findings.append(f"{team}: {email}, the former lead, still has {access.role} access{where}")
    if access.inherited:
        notes.append("shared drive or folder member")
    elif not leads_other and email != former_lead:
        plan.findings.append(f"{team}: {email} has {access.role} access and is not expected")
    plan.rows.append(AccessRow(email, access.role, False, "; ".join(notes) or "not expected"))
