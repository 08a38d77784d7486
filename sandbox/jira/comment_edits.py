"""Editing comments and asking for comment permissions, in the Jira stand-in (v3 spec):
`PUT /rest/api/{v}/issue/{key}/comment/{id}` (body and properties; `updated` moves on the site's
clock) and `GET /rest/api/{v}/mypermissions?permissions=…` (`havePermission` false for keys in
`JiraState.denied_permissions`). `edit_comment` is also a person editing a comment in Jira."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request

from sandbox.jira.comments import (
    CommentError,
    checked_body,
    checked_properties,
    comment_on,
    expand_of,
    issue_of,
    render,
    request_json,
)

if TYPE_CHECKING:
    from sandbox.jira.state import JiraState

PERMISSIONS = {"ADD_COMMENTS": ("15", "Add Comments"), "EDIT_OWN_COMMENTS": ("35", "Edit Own Comments"),
               "EDIT_ALL_COMMENTS": ("34", "Edit All Comments"), "BROWSE_PROJECTS": ("10", "Browse Projects"),
               "DELETE_OWN_COMMENTS": ("37", "Delete Own Comments")}  # fmt: skip


def register_edit_routes(app: FastAPI, state: JiraState, check_access: Any) -> None:
    prefix = "/rest/api/{version}"

    @app.put(prefix + "/issue/{key}/comment/{comment_id}")
    async def update_comment(version: str, key: str, comment_id: str, request: Request) -> dict[str, Any]:
        check_access(state, version, request)
        issue = issue_of(state, key)
        comment = comment_on(state, issue, comment_id)
        body = await request_json(request)
        if not isinstance(body, dict):
            raise CommentError(400, "The request body must be a JSON object.")
        edit_comment(state, comment, checked_body(version, body.get("body")), checked_properties(
            body.get("properties") or []))  # fmt: skip
        return render(state, version, issue, comment, expand_of(request), str(request.base_url))

    @app.get(prefix + "/mypermissions")
    async def my_permissions(version: str, request: Request) -> dict[str, Any]:
        check_access(state, version, request)
        keys = [k.strip() for k in request.query_params.get("permissions", "").split(",") if k.strip()]
        if not keys or any(k not in PERMISSIONS for k in keys):
            raise CommentError(400, "Invalid permissions: give a comma-separated list of permission keys.")
        return {"permissions": {k: permission(k, k not in state.denied_permissions) for k in keys}}


def permission(key: str, granted: bool) -> dict[str, Any]:
    number, name = PERMISSIONS[key]
    return {"id": number, "key": key, "name": name, "type": "PROJECT", "description": f"{name}.",
            "havePermission": granted}  # fmt: skip


def edit_comment(state: JiraState, comment: dict[str, Any], body: Any, properties: dict[str, Any]) -> None:
    """An edit, by the API or by a person: new body, `updated` on the site's clock; properties given
    replace those with the same key (others stay)."""
    with state.comments.lock:
        comment["body"] = body
        comment["properties"].update(properties)
        comment["updated"] = state.now()
