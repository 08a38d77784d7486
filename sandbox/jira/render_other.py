"""The fields a `*all` / `*navigable` search returns beyond the ones opsheets asks for.

Real Jira Cloud sends every system field and every custom field of the site (null when empty) for
`*all`; without them the stand-in would make an all-fields search look as cheap as a narrow one.
The values are plain but shaped as Jira sends them; opsheets never requests these fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sandbox.jira.access import security_json
from sandbox.jira.comments import render as render_comment
from sandbox.jira.comments import visible_comments

if TYPE_CHECKING:
    from sandbox.jira.render import Renderer

# A small site; real ones often have hundreds of custom fields, each sent as null when empty.
EMPTY_CUSTOM_FIELDS = tuple(f"customfield_{10300 + n}" for n in range(30))


def other_fields(renderer: Renderer, issue: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    api, state = renderer.api, renderer.state
    stamp = issue["created"].strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    estimate, spent = issue.get("timeoriginalestimate"), issue.get("timespent")
    reporter = issue.get("assignee") or next(iter(state.users), "")
    fields: dict[str, Callable[[], Any]] = {
        "statuscategorychangedate": lambda: stamp,
        "issuetype": lambda: {
            "self": f"{api}/issuetype/10001",
            "id": "10001",
            "name": "Task",
            "description": "A small, distinct piece of work.",
            "subtask": False,
            "iconUrl": f"{renderer.base}/images/icons/issuetypes/task.svg",
            "avatarId": 10318,
            "hierarchyLevel": 0,
        },
        "priority": lambda: {
            "self": f"{api}/priority/3",
            "id": "3",
            "name": "Medium",
            "iconUrl": f"{renderer.base}/images/icons/priorities/medium.svg",
        },
        "labels": lambda: [],
        "components": lambda: [],
        "versions": lambda: [],
        "issuelinks": lambda: [],
        "subtasks": lambda: [],
        "attachment": lambda: [],
        "environment": lambda: None,
        "security": lambda: security_json(state, issue, api),
        "issuerestriction": lambda: {"issuerestrictions": {}, "shouldDisplay": False},
        "lastViewed": lambda: None,
        "updated": lambda: stamp,
        "resolutiondate": lambda: stamp if issue["statusCategory"] == "done" else None,
        "workratio": lambda: int(100 * spent / estimate) if spent and estimate else -1,
        "aggregatetimeoriginalestimate": lambda: estimate,
        "aggregatetimeestimate": lambda: issue.get("timeestimate"),
        "aggregatetimespent": lambda: spent,
        "progress": lambda: _progress(issue),
        "aggregateprogress": lambda: _progress(issue),
        "timetracking": lambda: _timetracking(issue),
        "votes": lambda: {"self": f"{api}/issue/{issue['key']}/votes", "votes": 0, "hasVoted": False},
        "watches": lambda: {
            "self": f"{api}/issue/{issue['key']}/watchers",
            "watchCount": 1,
            "isWatching": False,
        },
        "reporter": lambda: renderer.user(reporter),
        "creator": lambda: renderer.user(reporter),
        "description": lambda: _description(issue),
        "comment": lambda: _comments(renderer, issue),
    }
    return fields | dict.fromkeys(EMPTY_CUSTOM_FIELDS, _none)


def _none() -> None:
    return None


def _progress(issue: dict[str, Any]) -> dict[str, int]:
    spent, left = issue.get("timespent") or 0, issue.get("timeestimate") or 0
    total = spent + left
    return {"progress": spent, "total": total, **({"percent": 100 * spent // total} if total else {})}


def _timetracking(issue: dict[str, Any]) -> dict[str, Any]:
    keys = (("timeoriginalestimate", "originalEstimateSeconds"), ("timeestimate", "remainingEstimateSeconds"),
            ("timespent", "timeSpentSeconds"))  # fmt: skip
    return {name: issue[field] for field, name in keys if issue.get(field) is not None}


def _description(issue: dict[str, Any]) -> dict[str, Any]:
    text = f"{issue['summary']}. Acceptance: the change is reviewed, tested and released."
    return {"type": "doc", "version": 1,
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}]}  # fmt: skip


def _comments(renderer: Renderer, issue: dict[str, Any]) -> dict[str, Any]:
    state = renderer.state
    version = "3" if state.mode == "cloud" else "2"
    stored = visible_comments(state, issue)
    comments = [render_comment(state, version, issue, c, set(), renderer.base) for c in stored]
    return {"comments": comments, "self": f"{renderer.api}/issue/{issue['id']}/comment",
            "maxResults": len(comments), "total": len(comments), "startAt": 0}  # fmt: skip


__all__ = ["EMPTY_CUSTOM_FIELDS", "other_fields"]
