"""Prefect flow `sync_resource_availability`: Jira estimates + BambooHR time off + holidays → one
spreadsheet of capacity, allocation and availability per person and week.

Order matters: the human-edited People tab is read first, then every source is fetched, then the
figures are computed, and only then is the spreadsheet written, in one write together with its
Sync log row. A source that cannot be reached fails the run before any cell is touched.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.states import State

from connectors.jira import JiraConnector, JiraFetch
from connectors.redaction import masking_errors
from connectors.sheets import OnChange, Spreadsheet, SyncResult, Table
from connectors.sheets.values import is_blank
from domain.availability_model import (
    AvailabilityModel,
    Calendar,
    Sources,
    capacity_range,
    compute_availability,
)
from domain.overrides import PersonOverride
from domain.records import CompanyHoliday, Employee, JiraIssue, JiraUser, TimeOffDay, Worklog
from domain.regions import RegionRules
from flows.artifacts import publish_run_artifacts, sheet_url
from flows.availability_report import FLOW_NAME, build_report
from flows.availability_tables import (
    PEOPLE,
    PERSON_ID,
    SYNC_LOG,
    RunFacts,
    availability_tables,
    overrides_from_rows,
    sync_log_table,
)
from flows.clients import bamboohr_client, jira_connector, jira_queries, open_sheet, worklog_queries
from flows.config import AvailabilitySettings, Config, JiraSettings, load_config
from flows.deployments import not_configured_state
from flows.report import RunReport
from flows.sheets_quota import shared_sheets_quota
from flows.tasks import quoted, read_task

# A task retry covers a longer outage than the HTTP layer's retries (flows.tasks).
READ_RETRIES = 1
READ_RETRY_DELAY_S = 30.0


@dataclass(frozen=True)
class JiraData:
    issues: list[JiraIssue]
    users: list[JiraUser]
    hours_per_day: float
    warnings: list[str]
    worklogs: list[Worklog]  # on issues in scope that are not planned (done or unassigned work)


@read_task("read People overrides", retries=READ_RETRIES, delay_s=READ_RETRY_DELAY_S)
@masking_errors
def read_people_overrides(sheet: Spreadsheet) -> tuple[list[PersonOverride], list[str]]:
    """The human-edited People tab; none yet (first run, empty tab) means no overrides."""
    grid = sheet.read_grid(PEOPLE)  # one read request; the sync reads the tabs again right before writing
    if grid is None or all(is_blank(v) for row in grid for v in row):
        return [], []
    rows = sheet.rows_in(grid, PEOPLE, required=(PERSON_ID,))
    overrides, warnings = overrides_from_rows(values for _, values in rows)
    get_run_logger().info("People tab: %d row(s), %d override row(s) read", len(rows), len(overrides))
    return overrides, warnings


@read_task("fetch Jira issues", retries=READ_RETRIES, delay_s=READ_RETRY_DELAY_S)
@masking_errors
def fetch_jira(config: Config, worklogs_since: datetime) -> JiraData:
    connector = jira_connector(config)  # refuses, naming the fix, a config without a jira section
    settings = config.jira
    assert settings is not None
    try:
        found = fetch_issues_and_worklogs(connector, settings, worklogs_since)
        hours, users, warnings = connector.hours_per_day(), connector.seen_users(), site_warnings(connector)
        data = JiraData(found.issues, users, hours, warnings, found.worklogs)
    finally:
        connector.close()
    get_run_logger().info(
        "Jira: %d issue(s), %d more worklog(s) on done or unassigned issues, %d user(s), %.1f h per day",
        len(data.issues), len(data.worklogs), len(data.users), data.hours_per_day,
    )  # fmt: skip
    return data


def fetch_issues_and_worklogs(connector: JiraConnector, settings: JiraSettings, since: datetime) -> JiraFetch:
    """The planned issues, and every worklog started since `since` on the other issues in scope."""
    chains = settings.max_parallel_chains
    plan, logged = jira_queries(settings), worklog_queries(settings, since.date())
    found = connector.fetch(plan, worklog_jql=logged, max_parallel_chains=chains, worklogs_since=since)
    if not settings.jql or settings.actuals_jql:
        return found
    # Only a JQL is configured: its issues' projects are the scope, known once they are here.
    logged = worklog_queries(settings, since.date(), [issue.project for issue in found.issues])
    extra = connector.fetch([], worklog_jql=logged, max_parallel_chains=chains, worklogs_since=since)
    planned = {issue.key for issue in found.issues}
    return JiraFetch(found.issues, [w for w in extra.worklogs if w.issue_key not in planned])


def site_warnings(connector: JiraConnector) -> list[str]:
    if connector.custom_fields.sprint is not None:
        return []
    return [
        "Jira: no Sprint field on this site (no field of type com.pyxis.greenhopper.jira:gh-sprint in "
        "the field list), so sprint dates are not used for allocation; set jira.sprint_field if it has one"
    ]


@read_task("fetch BambooHR employees", retries=READ_RETRIES, delay_s=READ_RETRY_DELAY_S)
@masking_errors
def fetch_employees(config: Config) -> list[Employee]:
    client = bamboohr_client(config)
    try:
        employees = client.employees(
            team_field=config.bamboohr.team_field if config.bamboohr else "department"
        )
    finally:
        client.api.session.close()
    get_run_logger().info("BambooHR: %d employee(s)", len(employees))
    return employees


@read_task("fetch BambooHR time off", retries=READ_RETRIES, delay_s=READ_RETRY_DELAY_S)
@masking_errors
def fetch_time_off(config: Config, start: date, end: date) -> tuple[list[TimeOffDay], list[CompanyHoliday]]:
    client = bamboohr_client(config)
    try:
        time_off, holidays = client.time_off(start, end), client.company_holidays(start, end)
    finally:
        client.api.session.close()
    get_run_logger().info(
        "BambooHR: %d day(s) of time off, %d company holiday day(s) from %s to %s",
        len(time_off), len(holidays), start, end,
    )  # fmt: skip
    return time_off, holidays


@task(name="compute availability", cache_policy=NO_CACHE)
def compute(sources: Sources, calendar: Calendar, settings: AvailabilitySettings) -> AvailabilityModel:
    regions = RegionRules(settings.regions, settings.locations)
    model = compute_availability(sources, calendar, focus=settings.focus_factor, regions=regions)
    get_run_logger().info(
        "%d planned people, %d overbooked, %d unestimated issue(s)",
        len(model.planned), len(model.overbooked), len(model.unestimated),
    )  # fmt: skip
    return model


@task(name="write spreadsheet", cache_policy=NO_CACHE)  # no retries: a write is not blindly repeatable
@masking_errors
def write_sheet(
    sheet: Spreadsheet, tables: list[Table], today: date, dry_run: bool, on_change: OnChange | None = None
) -> SyncResult:
    result = sheet.sync(tables, today=today, dry_run=dry_run, on_change=on_change)
    verb = "would write" if dry_run else "wrote"
    get_run_logger().info("%s: %s %d cell(s)", result.title, verb, result.cells_written)
    return result


@flow(name=FLOW_NAME)
@masking_errors
def sync_resource_availability(
    config_path: str | None = None, dry_run: bool = False, today: str | None = None
) -> RunReport | State:
    """Sync the availability spreadsheet. `today` (ISO date) defaults to the date in config.timezone;
    a dry run computes everything and reports the cell changes it would make, writing nothing."""
    config = load_config(config_path)
    if (not_configured := not_configured_state("availability", config, config_path)) is not None:
        return not_configured
    with shared_sheets_quota(config):
        return _sync(config, dry_run, today)


def _sync(config: Config, dry_run: bool, today: str | None) -> RunReport:
    run_at = config.now()
    day = date.fromisoformat(today) if today else run_at.date()
    settings = config.availability
    calendar = Calendar.of(day, settings.weeks, settings.actuals_weeks, config.timezone)
    sheet = open_sheet(config, settings.spreadsheet)

    overrides, override_warnings = read_people_overrides(sheet)
    since = datetime.combine(calendar.first_day, time(), ZoneInfo(config.timezone))
    jira_future = fetch_jira.submit(config, since)
    employees_future = fetch_employees.submit(config)
    jira, employees = jira_future.result(), employees_future.result()
    needed = capacity_range(jira.issues, calendar)
    time_off, holidays = fetch_time_off(config, *needed)
    sources = Sources(
        jira.issues, jira.users, jira.hours_per_day, employees, time_off, holidays, overrides, jira.worklogs,
        capacity_days=needed,
    )  # fmt: skip
    model = compute(quoted(sources), calendar, settings)

    report = build_report(model, [*override_warnings, *jira.warnings], dry_run)
    tables = quoted(availability_tables(model))
    result = write_sheet(sheet, tables, day, dry_run, sync_log(model, run_at, report))
    # A real run's per-cell changes (144,569 at M) would only be walked by Prefect and carried along.
    report.sheets[settings.spreadsheet] = result if dry_run else replace(result, writes={})
    report.warnings += result.warnings
    report.links[settings.spreadsheet] = sheet_url(config, settings.spreadsheet)
    _log_warnings(report)
    publish_run_artifacts(FLOW_NAME, summary_md=report.markdown(), table=report.table, links=report.links)
    return report


def sync_log(model: AvailabilityModel, run_at: datetime, report: RunReport) -> OnChange:
    """The Sync log row goes into the same write as the data it logs, and only when the data changed:
    a run that dies leaves both or neither, and an unchanged rerun writes nothing."""
    warnings = len(report.warnings)
    return OnChange((SYNC_LOG,), lambda cells: [sync_log_table(run_facts(model, run_at, cells, warnings))])


def run_facts(model: AvailabilityModel, run_at: datetime, cells_written: int, warnings: int) -> RunFacts:
    return RunFacts(
        run_at=run_at.isoformat(timespec="milliseconds"),  # two quick runs must not share a key
        today=model.calendar.today,
        people=len(model.planned),
        issues=len(model.issues),
        unestimated=len(model.unestimated),
        overbooked_people=len(model.overbooked),
        cells_written=cells_written,
        warnings=warnings,
    )


def _log_warnings(report: RunReport) -> None:
    logger = get_run_logger()
    for warning in report.warnings:
        logger.warning(warning)
