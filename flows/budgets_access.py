"""Sharing each team spreadsheet with its lead and the PeopleOps admins, and the Access tab.

One permissions read per team spreadsheet per run (Drive's permissions.list; the overview's only in a
run where something changed, flows.budgets_teams), then only what must change:
a new spreadsheet is shared with its lead and the admins (Drive's notification email carries
`budgets.provision.message`); an admin missing anywhere is shared with; in `enforce` mode a new lead
is shared with and the former lead's access removed. Every difference is reported
(domain.access). A dry run reads and reports, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from connectors.drive import DriveClient, Permission
from connectors.errors import ApiError
from connectors.sheets import Column, Table
from connectors.sheets.table import Value
from domain.access import Access, AccessPlan, AccessRow, expected_access, plan_access
from flows.provision_config import ProvisionSettings
from flows.report import RunReport

DRIVE_READERS = 4  # permissions reads at once: enough to hide latency, far under Drive's quota
TEAM, SPREADSHEET, WHO, ROLE, EXPECTED, NOTE = "Team", "Spreadsheet", "Who", "Role", "Expected", "Note"


@dataclass(frozen=True)
class Sheet:
    """A spreadsheet whose access is checked: a team's (with its lead), or the overview (none)."""

    name: str
    key: str | None  # None: a dry run's spreadsheet not created yet
    lead: str | None
    former_lead: str | None
    new: bool


def share_all(
    drive: DriveClient | None,
    provision: ProvisionSettings,
    sheets: list[Sheet],
    other_leads: Mapping[str, str],
    service_account: str | None,
    dry_run: bool,
    report: RunReport,
) -> tuple[dict[str, list[AccessRow]], bool]:
    """Each spreadsheet's access compared, fixed where the rules say so: name -> its Access rows, and
    whether an admin lacked access anywhere."""
    current = _read_all(drive, sheets, report)
    rows: dict[str, list[AccessRow]] = {}
    admin_added = False
    for sheet in sheets:
        if sheet.name not in current:
            continue  # its read failed: in the report's failures
        wanted = expected_access(sheet.lead, provision.lead_role, provision.admins, provision.admin_role,
                                 service_account)  # fmt: skip
        leads_elsewhere = {email: team for email, team in other_leads.items() if team != sheet.name}
        plan = plan_access(sheet.name, current[sheet.name], wanted, mode=provision.mode, new_sheet=sheet.new,
                           former_lead=sheet.former_lead, other_leads=leads_elsewhere)  # fmt: skip
        report.warnings += [f"access: {finding}" for finding in plan.findings]
        _apply(drive, provision, sheet, plan, dry_run, report)
        rows[sheet.name] = plan.rows
        admin_added = admin_added or any(why == "admin" for _, _, why in plan.share)
    return rows, admin_added


def _read_all(drive: DriveClient | None, sheets: list[Sheet], report: RunReport) -> dict[str, list[Access]]:
    existing = [s for s in sheets if s.key is not None]
    found: dict[str, list[Access]] = {s.name: [] for s in sheets if s.key is None}
    if drive is None or not existing:
        return found
    with ThreadPoolExecutor(DRIVE_READERS) as pool:
        futures = {s.name: pool.submit(drive.permissions, str(s.key)) for s in existing}
    for name, future in futures.items():
        try:
            found[name] = [_access(p) for p in future.result()]
        except ApiError as error:
            report.failures.append(f"access of '{name}' not checked: {error}")
    return found


def _access(permission: Permission) -> Access:
    return Access(permission.email, permission.role, permission.id, permission.inherited, permission.type)


def _apply(
    drive: DriveClient | None,
    provision: ProvisionSettings,
    sheet: Sheet,
    plan: AccessPlan,
    dry_run: bool,
    report: RunReport,
) -> None:
    key = None if dry_run or drive is None else sheet.key
    for email, role, why in plan.share:
        if key is None:
            report.summary.append(f"Would share '{sheet.name}' with {email} ({why}, {role})")
            continue
        try:
            drive.share(key, email, role, provision.message)  # type: ignore[union-attr]  # key implies drive
            report.summary.append(f"Shared '{sheet.name}' with {email} ({why}, {role})")
        except ApiError as error:
            report.failures.append(f"'{sheet.name}' not shared with {email} ({why}): {error}")
    for permission_id, email in plan.revoke:
        if key is None:
            report.summary.append(f"Would remove {email} (former lead) from '{sheet.name}'")
            continue
        try:
            drive.unshare(key, permission_id)  # type: ignore[union-attr]
            report.summary.append(f"Removed {email} (former lead) from '{sheet.name}'")
        except ApiError as error:
            report.failures.append(f"former lead {email} not removed from '{sheet.name}': {error}")


def access_table(
    provision: ProvisionSettings, rows: Mapping[str, list[AccessRow]], links: Mapping[str, str]
) -> Table:
    """The overview's Access tab: per spreadsheet, who has access, with what role, expected or not."""
    widths = {TEAM: 160, SPREADSHEET: 280, WHO: 240, ROLE: 100, EXPECTED: 80, NOTE: 320}
    columns = [Column(name, "text", width) for name, width in widths.items()]
    out: list[dict[str, Value]] = [
        {
            TEAM: name,
            SPREADSHEET: links.get(name, ""),
            WHO: row.who,
            ROLE: row.role or "none",
            EXPECTED: "yes" if row.expected else "no",
            NOTE: row.note,
        }
        for name, team_rows in sorted(rows.items(), key=lambda item: item[0].casefold())
        for row in team_rows
    ]
    return Table(provision.access_tab, columns, (TEAM, WHO), out)
