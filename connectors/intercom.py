"""Intercom connector (REST API 2.14): conversation search, one conversation with its parts, admin notes.

Requests go through `connectors.http.ApiClient` (timeouts, retries, named errors, redaction) with
`Authorization: Bearer` and `Intercom-Version: 2.14` pinned, so a workspace default set to another
version cannot change the shapes read here. The base URL is the workspace's region
(`REGIONS`: US, EU, AU). Rate limits: every answer carries `X-RateLimit-Remaining`/`-Reset`; once
the remaining budget reaches 0 the next request waits until the reset time, and a 429 (which comes
without Retry-After) gets the time to the reset as its Retry-After, which the shared policy honours.

Writing: the only write is `add_note`, and its body says `message_type: note` literally — there is
no parameter and no code path that could send a customer-visible `comment`. Each note is posted
once (`connectors.post_once`): after a failed attempt the conversation is read back and the note is
looked for by the caller's marker before posting again.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import requests

from connectors import http
from connectors.http import ApiClient, PolicyAdapter, RetryPolicy, mount_adapter
from connectors.paging import cursor_pages
from connectors.post_once import post_once, single_attempt, writer_for
from domain.records import IntercomConversation, IntercomPart

SYSTEM = "Intercom"
API_VERSION = "2.14"
REGIONS = {
    "us": "https://api.intercom.io",
    "eu": "https://api.eu.intercom.io",
    "au": "https://api.au.intercom.io",
}
SEARCH = "/conversations/search"
SEARCH_PAGE_CAP = 150
RATE_WINDOW_S = 10  # Intercom counts requests over 10-second windows; X-RateLimit-Reset ends the current one
HINTS = {
    401: "check INTERCOM_ACCESS_TOKEN: the access token is wrong or was revoked (Developer Hub → your app → "
    "Authentication)",
    403: "the Intercom app lacks a permission this request needs (read and write conversations): add it "
    "in the Developer Hub and reinstall the app",
    404: "check intercom.base_url (the workspace's region: api.intercom.io, api.eu.intercom.io or "
    "api.au.intercom.io) and the conversation id",
}


class RateLimit:
    """What Intercom's X-RateLimit-* headers last said; waits out a spent window."""

    def __init__(self, clock: Callable[[], float] = time.time, cap_s: float = 300.0) -> None:
        self.clock = clock
        self.cap_s = cap_s
        self.remaining: int | None = None
        self.reset_at: float | None = None
        self.waited_s = 0.0
        self._lock = threading.Lock()

    def observe(self, headers: Mapping[str, str]) -> None:
        remaining, reset = headers.get("X-RateLimit-Remaining"), headers.get("X-RateLimit-Reset")
        with self._lock:
            if remaining is not None and remaining.strip().isdigit():
                self.remaining = int(remaining)
            if reset is not None and reset.strip().isdigit():
                self.reset_at = float(reset)

    def seconds_to_reset(self) -> float:
        if self.reset_at is None:
            return 0.0
        return min(self.cap_s, max(0.0, self.reset_at - self.clock()))

    def wait_if_spent(self) -> None:
        if self.remaining != 0:
            return
        seconds = self.seconds_to_reset()
        if seconds > 0:
            self.waited_s += seconds
            http.sleep(seconds)
        with self._lock:
            self.remaining = None  # a new window: the next answer says how much is left


class RateLimitedAdapter(PolicyAdapter):
    """The shared policy plus Intercom's rate-limit headers (see the module docstring)."""

    def __init__(self, policy: RetryPolicy, limit: RateLimit, rewrite: Mapping[str, str] | None) -> None:
        super().__init__(SYSTEM, policy, rewrite)
        self.limit = limit

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        self.limit.wait_if_spent()
        return super().send(request, *args, **kwargs)

    def build_response(self, req: requests.PreparedRequest, resp: Any) -> requests.Response:
        response = super().build_response(req, resp)
        self.limit.observe(response.headers)
        if response.status_code == 429 and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = str(math.ceil(self.limit.seconds_to_reset()))
        return response


def linked_or_updated_query(link_attribute: str, updated_since: int) -> dict[str, Any]:
    """Conversations updated since `updated_since`, and every linked conversation that is not closed
    (Jira comments can arrive while the conversation itself stays untouched)."""
    linked = {"field": f"custom_attributes.{link_attribute}", "operator": "!=", "value": None}
    not_closed = {"field": "state", "operator": "!=", "value": "closed"}
    updated = {"field": "updated_at", "operator": ">", "value": int(updated_since)}
    # A group's list holds filters or groups, never both (the contract's search_request): hence the
    # one-filter AND around `updated`.
    either = [{"operator": "AND", "value": [updated]}, {"operator": "AND", "value": [linked, not_closed]}]
    return {"operator": "OR", "value": either}


class IntercomConnector:
    def __init__(
        self,
        token: str,
        *,
        base_url: str = REGIONS["us"],
        policy: RetryPolicy = RetryPolicy(),
        rewrite: Mapping[str, str] | None = None,
        admin_id: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        headers = {
            "Authorization": f"Bearer {token}",
            "Intercom-Version": API_VERSION,
            "Accept": "application/json",
        }
        self.policy = policy
        self.rate_limit = RateLimit(clock, policy.max_retry_after_s)
        self.client = ApiClient(SYSTEM, base_url, headers=headers, policy=policy, hints=HINTS)
        self.writer = writer_for(self.client, policy)
        for client, client_policy in ((self.client, policy), (self.writer, single_attempt(policy))):
            mount_adapter(client.session, RateLimitedAdapter(client_policy, self.rate_limit, rewrite))
        self._admin_id = admin_id
        self._app_id: str | None = None

    def admin_id(self) -> str:
        """The admin notes are written as: configured, or the one the access token belongs to."""
        if self._admin_id is None:
            self._admin_id = str(self.client.get_json("/me")["id"])
        return self._admin_id

    def admin(self, admin_id: str) -> dict[str, Any]:
        """One admin (`GET /admins/{id}`); NotFoundError when there is none with that id."""
        return dict(self.client.get_json(f"/admins/{admin_id}"))

    def conversation_attributes(self) -> list[str]:
        """Names of the conversation data attributes (`GET /data_attributes?model=conversation`)."""
        answer = self.client.get_json("/data_attributes", params={"model": "conversation"})
        return [str(a.get("name")) for a in answer.get("data") or [] if not a.get("archived")]

    def conversation_url(self, conversation_id: str) -> str:
        """Where a teammate opens the conversation in the inbox (the workspace id comes from /me)."""
        if self._app_id is None:
            self._app_id = str((self.client.get_json("/me").get("app") or {}).get("id_code") or "")
        return f"https://app.intercom.com/a/inbox/{self._app_id}/inbox/conversation/{conversation_id}"

    def service_time_floor(self) -> float | None:
        """A time Intercom's own clock has certainly passed (its timestamps are whole seconds): the end
        of the current rate-limit window, less the window and a second of rounding. None before any
        answer. Lets a caller tell whether a change in the same second as its read could be unseen."""
        reset = self.rate_limit.reset_at
        return None if reset is None else reset - RATE_WINDOW_S - 1

    def search(
        self, query: dict[str, Any], per_page: int = SEARCH_PAGE_CAP
    ) -> Iterator[IntercomConversation]:
        for page in self.search_pages(query, per_page):
            for item in page:
                yield parse_conversation(item)

    def search_pages(self, query: dict[str, Any], per_page: int = SEARCH_PAGE_CAP) -> Iterator[list[dict]]:
        """Every page of the search, following `pages.next.starting_after` until there is none."""
        size = min(per_page, SEARCH_PAGE_CAP)

        def fetch(cursor: str | None) -> Mapping[str, Any]:
            pagination = {"per_page": size} | ({"starting_after": cursor} if cursor else {})
            return self.client.post_json(SEARCH, {"query": query, "pagination": pagination})

        return cursor_pages(SYSTEM, f"POST {SEARCH}", fetch, "conversations", _next_cursor)

    def conversation(self, conversation_id: str) -> IntercomConversation:
        """One conversation with its parts (Intercom returns at most the 500 most recent)."""
        return parse_conversation(self.client.get_json(f"/conversations/{conversation_id}"))

    def add_note(self, conversation_id: str, html: str, marker: str) -> str:
        """Add an admin note (never a reply the customer sees) once; returns the new part's id.

        `marker` is text inside `html` that identifies this note: after a failed attempt the
        conversation is read back and a note holding it counts as posted.
        """
        body = {"message_type": "note", "type": "admin", "admin_id": self.admin_id(), "body": html}
        path = f"/conversations/{conversation_id}/reply"

        def post() -> str:
            answer = self.writer.post_json(path, body)
            return _note_id(parse_conversation(answer), marker) or ""

        return post_once(self.policy, post, lambda: _note_id(self.conversation(conversation_id), marker))


def _next_cursor(page: Mapping[str, Any]) -> str | None:
    return ((page.get("pages") or {}).get("next") or {}).get("starting_after")


def _note_id(conversation: IntercomConversation, marker: str) -> str | None:
    for part in reversed(conversation.parts):
        if part.part_type == "note" and marker in (part.body or ""):
            return part.id
    return None


def parse_conversation(data: Mapping[str, Any]) -> IntercomConversation:
    parts = data.get("conversation_parts") or {}
    items = parts.get("conversation_parts") or []
    return IntercomConversation(
        id=str(data["id"]),
        updated_at=int(data.get("updated_at") or 0),
        custom_attributes=dict(data.get("custom_attributes") or {}),
        parts=tuple(parse_part(p) for p in items),
        parts_total=int(parts.get("total_count") or len(items)),
    )


def parse_part(data: Mapping[str, Any]) -> IntercomPart:
    author = data.get("author") or {}
    return IntercomPart(
        id=str(data["id"]),
        part_type=str(data.get("part_type") or ""),
        author_type=author.get("type"),
        author_id=str(author["id"]) if author.get("id") is not None else None,
        author_name=author.get("name"),
        body=data.get("body"),
        created_at=int(data.get("created_at") or 0),
        redacted=bool(data.get("redacted")),
        updated_at=int(data.get("updated_at") or data.get("created_at") or 0),
        app_package_code=data.get("app_package_code") or None,
        attachments=tuple(
            (str(a.get("name") or ""), str(a["url"])) for a in data.get("attachments") or [] if a.get("url")
        ),
    )
