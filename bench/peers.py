"""The strategies peers use, run against the same stand-ins in the same benchmark run.

- Airbyte's Jira source: the worklogs of every issue, one request per issue, one after another.
- A typical script: clear each tab and rewrite it with gspread-dataframe's `set_with_dataframe`.
- The `jira` package's default `search_issues(jql, maxResults=False)`: every field of every issue.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import gspread
import pandas as pd
import requests
from google.oauth2.credentials import Credentials
from gspread_dataframe import set_with_dataframe
from jira import JIRA
from jira.exceptions import JIRAError

from connectors.http import RetryPolicy, mount_policy
from connectors.jira import open_assigned_jql
from flows.sandbox_env import JIRA_EMAIL, SANDBOX_SECRETS, SandboxEnvironment

HUMAN_COLUMN = "Reviewer (typed by a human)"
HUMAN_VALUE = "Ana checked this"
MEMORY_TAB = "_opsheets"


def airbyte_worklogs(env: SandboxEnvironment, sample: int) -> dict[str, Any]:
    """One GET per issue in the configured projects (done or open: Actuals count both), sequential.
    `sample` requests are timed; the rest are extrapolated."""
    keys = [i["key"] for i in env.dataset["jira"]["issues"]]
    session = requests.Session()
    session.auth = (JIRA_EMAIL, SANDBOX_SECRETS["JIRA_API_TOKEN"])
    url = env.services["jira"].url + "/rest/api/3/issue/{key}/worklog"
    timings = []
    for key in keys[:sample]:
        start = time.perf_counter()
        session.get(url.format(key=key), params={"maxResults": 5000}).raise_for_status()
        timings.append(time.perf_counter() - start)
    session.close()
    per_request = statistics.fmean(timings) if timings else 0.0
    return {
        "requests": len(keys),  # one per issue: none of them holds more than one worklog page
        "measured_requests": len(timings),
        "seconds_per_request": round(per_request, 4),
        "wall_s_extrapolated": round(per_request * len(keys), 1),
    }


def jira_package_search(env: SandboxEnvironment) -> dict[str, Any]:
    """`jira.JIRA(...).search_issues(jql, maxResults=False)`: GET pages of `*all` fields, 100 a page."""
    url = env.services["jira"].url
    auth = (JIRA_EMAIL, SANDBOX_SECRETS["JIRA_API_TOKEN"])
    projects = [p["key"] for p in env.dataset["jira"]["projects"]]
    jql = open_assigned_jql(projects)
    without_info = JIRA(server=url, basic_auth=auth, get_server_info=False)
    try:
        without_info.search_issues(jql, maxResults=1)
        old_search = "answered"
    except JIRAError as refused:  # it calls the old /search, which Cloud answers 410 Gone
        old_search = f"{refused.status_code} from /rest/api/2/search"
    before_total, before = env.jira.bytes_sent, dict(env.jira.bytes_by_route)
    start = time.perf_counter()
    client = JIRA(server=url, basic_auth=auth)  # the package's default: serverInfo first
    issues = client.search_issues(jql, maxResults=False)
    wall = time.perf_counter() - start
    search_bytes = sum(n - before.get(r, 0) for r, n in env.jira.bytes_by_route.items() if "/search" in r)
    return {
        "issues": len(issues),
        "bytes": env.jira.bytes_sent - before_total,
        "search_bytes": search_bytes,
        "wall_s": round(wall, 2),
        "without_server_info": old_search,
    }


def sheets_client(label: str, env: SandboxEnvironment) -> gspread.Client:
    client = gspread.Client(Credentials(token=f"bench-peer-{label}"))
    rewrite = {"https://sheets.googleapis.com": env.services["sheets"].url}
    mount_policy(client.http_client.session, "Google Sheets", RetryPolicy(max_attempts=8), rewrite)
    return client


def frames(env: SandboxEnvironment, spreadsheet_id: str) -> dict[str, pd.DataFrame]:
    """What opsheets wrote, as the DataFrames a script would have computed."""
    assert env.sheets is not None
    result = {}
    for tab in env.sheets.tabs(spreadsheet_id):
        grid = env.sheets.grid(spreadsheet_id, tab)
        if tab == MEMORY_TAB or not grid:
            continue
        width = max(len(row) for row in grid)
        rows = [row + [""] * (width - len(row)) for row in grid]
        frame = pd.DataFrame(rows[1:], columns=[str(c) for c in rows[0]])
        result[tab] = frame.drop(columns=[HUMAN_COLUMN], errors="ignore")  # the script never had it
    return result


def rewrite_tabs(client: gspread.Client, spreadsheet_id: str, data: dict[str, pd.DataFrame]) -> int:
    """The typical script: for each tab, clear it and write the frame; returns the cells written."""
    book = client.open_by_key(spreadsheet_id)
    existing = {ws.title: ws for ws in book.worksheets()}
    cells = 0
    for tab, frame in data.items():
        sheet = existing.get(tab) or book.add_worksheet(tab, rows=len(frame) + 1, cols=len(frame.columns))
        sheet.clear()
        set_with_dataframe(sheet, frame, resize=True)
        cells += (len(frame) + 1) * len(frame.columns)
    return cells


def gspread_dataframe_rewrite(env: SandboxEnvironment, source_id: str, human_tab: str) -> dict[str, Any]:
    """Two runs of the clear-and-rewrite script over a copy of `source_id`; between them a human adds
    a column on `human_tab`. Requests counted in the Sheets stand-in's log for the copy only."""
    assert env.sheets is not None
    data = frames(env, source_id)
    copy_id = env.sheets.create_spreadsheet(f"peer copy of {source_id}", spreadsheet_id=f"peer-{source_id}")
    runs = []
    for run in ("first", "rerun"):
        if run == "rerun":
            add_human_column(env, copy_id, human_tab)
        before = len(env.services["sheets"].log.entries)
        start = time.perf_counter()
        cells = rewrite_tabs(sheets_client(f"{source_id}-{run}", env), copy_id, data)
        wall = time.perf_counter() - start
        entries = [e for e in env.services["sheets"].log.entries[before:] if copy_id in e.path]
        writes = sum(1 for e in entries if e.method != "GET")
        runs.append({"run": run, "requests": len(entries), "writes": writes, "cells_written": cells,
                     "wall_s": round(wall, 2)})  # fmt: skip
    return {
        "tabs": len(data),
        "first": runs[0],
        "rerun": runs[1],
        "human_column": "kept" if human_column_kept(env, copy_id, human_tab) else "lost",
    }


def add_human_column(env: SandboxEnvironment, spreadsheet_id: str, tab: str) -> None:
    """A person adds a column right of the data and types into its first data row."""
    assert env.sheets is not None
    width = max(len(row) for row in env.sheets.grid(spreadsheet_id, tab))
    with env.sheets.lock:  # the grid may end at the data (a resized tab): the person adds a column first
        grid = env.sheets.sheet(spreadsheet_id, tab).grid
        grid["columnCount"] = max(int(grid.get("columnCount", 0)), width + 1)
    column = column_letter(width + 1)
    env.sheets.edit(spreadsheet_id, f"'{tab}'!{column}1:{column}2", [[HUMAN_COLUMN], [HUMAN_VALUE]])


def human_column_kept(env: SandboxEnvironment, spreadsheet_id: str, tab: str) -> bool:
    assert env.sheets is not None
    grid = env.sheets.grid(spreadsheet_id, tab)
    return any(HUMAN_COLUMN in row for row in grid[:1]) and any(HUMAN_VALUE in row for row in grid)


def column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
