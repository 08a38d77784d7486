"""`opsheets demo`: the whole product on loopback, no account needed.

Generates the demo organisation, serves it through the stand-ins, runs every flow against them and
leaves local workbooks (plus the dataset it served) under the output folder.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

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
    reports.append(run_provisioning(dataset, out_dir, today, console))
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


def run_provisioning(dataset: dict[str, Any], out_dir: Path, today: date, console: Console) -> RunReport:
    """Budgets once more, on the Sheets and Drive stand-ins with provisioning on: every team's
    spreadsheet created in a shared-drive folder and shared with its lead; out_dir/access.md says who
    can open which."""
    from flows.budgets import sync_team_budgets

    with TemporaryDirectory() as scratch, sandbox_environment(
        dataset, Path(scratch), sheets="google", provision=True
    ) as env:  # fmt: skip
        console.print(
            f"sandbox up: Google Sheets {env.services['sheets'].url}, Drive {env.services['drive'].url}"
        )
        report = ran(sync_team_budgets(config_path=str(env.config_path), today=today.isoformat()))
        assert env.sheets is not None
        teams = env.sheets.grid("budgets-overview", "Teams")
        access = env.sheets.grid("budgets-overview", "Access")
    write_report(out_dir / "access.md", access_markdown(teams, access))
    report.flow += " (provisioning on Google Sheets and Drive stand-ins)"
    return report


def access_markdown(teams: list[list[Any]], access: list[list[Any]]) -> str:
    """One row per team: its name, spreadsheet, lead and everyone with access (from the overview's
    Teams and Access tabs, as PeopleOps sees them)."""
    who: dict[str, list[str]] = {}
    for row in access[1:]:
        team, person, role = (str(row[i]) if i < len(row) else "" for i in (0, 2, 3))
        if role and role != "none":
            who.setdefault(team, []).append(f"{person} ({role})")
    lines = [
        "# Who can open each team's budget spreadsheet",
        "",
        "| Team | Spreadsheet | Lead | Everyone with access |",
        "|---|---|---|---|",
    ]
    for row in teams[1:]:
        team, key, lead = (str(row[i]) if i < len(row) else "" for i in range(3))
        link = f"[{key}](https://docs.google.com/spreadsheets/d/{key})"
        lines.append(f"| {team} | {link} | {lead or '—'} | {', '.join(who.get(team, [])) or '—'} |")
    return "\n".join(lines) + "\n"


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
