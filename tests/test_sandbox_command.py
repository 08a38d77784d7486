"""`opsheets sandbox` as an operator uses it: started in one shell with their own dataset.json, it
writes a config and the demo secrets; `opsheets check` in another shell passes against it; Ctrl-C
stops it and removes the config, which would otherwise point at closed ports."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.check import run_checks
from flows.cli import app
from flows.config import ConfigError
from flows.sandbox_session import ENV_FILE, claim_config, instructions, load_dataset, sandbox_session
from sandbox.demo_org import dump, generate

OPSHEETS = str(Path(sys.executable).with_name("opsheets"))
TODAY = "2026-11-25"
READY_CEILING_S = 600  # a ceiling only: the wait ends as soon as the sandbox is up


def wait_for_file(path: Path, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + READY_CEILING_S
    while not path.exists():
        assert proc.poll() is None, f"the sandbox exited early:\n{proc.communicate()[0]}"
        assert time.monotonic() < deadline, f"no {path} after {READY_CEILING_S} s"
        time.sleep(0.2)


def stopped(proc: subprocess.Popen[str]) -> str:
    """Its output once it has ended; a sandbox that ignores the signal fails the test, not hangs it."""
    try:
        return proc.communicate(timeout=READY_CEILING_S)[0]
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail(f"the sandbox did not stop on INT:\n{proc.communicate()[0]}")


def as_a_background_job() -> None:
    """As a shell starts `opsheets sandbox &`: with INT ignored, which Ctrl-C's signal must still stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def exported(env_file: Path) -> dict[str, str]:
    """The variables `source sandbox.env` would set, read as the shell would."""
    pairs = {}
    for line in env_file.read_text().splitlines():
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").partition("=")
            pairs[name] = shlex.split(value)[0]
    return pairs


def test_check_passes_against_a_running_sandbox_serving_my_dataset(tmp_path: Path) -> None:
    dataset = generate(people=9, teams=3, issues=30, today=date.fromisoformat(TODAY))
    dump(dataset, tmp_path / "my-org.json")
    config, out = tmp_path / "opsheets.yaml", tmp_path / "out"
    args = [OPSHEETS, "sandbox", "--dataset", str(tmp_path / "my-org.json"), "--config", str(config)]
    secrets_free = {k: v for k, v in os.environ.items() if k not in ("JIRA_API_TOKEN", "BAMBOOHR_API_KEY")}
    proc = subprocess.Popen(
        [*args, "--out", str(out)], cwd=tmp_path, env=secrets_free, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, preexec_fn=as_a_background_job,
    )  # fmt: skip
    try:
        wait_for_file(out / ENV_FILE, proc)
        assert config.stat().st_mode & 0o077 == 0 and (out / ENV_FILE).stat().st_mode & 0o077 == 0
        check = subprocess.run(
            [OPSHEETS, "check", "--config", str(config)],
            cwd=tmp_path,
            env={**secrets_free, **exported(out / ENV_FILE), "COLUMNS": "200"},
            capture_output=True,
            text=True,
        )
    finally:
        proc.send_signal(signal.SIGINT)
        output = stopped(proc)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "FAIL" not in check.stdout
    for row in ("reach: Jira", "reach: BambooHR", "reach: Intercom", "credential: Google key"):
        assert row in check.stdout
    assert "Google Sheets" in check.stdout  # the Sheets stand-in, not local files
    for team in dataset["teams"]:
        assert f"layout: Budget {team['name']}" in check.stdout
    assert proc.returncode == 0, output
    assert "sandbox up on loopback" in output and "sandbox stopped" in output
    assert not config.exists() and not (out / ENV_FILE).exists()


def test_a_config_the_sandbox_did_not_write_is_never_overwritten(
    tmp_path: Path, prefect_logging: None
) -> None:
    mine = tmp_path / "opsheets.yaml"
    mine.write_text("jira: {url: https://mine.example}\n")
    result = CliRunner().invoke(app, ["sandbox", "--config", str(mine), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "not written by the sandbox" in result.output and "--config" in result.output
    assert mine.read_text() == "jira: {url: https://mine.example}\n"
    with pytest.raises(ConfigError):
        claim_config(mine)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (None, "dataset file not found"),
        ("{not json", "not valid JSON"),
        ('{"schema": 7}', "schema 7 is not supported"),
        ('{"schema": 1, "teams": []}', "dataset is missing"),
    ],
)
def test_a_bad_dataset_file_is_named(tmp_path: Path, content: str | None, said: str) -> None:
    path = tmp_path / "dataset.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ConfigError, match=said) as error:
        load_dataset(path, date.fromisoformat(TODAY))
    assert str(path) in str(error.value)


def test_with_provision_the_sandbox_serves_drive_and_check_lists_the_spreadsheets_to_create(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = generate(people=9, teams=3, issues=30, today=date.fromisoformat(TODAY))
    config, out = tmp_path / "opsheets.yaml", tmp_path / "out"
    monkeypatch.chdir(tmp_path)
    with sandbox_session(dataset, config, out, "google", provision=True) as env:
        lines = instructions(env, out)
        probes = {probe.check: probe for probe in run_checks(str(config), date.fromisoformat(TODAY))}
    assert any(line.strip().startswith("Google Drive") for line in lines)
    assert all(probe.ok for probe in probes.values()), [p for p in probes.values() if not p.ok]
    assert "on shared drive" in probes["drive: folder"].detail
    for team in dataset["teams"]:
        assert f"would create '{team['name']} event budget'" in probes[f"provision: {team['name']}"].detail
    assert not config.exists()


def test_provision_without_google_sheets_is_refused_with_the_fix(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["sandbox", "--sheets", "workbook", "--provision", "--config", str(tmp_path / "c.yaml")]
    )
    said = " ".join(result.output.split())  # as one line, however the terminal wrapped it
    assert result.exit_code != 0
    assert "--provision" in said and "--sheets google" in said
    assert not (tmp_path / "c.yaml").exists()
