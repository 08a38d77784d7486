"""Commands that need Prefect survive a slow machine: without PREFECT_API_URL they start a local Prefect
server with a generous ceiling, say so, and a server that never answers ends the command with the fix,
never a traceback. A job the config leaves out is refused before any server is started."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
import yaml
from typer.testing import CliRunner

from flows.cli import app
from flows.deployments import DEPLOYMENTS, DeploymentSpec
from flows.local_prefect import CLI_STARTUP_TIMEOUT_S, STARTUP_TIMEOUT_ENV

runner = CliRunner()
SHOW_CEILING = """
import flows.cli as cli
def show() -> None:
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS as ceiling
    print(ceiling.value())
cli.app = show
cli.run_cli()
"""


def ceiling_seen_by_prefect(**env: str) -> int:
    clean = {k: v for k, v in os.environ.items() if k != STARTUP_TIMEOUT_ENV}
    done = subprocess.run(
        [sys.executable, "-c", SHOW_CEILING], env={**clean, **env}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return int(float(done.stdout.strip().splitlines()[-1]))


def test_the_opsheets_command_gives_prefects_server_a_minute_and_more() -> None:
    assert ceiling_seen_by_prefect() == CLI_STARTUP_TIMEOUT_S >= 120


def test_a_ceiling_the_user_set_is_kept() -> None:
    assert ceiling_seen_by_prefect(**{STARTUP_TIMEOUT_ENV: "45"}) == 45


class NeverAnswers:
    """Prefect's local server, as on a machine too busy for it to answer in time."""

    running = False
    timeouts: ClassVar[list[float]] = []

    def start(self, timeout: float) -> None:
        self.timeouts.append(timeout)
        raise RuntimeError("Timed out while attempting to connect to ephemeral Prefect API server.")


@pytest.fixture
def no_prefect_server(monkeypatch: pytest.MonkeyPatch, prefect_logging: None) -> Iterator[list[float]]:
    import prefect.server.api.server
    from prefect.settings import PREFECT_API_URL, temporary_settings

    NeverAnswers.timeouts = []
    monkeypatch.setattr(prefect.server.api.server, "SubprocessASGIServer", NeverAnswers)
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        yield NeverAnswers.timeouts


def config_with(tmp_path: Path, *sections: str) -> str:
    every = {
        "jira": {"url": "http://127.0.0.1:9", "token": {"env": "OPSHEETS_TEST_NO_TOKEN"}},
        "bamboohr": {"company": "acme", "api_key": {"env": "OPSHEETS_TEST_NO_TOKEN"}},
        "budgets": {"ledger": {"spreadsheet": "ledger"}},
    }
    path = tmp_path / "opsheets.yaml"
    path.write_text(yaml.safe_dump({name: every[name] for name in sections}))
    return str(path)


def test_a_server_that_never_answers_ends_with_the_fix_and_no_traceback(
    no_prefect_server: list[float], tmp_path: Path
) -> None:
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

    result = runner.invoke(app, ["run", "budgets", "--config", config_with(tmp_path, "bamboohr", "budgets")])
    assert result.exit_code == 1
    assert "starting a local Prefect server…" in result.output
    assert "did not answer within" in result.output
    assert "prefect server start" in result.output and STARTUP_TIMEOUT_ENV in result.output
    assert "Traceback" not in result.output
    assert no_prefect_server == [PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()]


@pytest.mark.parametrize("spec", DEPLOYMENTS, ids=lambda spec: spec.name)
def test_running_a_job_the_config_leaves_out_is_refused_before_prefect_starts(
    spec: DeploymentSpec, no_prefect_server: list[float], tmp_path: Path
) -> None:
    result = runner.invoke(app, ["run", spec.name, "--config", config_with(tmp_path)])
    assert result.exit_code == 1
    assert f"{spec.name} is not configured" in result.output
    assert "Traceback" not in result.output
    assert no_prefect_server == []  # no server started for a job that cannot run
