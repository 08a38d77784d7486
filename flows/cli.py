"""The `opsheets` command line: demo, run, check, serve.

A problem the user can fix (config, credentials, an API refusing, a sheet's layout) ends the command
with one paragraph naming it and the fix, and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from connectors.errors import ApiError
from connectors.redaction import RedactingStream
from flows.config import ConfigError, config_path, load_config
from flows.local_prefect import PrefectUnavailable, allow_slow_start, ensure_prefect_api
from flows.report import RunReport

app = typer.Typer(
    help="Keep Google Sheets in sync with Jira, BambooHR and Intercom.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # a frame's locals may hold a credential
)
# Everything the commands print goes through the secret redaction (the streams are looked up at
# each write, so a test runner's captured streams are the ones written to).
# (A duck-typed text stream: what it does not define itself, __getattr__ takes from the real stream.)
console = Console(file=RedactingStream(lambda: sys.stdout))  # type: ignore[arg-type]
errors = Console(file=RedactingStream(lambda: sys.stderr))  # type: ignore[arg-type]
USER_ERRORS: tuple[type[Exception], ...] = (ConfigError, ApiError, PrefectUnavailable)  # sheets: ApiError
RESULT_COLOURS = {"OK": "green", "WARN": "yellow", "OFF": "dim", "FAIL": "red"}
CONFIG_OPTION = typer.Option(None, "--config", "-c", help="opsheets.yaml (default: $OPSHEETS_CONFIG).")


@app.callback()
def main() -> None:
    """opsheets: scheduled Prefect jobs keeping sheets in sync with the systems of record."""
    allow_slow_start()  # again for callers that skip run_cli (a no-op once Prefect has read it)


def run_cli() -> None:
    """The `opsheets` console script: the app with the process's stdout and stderr redacted, so
    whatever else prints (a library, Prefect's console log, a traceback) is masked as well."""
    if not isinstance(sys.stdout, RedactingStream):
        sys.stdout = RedactingStream(sys.stdout)
        sys.stderr = RedactingStream(sys.stderr)
    allow_slow_start()  # before anything imports prefect, which reads its settings once
    app()


@app.command()
def demo(out: Path = typer.Option(Path("out/demo"), help="Where the workbooks and dataset go.")) -> None:
    """Start the sandbox on loopback, run every flow against it, write workbooks under OUT."""
    from flows.demo import run_demo

    try:
        ensure_prefect_api(console.print)
    except PrefectUnavailable as exc:
        fail(exc)
    run_demo(out, console=console)


@app.command()
def sandbox(
    dataset: Path | None = typer.Option(
        None, "--dataset", help="A dataset.json to serve (docs/dataset.md); default: the demo organisation."
    ),
    config: Path = typer.Option(Path("opsheets.yaml"), "--config", "-c", help="Where to write the config."),
    out: Path = typer.Option(Path("out/sandbox"), help="Folder for sandbox.env and local workbooks."),
    sheets: str = typer.Option("google", help="google: the Sheets stand-in; workbook: local .xlsx files."),
    provision: bool = typer.Option(
        False,
        "--provision",
        help="Also a Drive stand-in: budgets creates and shares each team's spreadsheet.",
    ),
) -> None:
    """Start Jira, BambooHR, Intercom and Google Sheets stand-ins on loopback until Ctrl-C, and write an
    opsheets.yaml pointing at them: check, run, serve and prefect deploy work with no account."""
    from flows.sandbox_session import run_sandbox

    if sheets not in ("google", "workbook"):
        fail(ConfigError(f"--sheets {sheets!r}: choose google or workbook"))
    if provision and sheets != "google":
        fail(
            ConfigError(
                "--provision creates Google spreadsheets on a shared drive: use it with --sheets google"
            )
        )
    try:
        run_sandbox(dataset, config, out, sheets, console.print, provision)  # type: ignore[arg-type]  # checked just above
    except user_errors() as exc:
        fail(exc)


@app.command()
def run(
    job: str = typer.Argument(..., help="availability, budgets or comments"),
    config: Path | None = CONFIG_OPTION,
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the cell changes; write nothing."),
    show: int = typer.Option(200, help="Dry run: at most this many changes in the table."),
    traceback: bool = typer.Option(False, "--traceback", help="Keep tracebacks in the console log."),
) -> None:
    """Run one job now. Progress is logged as each source is fetched and each sheet written."""
    from flows.deployments import deployment, not_configured

    try:
        file = config_path(config)
        spec = deployment(job)
        missing = spec.missing(load_config(file))  # a config problem is reported before any API call
        if missing:
            raise ConfigError(not_configured(spec, missing, file))
        flow = spec.load_flow()
        ensure_prefect_api(console.print)
        if not traceback:
            hide_console_tracebacks()
        console.print(f"[bold]{job}[/bold]: running with {file}" + (" (dry run)" if dry_run else ""))
        report: RunReport = flow(config_path=str(file), dry_run=dry_run)
    except user_errors() as exc:
        fail(exc)
    print_report(report)
    if report.partial:  # nothing failed this run, but items stay left out: not a clean run
        for line in report.partial:
            errors.print(f"[yellow]left out:[/yellow] {escape(line)}", soft_wrap=True, highlight=False)
        raise typer.Exit(2)
    if dry_run and report.sheets:
        print_changes(report, show)
    elif dry_run:  # a job that writes no sheet (the comment bridge) lists what it would post
        print_rows(
            f"Dry run: {len(report.table)} item(s) would be written, nothing written", report.table, show
        )


@app.command()
def check(config: Path | None = CONFIG_OPTION) -> None:
    """Validate config, credentials, reachability, sheet access and header layout."""
    from flows.check import any_failed, run_checks

    probes = run_checks(str(config) if config else None)
    table = RichTable(title="opsheets check", title_justify="left")
    for column in ("Check", "Result", "Detail", "Fix"):
        table.add_column(column, overflow="fold")
    for probe in probes:
        colour = RESULT_COLOURS[probe.result]
        fix = probe.fix if probe.result != "OK" else ""
        table.add_row(probe.check, f"[{colour}]{probe.result}[/{colour}]", probe.detail, fix)
    console.print(table)
    if any_failed(probes):
        errors.print(f"{sum(not p.ok for p in probes)} check(s) failed: apply the fixes above and run again.")
        raise typer.Exit(1)


@app.command()
def serve(config: Path | None = CONFIG_OPTION) -> None:
    """Run every job on its schedule in this process (Ctrl-C stops); the single-machine way."""
    from flows.serve import serve_all

    try:
        serve_all(config, before_serving=lambda: ensure_prefect_api(console.print), say=console.print)
    except user_errors() as exc:
        fail(exc)


def user_errors() -> tuple[type[Exception], ...]:
    """Errors whose message already says what to fix; anything else is a bug and keeps its traceback."""
    from flows.budgets import BudgetSyncFailed
    from flows.comments import CommentBridgeFailed

    return (*USER_ERRORS, BudgetSyncFailed, CommentBridgeFailed)


class WithoutTraceback(logging.Formatter):
    """Formats a record as `inner` does, minus its traceback: the console shows the failure's one-line
    message (and the CLI its fix) while the Prefect API log handler still records the traceback."""

    def __init__(self, inner: logging.Formatter | None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            return self.inner.format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


def hide_console_tracebacks() -> None:
    from prefect.logging.handlers import PrefectConsoleHandler

    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in logging.root.manager.loggerDict)]
    for handler in {h for logger in loggers for h in logger.handlers}:
        if isinstance(handler, PrefectConsoleHandler) and not isinstance(handler.formatter, WithoutTraceback):
            handler.setFormatter(WithoutTraceback(handler.formatter))


def fail(exc: Exception) -> None:
    errors.print(f"[red]Error:[/red] {escape(str(exc))}", soft_wrap=True, highlight=False)
    raise typer.Exit(1)


def print_report(report: RunReport) -> None:
    table = RichTable(title=report.flow, show_header=False, title_justify="left")
    for line in report.summary:
        table.add_row(line)
    for line in report.warnings:
        table.add_row(f"[yellow]warning:[/yellow] {line}")
    for name, url in report.links.items():
        table.add_row(f"{name}: {url}")
    console.print(table)


def print_changes(report: RunReport, show: int) -> None:
    changes = report.changes()
    table = RichTable(title=f"Dry run: {len(changes)} cell change(s), nothing written", title_justify="left")
    for column in ("Spreadsheet", "Tab", "Cell", "Old", "New"):
        table.add_column(column, overflow="fold")
    for name, change in changes[:show]:
        table.add_row(name, change.tab, change.cell, _shown(change.old), f"→ {_shown(change.new)}")
    console.print(table)
    if len(changes) > show:
        console.print(f"… and {len(changes) - show} more (use --show to see more)")


def print_rows(title: str, rows: list[dict[str, object]], show: int) -> None:
    if not rows:  # rich prints nothing at all, title included, for a table without columns
        console.print(title)
        return
    table = RichTable(title=title, title_justify="left")
    columns = list(rows[0])
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows[:show]:
        table.add_row(*(_shown(row.get(column)) for column in columns))
    console.print(table)


def _shown(value: object) -> str:
    return "" if value is None else str(value)
