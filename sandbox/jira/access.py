"""What the calling account may see on the Jira stand-in: comment visibility and issue security.

From Atlassian's v3 OpenAPI: a comment's `visibility` (`Visibility`: `type` group or role, `value`
the name, `identifier` the group id or role name) limits it to members of that group or project
role; others never get it (`GET .../comment` leaves it out, `GET .../comment/{id}` answers 404). An
issue's `security` field is its issue security level (`SecurityLevel`: id, name, description, self);
someone without that level gets 404 for the issue and everything on it, and never finds it in a
search. The caller's memberships are state knobs; None means "member of all" (an admin account).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sandbox.jira.state import JiraState

VISIBILITY_TYPES = ("group", "role")


class VisibilityError(ValueError):
    """A create body's visibility Jira would refuse: 400 with `errors.commentLevel`."""


def can_see_comment(state: JiraState, comment: dict[str, Any]) -> bool:
    visibility = comment.get("visibility")
    if not visibility:
        return True
    members = state.caller_roles if visibility.get("type") == "role" else state.caller_groups
    return members is None or _name(visibility) in members


def checked_visibility(state: JiraState, value: Any) -> dict[str, str] | None:
    """The visibility to store from a create body, or VisibilityError; the caller must be in it."""
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("type") not in VISIBILITY_TYPES or not _name(value):
        raise VisibilityError("Visibility needs a type of 'group' or 'role' and a value or identifier.")
    kind, name = value["type"], _name(value)
    members = state.caller_roles if kind == "role" else state.caller_groups
    if members is not None and name not in members:
        what = "project role" if kind == "role" else "group"
        raise VisibilityError(f"You are currently not a member of the {what}: {name}.")
    stored = {"type": kind, "value": str(value.get("value") or name)}
    stored["identifier"] = str(value.get("identifier") or name)
    return stored


def _name(visibility: dict[str, Any]) -> str:
    return str(visibility.get("value") or visibility.get("identifier") or "")


def can_see_issue(state: JiraState, issue: dict[str, Any]) -> bool:
    level = issue.get("security")
    allowed = state.caller_security_levels
    return not level or allowed is None or level in allowed


def security_json(state: JiraState, issue: dict[str, Any], api: str) -> dict[str, Any] | None:
    """The issue's `security` field: its SecurityLevel, or null when it has none."""
    level = state.security_levels.get(issue.get("security") or "")
    if level is None:
        return None
    return {"self": f"{api}/securitylevel/{level['id']}", "id": level["id"],
            "description": level.get("description", ""), "name": level["name"]}  # fmt: skip


def security_levels(jira: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Levels by name: those the dataset lists, plus any an issue names, numbered from 10100."""
    levels = {str(level["name"]): dict(level) for level in jira.get("security_levels", [])}
    for issue in jira.get("issues", []):
        name = issue.get("security")
        if name and name not in levels:
            levels[name] = {"name": name, "description": ""}
    for number, level in enumerate(levels.values()):
        level.setdefault("id", str(10100 + number))
    return levels
