"""What a page of raw Jira issues holds: pure helpers of the Jira connector.

The page loops themselves are `connectors.paging`'s. A truncated issue's worklogs are fetched as
soon as its page arrives (`WorklogFetches`), beside the search chains.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from typing import Any

from connectors.jira_parse import parse_worklog, worklogs_truncated
from domain.records import JiraIssue, Worklog

SYSTEM = "Jira"


class WorklogFetches:
    """One worklog fetch per truncated issue, started from any chain's thread, each key once."""

    def __init__(self, pool: ThreadPoolExecutor, fetch: Callable[[str], list[Worklog]]) -> None:
        self._pool, self._fetch = pool, fetch
        self._futures: dict[str, Future[list[Worklog]]] = {}
        self._lock = threading.Lock()

    def start_for(self, page: list[dict[str, Any]]) -> None:
        for raw in page:
            if worklogs_truncated(raw):
                with self._lock:
                    if raw["key"] not in self._futures:
                        self._futures[raw["key"]] = self._pool.submit(self._fetch, raw["key"])

    def results(self) -> dict[str, list[Worklog]]:
        return {key: future.result() for key, future in self._futures.items()}


def unique_by_key(issues: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Chains may overlap (e.g. partitions of a query that are not disjoint); keep the first copy."""
    seen: dict[str, dict[str, Any]] = {}
    for issue in issues:
        seen.setdefault(issue["key"], issue)
    return list(seen.values())


def raw_users(raw: Mapping[str, Any]) -> list[Mapping[str, Any] | None]:
    fields = raw.get("fields") or {}
    worklogs = (fields.get("worklog") or {}).get("worklogs", [])
    return [fields.get("assignee"), *(w.get("author") for w in worklogs)]


def raw_worklogs(
    raw: Mapping[str, Any], fetched: list[Worklog] | None, since: datetime | None
) -> list[Worklog]:
    """An issue's worklogs: all of them when fetched, else the embedded ones; started since `since`."""
    if fetched is None:
        embedded = ((raw.get("fields") or {}).get("worklog") or {}).get("worklogs", [])
        fetched = [parse_worklog(w, str(raw["key"])) for w in embedded]
    return [w for w in fetched if since is None or w.started >= since]


def within(issue: JiraIssue, since: datetime | None) -> JiraIssue:
    if since is None:
        return issue
    return replace(issue, worklogs=tuple(w for w in issue.worklogs if w.started >= since))
