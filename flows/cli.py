"""The `opsheets` command line."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Keep Google Sheets in sync with Jira, BambooHR and Intercom.", no_args_is_help=True)


@app.command()
def demo(out: Path = typer.Option(Path("out/demo"), help="Where the workbooks and dataset go.")) -> None:
    """Start the sandbox on loopback, run every flow against it, write workbooks under OUT."""
    from flows.demo import run_demo

    run_demo(out)


@app.callback()
def main() -> None:
    """opsheets: scheduled Prefect jobs keeping sheets in sync with the systems of record."""
