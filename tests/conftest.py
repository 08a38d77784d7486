"""Shared fixtures.

Tests that need Prefect share one `prefect_test_harness` for the whole session, with the flow
heartbeat and server analytics off; pure-logic tests never touch Prefect.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

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


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with (
        temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
        prefect_test_harness(server_startup_timeout=600)  # a ceiling, for a loaded machine,
    ):
        yield
