"""Team spreadsheets that create themselves: the Teams tab, the shared-drive folder, new spreadsheets.

The team -> spreadsheet map lives in the overview's Teams tab, where PeopleOps can see and edit it;
`budgets.teams` in the config wins where it names a team. Each run, a team with people in the period
and no spreadsheet gets one in `budgets.provision.folder` (a copy of `template`, if given), laid out
by the sync as any team spreadsheet; a renamed team keeps its spreadsheet and a team with nobody left
keeps its own, marked (domain.provisioning). A dry run says what it would create and creates nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from connectors.drive import DriveClient, DriveItem, SharedDriveRequired
from connectors.errors import ApiError
from connectors.sheets import Column, Table
from connectors.sheets.table import Value
from domain.periods import Period
from domain.provisioning import SheetPlan, members_on, merged_mapping, plan_sheets, renamed_teams
from domain.records import Employee, JobInfoEntry, StatusEntry
from domain.roster import roster
from domain.teams import team_key
from flows.clients import open_sheet
from flows.config import BudgetSettings, Config
from flows.provision_config import ProvisionSettings
from flows.report import RunReport

APP_PROPERTY = (
    "opsheetsTeam"  # on each spreadsheet created: the team it was made for (found again after a crash)
)
TEAM, SPREADSHEET, LEAD, LEAD_FROM, STATUS = "Team", "Spreadsheet", "Lead", "Lead from", "Status"
TEAM_ID = "Team ID"  # BambooHR's id of the team's list option: stays when the team is renamed there


@dataclass(frozen=True)
class Registered:
    """A row of the Teams tab as read."""

    spreadsheet: str
    lead: str | None
    status: str
    team_id: str = ""


@dataclass
class Provisioned:
    plan: SheetPlan
    registry: dict[str, Registered]
    created: dict[str, str] = field(default_factory=dict)  # team -> spreadsheet made in this run
    pending: list[str] = field(default_factory=list)  # teams a dry run would give a spreadsheet

    @property
    def keys(self) -> dict[str, str]:
        return {**self.plan.keys, **self.created}


def read_registry(
    config: Config, settings: BudgetSettings, provision: ProvisionSettings
) -> dict[str, Registered]:
    """The Teams tab (none yet on a first run): team -> its row."""
    sheet = open_sheet(config, settings.overview_spreadsheet)
    grid = sheet.read_grid(provision.teams_tab)
    if not grid:
        return {}
    rows = sheet.rows_in(grid, provision.teams_tab, required=(TEAM, SPREADSHEET))
    registry: dict[str, Registered] = {}
    for _, cells in rows:
        team = str(cells.get(TEAM) or "").strip()
        key = str(cells.get(SPREADSHEET) or "").strip()
        if team and key:
            lead = str(cells.get(LEAD) or "").strip().casefold() or None
            team_id = str(cells.get(TEAM_ID) or "").strip()
            registry[team] = Registered(key, lead, str(cells.get(STATUS) or ""), team_id)
    return registry


def active_teams_of(
    employees: list[Employee],
    history: list[JobInfoEntry],
    statuses: list[StatusEntry],
    settings: BudgetSettings,
    current: Period,
) -> set[str]:
    """Teams with people counted in the current period (as the Roster tab counts them)."""
    counted = roster(employees, history, current, settings.excluded_statuses, statuses)
    return {team for team, entries in counted.items() if entries}


def plan_team_sheets(
    settings: BudgetSettings,
    registry: dict[str, Registered],
    employees: list[Employee],
    history: list[JobInfoEntry],
    active: set[str],
    day: date,
    team_ids: Mapping[str, str] = {},
) -> SheetPlan:
    """`team_ids`: BambooHR's option id of each team name; a team whose id a Teams row recorded under
    another name was renamed in BambooHR (which then shows the new name in all history too)."""
    mapping = merged_mapping({team: row.spreadsheet for team, row in registry.items()}, settings.teams)
    known = {team_key(team) for team in mapping}
    today = members_on(employees, day)
    unmapped = {t: people for t, people in today.items() if team_key(t) not in known}
    successors = renamed_teams(unmapped, history, today)
    recorded = {row.team_id: team for team, row in registry.items() if row.team_id}
    ids = {team_key(name): option for name, option in team_ids.items()}
    for team in unmapped:
        before = recorded.get(ids.get(team_key(team), ""))
        if before is not None and team_key(before) != team_key(team):
            successors[team] = before
    return plan_sheets(active, mapping, successors)


def create_team_sheets(
    drive: DriveClient, provision: ProvisionSettings, done: Provisioned, dry_run: bool, report: RunReport
) -> None:
    """A spreadsheet for each team that has none: found again if an earlier run made it and stopped
    before recording it, else created (or copied from the template) in the folder."""
    teams = done.plan.to_create
    if not teams:
        return
    source = f"a copy of template '{provision.template}'" if provision.template else "a new spreadsheet"
    if dry_run:
        done.pending = list(teams)
        report.summary += [
            f"Would create {source} for team '{t}' in folder '{provision.folder}'" for t in teams
        ]
        return
    folder = checked_folder(drive, provision.folder)
    made_before = {item.app_properties.get(APP_PROPERTY): item for item in drive.list_folder(folder.id)}
    for team in teams:
        try:
            item = made_before.get(team_key(team)) or _make(drive, provision, folder.id, team)
        except SharedDriveRequired:
            raise
        except ApiError as error:
            report.failures.append(f"spreadsheet for team '{team}' not created: {error}")
            continue
        done.created[team] = item.id
        report.summary.append(f"Created spreadsheet '{item.name}' for team '{team}' ({source})")


def checked_folder(drive: DriveClient, folder_id: str) -> DriveItem:
    """The folder, refused with the fix when it is not on a shared drive or the account cannot add to it."""
    folder = drive.get_file(folder_id)
    if folder.drive_id is None:
        raise SharedDriveRequired(
            "Google Drive",
            f"folder '{folder.name}' ({folder_id}) is in someone's My Drive: a service account owns no "
            "files, so team spreadsheets must go to a folder on a shared drive; set budgets.provision.folder "
            "to one",
        )
    if not folder.can_add_children:
        raise SharedDriveRequired(
            "Google Drive",
            f"the service account cannot add files to folder '{folder.name}' ({folder_id}): make it a "
            "Content manager of the shared drive",
        )
    return folder


def _make(drive: DriveClient, provision: ProvisionSettings, folder_id: str, team: str) -> DriveItem:
    name = f"{team} event budget"
    tag = {APP_PROPERTY: team_key(team)}
    if provision.template:
        return drive.copy_file(provision.template, name, folder_id, tag)
    return drive.create_spreadsheet(name, folder_id, tag)


def teams_table(
    provision: ProvisionSettings,
    done: Provisioned,
    keys: dict[str, str],
    leads: dict[str, tuple[str, str]],
    current: Period,
    team_ids: Mapping[str, str],
) -> Table:
    """The overview's Teams tab: every team with a spreadsheet, its lead and where it stands."""
    widths = {TEAM: 160, SPREADSHEET: 280, LEAD: 220, LEAD_FROM: 220, STATUS: 260, TEAM_ID: 90}
    columns = [Column(name, "text", width) for name, width in widths.items()]
    ids = {team_key(name): option for name, option in team_ids.items()}
    recorded = {team_key(name): row.team_id for name, row in done.registry.items()}
    vanished = {team_key(team) for team in done.plan.vanished}
    renamed = {team_key(new): old for new, old in done.plan.renamed.items()}
    rows: list[dict[str, Value]] = []
    for team, key in sorted(keys.items(), key=lambda item: item[0].casefold()):
        lead, source = leads.get(team, ("", "no lead known: add it under budgets.provision.leads"))
        if team_key(team) in vanished:
            status = f"no people in {current.label}: spreadsheet kept"
        elif team_key(team) in renamed:
            status = f"renamed from {renamed[team_key(team)]}"
        else:
            status = "active"
        team_id = ids.get(team_key(team)) or recorded.get(team_key(team)) or None
        rows.append(
            {TEAM: team, SPREADSHEET: key, LEAD: lead, LEAD_FROM: source, STATUS: status, TEAM_ID: team_id}
        )
    return Table(provision.teams_tab, columns, (TEAM,), rows)
