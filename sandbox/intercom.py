"""Intercom stand-in (REST API 2.14), written from Intercom's OpenAPI description.

Endpoints: `GET /me`, `GET /admins`, `GET /admins/{id}`, `GET /data_attributes` (the conversation
attributes are the ones the seeded conversations use), `POST /conversations/redact`,
`POST /conversations/search` (query language in
`sandbox.intercom_search`; pages of at most 150 with `pages.next.starting_after`),
`GET /conversations/{id}` (the 500 most recent parts, `total_count` of all), and
`POST /conversations/{id}/reply` (admin comment, note or quick reply; contact comment).
Bearer auth; errors are Intercom's `error.list`; every answer carries `X-RateLimit-Limit`,
`-Remaining` and `-Reset` (unix time), counted over 10-second windows, and 429 once spent.
The state records every reply's `message_type` and the `Intercom-Version` header of each request;
`forced_429` and `fail_after_reply` inject one-shot faults. Only parts created through the API carry
`app_package_code`; `edit_part` is a teammate editing a note in the inbox (the part's and the
conversation's `updated_at` move, on `clock`, which may differ from the host's).
"""

from __future__ import annotations

import re
import secrets
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from sandbox.core import Knobs, RunningService
from sandbox.intercom_search import QueryError, check_query, matches

VERSIONS = frozenset({"1.0", "1.1", "1.2", "1.3", "1.4"} | {f"2.{n}" for n in range(15)})
REPLY_TYPES = {"admin": ("comment", "note", "quick_reply"), "user": ("comment", "quick_reply")}
CONTACT_IDS = ("intercom_user_id", "user_id", "email")


@dataclass
class IntercomState:
    token: str
    admins: dict[str, dict[str, Any]]
    me: str  # the admin the token belongs to
    conversations: dict[str, dict[str, Any]]  # id -> conversation with its "parts"
    search_cap: int = 150
    parts_cap: int = 500
    rate_limit: int = 1666  # per window: Intercom's 10,000 a minute spread over 10-second windows
    window_s: float = 10.0
    clock: Any = time.time
    replies: list[tuple[str, str]] = field(default_factory=list)  # (conversation id, message_type)
    versions_seen: Counter[str] = field(default_factory=Counter)
    rate_limited: int = 0  # 429s answered
    forced_429: int = 0  # answer the next N requests with 429 whatever the budget
    fail_after_reply: int = 0  # store the next N replies, then answer 500 (the client cannot tell)
    data_attributes: list[dict[str, Any]] = field(default_factory=list)  # GET /data_attributes

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._window_end = 0.0
        self._used = 0
        self._cursors: dict[str, tuple[str, int]] = {}
        self._next_part = 1 + max((int(p["id"]) for c in self.conversations.values() for p in c["parts"]),
                                  default=900000)  # fmt: skip

    @classmethod
    def from_dataset(
        cls, dataset: dict[str, Any], token: str = "sandbox-intercom-token", **options: Any
    ) -> IntercomState:
        intercom = dataset.get("intercom", dataset)
        admins = {str(a["id"]): dict(a, id=str(a["id"])) for a in intercom.get("admins", [])}
        if not admins:
            admins = {"1": {"id": "1", "name": "Sandbox Admin", "email": "admin@example.com"}}
        conversations = {str(c["id"]): _seeded(c) for c in intercom.get("conversations", [])}
        names = {str(k) for c in conversations.values() for k in c["custom_attributes"]}
        attributes = [
            _attribute(name) for name in sorted(names | set(intercom.get("conversation_attributes", [])))
        ]
        options.setdefault("data_attributes", attributes)
        return cls(token=token, admins=admins, me=next(iter(admins)), conversations=conversations, **options)

    # -- rate limiting
    def take_request(self) -> tuple[bool, dict[str, str]]:
        """Count one request against the current window: (allowed, rate-limit headers)."""
        with self._lock:
            now = self.clock()
            if now >= self._window_end:
                self._window_end, self._used = now + self.window_s, 0
            allowed = self._used < self.rate_limit and self.forced_429 == 0
            if self.forced_429:
                self.forced_429 -= 1
            if allowed:
                self._used += 1
            else:
                self.rate_limited += 1
            headers = {
                "X-RateLimit-Limit": str(self.rate_limit),
                "X-RateLimit-Remaining": str(max(0, self.rate_limit - self._used) if allowed else 0),
                "X-RateLimit-Reset": str(int(-(-self._window_end // 1))),  # whole seconds, rounded up
            }
            return allowed, headers

    # -- data
    def add_part(self, conversation: dict[str, Any], part: dict[str, Any]) -> None:
        with self._lock:
            part["id"] = str(self._next_part)
            self._next_part += 1
            conversation["parts"].append(part)
            conversation["updated_at"] = max(conversation["updated_at"], part["created_at"])

    def remember_cursor(self, query_key: str, offset: int) -> str:
        cursor = secrets.token_urlsafe(18)
        with self._lock:
            self._cursors[cursor] = (query_key, offset)
        return cursor

    def cursor(self, cursor: str) -> tuple[str, int] | None:
        return self._cursors.get(cursor)

    def now(self) -> int:
        return int(self.clock())

    def edit_part(self, conversation: dict[str, Any], part_id: str, body: str) -> None:
        """A teammate edits a note in the inbox: new body, the part's and conversation's updated_at."""
        with self._lock:
            part = next(p for p in conversation["parts"] if p["id"] == part_id)
            part["body"], part["updated_at"] = body, self.now()
            conversation["updated_at"] = max(conversation["updated_at"], part["updated_at"])

    def redact(self, conversation: dict[str, Any], part_id: str) -> None:
        with self._lock:
            part = next((p for p in conversation["parts"] if p["id"] == part_id), None)
            if part is None:
                raise IntercomError(404, "not_found", "Resource Not Found")
            part.update(body="", attachments=[], redacted=True, updated_at=self.now())
            conversation["updated_at"] = max(conversation["updated_at"], part["updated_at"])

    def notes(self, conversation_id: str) -> list[dict[str, Any]]:
        return [p for p in self.conversations[conversation_id]["parts"] if p["part_type"] == "note"]


def _attribute(name: str) -> dict[str, Any]:
    return {"type": "data_attribute", "name": name, "full_name": f"custom_attributes.{name}", "label": name,
            "description": "", "data_type": "string", "api_writable": True, "ui_writable": True,
            "messenger_writable": False, "custom": True, "archived": False,
            "model": "conversation"}  # fmt: skip


def _seeded(conversation: dict[str, Any]) -> dict[str, Any]:
    parts = [dict(p, id=str(p["id"])) for p in conversation.get("parts", [])]
    return dict(conversation, id=str(conversation["id"]), parts=parts,
                custom_attributes=dict(conversation.get("custom_attributes", {})))  # fmt: skip


class IntercomError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_body(code: str, message: str) -> dict[str, Any]:
    return {
        "type": "error.list",
        "request_id": str(uuid.uuid4()),
        "errors": [{"code": code, "message": message}],
    }


def create_app(state: IntercomState) -> FastAPI:
    from sandbox.intercom_workspace import register_workspace_routes

    app = FastAPI(title="Intercom stand-in (2.14)")

    @app.middleware("http")
    async def gatekeeper(request: Request, call_next: Any) -> Response:
        version = request.headers.get("intercom-version")
        state.versions_seen[version or "(none)"] += 1
        allowed, headers = state.take_request()
        if not allowed:
            response: Response = JSONResponse(error_body("rate_limit_exceeded", "Exceeded rate limit"), 429)
        elif request.headers.get("authorization") != f"Bearer {state.token}":
            response = JSONResponse(error_body("unauthorized", "Access Token Invalid"), 401)
        elif version is not None and version not in VERSIONS:
            response = JSONResponse(error_body("intercom_version_invalid", f"Requested version {version} "
                                                                           "is not valid"), 400)  # fmt: skip
        else:
            response = await call_next(request)
        response.headers.update(headers)
        return response

    @app.exception_handler(IntercomError)
    async def intercom_error(_: Request, exc: IntercomError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message), exc.status)

    @app.get("/me")
    async def me() -> dict[str, Any]:
        admin = state.admins[state.me]
        return admin_body(admin) | {"email_verified": True, "app": {"type": "app", "id_code": "sandbox",
                                    "name": "Sandbox", "region": "US", "timezone": "UTC"}}  # fmt: skip

    register_workspace_routes(app, state)

    @app.get("/admins")
    async def admins() -> dict[str, Any]:
        return {"type": "admin.list", "admins": [admin_body(a) for a in state.admins.values()]}

    @app.post("/conversations/search")
    async def search(request: Request) -> dict[str, Any]:
        return search_page(state, await json_object(request))

    @app.get("/conversations/{conversation_id}")
    async def conversation(conversation_id: str, request: Request) -> dict[str, Any]:
        plaintext = request.query_params.get("display_as") == "plaintext"
        return conversation_body(state, find(state, conversation_id), parts=True, plaintext=plaintext)

    @app.post("/conversations/{conversation_id}/reply")
    async def reply(conversation_id: str, request: Request) -> dict[str, Any]:
        target = find(state, conversation_id)
        add_reply(state, target, await json_object(request))
        if state.fail_after_reply:
            state.fail_after_reply -= 1
            raise IntercomError(500, "server_error", "Injected fault after the reply was stored")
        return conversation_body(state, target, parts=True)

    return app


async def json_object(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as exc:
        raise IntercomError(400, "parameter_invalid", "Request body is not valid JSON") from exc
    if not isinstance(body, dict):
        raise IntercomError(400, "parameter_invalid", "Request body must be an object")
    return body


def find(state: IntercomState, conversation_id: str) -> dict[str, Any]:
    conversation = state.conversations.get(conversation_id)
    if conversation is None:
        raise IntercomError(404, "not_found", "Resource Not Found")
    return conversation


def search_page(state: IntercomState, body: dict[str, Any]) -> dict[str, Any]:
    if "query" not in body:
        raise IntercomError(400, "parameter_not_found", "query is required")
    try:
        check_query(body["query"])
    except QueryError as exc:
        raise IntercomError(400, "query_invalid", str(exc)) from exc
    pagination = body.get("pagination") or {}
    per_page = pagination.get("per_page", 20)
    if not isinstance(per_page, int) or per_page < 1:
        raise IntercomError(400, "parameter_invalid", "per_page must be a positive integer")
    per_page = min(per_page, state.search_cap)
    query_key = repr(body["query"])
    offset = 0
    if pagination.get("starting_after"):
        saved = state.cursor(str(pagination["starting_after"]))
        if saved is None or saved[0] != query_key:
            raise IntercomError(
                400, "parameter_invalid", "starting_after is not a valid cursor for this query"
            )
        offset = saved[1]
    found = sorted(
        (c for c in state.conversations.values() if matches(c, body["query"])), key=lambda c: int(c["id"])
    )
    pages: dict[str, Any] = {
        "type": "pages",
        "page": offset // per_page + 1,
        "per_page": per_page,
        "total_pages": max(1, -(-len(found) // per_page)),
    }
    if offset + per_page < len(found):
        pages["next"] = {
            "per_page": per_page,
            "starting_after": state.remember_cursor(query_key, offset + per_page),
        }
    chosen = found[offset : offset + per_page]
    return {
        "type": "conversation.list",
        "pages": pages,
        "total_count": len(found),
        "conversations": [conversation_body(state, c, parts=False) for c in chosen],
    }


def add_reply(state: IntercomState, conversation: dict[str, Any], body: dict[str, Any]) -> None:
    kind, message_type = body.get("type"), body.get("message_type")
    if kind not in REPLY_TYPES:
        raise IntercomError(400, "parameter_invalid", "type must be admin or user")
    if message_type not in REPLY_TYPES[kind]:
        raise IntercomError(
            400, "parameter_invalid", f"message_type {message_type!r} is not valid for {kind}"
        )
    if message_type in ("comment", "note") and not str(body.get("body") or "").strip():
        raise IntercomError(400, "parameter_not_found", "Body is required")
    if kind == "admin":
        admin = state.admins.get(str(body.get("admin_id")))
        if admin is None:
            raise IntercomError(400, "parameter_invalid", "admin_id not found")
        author = {"type": "admin", "id": admin["id"], "name": admin["name"], "email": admin.get("email")}
    else:
        if not any(body.get(key) for key in CONTACT_IDS):
            raise IntercomError(400, "parameter_not_found", "intercom_user_id, user_id or email is required")
        contact = conversation.get("contact", {})
        author = {
            "type": "user",
            "id": contact.get("id"),
            "name": contact.get("name"),
            "email": contact.get("email"),
        }
    now = int(body.get("created_at") or state.clock())
    urls = body.get("attachment_urls") or []
    if not isinstance(urls, list) or len(urls) > 10:
        raise IntercomError(400, "parameter_invalid", "attachment_urls must be a list of at most 10 URLs")
    state.replies.append((conversation["id"], str(message_type)))
    state.add_part(conversation, {"part_type": message_type, "body": body.get("body"), "created_at": now,
                                  "author": author, "app_package_code": "opsheets",
                                  "attachments": [_attachment(str(url)) for url in urls]})  # fmt: skip


def _attachment(url: str) -> dict[str, Any]:
    name = url.rstrip("/").rsplit("/", 1)[-1] or "file"
    # width and height are integers for images only; a file without them leaves them out
    return {"type": "upload", "name": name, "url": url, "content_type": "application/octet-stream",
            "filesize": 0}  # fmt: skip


def admin_body(admin: dict[str, Any]) -> dict[str, Any]:
    body = {"type": "admin", "id": admin["id"], "name": admin["name"], "away_mode_enabled": False,
            "away_mode_reassign": False, "has_inbox_seat": admin.get("has_inbox_seat", True),
            "team_ids": []}  # fmt: skip
    if admin.get("email"):  # the contract's email is a string: an admin without one has none
        body["email"] = admin["email"]
    return body


def conversation_body(
    state: IntercomState, conversation: dict[str, Any], *, parts: bool, plaintext: bool = False
) -> dict[str, Any]:
    source, *rest = conversation["parts"] or [{}]
    contact = conversation.get("contact", {})
    body: dict[str, Any] = {
        "type": "conversation", "id": conversation["id"], "title": conversation.get("title"),
        "created_at": conversation["created_at"], "updated_at": conversation["updated_at"],
        "waiting_since": None, "snoozed_until": None,
        "source": {"type": "conversation", "id": f"40{conversation['id']}",
                   "delivered_as": "customer_initiated", "subject": "",
                   "body": _text(source.get("body"), plaintext), "author": _author(state, source),
                   "attachments": [], "url": None, "redacted": False},
        "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": contact.get("id"),
                                                           "external_id": contact.get("external_id")}]},
        "first_contact_reply": None, "admin_assignee_id": conversation.get("admin_assignee_id"),
        "team_assignee_id": None, "open": conversation.get("state", "open") == "open",
        "state": conversation.get("state", "open"), "read": True, "tags": {"type": "tag.list", "tags": []},
        "priority": "not_priority", "sla_applied": None, "statistics": None, "conversation_rating": None,
        "teammates": None, "custom_attributes": dict(conversation.get("custom_attributes", {})), "topics": {},
        "ticket": None, "linked_objects": {"type": "list", "data": [], "total_count": 0, "has_more": False},
        "ai_agent": None, "ai_agent_participated": False,
    }  # fmt: skip
    if parts:
        shown = rest[-state.parts_cap :]
        body["conversation_parts"] = {
            "type": "conversation_part.list",
            "conversation_parts": [_part(state, p, plaintext) for p in shown],
            "total_count": len(rest),
        }
    return body


def _part(state: IntercomState, part: dict[str, Any], plaintext: bool) -> dict[str, Any]:
    return {
        "type": "conversation_part", "id": part["id"], "part_type": part["part_type"],
        "body": _text(part.get("body"), plaintext), "created_at": part["created_at"],
        "updated_at": part.get("updated_at", part["created_at"]), "notified_at": part["created_at"],
        "assigned_to": None, "author": _author(state, part), "attachments": list(part.get("attachments", [])),
        "external_id": None,
        "redacted": bool(part.get("redacted")), "metadata": {}, "email_message_metadata": None,
        "state": "open", "tags": [], "event_details": None, "app_package_code": part.get("app_package_code"),
    }  # fmt: skip


def _author(state: IntercomState, part: dict[str, Any]) -> dict[str, Any]:
    author = dict(part.get("author") or {})
    if author.get("type") == "admin" and str(author.get("id")) in state.admins:
        admin = state.admins[str(author["id"])]
        author.setdefault("name", admin["name"])
        author.setdefault("email", admin.get("email"))
    rendered = {"type": author.get("type"), "id": str(author.get("id")), "name": author.get("name")}
    if author.get("email"):  # an author without one has no `email` (the contract's is a string)
        rendered["email"] = author["email"]
    return rendered


def _text(body: str | None, plaintext: bool) -> str | None:
    if body is None or not plaintext:
        return body
    return re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>|</p>", "\n", body)).strip()


def start_intercom_sandbox(
    dataset: dict[str, Any], knobs: Knobs | None = None, **state_options: Any
) -> tuple[RunningService, IntercomState]:
    state = IntercomState.from_dataset(dataset, **state_options)
    return RunningService(create_app(state), knobs=knobs, contract="intercom"), state
