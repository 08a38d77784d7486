"""The Jira half of the demo organisation: projects, users, sprints, versions, issues, worklogs."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

_VERBS = ("Fix", "Add", "Refactor", "Migrate", "Speed up", "Document", "Remove", "Harden", "Split", "Retry")
_OBJECTS = (
    "login flow", "invoice export", "search ranking", "push notifications", "rate limiter", "CSV import",
    "audit log", "feature flags", "checkout page", "webhook delivery", "cache layer", "SSO settings",
    "monthly report", "onboarding email", "API pagination", "dark mode", "error budget alerts",
)  # fmt: skip
_ESTIMATE_HOURS = (2, 4, 6, 8, 12, 16, 24, 32, 40)
_MINUTES = (0, 15, 30, 45)
_WORKLOG_SECONDS = (1800, 3600, 5400, 7200, 10800, 14400)
_CATEGORY = {"To Do": "new", "In Progress": "indeterminate", "Done": "done"}
HOURS_PER_DAY = 8
# The first issues (all in the first project) pin shapes every flow must handle.
_PINNED: tuple[Callable[[date], dict[str, Any]], ...] = (
    lambda today: {"duedate": (today - timedelta(days=10)).isoformat()},  # overdue
    lambda today: {"duedate": None, "sprint_ids": [], "fix_version_ids": [], "startdate": None},  # no end
    lambda today: {"timeoriginalestimate": None, "timeestimate": None},  # unestimated
    lambda today: {"timeoriginalestimate": None, "timeestimate": None},  # unestimated
    lambda today: {"summary": "=SUM(A1:A9) shows as a formula in the export"},  # must stay text in a sheet
)


def generate_jira(
    rng: random.Random,
    teams: list[str],
    employees: list[dict],
    today: date,
    issues: int,
    worklog_issues: int,
    heavy: int,
) -> dict[str, Any]:
    projects = _projects(teams)
    users, account_by_employee = _users(rng, employees)
    members = _active_members(employees, account_by_employee, teams)
    sprints = _sprints(projects, today)
    versions = _versions(projects, today)
    issue_list = _issues(rng, projects, members, users[-1]["accountId"], sprints, versions, today, issues)
    _add_worklogs(rng, issue_list, members, projects, today, worklog_issues, heavy)
    return {
        "deployment": "Cloud",
        "hours_per_day": HOURS_PER_DAY,
        "projects": projects,
        "users": users,
        "sprints": sprints,
        "versions": versions,
        "issues": issue_list,
    }


def _projects(teams: list[str]) -> list[dict[str, str]]:
    projects, used = [], set()
    for team in teams:
        letters = re.sub(r"[^A-Z]", "", team.upper())[:4] or "PRJ"
        key, n = letters, 2
        while key in used:
            key, n = f"{letters}{n}", n + 1
        used.add(key)
        projects.append({"key": key, "name": team})
    return projects


def _account_id(rng: random.Random) -> str:
    return f"5b10{rng.getrandbits(80):020x}"


def _users(rng: random.Random, employees: list[dict]) -> tuple[list[dict], dict[str, str]]:
    """One Jira user per employee (some hide their email) plus one with no BambooHR record."""
    users: list[dict[str, Any]] = []
    account_by_employee: dict[str, str] = {}
    for person in employees:
        account = _account_id(rng)
        account_by_employee[person["id"]] = account
        hidden = rng.random() < 0.15
        users.append(
            {
                "accountId": account,
                "displayName": f"{person['firstName']} {person['lastName']}",
                "emailAddress": None if hidden else person["workEmail"],
            }
        )
    orphan = {"accountId": _account_id(rng), "displayName": "Kim Agency (freelance)",
              "emailAddress": "kim@design-agency.example"}  # fmt: skip
    users.append(orphan)
    return users, account_by_employee


def _active_members(employees: list[dict], account_by_employee: dict[str, str], teams: list[str]) -> dict:
    members: dict[str, list[str]] = {team: [] for team in teams}
    for person in employees:
        if person["status"] == "Active":
            members[person["department"]].append(account_by_employee[person["id"]])
    return members


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T09:00:00.000Z"


def _sprints(projects: list[dict], today: date) -> list[dict]:
    """Two-week sprints per project: one closed, the active one around today, two future."""
    monday = today - timedelta(days=today.weekday())
    active_start = monday - timedelta(days=7 * (today.isocalendar().week % 2))
    sprints: list[dict[str, Any]] = []
    for p_index, project in enumerate(projects):
        for offset, state in ((-1, "closed"), (0, "active"), (1, "future"), (2, "future")):
            start = active_start + timedelta(days=14 * offset)
            sprints.append(
                {
                    "id": len(sprints) + 1,
                    "name": f"{project['key']} Sprint {40 + p_index % 7 + offset}",
                    "state": state,
                    "startDate": _stamp(start),
                    "endDate": _stamp(start + timedelta(days=11)),
                    "project": project["key"],
                }
            )
    return sprints


def _versions(projects: list[dict], today: date) -> list[dict]:
    """Per project: a released version, the next one with a date, a later one without."""
    versions: list[dict[str, Any]] = []
    next_release = today + timedelta(days=42 - today.weekday())
    for project in projects:
        for name, released, release_date in (
            (f"{today.year}.{today.month}", True, today - timedelta(days=20)),
            (f"{today.year}.{today.month}.1", False, next_release),
            (f"{today.year + 1}.1", False, None),
        ):
            versions.append(
                {
                    "id": str(10001 + len(versions)),
                    "project": project["key"],
                    "name": name,
                    "released": released,
                    "releaseDate": release_date.isoformat() if release_date else None,
                }
            )
    return versions


def _issues(
    rng: random.Random,
    projects: list[dict],
    members: dict[str, list[str]],
    orphan: str,
    sprints: list[dict],
    versions: list[dict],
    today: date,
    count: int,
) -> list[dict]:
    numbers = {p["key"]: 0 for p in projects}
    result = []
    for i in range(count):
        p_index = 0 if i < len(_PINNED) else rng.randrange(len(projects))
        project = projects[p_index]
        numbers[project["key"]] += 1
        issue = _issue(rng, project, numbers[project["key"]], members[project["name"]], orphan, today)
        if i < len(_PINNED):  # pinned shapes are open, assigned work in the first project
            issue.update(status="To Do", statusCategory="new", timeestimate=issue["timeoriginalestimate"])
            issue["assignee"] = issue["assignee"] or next(iter(members[project["name"]]), None)
        _plan(rng, issue, sprints, versions, today, p_index)
        if i < len(_PINNED):
            issue.update(_PINNED[i](today))
        result.append(issue)
    return result


def _issue(rng: random.Random, project: dict, number: int, team: list[str], orphan: str, today: date) -> dict:
    roll = rng.random()
    status = "To Do" if roll < 0.65 else "In Progress" if roll < 0.85 else "Done"
    assignee = rng.choice(team) if team else None
    who = rng.random()
    if who < 0.08:
        assignee = None
    elif who < 0.09:
        assignee = orphan
    original = rng.choice(_ESTIMATE_HOURS) * 3600
    return {
        "key": f"{project['key']}-{number}",
        "summary": f"{rng.choice(_VERBS)} {rng.choice(_OBJECTS)}",
        "status": status,
        "statusCategory": _CATEGORY[status],
        "project": project["key"],
        "assignee": assignee,
        "timeoriginalestimate": original,
        "timeestimate": 0 if status == "Done" else original,
        "timespent": None,
        "duedate": None,
        "startdate": None,
        "sprint_ids": [],
        "fix_version_ids": [],
        "worklogs": [],
    }


def _plan(
    rng: random.Random, issue: dict, sprints: list[dict], versions: list[dict], today: date, p: int
) -> None:
    """Sprints, due date, start date and fix versions, as teams really leave them: partly filled."""
    closed, active, future = sprints[4 * p]["id"], sprints[4 * p + 1]["id"], sprints[4 * p + 2]["id"]
    released, upcoming, undated = (v["id"] for v in versions[3 * p : 3 * p + 3])
    roll = rng.random()
    if issue["status"] == "Done":
        issue["sprint_ids"] = [closed] if roll < 0.5 else [active]
        issue["fix_version_ids"] = [released]
        return
    if issue["status"] == "In Progress":
        issue["sprint_ids"] = [closed, active] if roll < 0.1 else [active]
    else:
        issue["sprint_ids"] = [active] if roll < 0.5 else [future] if roll < 0.7 else []
    if rng.random() < 0.25:
        overdue = rng.random() < 0.2
        offset = -rng.randrange(1, 21) if overdue else rng.randrange(3, 70)
        issue["duedate"] = (today + timedelta(days=offset)).isoformat()
    if issue["status"] == "To Do" and rng.random() < 0.1:
        issue["startdate"] = (today + timedelta(days=rng.randrange(7, 35))).isoformat()
    version_roll = rng.random()
    if version_roll < 0.2:
        issue["fix_version_ids"] = [upcoming]
    elif version_roll < 0.25:
        issue["fix_version_ids"] = [undated]


def _add_worklogs(
    rng: random.Random,
    issues: list[dict],
    members: dict[str, list[str]],
    projects: list[dict],
    today: date,
    count: int,
    heavy: int,
) -> None:
    """Worklogs from the last 8 weeks on `count` issues, more than 20 on `heavy` of them."""
    first = len(_PINNED) - 1  # the pinned shapes (except the last) keep no worklogs
    eligible = list(range(first, len(issues))) if len(issues) - first >= count else list(range(len(issues)))
    chosen = rng.sample(eligible, count)
    team_of = {p["key"]: p["name"] for p in projects}
    for n, index in enumerate(chosen):
        issue = issues[index]
        team = members[team_of[issue["project"]]] or [issue["assignee"]]
        entries = rng.randint(21, 60) if n < heavy else rng.randint(1, 20)
        issue["worklogs"] = [_worklog(rng, issue, team, today) for _ in range(entries)]
        _account_for_worklogs(issue, only_original_and_spent=heavy <= n < heavy + max(2, count // 100))
    worklog_id = 0
    for issue in issues:  # ids in issue order, as a real site would have them
        for entry in issue["worklogs"]:
            worklog_id += 1
            entry["id"] = str(10000 + worklog_id)


def _worklog(rng: random.Random, issue: dict, team: list[str], today: date) -> dict:
    day = today - timedelta(days=rng.randrange(1, 56))
    day -= timedelta(days=max(0, day.weekday() - 4))  # weekend work is booked on the Friday
    author = issue["assignee"] if issue["assignee"] and rng.random() < 0.8 else rng.choice(team)
    return {
        "id": "",
        "author": author,
        "started": f"{day.isoformat()}T{rng.randrange(8, 17):02d}:{rng.choice(_MINUTES):02d}:00.000+0000",
        "timeSpentSeconds": rng.choice(_WORKLOG_SECONDS),
    }


def _account_for_worklogs(issue: dict, *, only_original_and_spent: bool) -> None:
    issue["worklogs"].sort(key=lambda w: w["started"])
    spent = sum(w["timeSpentSeconds"] for w in issue["worklogs"])
    issue["timespent"] = spent
    if issue["status"] == "To Do":
        issue["status"], issue["statusCategory"] = "In Progress", _CATEGORY["In Progress"]
    original = issue["timeoriginalestimate"] or spent
    issue["timeoriginalestimate"] = original
    if issue["status"] == "Done":
        issue["timeestimate"] = 0
    elif only_original_and_spent:
        issue["timeestimate"] = None
    else:
        issue["timeestimate"] = max(0, original - spent)
