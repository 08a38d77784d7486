"""`opsheets demo`: the whole product on loopback, no account needed.

Generates the demo organisation, serves it through the stand-ins, runs every flow against them and
leaves local workbooks (plus the dataset it served) under the output folder.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from prefect.states import State
from rich.console import Console
from rich.table import Table as RichTable

from connectors.local_files import write_private, write_report
from flows.report import RunReport
from flows.sandbox_env import sandbox_environment
from sandbox.demo_org import dumps, generate


def run_demo(out_dir: Path, *, today: date | None = None, console: Console | None = None) -> list[RunReport]:
    from flows.availability import sync_resource_availability
    from flows.budgets import sync_team_budgets
    from flows.comments import comment_bridge_markdown, sync_comments

    console = console or Console()
    today = today or datetime.now(UTC).date()  # the demo config's timezone is UTC, whatever the host's
    dataset = generate(today=today)
    write_private(out_dir / "dataset.json", dumps(dataset))
    reports: list[RunReport] = []
    with sandbox_environment(dataset, out_dir) as env:
        config = str(env.config_path)
        console.print(
            f"sandbox up: Jira {env.services['jira'].url}, BambooHR {env.services['bamboohr'].url}, "
            f"Intercom {env.services['intercom'].url}"
        )
        reports.append(ran(sync_resource_availability(config_path=config, today=today.isoformat())))
        reports.append(ran(sync_team_budgets(config_path=config, today=today.isoformat())))
        bridge = ran(sync_comments(config_path=config, today=today.isoformat()))
        write_report(out_dir / "comment-bridge.md", comment_bridge_markdown(bridge))
        reports.append(bridge)
    # Its ports are closed now: a config left behind would point nowhere (`opsheets sandbox` keeps them up).
    env.config_path.unlink(missing_ok=True)
    print_summary(console, reports, out_dir)
    console.print(
        "\nTo try check, run, serve and prefect deploy against stand-ins that stay up: "
        "[bold].venv/bin/opsheets sandbox[/bold] (see the README)"
    )
    return reports


def ran(outcome: RunReport | State) -> RunReport:
    """The flow's report: the demo configures every job, so none returns a not-configured state."""
    assert isinstance(outcome, RunReport), outcome
    return outcome


def print_summary(console: Console, reports: list[RunReport], out_dir: Path) -> None:
    for report in reports:
        table = RichTable(title=report.flow, show_header=False, title_justify="left")
        for line in report.summary:
            table.add_row(line)
        for line in report.warnings[:5]:
            table.add_row(f"[yellow]warning:[/yellow] {line}")
        if len(report.warnings) > 5:
            table.add_row(f"[yellow]… and {len(report.warnings) - 5} more warnings[/yellow]")
        console.print(table)
    console.print(f"\nWorkbooks and dataset written under [bold]{out_dir.resolve()}[/bold]:")
    for path in sorted(out_dir.rglob("*")):
        if path.is_file() and path.suffix in (".xlsx", ".json", ".md") and not path.name.startswith("."):
            console.print(f"  {path.relative_to(out_dir)}")
