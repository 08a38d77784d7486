"""`opsheets check` asks Jira about the run's queries and projects, on Cloud and on Data Center.

The demo organisation's projects are PLAT, PAYM, MOBI, DATA and GROW. Cloud answers at
`POST /rest/api/3/jql/parse`; Data Center, which has no parse endpoint, at a zero-result search.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from flows.check import Probe, run_checks
from flows.cli import app
from flows.sandbox_env import sandbox_environment
from sandbox.demo_org import generate

TODAY = date(2026, 11, 25)
MODES = ["cloud", "datacenter"]


@pytest.fixture(scope="module")
def dataset() -> dict[str, Any]:
    return generate(today=TODAY, people=12, teams=2, issues=20)


def checked(
    dataset: dict[str, Any], tmp_path: Path, mode: str, jira: dict[str, Any]
) -> tuple[dict[str, Probe], Any]:
    with sandbox_environment(dataset, tmp_path, jira_mode=mode, config_overrides={"jira": jira}) as env:
        probes = {p.check: p for p in run_checks(str(env.config_path), TODAY)}
        return probes, env.services["jira"].log


@pytest.mark.parametrize("mode", MODES)
def test_the_runs_queries_and_projects_pass_when_jira_accepts_them(
    dataset: dict[str, Any], tmp_path: Path, mode: str
) -> None:
    probes, log = checked(dataset, tmp_path, mode, {"projects": ["PLAT", "PAYM"]})
    assert probes["jira: JQL"].ok and probes["jira: projects"].ok, probes
    # two planning chains (one per project) and one worklog query
    how = "Jira's JQL parser" if mode == "cloud" else "a zero-result search"
    assert probes["jira: JQL"].detail == f"3 JQL queries of the run accepted by {how}"
    assert probes["jira: projects"].detail == "found: PLAT, PAYM"
    api = "3" if mode == "cloud" else "2"
    assert log.count("GET", f"/rest/api/{api}/project/PLAT") == 1
    assert log.count("POST", "/rest/api/3/jql/parse") == (1 if mode == "cloud" else 0)


@pytest.mark.parametrize("mode", MODES)
def test_an_unknown_project_key_fails_both_probes_naming_it(
    dataset: dict[str, Any], tmp_path: Path, mode: str
) -> None:
    probes, _ = checked(dataset, tmp_path, mode, {"projects": ["PLAT", "PLTA"]})
    assert not probes["jira: projects"].ok
    assert probes["jira: projects"].detail == "jira.projects: PLTA not found, or not visible to the account"
    jql = probes["jira: JQL"]
    assert not jql.ok and "jira.projects" in jql.fix
    assert "The value 'PLTA' does not exist for the field 'project'." in jql.detail
    assert "'PLAT'" not in jql.detail  # the good project's queries are not blamed


@pytest.mark.parametrize("mode", MODES)
def test_jql_syntax_errors_fail_naming_each_config_key(
    dataset: dict[str, Any], tmp_path: Path, mode: str
) -> None:
    jira = {"jql": "project = PLAT AND", "actuals_jql": "project in (PLAT", "projects": []}
    probe = checked(dataset, tmp_path, mode, jira)[0]["jira: JQL"]
    assert not probe.ok
    planned, logged = probe.detail.split("; ")
    assert (
        "jira.jql: 'project = PLAT AND': " in planned and "Expecting a clause around 'AND' or 'OR'" in planned
    )
    assert (
        "jira.actuals_jql: '(project in (PLAT) AND worklogDate" in logged
        and "Error in the JQL Query" in logged
    )
    assert probe.fix == "fix jira.actuals_jql, jira.jql in the config: the run would fail on it"


def test_check_never_calls_jira_queries_when_reach_failed(dataset: dict[str, Any], tmp_path: Path) -> None:
    with sandbox_environment(dataset, tmp_path, config_overrides={"jira": {"projects": ["PLAT"]}}) as env:
        env.jira.token = "another-token-entirely"
        probes = {p.check: p for p in run_checks(str(env.config_path), TODAY)}
        assert not probes["reach: Jira"].ok and "jira: JQL" not in probes
        assert env.services["jira"].log.count("POST", "/jql/parse") == 0


def test_the_check_command_exits_1_and_shows_the_key_to_fix(dataset: dict[str, Any], tmp_path: Path) -> None:
    overrides = {"jira": {"projects": ["PLAT", "PLTA"]}}
    with sandbox_environment(dataset, tmp_path, config_overrides=overrides) as env:
        result = CliRunner(env={"COLUMNS": "250"}).invoke(app, ["check", "--config", str(env.config_path)])
    assert result.exit_code == 1
    assert "jira: projects" in result.output and "PLTA not found" in result.output
    assert "2 check(s) failed" in result.output and "Traceback" not in result.output
