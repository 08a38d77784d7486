"""`opsheets check` for `budgets.provision`: the folder is on a shared drive and writable, the template
is readable, and which teams would get a new spreadsheet and who would be given access. Only reads.
"""

from __future__ import annotations

from datetime import date

from connectors.drive import SPREADSHEET_TYPE, DriveClient
from connectors.errors import ApiError
from domain.periods import budget_history
from domain.provisioning import members_on, team_leads
from domain.teams import canonical_people
from flows.budgets_provision import active_teams_of, plan_team_sheets, read_registry
from flows.budgets_teams import team_option_ids
from flows.clients import bamboohr_client, drive_client
from flows.config import BudgetSettings, Config, ConfigError
from flows.probes import Probe, failed
from flows.provision_config import ProvisionSettings

FOLDER_FIX = (
    "set budgets.provision.folder to the id of a folder on a shared drive (a service account owns no "
    "files, so My Drive cannot hold them) and add the service account to that drive as Content manager"
)


def provision_probes(config: Config, today: date) -> list[Probe]:
    settings = config.budgets
    assert settings is not None and settings.provision is not None
    provision = settings.provision
    try:
        drive = drive_client(config)
    except ConfigError as exc:
        return [failed("drive: folder", exc, "give a Google key (sheets.credentials)")]
    probes = [folder_probe(drive, provision.folder)]
    if provision.template:
        probes.append(template_probe(drive, provision.template))
    if all(p.ok for p in probes):
        probes += plan_probes(config, settings, provision, today)
    return probes


def folder_probe(drive: DriveClient, folder_id: str) -> Probe:
    check = "drive: folder"
    try:
        folder = drive.get_file(folder_id)
    except ApiError as exc:
        return failed(check, exc, FOLDER_FIX)
    if folder.drive_id is None:
        return Probe(
            check,
            False,
            f"folder '{folder.name}' is in someone's My Drive, not on a shared drive",
            FOLDER_FIX,
        )
    if not folder.can_add_children:
        detail = (
            f"folder '{folder.name}' is on a shared drive, but the service account cannot add files to it"
        )
        return Probe(check, False, detail, "make the service account Content manager of the shared drive")
    return Probe(check, True, f"folder '{folder.name}' on shared drive {folder.drive_id}, writable")


def template_probe(drive: DriveClient, template_id: str) -> Probe:
    check = "drive: template"
    fix = (
        "set budgets.provision.template to a Google Sheets spreadsheet the service account can read, "
        "or remove it"
    )
    try:
        template = drive.get_file(template_id)
    except ApiError as exc:
        return failed(check, exc, fix)
    if template.mime_type != SPREADSHEET_TYPE:
        return Probe(
            check, False, f"'{template.name}' is not a Google Sheets spreadsheet ({template.mime_type})", fix
        )
    return Probe(check, True, f"template '{template.name}' is readable")


def plan_probes(
    config: Config, settings: BudgetSettings, provision: ProvisionSettings, today: date
) -> list[Probe]:
    """What the next run would create and share, from BambooHR and the Teams tab as they are now."""
    check = "provision: plan"
    try:
        client = bamboohr_client(config)
        assert config.bamboohr is not None
        team_field = config.bamboohr.team_field
        raw = client.employees(team_field, places=False, leads=True, lead_field=provision.lead_field)
        employees, history, _ = canonical_people(raw, client.job_history(team_field), settings.teams)
        statuses = client.employment_statuses()
        registry = read_registry(config, settings, provision)
    except (ApiError, ConfigError) as exc:
        return [failed(check, exc, "fix the BambooHR or overview access named")]
    current = budget_history(settings.period, today, settings.keep_years).current
    active = active_teams_of(employees, history, statuses, settings, current)
    plan = plan_team_sheets(settings, registry, employees, history, active, today, team_option_ids(config))
    leads = team_leads(members_on(employees, today), provision.leads, provision.lead_field)
    created = ", ".join(plan.to_create) or "none"
    probes = [Probe(check, True, f"{len(plan.keys)} team spreadsheet(s) known; a new one for: {created}")]
    for team in plan.to_create:
        lead = leads.get(team)
        who = [f"{lead.email} (lead, {provision.lead_role})"] if lead else []
        who += [f"{admin} (admin, {provision.admin_role})" for admin in provision.admins]
        detail = f"would create '{team} event budget' and share it with " + (", ".join(who) or "nobody")
        if lead is None:
            probes.append(
                Probe(
                    f"provision: {team}",
                    True,
                    detail,
                    "add its lead under budgets.provision.leads",
                    note="WARN",
                )
            )
        else:
            probes.append(Probe(f"provision: {team}", True, detail))
    return probes
