"""What the comment bridge's end-to-end tests share: a small support dataset, the stand-ins seeded
with it, and no real waiting between retries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

import connectors.http as http
from flows.sandbox_env import SandboxEnvironment, sandbox_environment
from sandbox.demo_org import generate

TODAY = date(2026, 11, 26)
DATASET = generate(people=10, teams=2, issues=40, ledger_rows=0, conversations=9, today=TODAY)


# Registered under the names the tests use; a module imports the functions to have them.
@pytest.fixture(name="no_waiting", autouse=True)
def no_waiting_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "sleep", lambda seconds: None)


@pytest.fixture(name="env")
def env_fixture(tmp_path: Path) -> Iterator[SandboxEnvironment]:
    with sandbox_environment(DATASET, tmp_path) as environment:
        yield environment
