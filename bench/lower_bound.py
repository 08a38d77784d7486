"""The fewest requests each flow could make, computed from the dataset alone (never from a run).

Jira: the discovery calls (serverInfo, field ids, hours per day), the search pages at the server's
page cap — the planned (open, assigned) issues, then the other issues with work started in the actuals
window (done or unassigned, asked with JQL `worklogDate`; at least one page, since the flow must ask to
know there are none) — and one worklog fetch chain per found issue whose embedded worklogs were truncated.
BambooHR: one call per endpoint the flow needs (none of them pages).
Sheets: per spreadsheet one read (`spreadsheets.get` can return metadata and values together) and, when
anything changed, one write (a `spreadsheets:batchUpdate` can add tabs, lay them out and carry the cells);
the ledger is one read of its tab. A rerun with unchanged sources needs the reads only.
The longest sequential chain is the dependency chain the flow cannot parallelise away.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sandbox.jira.state import JiraState

DISCOVERY = 3  # serverInfo, /field (custom field ids), /configuration (hours per day)
AVAILABILITY_BAMBOOHR = 3  # employees report, approved time off, who's out (company holidays)
BUDGETS_BAMBOOHR = 3  # employees report, job history, employment status history
ACTUALS_WEEKS = 8  # the config default the benchmark runs with
LEDGER_READS = 1  # one values get of the ledger tab


@dataclass(frozen=True)
class JiraBound:
    matched_issues: int
    logged_issues: int  # not planned, but with work started in the actuals window
    search_pages: int
    truncated_issues: int
    worklog_requests: int
    longest_partition_pages: int  # the largest project's planning pages, or the worklog query's pages

    @property
    def requests(self) -> int:
        return DISCOVERY + self.search_pages + self.worklog_requests


@dataclass(frozen=True)
class FlowBound:
    """Lower bounds of one flow: requests per system for a first and an unchanged rerun."""

    jira: int
    bamboohr: int
    sheets_first: int
    sheets_rerun: int
    sheets_first_writes: int
    chain_first: int  # requests on the longest dependency chain of a first run
    chain_rerun: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def open_assigned(issue: dict[str, Any]) -> bool:
    """What the flow's default JQL matches: assigned and not in the Done category."""
    return issue.get("assignee") is not None and issue.get("statusCategory") != "done"


def actuals_start(today: date, weeks: int = ACTUALS_WEEKS) -> datetime:
    monday = today - timedelta(days=today.weekday())
    return datetime.combine(monday - timedelta(weeks=weeks), time())


def jira_bound(dataset: dict[str, Any], caps: JiraState | None = None) -> JiraBound:
    caps = caps or JiraState.from_dataset(dataset)
    today = date.fromisoformat(dataset["today"])
    since = actuals_start(today)
    started_since = since.strftime("%Y-%m-%dT%H:%M:%S")
    asked_from = (since - timedelta(days=1)).strftime("%Y-%m-%d")  # worklogDate: a day early, see clients
    matched = [i for i in dataset["jira"]["issues"] if open_assigned(i)]
    logged = [
        i
        for i in dataset["jira"]["issues"]
        if not open_assigned(i) and any(w["started"][:10] >= asked_from for w in i.get("worklogs", []))
    ]
    truncated = [i for i in [*matched, *logged] if len(i.get("worklogs", [])) > caps.embedded_worklog_cap]
    worklog_requests = sum(
        max(1, math.ceil(sum(w["started"] >= started_since for w in i["worklogs"]) / caps.worklog_page_cap))
        for i in truncated
    )
    per_project = Counter(i["project"] for i in matched)
    logged_pages = max(1, math.ceil(len(logged) / caps.cloud_page_cap))
    return JiraBound(
        matched_issues=len(matched),
        logged_issues=len(logged),
        search_pages=max(1, math.ceil(len(matched) / caps.cloud_page_cap)) + logged_pages,
        truncated_issues=len(truncated),
        worklog_requests=worklog_requests,
        longest_partition_pages=max(
            [logged_pages, *(math.ceil(n / caps.cloud_page_cap) for n in per_project.values())]
        ),
    )


def availability_bound(dataset: dict[str, Any]) -> FlowBound:
    jira = jira_bound(dataset)
    # chain: sheet read → serverInfo → field → the longest page chain (the largest project's planning
    # pages, or the worklog query's) → one worklog fetch → time off (its range needs the issues) → write.
    jira_chain = 2 + jira.longest_partition_pages + (1 if jira.truncated_issues else 0)
    return FlowBound(
        jira=jira.requests,
        bamboohr=AVAILABILITY_BAMBOOHR,
        sheets_first=2,  # one read, one write
        sheets_rerun=1,  # one read
        sheets_first_writes=1,
        chain_first=1 + jira_chain + 1 + 1,
        chain_rerun=1 + jira_chain + 1,
    )


def budgets_bound(dataset: dict[str, Any]) -> FlowBound:
    spreadsheets = len(dataset["teams"]) + 1  # every team's, and the overview
    return FlowBound(
        jira=0,
        bamboohr=BUDGETS_BAMBOOHR,
        sheets_first=LEDGER_READS + 2 * spreadsheets,
        sheets_rerun=LEDGER_READS + spreadsheets,
        sheets_first_writes=spreadsheets,
        # chain: the ledger read (BambooHR in parallel) → one spreadsheet's read → its write
        chain_first=LEDGER_READS + 2,
        chain_rerun=LEDGER_READS + 1,
    )


def quota_floor_s(requests: int, limit: int = 60, window_s: float = 60.0) -> float:
    """The earliest the last of `requests` can be admitted by a sliding per-minute quota."""
    return window_s * ((requests - 1) // limit) if requests > 0 else 0.0
