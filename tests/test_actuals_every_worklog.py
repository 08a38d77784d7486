"""Actuals count every worklog started in the window by a matched person, on any issue in scope —
done, unassigned or open — fetched through the Jira stand-in (Cloud and Data Center) and added up.

Known answers, by hand. Today is Tuesday 2026-12-01; two actuals weeks: W47 (Mon 16 Nov) and W48
(Mon 23 Nov); the window starts Mon 16 Nov 00:00 UTC. Configured projects: PLAT only.

  PLAT-1 open, Ana's    Ana 2 h Tue 17 Nov; Ana 1 h Tue 10 Nov (before the window)
  PLAT-2 done, Ben's    Ben 3 h Tue 24 Nov; Ana 1.5 h Wed 18 Nov
  PLAT-3 open, nobody's Ben 4 h Wed 25 Nov
  PLAT-4 done, Ana's    25 × 0.5 h by Ana on Thu 26 Nov (more than the 20 Jira embeds) = 12.5 h
  PLAT-5 done           Kim 2 h Thu 19 Nov (a Jira user BambooHR does not know: counts for nobody)
  PLAT-6 done           Ana 2 h Sun 15 Nov 23:30 UTC (the evening before the window)
  APP-1  done, Ana's    Ana 5 h Fri 20 Nov (APP is not a configured project)

Ana: W47 2 + 1.5 = 3.5, W48 12.5. Ben: W47 0, W48 3 + 4 = 7. Kim: 2 h unmatched.
Requests beyond discovery: one planning page, one worklog page, one worklog fetch (PLAT-4's 25).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from connectors.jira import JiraConnector
from domain.availability_model import Calendar, Sources, compute_availability
from domain.records import Employee
from flows.availability import fetch_issues_and_worklogs
from flows.clients import worklog_queries
from flows.config import JiraSettings
from sandbox.jira import JiraState, start_jira_sandbox

TODAY = date(2026, 12, 1)
CALENDAR = Calendar.of(TODAY, weeks=1, actuals_weeks=2)
SINCE = datetime(2026, 11, 16, tzinfo=UTC)
W47, W48 = date(2026, 11, 16), date(2026, 11, 23)
USERS = [
    {"accountId": "acc-ana", "displayName": "Ana Lopez", "emailAddress": "ana@org.example"},
    {"accountId": "acc-ben", "displayName": "Ben Okafor", "emailAddress": "ben@org.example"},
    {"accountId": "acc-kim", "displayName": "Kim Agency", "emailAddress": "kim@agency.example"},
]


def _log(n: int, author: str, started: str, hours: float) -> dict[str, Any]:
    return {"id": str(20000 + n), "author": author, "started": started, "timeSpentSeconds": int(hours * 3600)}


def _issue(key: str, category: str, assignee: str | None, logs: list[dict[str, Any]]) -> dict[str, Any]:
    status, remaining = {"done": ("Done", 0), "new": ("To Do", 3600)}[category]
    return {"key": key, "summary": key, "status": status, "statusCategory": category, "project": key[:-2],
            "assignee": assignee, "timeoriginalestimate": 3600, "timeestimate": remaining,
            "timespent": None, "duedate": None, "worklogs": logs}  # fmt: skip


def dataset() -> dict[str, Any]:
    many = [_log(100 + n, "acc-ana", "2026-11-26T09:00:00.000+0000", 0.5) for n in range(25)]
    issues = [
        _issue("PLAT-1", "new", "acc-ana", [_log(1, "acc-ana", "2026-11-17T09:00:00.000+0000", 2),
                                             _log(2, "acc-ana", "2026-11-10T09:00:00.000+0000", 1)]),
        _issue("PLAT-2", "done", "acc-ben", [_log(3, "acc-ben", "2026-11-24T10:00:00.000+0000", 3),
                                              _log(4, "acc-ana", "2026-11-18T10:00:00.000+0000", 1.5)]),
        _issue("PLAT-3", "new", None, [_log(5, "acc-ben", "2026-11-25T10:00:00.000+0000", 4)]),
        _issue("PLAT-4", "done", "acc-ana", many),
        _issue("PLAT-5", "done", None, [_log(6, "acc-kim", "2026-11-19T10:00:00.000+0000", 2)]),
        _issue("PLAT-6", "done", None, [_log(7, "acc-ana", "2026-11-15T23:30:00.000+0000", 2)]),
        _issue("APP-1", "done", "acc-ana", [_log(8, "acc-ana", "2026-11-20T10:00:00.000+0000", 5)]),
    ]  # fmt: skip
    projects = [{"key": "PLAT", "name": "Platform"}, {"key": "APP", "name": "Apps"}]
    jira = {"hours_per_day": 8, "projects": projects, "users": USERS, "sprints": [], "versions": [],
            "issues": issues}  # fmt: skip
    return {"today": TODAY.isoformat(), "jira": jira}


EMPLOYEES = [
    Employee(
        "1", "Ana Lopez", "ana@org.example", "Platform", "DE", "Active", "Full-Time", date(2020, 1, 6), None
    ),
    Employee(
        "2", "Ben Okafor", "ben@org.example", "Platform", "DE", "Active", "Full-Time", date(2020, 1, 6), None
    ),
]


@pytest.fixture(params=["cloud", "datacenter"])
def jira(request: pytest.FixtureRequest) -> Iterator[tuple[Any, JiraState]]:
    service, state = start_jira_sandbox(dataset(), request.param)
    with service:
        yield service, state


def connector(service: Any, state: JiraState) -> JiraConnector:
    if state.mode == "cloud":
        return JiraConnector(service.url, email=state.email, api_token=state.token)
    return JiraConnector(service.url, pat=state.token)


def test_every_worklog_in_scope_counts_whatever_the_issue_status_or_assignee(jira: tuple) -> None:
    service, state = jira
    settings = JiraSettings(url=service.url, projects=["PLAT"])
    found = fetch_issues_and_worklogs(connector(service, state), settings, SINCE)
    assert [i.key for i in found.issues] == ["PLAT-1"]  # only open, assigned work is planned
    model = compute_availability(Sources(found.issues, [], 8.0, EMPLOYEES, worklogs=found.worklogs), CALENDAR)
    ana, ben = (next(p.key for p in model.people if p.name == name) for name in ("Ana Lopez", "Ben Okafor"))
    assert model.actuals.hours[ana] == {W47: 3.5, W48: 12.5}
    assert model.actuals.hours[ben] == {W47: 0.0, W48: 7.0}
    kim = "acc-kim" if state.mode == "cloud" else "kim"  # Data Center names a user by username
    assert model.actuals.unmatched == {kim: 2.0}
    searches = [e for e in service.log.entries if "/search" in e.path]
    worklog_fetches = [e.path for e in service.log.entries if e.path.endswith("/worklog")]
    assert len(searches) == 2 and worklog_fetches == [
        f"/rest/api/{2 if state.mode != 'cloud' else 3}/issue/PLAT-4/worklog"
    ]


def test_worklog_queries_add_to_the_planning_queries_without_overlap() -> None:
    since = date(2026, 11, 16)
    by_projects = worklog_queries(JiraSettings(url="https://x", projects=["PLAT", "APP"]), since)
    assert by_projects == [
        'project in (PLAT, APP) AND worklogDate >= "2026-11-15" AND '
        "(statusCategory = Done OR assignee is EMPTY) ORDER BY key"
    ]
    custom = JiraSettings(
        url="https://x", jql="project = PLAT AND labels = x", actuals_jql="project = PLAT ORDER BY key"
    )
    assert worklog_queries(custom, since) == ['(project = PLAT) AND worklogDate >= "2026-11-15" ORDER BY key']
    only_jql = JiraSettings(url="https://x", jql="filter = 10001")
    assert worklog_queries(only_jql, since) == []  # the scope is not known before the issues are
    assert worklog_queries(only_jql, since, ["PLAT", "APP", "PLAT"]) == [
        'project in (APP, PLAT) AND worklogDate >= "2026-11-15" ORDER BY key'
    ]
