"""`opsheets check` against the sandbox: every probe OK on a good setup; a wrong token, a missing secret,
a spreadsheet not shared with the service account and a renamed header each FAIL with their fix."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from openpyxl import load_workbook
from typer.testing import CliRunner

from flows.check import run_checks
from flows.cli import app
from flows.clients import open_sheet
from flows.config import load_config
from flows.layouts import expected_layouts
from flows.probes import Probe, split_fix
from flows.sandbox_env import SandboxEnvironment, sandbox_environment
from sandbox.core import RunningService
from sandbox.demo_org import generate
from sandbox.sheets import start_sheets_sandbox

TODAY = date(2026, 11, 25)
SERVICE_ACCOUNT = "opsheets-bot@example-project.iam.gserviceaccount.com"


@pytest.fixture(scope="module")
def dataset() -> dict[str, Any]:
    return generate(today=TODAY)


@pytest.fixture
def sandbox(dataset: dict[str, Any], tmp_path: Path) -> Iterator[SandboxEnvironment]:
    with sandbox_environment(dataset, tmp_path) as env:
        yield env


def by_check(probes: list[Probe]) -> dict[str, Probe]:
    return {p.check: p for p in probes}


def failures(probes: list[Probe]) -> list[Probe]:
    return [p for p in probes if not p.ok]


def test_a_good_setup_passes_every_probe(sandbox: SandboxEnvironment) -> None:
    probes = run_checks(str(sandbox.config_path), TODAY)
    assert failures(probes) == []
    checks = by_check(probes)
    assert {"config", "reach: Jira", "reach: BambooHR", "reach: Intercom"} <= set(checks)
    assert {"layout: Resource availability", "sheet: Spend ledger", "layout: Budgets overview"} <= set(checks)
    result = CliRunner().invoke(app, ["check", "--config", str(sandbox.config_path)])
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.output


def test_a_wrong_jira_token_fails_reach_with_the_fix(
    sandbox: SandboxEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIRA_API_TOKEN", "not-the-token")
    probes = run_checks(str(sandbox.config_path), TODAY)
    (failed,) = failures(probes)
    assert failed.check == "reach: Jira"
    assert "401" in failed.detail
    assert "JIRA_API_TOKEN" in failed.fix
    assert "not-the-token" not in failed.detail + failed.fix
    result = CliRunner().invoke(app, ["check", "--config", str(sandbox.config_path)])
    assert result.exit_code == 1
    assert "FAIL" in result.output


def test_a_missing_secret_fails_once_and_skips_the_call_that_needs_it(
    sandbox: SandboxEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BAMBOOHR_API_KEY")
    sandbox.services["bamboohr"].log.clear()
    probes = run_checks(str(sandbox.config_path), TODAY)
    (failed,) = failures(probes)
    assert failed.check == "credential: BambooHR"
    assert "BAMBOOHR_API_KEY" in failed.fix
    assert "reach: BambooHR" not in by_check(probes)
    assert sandbox.services["bamboohr"].log.entries == []


def test_a_renamed_header_fails_layout_naming_the_header_and_the_fix(sandbox: SandboxEnvironment) -> None:
    config = load_config(sandbox.config_path)
    overview = next(layout for layout in expected_layouts(config, TODAY) if layout.name == "Budgets overview")
    open_sheet(config, overview.key).sync(overview.tables, today=TODAY)  # what a first run leaves
    path = Path(config.sheets.workbook_dir) / f"{overview.key}.xlsx"
    book = load_workbook(path)
    header = next(cell for cell in book["Overview"][1] if cell.value == "People counted")
    header.value = "Heads"
    book.save(path)

    probes = run_checks(str(sandbox.config_path), TODAY)
    (failed,) = failures(probes)
    assert failed.check == "layout: Budgets overview"
    assert "tab 'Overview', column 'People counted'" in failed.detail
    assert "rename the header back to 'People counted'" in failed.fix
    result = CliRunner().invoke(app, ["check", "--config", str(sandbox.config_path)])
    assert result.exit_code == 1


def test_an_unknown_key_fails_config_before_any_call(sandbox: SandboxEnvironment, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    data = yaml.safe_load(sandbox.config_path.read_text())
    data["jira"]["projcts"] = ["PLAT"]
    bad.write_text(yaml.safe_dump(data))
    for service in sandbox.services.values():
        service.log.clear()
    (probe,) = run_checks(str(bad), TODAY)
    assert (probe.check, probe.ok) == ("config", False)
    assert "jira.projcts" in probe.detail and str(bad) in probe.detail
    assert all(service.log.entries == [] for service in sandbox.services.values())


def test_split_fix_separates_our_messages_at_fix_or_dash() -> None:
    assert split_fix("Sheet 'x': access denied. Fix: share it") == ("Sheet 'x': access denied.", "share it")
    assert split_fix("Jira: 401 on GET /x — check TOKEN (server said: no)") == (
        "Jira: 401 on GET /x",
        "check TOKEN",
    )
    assert split_fix("plain") == ("plain", "")


# --- Google Sheets: a spreadsheet not shared with the service account ------------------------------------


def token_endpoint() -> FastAPI:
    """Google's OAuth token endpoint as a service account sees it: a signed JWT in, a bearer token out."""
    api = FastAPI()

    @api.post("/token")
    def token() -> dict[str, Any]:
        return {"access_token": "sandbox-sa-token", "expires_in": 3600, "token_type": "Bearer"}

    return api


def service_account_key(path: Path, token_uri: str) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    info = {
        "type": "service_account",
        "project_id": "example-project",
        "private_key_id": "1",
        "private_key": pem.decode(),
        "client_email": SERVICE_ACCOUNT,
        "client_id": "1",
        "token_uri": token_uri,
    }
    path.write_text(json.dumps(info))


def test_a_sheet_not_shared_names_the_service_account_to_share_with(
    sandbox: SandboxEnvironment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheets_service, sheets = start_sheets_sandbox()
    with sheets_service, RunningService(token_endpoint()) as oauth:
        sheets.create_spreadsheet("Resource availability", spreadsheet_id="availability-key")
        sheets.deny("availability-key")
        service_account_key(tmp_path / "key.json", f"{oauth.url}/token")
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "key.json"))
        data = yaml.safe_load(sandbox.config_path.read_text())
        data.pop("budgets")
        data["sheets"] = {"backend": "google", "api_base": sheets_service.url}
        data["availability"]["spreadsheet"] = "availability-key"
        config = tmp_path / "google.yaml"
        config.write_text(yaml.safe_dump(data))

        probes = by_check(run_checks(str(config), TODAY))
    assert probes["credential: Google key"].detail == f"service account {SERVICE_ACCOUNT}"
    denied = probes["sheet: Resource availability"]
    assert not denied.ok
    assert "access denied" in denied.detail
    assert denied.fix == f"share it with {SERVICE_ACCOUNT} as Editor"
    assert [p.check for p in probes.values() if not p.ok] == ["sheet: Resource availability"]


# ---- the comment bridge's own settings --------------------------------------------------------------


def test_a_good_setup_names_the_bridge_admin_attribute_and_jira_permissions(
    sandbox: SandboxEnvironment,
) -> None:
    checks = by_check(run_checks(str(sandbox.config_path), TODAY))
    assert checks["bridge: Intercom admin"].ok and "admin 7001" in checks["bridge: Intercom admin"].detail
    assert (
        checks["bridge: link attribute"].ok and "'jira_issue_key'" in checks["bridge: link attribute"].detail
    )
    projects = load_config(sandbox.config_path).jira.projects  # type: ignore[union-attr]
    assert projects and all(checks[f"bridge: Jira comments in {p}"].ok for p in projects)


def test_an_admin_that_no_longer_exists_fails_check(dataset: dict[str, Any], tmp_path: Path) -> None:
    with sandbox_environment(dataset, tmp_path, config_overrides={"intercom": {"admin_id": "999"}}) as env:
        probes = run_checks(str(env.config_path), TODAY)
        (failed,) = failures(probes)
        assert failed.check == "bridge: Intercom admin" and "admin 999 does not exist" in failed.detail
        assert "intercom.admin_id" in failed.fix
        assert CliRunner().invoke(app, ["check", "--config", str(env.config_path)]).exit_code == 1


def test_an_admin_without_an_inbox_seat_a_missing_attribute_and_a_missing_permission_fail(
    sandbox: SandboxEnvironment,
) -> None:
    assert sandbox.intercom is not None
    sandbox.intercom.admins["7001"]["has_inbox_seat"] = False
    sandbox.intercom.data_attributes.clear()
    sandbox.jira.denied_permissions.add("EDIT_OWN_COMMENTS")
    failed = by_check(failures(run_checks(str(sandbox.config_path), TODAY)))
    assert "has no inbox seat" in failed["bridge: Intercom admin"].detail
    assert "no conversation attribute named 'jira_issue_key'" in failed["bridge: link attribute"].detail
    assert "'jira_issue_key'" in failed["bridge: link attribute"].fix
    lacking = [p for c, p in failed.items() if c.startswith("bridge: Jira comments in ")]
    assert lacking and all("lacks EDIT_OWN_COMMENTS" in p.detail for p in lacking)
