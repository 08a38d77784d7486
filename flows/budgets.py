"""Flow `sync_team_budgets`: BambooHR headcount + the PeopleOps spend ledger → team budget sheets.

Steps: read people and job history from BambooHR, read the ledger tab (never written), parse it
(bad rows kept with their reason), compute every period of the current year up to today's and of the
`keep_years` years before (the `archive_years` before those go to an Archive tab), then write one
spreadsheet per mapped team and the overview. A team whose spreadsheet cannot be written
does not stop the others: the run writes everything else, then fails naming that team, and the
next run completes it (the keyed merge makes a rerun safe).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.states import State
from prefect.task_runners import ThreadPoolTaskRunner

from connectors.redaction import masking_errors
from connectors.sheets import SyncResult, Table
from domain.budget_model import BudgetModel, BudgetSetup, Staff, canonical_staff, compute_team_budgets
from domain.ledger import REQUIRED_COLUMNS
from domain.records import LedgerRow
from flows import budgets_tables as bt
from flows.artifacts import publish_run_artifacts, sheet_url
from flows.budgets_explained import explanation_table
from flows.budgets_periods import budget_setup, periods_to_date, run_day
from flows.budgets_teams import provision_and_share
from flows.clients import bamboohr_client, open_sheet
from flows.config import BudgetSettings, Config, ConfigError, load_config
from flows.deployments import not_configured_state
from flows.report import RunReport
from flows.sheets_quota import shared_sheets_quota
from flows.tasks import quoted, read_task

FLOW_NAME = "sync_team_budgets"
OVERVIEW_NAME = "Budgets overview"
# Spreadsheets written at once: enough to hide the latency; under the quota more threads gain nothing.
SPREADSHEET_WRITERS = 4
# A task retry covers a longer outage than the HTTP layer's retries (flows.tasks).
READ_RETRIES = 2
READ_RETRY_DELAY_S = 10.0


class BudgetSyncFailed(RuntimeError):
    """Some spreadsheets could not be written; the message names each one and its fix."""


@read_task("fetch_people", retries=READ_RETRIES, delay_s=READ_RETRY_DELAY_S)
@masking_errors
def fetch_people(config: Config) -> Staff:
    """Employees (name, dates, team, statuses only), their job history (transfers) and their
    employment-status history (what a leaver was before "Terminated", conversions)."""
    if config.bamboohr is None:
        raise ConfigError("the config has no 'bamboohr' section; budgets need it for headcount")
    client = bamboohr_client(config)
    team_field = config.bamboohr.team_field
    provision = config.budgets.provision if config.budgets else None
    # Where people live is no budget's business; whom they report to is, when leads get their sheet.
    employees = client.employees(
        team_field,
        places=False,
        leads=provision is not None,
        lead_field=provision.lead_field if provision else None,
    )
    history = client.job_history(team_field)
    people = Staff(employees, history, client.employment_statuses())
    get_run_logger().info(
        "BambooHR: %d employees, %d job history rows, %d employment status rows",
        len(people.employees), len(people.job_history), len(people.status_history),
    )  # fmt: skip
    return people


@read_task("read_ledger", retries=READ_RETRIES, delay_s=READ_RETRY_DELAY_S)
@masking_errors
def read_ledger(config: Config, settings: BudgetSettings) -> list[LedgerRow]:
    """The ledger rows as typed, with each number cell's format (the currency of "$45"); only read."""
    sheet = open_sheet(config, settings.ledger.spreadsheet)
    rows = sheet.read_formatted_rows(settings.ledger.tab, required=REQUIRED_COLUMNS, dates=("Date",))
    get_run_logger().info("Ledger '%s' tab '%s': %d rows", sheet.title, settings.ledger.tab, len(rows))
    return [LedgerRow(number, cells, formats) for number, cells, formats in rows]


@task(name="compute_team_budgets", cache_policy=NO_CACHE)
def compute(staff: Staff, ledger: list[LedgerRow], setup: BudgetSetup, today: date) -> BudgetModel:
    model = compute_team_budgets(staff, ledger, setup, today)
    get_run_logger().info("Ledger: %d rows accepted, %d rejected", len(model.spends), len(model.rejections))
    return model


@task(cache_policy=NO_CACHE)
@masking_errors
def write_spreadsheet(
    config: Config, key: str, tables: list[Table], today: date, dry_run: bool
) -> SyncResult:
    """Keyed merge of the tables; refuses (nothing written) on a broken layout."""
    result = open_sheet(config, key).sync(tables, today=today, dry_run=dry_run)
    verb = "would change" if dry_run else "wrote"
    logger = get_run_logger()
    logger.info("Spreadsheet '%s': %s %d cells", result.title, verb, result.cells_written)
    for warning in result.warnings:
        logger.warning(warning)
    return result


Target = tuple[str, str, list[Table]]  # (name in the report, spreadsheet key, tables)


def _targets(settings: BudgetSettings, model: BudgetModel, extra: list[Table]) -> list[Target]:
    """Every spreadsheet to write: one per mapped team, then the overview; each with an Archive tab
    when older years are archived."""
    currency, carry, current, history = settings.currency, settings.carry_over, model.current, model.history
    kept, archived = model.kept, model.archived
    employees = {e.id: e for e in model.employees}
    targets: list[Target] = []
    for team, key in sorted(model.keys.items()):
        members = model.roster.get(team, []) if settings.roster else None
        tables = bt.team_tables(
            team, kept, model.spends, history.all, members, currency, carry, settings.ledger.id_column
        )
        if history.archived:
            tables.append(bt.budget_table(team, archived, currency, carry, tab=bt.ARCHIVE_TAB))
        tables.append(
            explanation_table(team, model.current_line(team), current, model.roster, employees,
                              currency=currency, carry_over=carry,
                              excluded_statuses=settings.excluded_statuses, names=settings.roster)
        )  # fmt: skip
        targets.append((f"Budget {team}", key, tables))
    overview = bt.overview_tables(kept, model.rejections, currency, carry, current_period=current.label)
    if history.archived:
        overview.append(bt.overview_table(archived, currency, carry, tab=bt.ARCHIVE_TAB))
    overview += extra  # with provisioning: the Teams and Access tabs
    return [*targets, (OVERVIEW_NAME, settings.overview_spreadsheet, overview)]


def _write_all(config: Config, targets: list[Target], today: date, dry_run: bool, report: RunReport) -> None:
    """Write every (name, key, tables) at once, paced by the Sheets quota; a failure is recorded and
    the other spreadsheets are still written."""
    futures = [
        (name, key, write_spreadsheet.submit(quoted(config), key, quoted(tables), today, dry_run))
        for name, key, tables in targets
    ]
    for name, key, future in futures:
        future.wait()
        outcome = future.state.result(raise_on_failure=False)
        if isinstance(outcome, BaseException):
            report.failures.append(f"{name} (spreadsheet '{key}'): {outcome}")
        else:
            # Only a dry run shows cell changes; a real run's (thousands) would just weigh on the report.
            report.sheets[name] = outcome if dry_run else replace(outcome, writes={})
            report.warnings += outcome.warnings
        report.links[name] = sheet_url(config, key)


def _summarise(report: RunReport, model: BudgetModel) -> None:
    current, over = model.current, model.over_budget
    shown = ", ".join(
        f"{line.team} ({line.pct_used} %)" if line.pct_used is not None else line.team for line in over
    )
    report.summary.append(f"Period {current.label} ({current.start} – {current.end})")
    report.summary.append(
        f"Teams over budget in {current.label}: {shown}"
        if over
        else f"No team over budget in {current.label}"
    )
    rejected = len(model.rejections)
    report.summary.append(
        f"Rejected ledger rows: {rejected}" + (" (see the Rejected tab)" if rejected else "")
    )
    report.summary.append(f"Warnings: {len(report.warnings)}")
    report.table = bt.figures(model.lines, current.label)


@dataclass(frozen=True)
class Written:
    model: BudgetModel
    count: int  # spreadsheets attempted


def _compute_and_write(config: Config, settings: BudgetSettings, day: date, report: RunReport) -> Written:
    logger = get_run_logger()
    staff = fetch_people(config)
    ledger = read_ledger(config, settings)
    # quoted(): Prefect would otherwise walk every record of these arguments looking for futures.
    setup = budget_setup(settings)
    extra: list[Table] = []
    if settings.provision is not None:
        canonical, teams = canonical_staff(staff, setup.spreadsheets)
        records = (canonical.employees, canonical.job_history, canonical.status_history)
        current = periods_to_date(settings, day)[-1]
        made = provision_and_share(config, settings, records, teams, current, day, report, OVERVIEW_NAME)
        setup, extra = replace(setup, spreadsheets=made.keys, provisioned=True), made.overview_tables
    model = compute(quoted(staff), quoted(ledger), setup, day)
    report.warnings += model.warnings
    for warning in report.warnings:
        logger.warning(warning)

    targets = _targets(settings, model, extra)
    _write_all(config, targets, day, report.dry_run, report)
    return Written(model, len(targets))


# Prefect types `task_runner` as TaskRunner[PrefectFuture[Any]], which its own ThreadPoolTaskRunner
# (a TaskRunner of PrefectConcurrentFuture, the type invariant) cannot match: PrefectHQ/prefect#16938.
@flow(name=FLOW_NAME, task_runner=ThreadPoolTaskRunner(max_workers=SPREADSHEET_WRITERS))  # type: ignore[arg-type]
@masking_errors
def sync_team_budgets(
    config_path: str | None = None, dry_run: bool = False, today: str | None = None
) -> RunReport | State:
    logger = get_run_logger()
    config = load_config(config_path)
    if (not_configured := not_configured_state("budgets", config, config_path)) is not None:
        return not_configured
    settings = config.budgets
    assert settings is not None  # a run without the section ended above
    day = run_day(config, today)
    report = RunReport(FLOW_NAME, dry_run=dry_run)

    with shared_sheets_quota(config):  # the ledger read counts against the same per-user quota
        targets = _compute_and_write(config, settings, day, report)

    _summarise(report, targets.model)
    publish_run_artifacts(FLOW_NAME, summary_md=report.markdown(), table=report.table, links=report.links)
    if report.failures:
        raise BudgetSyncFailed(
            f"{len(report.failures)} of {targets.count} spreadsheets not written (the others were): "
            + "; ".join(report.failures)
            + ". Fix the cause and run again; the next run completes them."
        )
    verb = "would write" if dry_run else "wrote"
    logger.info("Budgets: %d spreadsheet(s), %s %d cell(s)", targets.count, verb, report.cells_written)
    return report
