"""Issue comments and comment properties for the Jira stand-in, from Atlassian's v3 OpenAPI.

Routes (`{v}` is 2 or 3 on Cloud, 2 or latest on Data Center):
    GET/POST  /rest/api/{v}/issue/{key}/comment   startAt, maxResults, orderBy, expand=renderedBody,properties
    GET/PUT/DELETE /rest/api/{v}/issue/{key}/comment/{id}
    GET       /rest/api/{v}/comment/{id}/properties
    GET       /rest/api/{v}/mypermissions                 permissions (comment-related keys), projectKey
    GET/PUT/DELETE /rest/api/{v}/comment/{id}/properties/{propertyKey}
Bodies are ADF documents on v3 and wiki markup strings on v2; each comment is stored in the form it
was written and shown in the other form by a crude text conversion (the stand-in's own, never
opsheets'). A body over 32,767 characters (the wiki text; an ADF document's JSON) is refused.
Comments carry `created` and `updated` on the site's clock (`JiraState.clock_offset_s`).
`properties` in a create or update body are stored with the comment in the same request; on a
Jira Service Management project (`projectTypeKey: service_desk`) the `sd.public.comment` property
`{"internal": true}` makes the comment internal (`jsdPublic: false`). A comment's `visibility`
(role or group) is checked on create and hides it from callers outside it (access.py).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from sandbox.jira.access import VisibilityError, can_see_comment, checked_visibility

if TYPE_CHECKING:
    from sandbox.jira.state import JiraState

PAGE_CAP = 100
PROPERTY_VALUE_LIMIT = 32768
BODY_LIMIT = 32767
ORDERS = {"created": False, "+created": False, "-created": True}


@dataclass
class CommentStore:
    """Comments per issue id, in creation order; deleted ones are gone, as in Jira."""

    by_issue: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    next_id: int = 10000
    fail_after_create: int = 0  # store the next N new comments, then answer 503 (the client cannot tell)

    def __post_init__(self) -> None:
        self.lock = threading.Lock()

    @classmethod
    def seed(cls, issues: list[dict[str, Any]]) -> CommentStore:
        store = cls()
        for issue in issues:
            for comment in issue.get("comments", []):
                store.by_issue.setdefault(issue["id"], []).append(
                    {
                        "id": str(comment["id"]),
                        "author": comment.get("author"),
                        "created": datetime.strptime(comment["created"], "%Y-%m-%dT%H:%M:%S.%f%z"),
                        "body": comment["body"],
                        "properties": dict(comment.get("properties", {})),
                        "visibility": comment.get("visibility"),
                    }
                )
                store.next_id = max(store.next_id, int(comment["id"]) + 1)
        return store

    def add(self, issue_id: str, comment: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            comment["id"] = str(self.next_id)
            self.next_id += 1
            self.by_issue.setdefault(issue_id, []).append(comment)
        return comment

    def find(self, comment_id: str) -> tuple[str, dict[str, Any]] | None:
        for issue_id, comments in self.by_issue.items():
            for comment in comments:
                if comment["id"] == comment_id:
                    return issue_id, comment
        return None

    def delete(self, comment_id: str) -> bool:
        with self.lock:
            found = self.find(comment_id)
            if found is None:
                return False
            self.by_issue[found[0]].remove(found[1])
            return True

    def on_issue(self, issue_id: str) -> list[dict[str, Any]]:
        return list(self.by_issue.get(issue_id, []))


class CommentError(Exception):
    def __init__(self, status: int, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors or {}


def register_comment_routes(app: FastAPI, state: JiraState, check_access: Any) -> None:
    """Add the comment routes to the Jira stand-in app; `check_access` is its auth/version check."""
    from sandbox.jira.comment_edits import register_edit_routes

    store = state.comments
    prefix = "/rest/api/{version}"
    register_edit_routes(app, state, check_access)

    @app.exception_handler(CommentError)
    async def comment_error(_: Request, exc: CommentError) -> JSONResponse:
        body = {"errorMessages": [exc.message] if exc.message else [], "errors": exc.errors}
        return JSONResponse(body, status_code=exc.status)

    @app.get(prefix + "/issue/{key}/comment")
    async def list_comments(version: str, key: str, request: Request) -> dict[str, Any]:
        check_access(state, version, request)
        return comment_page(state, version, issue_of(state, key), request)

    @app.post(prefix + "/issue/{key}/comment", status_code=201)
    async def add_comment(version: str, key: str, request: Request) -> dict[str, Any]:
        check_access(state, version, request)
        issue = issue_of(state, key)
        comment = store.add(issue["id"], new_comment(state, version, await request_json(request)))
        if store.fail_after_create:
            store.fail_after_create -= 1
            raise CommentError(503, "Injected fault after the comment was stored.")
        return render(state, version, issue, comment, expand_of(request), str(request.base_url))

    @app.get(prefix + "/issue/{key}/comment/{comment_id}")
    async def get_comment(version: str, key: str, comment_id: str, request: Request) -> dict[str, Any]:
        check_access(state, version, request)
        issue = issue_of(state, key)
        comment = comment_on(state, issue, comment_id)
        return render(state, version, issue, comment, expand_of(request), str(request.base_url))

    @app.delete(prefix + "/issue/{key}/comment/{comment_id}")
    async def delete_comment(version: str, key: str, comment_id: str, request: Request) -> Response:
        check_access(state, version, request)
        store.delete(comment_on(state, issue_of(state, key), comment_id)["id"])
        return Response(status_code=204)

    @app.get(prefix + "/comment/{comment_id}/properties")
    async def property_keys(version: str, comment_id: str, request: Request) -> dict[str, Any]:
        check_access(state, version, request)
        comment = comment_by_id(state, comment_id)
        base = f"{str(request.base_url).rstrip('/')}/rest/api/{version}/comment/{comment_id}/properties"
        return {"keys": [{"key": k, "self": f"{base}/{k}"} for k in comment["properties"]]}

    @app.get(prefix + "/comment/{comment_id}/properties/{property_key}")
    async def get_property(version: str, comment_id: str, property_key: str, request: Request) -> dict:
        check_access(state, version, request)
        properties = comment_by_id(state, comment_id)["properties"]
        if property_key not in properties:
            raise CommentError(404, f"The property with key '{property_key}' does not exist.")
        return {"key": property_key, "value": properties[property_key]}

    @app.put(prefix + "/comment/{comment_id}/properties/{property_key}")
    async def put_property(version: str, comment_id: str, property_key: str, request: Request) -> Response:
        check_access(state, version, request)
        comment = comment_by_id(state, comment_id)
        value = check_property(property_key, await request_json(request))
        created = property_key not in comment["properties"]
        comment["properties"][property_key] = value
        return Response(status_code=201 if created else 200)

    @app.delete(prefix + "/comment/{comment_id}/properties/{property_key}")
    async def delete_property(version: str, comment_id: str, property_key: str, request: Request) -> Response:
        check_access(state, version, request)
        properties = comment_by_id(state, comment_id)["properties"]
        if properties.pop(property_key, None) is None:
            raise CommentError(404, f"The property with key '{property_key}' does not exist.")
        return Response(status_code=204)


def issue_of(state: JiraState, key: str) -> dict[str, Any]:
    issue = state.issue_by_key(key)
    if issue is None:
        raise CommentError(404, "Issue does not exist or you do not have permission to see it.")
    return issue


def comment_on(state: JiraState, issue: dict[str, Any], comment_id: str) -> dict[str, Any]:
    for comment in visible_comments(state, issue):
        if comment["id"] == comment_id:
            return comment
    raise CommentError(404, f"Can not find a comment for the id: {comment_id}.")


def comment_by_id(state: JiraState, comment_id: str) -> dict[str, Any]:
    found = state.comments.find(comment_id)
    if found is None or state.issue_by_key(found[0]) is None or not can_see_comment(state, found[1]):
        raise CommentError(404, f"Can not find a comment for the id: {comment_id}.")
    return found[1]


def visible_comments(state: JiraState, issue: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's comments the caller may see: one restricted to a role or group it is not in is left out."""
    return [c for c in state.comments.on_issue(issue["id"]) if can_see_comment(state, c)]


async def request_json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError as exc:
        raise CommentError(400, "Unexpected character in the request body: not valid JSON.") from exc


def expand_of(request: Request) -> set[str]:
    return {part.strip() for part in request.query_params.get("expand", "").split(",") if part.strip()}


def comment_page(state: JiraState, version: str, issue: dict[str, Any], request: Request) -> dict[str, Any]:
    query = request.query_params
    order = query.get("orderBy", "created")
    if order not in ORDERS:
        raise CommentError(400, "orderBy must be created, +created or -created.")
    try:
        start = max(0, int(query.get("startAt", 0)))
        size = min(max(0, int(query.get("maxResults", PAGE_CAP))), PAGE_CAP)
    except ValueError as exc:
        raise CommentError(400, "startAt and maxResults must be numbers.") from exc
    comments = sorted(visible_comments(state, issue), key=lambda c: (c["created"], int(c["id"])))
    if ORDERS[order]:
        comments.reverse()
    base, expand = str(request.base_url), expand_of(request)
    return {
        "comments": [render(state, version, issue, c, expand, base) for c in comments[start : start + size]],
        "maxResults": size,
        "startAt": start,
        "total": len(comments),
    }


def new_comment(state: JiraState, version: str, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise CommentError(400, "The request body must be a JSON object.")
    text = checked_body(version, body.get("body"))
    properties = checked_properties(body.get("properties") or [])
    try:
        visibility = checked_visibility(state, body.get("visibility"))
    except VisibilityError as exc:
        raise CommentError(400, "", {"commentLevel": str(exc)}) from exc
    now = state.now()
    return {
        "author": "sandbox-bot",
        "created": now,
        "updated": now,
        "body": text,
        "properties": properties,
        "visibility": visibility,
    }


def checked_body(version: str, text: Any) -> Any:
    """A comment body as Jira accepts it: ADF on v3, wiki text on v2, at most BODY_LIMIT characters
    (the wiki text; an ADF document counted as its JSON)."""
    if version == "3":
        if not (
            isinstance(text, dict) and text.get("type") == "doc" and isinstance(text.get("content"), list)
        ):
            raise CommentError(400, "", {"comment": "Comment body is not valid Atlassian Document Format."})
        if not adf_text(text).strip():
            raise CommentError(400, "", {"comment": "Comment body can not be empty!"})
        size = len(json.dumps(text, ensure_ascii=False, separators=(",", ":")))
    elif not isinstance(text, str) or not text.strip():
        raise CommentError(400, "", {"comment": "Comment body can not be empty!"})
    else:
        size = len(text)
    if size > BODY_LIMIT:
        raise CommentError(400, "", {"comment": "The entered text is too long. It exceeds the allowed limit "
                                                "of 32,767 characters."})  # fmt: skip
    return text


def checked_properties(entries: Any) -> dict[str, Any]:
    properties = {}
    for entry in entries if isinstance(entries, list) else [None]:
        if not isinstance(entry, dict) or "key" not in entry or "value" not in entry:
            raise CommentError(400, "Each comment property needs a key and a value.")
        properties[str(entry["key"])] = check_property(str(entry["key"]), entry["value"])
    return properties


def check_property(key: str, value: Any) -> Any:
    if not key or len(key) > 255:
        raise CommentError(400, "The property key must be 1 to 255 characters long.")
    if value in (None, "", {}, []) or len(json.dumps(value)) > PROPERTY_VALUE_LIMIT:
        raise CommentError(400, "The property value must be a non-empty JSON value of at most 32768 bytes.")
    return value


def render(
    state: JiraState,
    version: str,
    issue: dict[str, Any],
    comment: dict[str, Any],
    expand: set[str],
    base_url: str,
) -> dict[str, Any]:
    api = f"{base_url.rstrip('/')}/rest/api/{version}"
    author = user_json(state, comment.get("author"), api)
    created = stamp(comment["created"])
    updated = stamp(comment.get("updated") or comment["created"])
    body = comment["body"]
    result: dict[str, Any] = {
        "self": f"{api}/issue/{issue['id']}/comment/{comment['id']}",
        "id": comment["id"],
        "author": author,
        "body": (body if isinstance(body, dict) else wiki_as_adf(body)) if version == "3" else as_wiki(body),
        "updateAuthor": author,
        "created": created,
        "updated": updated,
        "jsdPublic": not is_internal(state, issue, comment),
    }
    if comment.get("visibility"):
        result["visibility"] = comment["visibility"]
    if "renderedBody" in expand:
        result["renderedBody"] = "".join(f"<p>{line}</p>" for line in as_wiki(body).split("\n\n"))
    if "properties" in expand:
        result["properties"] = [{"key": k, "value": v} for k, v in comment["properties"].items()]
    return result


def is_internal(state: JiraState, issue: dict[str, Any], comment: dict[str, Any]) -> bool:
    project = state.projects.get(issue["project"], {})
    marker = comment["properties"].get("sd.public.comment")
    return (
        project.get("projectTypeKey") == "service_desk"
        and isinstance(marker, dict)
        and bool(marker.get("internal"))
    )


def user_json(state: JiraState, account_id: str | None, api: str) -> dict[str, Any]:
    user = state.users.get(account_id or "")
    if user is None:
        return {"accountId": account_id or "sandbox-bot", "displayName": "Sandbox Bot", "active": True,
                "self": f"{api}/user?accountId={account_id or 'sandbox-bot'}"}  # fmt: skip
    return {"accountId": user["accountId"], "displayName": user["displayName"], "active": True,
            "self": f"{api}/user?accountId={user['accountId']}"}  # fmt: skip


def stamp(value: datetime | str) -> str:
    if isinstance(value, str):
        return value
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"


def adf_text(node: Any) -> str:
    if isinstance(node, dict):
        if node.get("type") == "hardBreak":
            return "\n"
        own = str(node.get("text", "")) if node.get("type") == "text" else ""
        inner = "".join(adf_text(child) for child in node.get("content", []))
        block = node.get("type") in ("paragraph", "heading", "codeBlock", "listItem")
        return own + inner + ("\n\n" if block else "")
    return ""


def as_wiki(body: Any) -> str:
    """v2 view of a comment: wiki text as stored, or the words of an ADF document."""
    return body if isinstance(body, str) else re.sub(r"\n{3,}", "\n\n", adf_text(body)).strip()


def wiki_as_adf(markup: str) -> dict[str, Any]:
    """v3 view of a wiki comment: one paragraph per blank-line block, line breaks kept."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", markup.strip()):
        content: list[dict[str, Any]] = []
        for index, line in enumerate(block.split("\n")):
            if index:
                content.append({"type": "hardBreak"})
            if line:
                content.append({"type": "text", "text": line})
        paragraphs.append({"type": "paragraph", "content": content})
    return {"type": "doc", "version": 1, "content": paragraphs}
