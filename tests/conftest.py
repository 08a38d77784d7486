"""Shared fixtures.

Tests that need Prefect share one `prefect_test_harness` for the whole session, with the flow
heartbeat and server analytics off; pure-logic tests never touch Prefect.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from flows.sandbox_env import SandboxEnvironment

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# Every stand-in checks each exchange against the published API contract (sandbox/contracts).
os.environ.setdefault("OPSHEETS_SANDBOX_CONTRACTS", "strict")


@pytest.fixture(autouse=True)
def api_contracts() -> Iterator[None]:
    """Fails the test during which a stand-in saw a request or gave an answer its contract forbids."""
    from sandbox.contracts.model import RECORDER

    yield  # what a module fixture's set-up caused is reported with the first test that used it
    found = RECORDER.take()
    if found:
        pytest.fail("API contract violated:\n" + "\n".join(f"  {v}" for v in found[:20]), pytrace=False)


@pytest.fixture(autouse=True)
def secrets_stay_with_their_test() -> Iterator[None]:
    """Each test masks what it registers only while it runs: a test that gives a connector a word for
    a token ("token", "right") would otherwise mask that word in every later test's messages, and which
    tests fail would depend on their order."""
    from connectors.redaction import secrets_scope

    with secrets_scope():
        yield


DEMO_TODAY = date(2026, 11, 25)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with (
        temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
        prefect_test_harness(server_startup_timeout=600),  # a ceiling, for a loaded machine,
    ):
        yield


@pytest.fixture(scope="session")
def demo_dataset() -> dict[str, Any]:
    """The demo organisation as of DEMO_TODAY (generated once: it is never modified)."""
    from sandbox.demo_org import generate

    return generate(today=DEMO_TODAY)


@pytest.fixture
def demo_sandbox(demo_dataset: dict[str, Any], tmp_path: Path) -> Iterator[SandboxEnvironment]:
    """The stand-ins serving the demo organisation, local workbooks under tmp_path/out."""
    from flows.sandbox_env import sandbox_environment

    with sandbox_environment(demo_dataset, tmp_path / "out") as env:
        yield env


@pytest.fixture
def prefect_logging() -> None:
    """Importing prefect.main sets up Prefect's console log handler, bound to the stderr of that moment:
    do it outside any CliRunner invocation, whose stream is closed when the invocation ends."""
    import prefect.main  # noqa: F401
