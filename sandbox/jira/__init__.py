"""Jira stand-in: Cloud (enhanced search, nextPageToken) and Data Center (startAt) modes.

`start_jira_sandbox(dataset, mode)` serves it on 127.0.0.1; the returned `JiraState` holds the
credentials to use, the caps and field ids in force, one-shot faults and the bytes sent.
The JQL subset it runs is documented in `sandbox.jira.jql`.
"""

from __future__ import annotations

from typing import Any

from sandbox.core import Knobs, RunningService
from sandbox.jira.app import create_app
from sandbox.jira.state import JiraState, Mode

__all__ = ["JiraState", "create_app", "start_jira_sandbox"]


def start_jira_sandbox(
    dataset: dict[str, Any], mode: Mode = "cloud", knobs: Knobs | None = None, **state_options: Any
) -> tuple[RunningService, JiraState]:
    """Serve the dataset's Jira part; `state_options` (email, token, field ids) go to `from_dataset`."""
    state = JiraState.from_dataset(dataset, mode=mode, **state_options)
    return RunningService(create_app(state), knobs=knobs, contract="jira"), state
