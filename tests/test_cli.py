"""`opsheets run` and `opsheets serve` as a user meets them: dry runs that write nothing, and problems
reported as one paragraph with the fix and a non-zero exit code, before any API call when it is the config."""

from __future__ import annotations

import hashlib
import io
import logging
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from flows.cli import WithoutTraceback, app
from flows.sandbox_env import SandboxEnvironment, sandbox_environment

runner = CliRunner()


@pytest.fixture
def sandbox(demo_sandbox: SandboxEnvironment) -> SandboxEnvironment:
    return demo_sandbox


@pytest.fixture
def prefect_cli(prefect_harness: None) -> None:
    """Importing prefect.main sets up Prefect's console log handler, bound to the stderr of that moment;
    do it here, so the handler is not bound to a CliRunner's stream (closed when the invocation ends)."""
    import prefect.main  # noqa: F401


def fingerprints(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): digest(p) for p in folder.rglob("*.xlsx")}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def no_requests(sandbox: SandboxEnvironment) -> bool:
    return all(service.log.entries == [] for service in sandbox.services.values())


def clear_logs(sandbox: SandboxEnvironment) -> None:
    for service in sandbox.services.values():
        service.log.clear()


def write_config(sandbox: SandboxEnvironment, path: Path, change: Any) -> Path:
    data = yaml.safe_load(sandbox.config_path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.prefect
def test_dry_run_prints_cell_changes_and_leaves_every_sheet_byte_identical(
    prefect_cli: None, sandbox: SandboxEnvironment
) -> None:
    config = str(sandbox.config_path)
    first = runner.invoke(app, ["run", "budgets", "--config", config])
    assert first.exit_code == 0, first.output
    ledger = sandbox.config_path.parent / "budgets" / "ledger.xlsx"
    book = load_workbook(ledger)
    book["Ledger"].append(["2026-11-20", "Platform", 123.45, "EUR", "Bowling night"])
    book.save(ledger)
    before = fingerprints(sandbox.config_path.parent)

    dry = runner.invoke(app, ["run", "budgets", "--config", config, "--dry-run", "--show", "1000"])

    assert dry.exit_code == 0, dry.output
    assert fingerprints(sandbox.config_path.parent) == before
    assert "nothing written" in dry.output
    assert "Bowling night" in dry.output  # the new spend row, cell by cell
    assert "Spend" in dry.output and "→" in dry.output


@pytest.mark.prefect
def test_an_api_error_ends_with_one_paragraph_and_exit_code_1(
    prefect_cli: None, sandbox: SandboxEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIRA_API_TOKEN", "not-the-token")
    result = runner.invoke(app, ["run", "availability", "--config", str(sandbox.config_path)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "Error: Jira: 401 Unauthorized" in result.output
    assert "JIRA_API_TOKEN" in result.output
    assert "Traceback" not in result.output
    assert not (sandbox.config_path.parent / "resource-availability.xlsx").exists()


def test_console_log_keeps_the_message_and_drops_the_traceback() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(WithoutTraceback(logging.Formatter("%(levelname)s %(message)s")))
    logger = logging.getLogger("opsheets-test-console")
    logger.addHandler(handler)
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("Encountered exception during execution: %r", "boom")
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue() == "ERROR Encountered exception during execution: 'boom'\n"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d["jira"].update(projcts=["PLAT"]), "unknown key 'jira.projcts'"),
        (lambda d: d["budgets"]["ledger"].pop("spreadsheet"), "'budgets.ledger.spreadsheet': Field required"),
        (lambda d: d["http"].update(max_attempts=0), "'http.max_attempts'"),
    ],
    ids=["unknown-key", "missing-spreadsheet-key", "bad-value"],
)
def test_a_bad_config_fails_before_any_api_call_naming_the_key_and_file(
    sandbox: SandboxEnvironment, tmp_path: Path, change: Any, named: str
) -> None:
    bad = write_config(sandbox, tmp_path / "bad.yaml", change)
    clear_logs(sandbox)
    for job in ("availability", "budgets"):
        result = runner.invoke(app, ["run", job, "--config", str(bad), "--dry-run"])
        assert result.exit_code == 1
        assert named in result.output and str(bad) in result.output
        assert "Traceback" not in result.output
    assert no_requests(sandbox)


def test_an_unknown_job_names_the_jobs_there_are(sandbox: SandboxEnvironment) -> None:
    result = runner.invoke(app, ["run", "payroll", "--config", str(sandbox.config_path)])
    assert result.exit_code == 1
    assert "unknown job 'payroll'" in result.output and "availability, budgets, comments" in result.output


def test_serve_refuses_a_missing_config_without_serving(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--config", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "config file not found" in result.output


def test_serve_refuses_a_bad_timezone_without_serving(sandbox: SandboxEnvironment, tmp_path: Path) -> None:
    bad = write_config(sandbox, tmp_path / "tz.yaml", lambda d: d.update(timezone="Mars/Olympus"))
    result = runner.invoke(app, ["serve", "--config", str(bad)])
    assert result.exit_code == 1
    assert "Mars/Olympus" in result.output


@pytest.mark.prefect
def test_comment_bridge_dry_run_lists_what_it_would_post_and_posts_nothing(
    prefect_cli: None, sandbox: SandboxEnvironment
) -> None:
    clear_logs(sandbox)
    result = runner.invoke(app, ["run", "comments", "--config", str(sandbox.config_path), "--dry-run"])
    assert result.exit_code == 0, result.output
    would = re.search(r"Dry run: (\d+) item\(s\) would be written", result.output)
    assert would and int(would.group(1)) > 0, result.output
    assert sandbox.services["intercom"].log.count("POST", "/reply") == 0
    assert sandbox.services["jira"].log.count("POST", "/comment") == 0


@pytest.mark.prefect
def test_comment_bridge_items_that_cannot_be_mirrored_fail_the_run_naming_each_one(
    prefect_cli: None, demo_dataset: dict[str, Any], tmp_path: Path
) -> None:
    from prefect.client.orchestration import get_client

    gone = {"intercom": {"admin_id": "999"}}  # the admin the bridge writes as was removed from the workspace
    with sandbox_environment(demo_dataset, tmp_path, config_overrides=gone) as env:
        result = runner.invoke(app, ["run", "comments", "--config", str(env.config_path)])
        assert env.services["jira"].log.count("POST", "/comment") > 0  # the other direction went on
    assert result.exit_code == 1, result.output
    output = " ".join(result.output.split())
    assert re.search(r"\d+ item\(s\) not mirrored", output)
    assert "Jira → Intercom" in output and "Intercom: 400" in output and "admin_id not found" in output
    with get_client(sync_client=True) as client:
        (latest,) = client.read_flow_runs(limit=1, sort="START_TIME_DESC")  # type: ignore[arg-type]
    assert latest.state is not None and latest.state.is_failed()
