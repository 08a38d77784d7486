"""A small hand-shaped Jira dataset (the "jira" part of the demo schema) for tests of either side.

Issue numbers are stable so tests can name them: PLAT-1 carries 45 worklogs, PLAT-2 exactly 20,
APP-1 3; APP-2 has a negative remaining estimate; the "hidden" user has no email (privacy setting).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

USERS: list[dict[str, Any]] = [
    {"accountId": "acc-ana", "displayName": "Ana Lopez", "emailAddress": "ana@example.com"},
    {"accountId": "acc-ben", "displayName": "Ben Okafor", "emailAddress": "ben@example.com"},
    {"accountId": "acc-hidden", "displayName": "Hidden Person", "emailAddress": None},
]
STATUSES = [("To Do", "new"), ("In Progress", "indeterminate"), ("Done", "done")]
WORKLOGS_BY_KEY = {"PLAT-1": 45, "PLAT-2": 20, "APP-1": 3}


def sample_jira_dataset(issues_per_project: int = 30, today: str = "2026-11-26") -> dict[str, Any]:
    """Whole-dataset shape ({"today", "jira"}) so `JiraState.from_dataset` takes it as the demo one."""
    issues = [
        _issue(project, number) for number in range(1, issues_per_project + 1) for project in ("PLAT", "APP")
    ]
    return {
        "today": today,
        "jira": {
            "deployment": "Cloud",
            "hours_per_day": 7.5,
            "projects": [{"key": "PLAT", "name": "Platform"}, {"key": "APP", "name": "Apps"}],
            "users": USERS,
            "sprints": [
                {"id": 1, "name": "PLAT Sprint 42", "state": "active",
                 "startDate": "2026-11-23T08:00:00.000Z", "endDate": "2026-12-04T17:00:00.000Z"},
                {"id": 2, "name": "PLAT Sprint 43", "state": "future",
                 "startDate": "2026-12-07T08:00:00.000Z", "endDate": "2026-12-18T17:00:00.000Z"},
            ],
            "versions": [
                {"id": "10001", "project": "PLAT", "name": "2026.12", "released": False,
                 "releaseDate": "2026-12-15"},
                {"id": "10002", "project": "APP", "name": "2027.1", "released": False, "releaseDate": None},
            ],
            "issues": issues,
        },
    }  # fmt: skip


def _issue(project: str, number: int) -> dict[str, Any]:
    key = f"{project}-{number}"
    status, category = STATUSES[number % 3]
    assignee = None if number % 7 == 0 else USERS[number % 3]["accountId"]
    remaining = -3600 if key == "APP-2" else 3600 * (number % 5) or None
    return {
        "key": key,
        "summary": f"=Work item {key}" if number == 3 else f"Work item {key}",
        "status": status,
        "statusCategory": category,
        "project": project,
        "assignee": assignee,
        "timeoriginalestimate": 3600 * 8 if number % 4 else None,
        "timeestimate": remaining,
        "timespent": 1800 * number,
        "duedate": f"2026-12-{number % 28 + 1:02d}" if number % 2 else None,
        "startdate": "2026-11-30" if number % 3 == 1 else None,
        "sprint_ids": [1, 2] if project == "PLAT" and number % 2 else [],
        "fix_version_ids": ["10001"] if project == "PLAT" else ["10002"],
        "worklogs": _worklogs(key, WORKLOGS_BY_KEY.get(key, 0)),
    }


def _worklogs(key: str, count: int) -> list[dict[str, Any]]:
    project, _, number = key.partition("-")
    base = 100000 + (project == "APP") * 50000 + int(number) * 100
    first = datetime(2026, 10, 1, 9, 0)
    return [
        {
            "id": str(base + n),
            "author": USERS[n % 3]["accountId"],
            "started": (first + timedelta(days=n)).strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            "timeSpentSeconds": 1800 + 60 * n,
        }
        for n in range(count)
    ]
