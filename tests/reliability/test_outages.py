"""Outages: a source down for the whole run fails the flow with a message naming the system and the
last status, before any sheet is touched; one team's spreadsheet refusing writes leaves every other
team's written, is reported, and the next run (access restored) completes it.

The flows' task-level retries wait 10-30 s between tries in production; here the same number of
tries runs without the wait (`with_options`), so an outage is proven in seconds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

import flows.availability as availability
import flows.budgets as budgets
from connectors.errors import RetriesExhaustedError
from flows.budgets import BudgetSyncFailed
from flows.sandbox_env import SandboxEnvironment, sandbox_environment
from sandbox.core import Knobs
from tests.reliability.scenario import Dump, dump_google, record_figures, run_flow, small_dataset

pytestmark = pytest.mark.usefixtures("prefect_harness")

HTTP = {"max_attempts": 3, "backoff_base_s": 0.05, "backoff_cap_s": 0.1}
NAMES = {"jira": "Jira", "bamboohr": "BambooHR"}
READ_TASKS = {
    availability: ("read_people_overrides", "fetch_jira", "fetch_employees", "fetch_time_off"),
    budgets: ("fetch_people", "read_ledger"),
}


@pytest.fixture(autouse=True)
def no_wait_between_task_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    for module, names in READ_TASKS.items():
        for name in names:
            monkeypatch.setattr(module, name, getattr(module, name).with_options(retry_delay_seconds=0))


def workbook_bytes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*.xlsx")
    }


@pytest.mark.parametrize(
    ("flow", "api"), [("availability", "jira"), ("availability", "bamboohr"), ("budgets", "bamboohr")]
)
def test_source_answering_503_all_run_fails_naming_it_and_touches_no_sheet(
    flow: str, api: str, tmp_path: Path
) -> None:
    down = {api: Knobs(fault_rates={"503": 1.0}, retry_after_s=0)}
    with sandbox_environment(
        small_dataset(), tmp_path, sheets="google", knobs=down, config_overrides={"http": HTTP}
    ) as env:
        assert env.sheets is not None
        before = env.sheets.snapshot()
        outcome = run_flow(flow, env.config_path)
        assert isinstance(outcome.error, RetriesExhaustedError), outcome.error
        assert str(outcome.error).startswith(
            f"{NAMES[api]}: gave up after 3 attempts; last: 503 Service Unavailable"
        )
        assert env.sheets.snapshot() == before
        tries = len(env.services[api].log.entries)
    record_figures(
        "outage",
        {
            "flow": flow,
            "source": api,
            "kind": "503 all run",
            "requests_refused": tries,
            "message": str(outcome.error),
            "sheets_untouched": True,
        },
    )


@pytest.mark.parametrize(("flow", "api"), [("availability", "jira"), ("budgets", "bamboohr")])
def test_source_stopped_fails_naming_it_and_writes_no_workbook(flow: str, api: str, tmp_path: Path) -> None:
    with sandbox_environment(small_dataset(), tmp_path, config_overrides={"http": HTTP}) as env:
        before = workbook_bytes(tmp_path)
        env.services[api].stop()
        outcome = run_flow(flow, env.config_path)
        assert isinstance(outcome.error, RetriesExhaustedError), outcome.error
        message = str(outcome.error)
        refused = f"connection to 127.0.0.1:{env.services[api].port} refused"
        assert message.startswith(f"{NAMES[api]}: gave up after 3 attempts; last: {refused}"), message
        assert workbook_bytes(tmp_path) == before
    record_figures(
        "outage",
        {
            "flow": flow,
            "source": api,
            "kind": "service stopped",
            "message": message,
            "sheets_untouched": True,
        },
    )


def team_sheets(dump: Dump, env: SandboxEnvironment) -> dict[str, Dump]:
    return {key: dump[key] for key in env.team_keys.values()}


@pytest.fixture
def budgets_env(tmp_path: Path) -> Iterator[SandboxEnvironment]:
    with sandbox_environment(
        small_dataset(), tmp_path, sheets="google", config_overrides={"http": HTTP}
    ) as env:
        yield env


def clean_budgets(tmp_path: Path, more_spend: bool = False) -> Dump:
    """What runs with every spreadsheet reachable write (before and after more spend is booked)."""
    with sandbox_environment(small_dataset(), tmp_path / "clean", sheets="google") as env:
        assert run_flow("budgets", env.config_path).error is None and env.sheets is not None
        if more_spend:
            add_spend_for_every_team(env)
            assert run_flow("budgets", env.config_path).error is None
        return dump_google(env.sheets)


def test_team_spreadsheet_not_shared_fails_alone_and_next_run_completes_it(
    budgets_env: SandboxEnvironment, tmp_path: Path
) -> None:
    env, expected = budgets_env, clean_budgets(tmp_path)
    assert env.sheets is not None
    team, key = sorted(env.team_keys.items())[0]
    env.sheets.deny(key)
    untouched = env.sheets.snapshot()[key]

    failed = run_flow("budgets", env.config_path)
    assert isinstance(failed.error, BudgetSyncFailed), failed.error
    message = str(failed.error)
    assert message.startswith("1 of ")
    assert f"Budget {team} (spreadsheet '{key}')" in message and "access denied" in message
    after = dump_google(env.sheets)
    assert env.sheets.spreadsheets[key] == untouched
    assert {k: v for k, v in after.items() if k != key} == {k: v for k, v in expected.items() if k != key}

    env.sheets.denied.discard(key)
    assert run_flow("budgets", env.config_path).error is None
    assert dump_google(env.sheets) == expected
    record_figures(
        "outage",
        {
            "flow": "budgets",
            "source": f"sheet {key}",
            "kind": "403 not shared",
            "message": message,
            "others_written": True,
            "next_run_completed": True,
        },
    )


def test_renamed_owned_header_blocks_that_team_only_and_next_run_completes_it(
    budgets_env: SandboxEnvironment, tmp_path: Path
) -> None:
    env, expected = budgets_env, clean_budgets(tmp_path, more_spend=True)
    assert env.sheets is not None and run_flow("budgets", env.config_path).error is None
    team, key = sorted(env.team_keys.items())[-1]
    header = env.sheets.grid(key, "Budget")[0]
    column = header.index("Spent")
    cell = f"Budget!{chr(ord('A') + column)}1"
    env.sheets.edit(key, cell, [["Spent so far"]])  # a human renames an owned header
    add_spend_for_every_team(env)
    blocked = env.sheets.snapshot()[key]

    failed = run_flow("budgets", env.config_path)
    assert isinstance(failed.error, BudgetSyncFailed), failed.error
    message = str(failed.error)
    assert f"Budget {team} (spreadsheet '{key}')" in message and "'Spent'" in message
    assert env.sheets.spreadsheets[key] == blocked
    others = [k for k in env.team_keys.values() if k != key]
    written = dump_google(env.sheets)
    assert all(written[k] == expected[k] for k in others), "the other teams were not brought up to date"

    env.sheets.edit(key, cell, [["Spent"]])  # the human puts the header back
    assert run_flow("budgets", env.config_path).error is None
    assert dump_google(env.sheets) == expected
    record_figures(
        "outage",
        {
            "flow": "budgets",
            "source": f"sheet {key}",
            "kind": "renamed owned header",
            "message": message,
            "others_written": True,
            "next_run_completed": True,
        },
    )


def add_spend_for_every_team(env: SandboxEnvironment) -> None:
    """PeopleOps books one more spend row per team in the ledger."""
    assert env.sheets is not None
    rows = len(env.sheets.grid("budgets-ledger", "Ledger"))
    new = [["2026-11-20", team, "12.5", "EUR", "Coffee"] for team in sorted(env.team_keys)]
    env.sheets.edit("budgets-ledger", f"Ledger!A{rows + 1}:E{rows + len(new)}", new)
