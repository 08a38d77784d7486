"""With `budgets.provision`: every team's spreadsheet made, shared and checked before the sync writes.

Order: read the Teams tab; plan (domain.provisioning); create what is missing (flows.budgets_provision);
find each team's lead; compare and fix access (flows.budgets_access); hand the sync the team ->
spreadsheet map and the overview's Teams and Access tabs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from connectors.drive import SharedDriveRequired
from connectors.sheets import Table
from domain.periods import Period
from domain.provisioning import Lead, members_on, team_leads
from domain.records import Employee, JobInfoEntry, StatusEntry
from domain.teams import TeamNames, team_key
from flows.artifacts import sheet_url
from flows.budgets_access import Sheet, access_table, share_all
from flows.budgets_provision import (
    Provisioned,
    Registered,
    active_teams_of,
    create_team_sheets,
    plan_team_sheets,
    read_registry,
    teams_table,
)
from flows.clients import bamboohr_client, drive_client, service_account_email, uses_google
from flows.config import BudgetSettings, Config, ConfigError
from flows.provision_config import ProvisionSettings
from flows.report import RunReport


@dataclass(frozen=True)
class TeamSheets:
    keys: dict[str, str]  # team (canonical spelling) -> spreadsheet key
    overview_tables: list[Table]  # the Teams and Access tabs


def provision_and_share(
    config: Config,
    settings: BudgetSettings,
    people: tuple[list[Employee], list[JobInfoEntry], list[StatusEntry]],
    teams: list[str],
    current: Period,
    day: date,
    report: RunReport,
    overview_name: str,
) -> TeamSheets:
    provision = settings.provision
    assert provision is not None
    if not uses_google(config):
        raise ConfigError(
            "budgets.provision creates Google spreadsheets on a shared drive: configure Google credentials "
            "(sheets.credentials, sheets.backend: google) or remove budgets.provision"
        )
    registry = read_registry(config, settings, provision)
    employees, history, statuses = people
    active = active_teams_of(employees, history, statuses, settings, current)
    ids = team_option_ids(config)
    done = Provisioned(plan_team_sheets(settings, registry, employees, history, active, day, ids), registry)
    drive = drive_client(config)
    try:
        create_team_sheets(drive, provision, done, report.dry_run, report)
    except SharedDriveRequired as error:
        report.failures.append(str(error))
    names = TeamNames(teams, done.keys, done.pending)
    keys = {str(names.canonical(team)): key for team, key in done.keys.items()}
    leads = _leads(provision, members_on(employees, day), registry, done)
    sheets = [_sheet(team, keys.get(team), leads, registry, done) for team in sorted({*keys, *done.pending})]
    other_leads = {lead.email: team for team, lead in leads.items()}
    account = service_account_email(config)
    rows, admin_added = share_all(drive, provision, sheets, other_leads, account, report.dry_run, report)
    # The overview is checked when something changed (a first run, a new team, an admin newly
    # configured, so missing from team spreadsheets): a steady run reads one permission list per team.
    if not registry or done.created or done.pending or admin_added:
        overview = [Sheet(overview_name, settings.overview_spreadsheet, None, None, new=False)]
        share_all(drive, provision, overview, other_leads, account, report.dry_run, report)
    links = {team: sheet_url(config, key) for team, key in keys.items()}
    shown = {team: (lead.email, lead.source) for team, lead in leads.items()}
    tables = [teams_table(provision, done, keys, shown, current, ids), access_table(provision, rows, links)]
    return TeamSheets(keys, tables)


def team_option_ids(config: Config) -> dict[str, str]:
    """BambooHR's id of each team (the team field's list options): what a rename there keeps."""
    assert config.bamboohr is not None
    client = bamboohr_client(config)
    try:
        return client.list_option_ids(config.bamboohr.team_field)
    finally:
        client.api.session.close()


def _leads(
    provision: ProvisionSettings,
    members: dict[str, list[Employee]],
    registry: dict[str, Registered],
    done: Provisioned,
) -> dict[str, Lead]:
    """From BambooHR or the config; a team with nobody left keeps the lead last recorded."""
    leads = team_leads(members, provision.leads, provision.lead_field)
    recorded = {team_key(team): row.lead for team, row in registry.items() if row.lead}
    has_lead = {team_key(team) for team in leads}
    for team in done.plan.vanished:
        if team_key(team) not in has_lead and recorded.get(team_key(team)):
            leads[team] = Lead(str(recorded[team_key(team)]), "last recorded lead (nobody left in the team)")
    return leads


def _sheet(
    team: str, key: str | None, leads: dict[str, Lead], registry: dict[str, Registered], done: Provisioned
) -> Sheet:
    lead = leads.get(team)
    by_key = {team_key(name): row for name, row in registry.items()}
    renamed = {team_key(new): old for new, old in done.plan.renamed.items()}
    before = by_key.get(team_key(renamed.get(team_key(team), team)))
    former = before.lead if before and before.lead and (lead is None or before.lead != lead.email) else None
    created = {team_key(name) for name in [*done.created, *done.pending]}
    return Sheet(team, key, lead.email if lead else None, former, new=team_key(team) in created)
