"""Secrets never leave: canary credentials in every form a secret takes on its way out (as given, with a
mounted file's trailing newline; stripped; URL-encoded; the base64 of each Basic pair; after `Bearer `/
`Basic `), through `check`, `run`, `run --dry-run`, `serve` (one scheduled run) and `demo`, valid and
refused, with every stand-in behind a gateway that echoes the request headers into its error bodies.

Looked for everywhere a person could read them: the CLI's output, every record of every logger (at
DEBUG), the Prefect API (logs, artifacts, flow and task run names, parameters, state messages), and
every file written. One test per form, so a failure names the form that leaked.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from flows.availability import sync_resource_availability
from flows.cli import app
from flows.sandbox_env import SandboxEnvironment, sandbox_environment
from tests.reliability.scenario import TODAY, small_dataset
from tests.reliability.security_helpers import (
    FORMS,
    WRONG_SECRETS,
    canary_secrets,
    every_log_record,
    file_texts,
    leaks,
    prefect_records,
)
from tests.test_prefect_e2e import background, wait_for

Sinks = dict[str, list[str]]
FAST_COMMANDS = [["check"], ["run", "availability", "--dry-run"], ["run", "budgets"], ["run", "comments"]]
REFUSED_COMMANDS = [["check"], ["run", "availability"], ["run", "budgets"], ["run", "comments"]]
ALL_COMMANDS = [
    ["run", "availability"],
    ["run", "budgets"],
    ["run", "comments"],
    ["run", "availability", "--dry-run"],
    ["run", "budgets", "--dry-run"],
    ["run", "comments", "--dry-run"],
    ["check"],
]
MASKED_ECHO = re.compile(r'authorization(?:=|: |": ")\*\*\*', re.IGNORECASE)  # text, trace or JSON echo


def echo_request_headers(env: SandboxEnvironment) -> None:
    for service in env.services.values():
        service.knobs.echo_headers = True


def error_answers(env: SandboxEnvironment) -> dict[str, int]:
    """Answers of status 400 and above per stand-in: each was an echo of the request's headers."""
    return {name: sum(e.status >= 400 for e in s.log.entries) for name, s in env.services.items()}


def invoke(env: SandboxEnvironment, command: list[str], sinks: Sinks) -> int:
    result = CliRunner().invoke(app, [*command, "--config", str(env.config_path)])
    sinks["CLI output"].append(result.output)
    if result.exception and not isinstance(result.exception, SystemExit):
        sinks["CLI exceptions"].append("".join(traceback.format_exception(result.exception)))
    return result.exit_code


def collect(sinks: Sinks, records: list[str], *folders: Path) -> Sinks:
    sinks["log records"] = records
    for name, strings in prefect_records().items():
        sinks[f"Prefect {name}"] = strings
    for folder in folders:
        sinks["files"] += list(file_texts(folder).values())
    return dict(sinks)


def assert_no_form(sinks: Sinks, form: str) -> None:
    found = {
        sink: hits
        for sink, strings in sinks.items()
        if (hits := [h for s in strings for h in leaks(s, FORMS[form])])
    }
    assert not found, f"the {form} form of a secret leaked into: {found}"


@dataclass
class CanaryRun:
    sinks: Sinks
    folders: list[Path]


@contextmanager
def permissive_umask() -> Iterator[None]:
    """Group- and world-readable by default, as on many machines: owner-only must come from opsheets."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture(scope="module")
def canary_run(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> CanaryRun:
    """Valid canaries (workbooks), refused canaries (401 everywhere) and a Google run reading a
    spreadsheet that does not exist (404), every stand-in echoing request headers into its errors."""
    sinks: Sinks = defaultdict(list)
    folders = [tmp_path_factory.mktemp(name) for name in ("valid", "refused", "google")]
    with every_log_record() as records, canary_secrets(), permissive_umask():
        with sandbox_environment(small_dataset(), folders[0] / "out") as env:
            echo_request_headers(env)
            for command in FAST_COMMANDS:
                assert invoke(env, command, sinks) == 0, (command, sinks["CLI output"][-1])
            assert error_answers(env)["jira"] > 0, "the bridge's link to a missing issue got no echoed 404"
        with sandbox_environment(small_dataset(), folders[1] / "out") as env:
            echo_request_headers(env)
            os.environ.update(WRONG_SECRETS)  # sandbox_environment restores the environment on exit
            for command in REFUSED_COMMANDS:
                assert invoke(env, command, sinks) == 1, (command, sinks["CLI output"][-1])
            with pytest.raises(Exception) as failure:
                sync_resource_availability(config_path=str(env.config_path), today=TODAY.isoformat())
            assert re.search(r"JIRA_API_TOKEN|BAMBOOHR_API_KEY", str(failure.value)), str(failure.value)
            sinks["errors"] += [
                "".join(traceback.format_exception(failure.value)),
                repr(failure.value.__cause__),
            ]
            answers = error_answers(env)
            assert all(answers[s] > 0 for s in ("jira", "bamboohr", "intercom")), answers
        missing = {"availability": {"spreadsheet": "no-such-spreadsheet"}}
        with sandbox_environment(
            small_dataset(), folders[2] / "out", sheets="google", config_overrides=missing
        ) as env:
            echo_request_headers(env)
            for command in (["check"], ["run", "availability"]):
                assert invoke(env, command, sinks) == 1, (command, sinks["CLI output"][-1])
            assert error_answers(env)["sheets"] > 0
    return CanaryRun(collect(sinks, records, *folders), folders)


@pytest.mark.parametrize("form", list(FORMS))
def test_no_form_of_a_secret_anywhere(canary_run: CanaryRun, form: str) -> None:
    assert_no_form(canary_run.sinks, form)


def test_the_canary_run_looked_where_secrets_would_be(canary_run: CanaryRun) -> None:
    """The sinks hold what they should (else the form tests prove nothing): output of every command,
    DEBUG records, Prefect logs and artifacts, files; and echoed credentials, masked, not dropped."""
    sinks = canary_run.sinks
    assert len(sinks["CLI output"]) == len(FAST_COMMANDS) + len(REFUSED_COMMANDS) + 2
    assert len(sinks["log records"]) > 100
    assert sinks["Prefect logs"] and sinks["Prefect artifacts"]
    assert sinks["Prefect flow-run parameters"] and sinks["Prefect task-run names"]
    assert any("Sandbox" in text or "Budget" in text for text in sinks["files"]), "no workbook was read"
    everything = "\n".join(s for strings in sinks.values() for s in strings)
    assert MASKED_ECHO.search(everything), "no echoed Authorization header was seen masked"


def test_every_file_written_is_owner_only(canary_run: CanaryRun) -> None:
    """Workbooks, the config and the ledger, written under a permissive umask: 0600 files in 0700 folders."""
    written = [p for folder in canary_run.folders for p in (folder / "out").rglob("*")]
    assert len([p for p in written if p.suffix == ".xlsx"]) > 3, "too few workbooks to prove anything"
    written += [folder / "out" for folder in canary_run.folders]
    modes = {str(p): p.stat().st_mode & 0o777 for p in written}
    loose = {p: oct(mode) for p, mode in modes.items() if mode != (0o700 if Path(p).is_dir() else 0o600)}
    assert not loose, loose


@pytest.fixture(scope="module")
def every_command_outputs(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Sinks:
    out = tmp_path_factory.mktemp("every-command")
    sinks: Sinks = defaultdict(list)
    with every_log_record() as records, canary_secrets(), sandbox_environment(small_dataset(), out) as env:
        echo_request_headers(env)
        for command in ALL_COMMANDS:
            assert invoke(env, command, sinks) == 0, (command, sinks["CLI output"][-1])
    return collect(sinks, records, out)


@pytest.mark.chaos
@pytest.mark.slow
@pytest.mark.parametrize("form", list(FORMS))
def test_every_cli_command_leaks_no_form(every_command_outputs: Sinks, form: str) -> None:
    assert_no_form(every_command_outputs, form)


# --- serve: one scheduled run in a real `opsheets serve` process ---------------------------------------
NEVER = "0 0 1 1 *"  # the schedules stay out of the way: the test schedules the one run itself
OPSHEETS = str(Path(sys.executable).with_name("opsheets"))


@pytest.fixture(scope="module")
def serve_outputs(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sinks]:
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL

    out = tmp_path_factory.mktemp("serve")
    overrides = {"schedules": {"availability": NEVER, "budgets": NEVER, "comments": NEVER}}
    sinks: Sinks = defaultdict(list)
    with (
        canary_secrets(),
        sandbox_environment(small_dataset(), out / "env", config_overrides=overrides) as env,
    ):
        echo_request_headers(env)
        child = {
            **os.environ,
            "PREFECT_API_URL": str(PREFECT_API_URL.value()),
            "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        }
        log = out / "serve.log"
        with background([OPSHEETS, "serve", "--config", str(env.config_path)], child, log) as process:
            names = ("sync_comments/comments", "sync_resource_availability/availability")
            runs = [wait_for(f"{n} served", lambda n=n: scheduled(run_deployment, n), 600, 1) for n in names]
            for run in runs:
                wait_for("the run to finish", lambda r=run: finished(r), 900, 1.0)
            assert process.poll() is None, log.read_text()
        sinks["serve output"] = [log.read_text(encoding="utf-8", errors="replace")]
        states = [finished(run) for run in runs]
    assert all(state and state.is_completed() for state in states), (states, sinks["serve output"])
    yield collect(sinks, [], out / "env")


def scheduled(run_deployment: Any, name: str) -> Any:
    """A run of the served deployment, scheduled now; None while `serve` has not registered it yet."""
    from prefect.exceptions import ObjectNotFound

    try:
        return run_deployment(name, parameters={}, timeout=0)
    except ObjectNotFound:
        return None


def finished(run: Any) -> Any:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        state = client.read_flow_run(run.id).state
    return state if state is not None and state.is_final() else None


@pytest.mark.chaos
@pytest.mark.slow
@pytest.mark.parametrize("form", list(FORMS))
def test_serve_leaks_no_form(serve_outputs: Sinks, form: str) -> None:
    assert serve_outputs["serve output"][0].strip(), "serve printed nothing: the test would prove nothing"
    assert_no_form(serve_outputs, form)


# --- demo: its own stand-ins, here holding the canaries -------------------------------------------------
@pytest.fixture(scope="module")
def demo_outputs(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Sinks:
    out = tmp_path_factory.mktemp("demo")
    sinks: Sinks = defaultdict(list)
    with every_log_record() as records, canary_secrets():
        result = CliRunner().invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    sinks["CLI output"] = [result.output]
    return collect(sinks, records, out)


@pytest.mark.chaos
@pytest.mark.slow
@pytest.mark.parametrize("form", list(FORMS))
def test_demo_leaks_no_form(demo_outputs: Sinks, form: str) -> None:
    assert_no_form(demo_outputs, form)
