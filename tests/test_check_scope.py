"""`opsheets check` tells the truth about what this config runs and where the sheets go: which jobs are
configured, a WARN when `backend: auto` falls back to local workbooks, and each FAIL's fix naming
the remedy for its cause (a missing file is not a missing tab; a missing config is not one to edit)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from flows.check import run_checks
from flows.cli import app
from flows.probes import Probe
from flows.sandbox_env import SandboxEnvironment

TODAY = date(2026, 11, 25)


@pytest.fixture
def sandbox(demo_sandbox: SandboxEnvironment, prefect_logging: None) -> SandboxEnvironment:
    return demo_sandbox


def rewritten(sandbox: SandboxEnvironment, tmp_path: Path, change: Any) -> str:
    data = yaml.safe_load(sandbox.config_path.read_text())
    change(data)
    path = tmp_path / "changed.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


def by_check(probes: list[Probe]) -> dict[str, Probe]:
    return {p.check: p for p in probes}


def test_check_lists_each_job_and_marks_one_without_its_section_off(
    sandbox: SandboxEnvironment, tmp_path: Path
) -> None:
    config = rewritten(sandbox, tmp_path, lambda data: data.pop("intercom"))
    probes = by_check(run_checks(config, TODAY))
    assert probes["job: availability"].result == "OK"
    assert probes["job: budgets"].result == "OK"
    off = probes["job: comments"]
    assert (off.ok, off.result) == (True, "OFF")
    assert "no 'intercom' section" in off.detail and "add intercom" in off.fix
    assert "credential: Intercom" not in probes  # nothing of a job left out is probed
    result = CliRunner().invoke(app, ["check", "--config", config])
    assert result.exit_code == 0, result.output
    assert "OFF" in result.output


def test_a_config_with_no_job_at_all_warns_that_nothing_would_run(tmp_path: Path) -> None:
    config = tmp_path / "opsheets.yaml"
    config.write_text("timezone: UTC\n")
    probes = by_check(run_checks(str(config), TODAY))
    assert probes["jobs"].result == "WARN"
    assert "jira + bamboohr" in probes["jobs"].fix


def test_auto_backend_without_google_credentials_warns_where_the_workbooks_go(
    sandbox: SandboxEnvironment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    config = rewritten(sandbox, tmp_path, lambda data: data["sheets"].update(backend="auto"))
    probes = run_checks(config, TODAY)
    backend = by_check(probes)["sheets: backend"]
    folder = str((sandbox.config_path.parent).resolve())
    assert backend.result == "WARN"
    assert "GOOGLE_APPLICATION_CREDENTIALS" in backend.detail and folder in backend.detail
    assert "sheets.backend: workbook" in backend.fix
    assert all(p.ok for p in probes)  # a warning is not a failure: check still passes
    result = CliRunner().invoke(app, ["check", "--config", config])
    assert result.exit_code == 0
    assert "WARN" in result.output


def test_an_explicit_workbook_backend_is_plain_ok(sandbox: SandboxEnvironment) -> None:
    backend = by_check(run_checks(str(sandbox.config_path), TODAY))["sheets: backend"]
    assert backend.result == "OK" and "sheets.backend: workbook" in backend.detail


def test_a_missing_ledger_file_names_the_file_not_a_tab(sandbox: SandboxEnvironment) -> None:
    ledger = sandbox.config_path.parent / "budgets" / "ledger.xlsx"
    ledger.unlink()
    (failed,) = [p for p in run_checks(str(sandbox.config_path), TODAY) if not p.ok]
    assert failed.check == "sheet: Spend ledger"
    assert str(ledger) in failed.detail and "does not exist" in failed.detail
    assert "budgets.ledger.spreadsheet" in failed.fix
    assert "rename" not in failed.fix  # the remedy is the file, not renaming a tab


def test_a_renamed_ledger_tab_names_the_tab_and_its_setting(sandbox: SandboxEnvironment) -> None:
    ledger = sandbox.config_path.parent / "budgets" / "ledger.xlsx"
    book = load_workbook(ledger)
    book["Ledger"].title = "Spend 2026"
    book.save(ledger)
    (failed,) = [p for p in run_checks(str(sandbox.config_path), TODAY) if not p.ok]
    assert "tab 'Ledger' not found" in failed.detail
    assert "rename the tab back to 'Ledger'" in failed.fix and "budgets.ledger.tab" in failed.fix


def test_a_missing_config_file_says_to_create_one_not_to_edit_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    (probe,) = run_checks(str(missing), TODAY)
    assert probe.result == "FAIL"
    assert f"copy opsheets.example.yaml to {missing}" in probe.fix
    assert "opsheets sandbox" in probe.fix


def test_a_yaml_syntax_error_says_to_fix_the_syntax(tmp_path: Path) -> None:
    bad = tmp_path / "opsheets.yaml"
    bad.write_text("jira: [PLAT\n")
    (probe,) = run_checks(str(bad), TODAY)
    assert "line" in probe.detail and "YAML syntax" in probe.fix
