"""Routes of the Jira stand-in (Cloud and Data Center modes), written from Atlassian's v3 OpenAPI.

Cloud: enhanced search `GET/POST /rest/api/{2,3}/search/jql` with opaque `nextPageToken`s, no `total`,
`isLast` on every page; the old `/search` answers 410 Gone; Basic auth (email:API token).
Data Center: `GET/POST /rest/api/2/search` with `startAt`/`maxResults`/`total`; `/rest/api/3/*` is 404;
Bearer auth (personal access token). Both: serverInfo, configuration, field, myself, an issue by key
or id (`fields` selects, default `*all`), issue worklogs; what the caller may see in access.py.
Errors carry Jira's body `{"errorMessages": [...], "errors": {}}`.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.jira.comments import register_comment_routes
from sandbox.jira.jql import JqlError, parse
from sandbox.jira.projects import register_project_routes
from sandbox.jira.render import FieldSelection, Renderer, field_list
from sandbox.jira.state import JiraState

REMOVED_SEARCH = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)


# Request bean properties (SearchAndReconcileRequestBean, SearchRequestBean). The stand-in reads jql,
# fields, maxResults and nextPageToken/startAt; expand, properties, fieldsByKeys, reconcileIssues and
# validateQuery are accepted and have no effect here.
ENHANCED_SEARCH_BODY = frozenset(
    {
        "expand",
        "fields",
        "fieldsByKeys",
        "jql",
        "maxResults",
        "nextPageToken",
        "properties",
        "reconcileIssues",
    }
)
SEARCH_BODY = frozenset(
    {"expand", "fields", "fieldsByKeys", "jql", "maxResults", "properties", "startAt", "validateQuery"}
)


INT32_MAX = 2**31 - 1


class JiraError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"errorMessages": [message], "errors": {}}, status_code=status, headers=headers)


class ByteCounter:
    """Counts response body bytes per route into the state (the benchmark compares payload sizes)."""

    def __init__(self, app: ASGIApp, state: JiraState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = f"{scope['method']} {scope['path']}"

        async def counting(message: Message) -> None:
            if message["type"] == "http.response.body":
                self.state.count_bytes(route, len(message.get("body", b"")))
            await send(message)

        await self.app(scope, receive, counting)


def create_app(state: JiraState) -> FastAPI:
    app = FastAPI(title=f"Jira stand-in ({state.mode})")
    app.add_middleware(ByteCounter, state=state)

    @app.exception_handler(JiraError)
    async def jira_error(_: Request, exc: JiraError) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, str(exc.detail))

    @app.get("/rest/api/{version}/serverInfo")
    async def server_info(version: str, request: Request) -> dict[str, Any]:
        check_version(state, version)  # anonymous access is allowed, as on Jira
        return server_info_body(state, str(request.base_url))

    @app.get("/rest/api/{version}/configuration")
    async def configuration(version: str, request: Request) -> dict[str, Any]:
        check_access(state, version, request)
        return {
            "votingEnabled": True,
            "watchingEnabled": True,
            "unassignedIssuesAllowed": False,
            "subTasksEnabled": True,
            "issueLinkingEnabled": True,
            "timeTrackingEnabled": True,
            "attachmentsEnabled": True,
            "timeTrackingConfiguration": {
                "workingHoursPerDay": state.hours_per_day,
                "workingDaysPerWeek": state.days_per_week,
                "timeFormat": "pretty",
                "defaultUnit": "minute",
            },
        }

    @app.get("/rest/api/{version}/field")
    async def fields(version: str, request: Request) -> list[dict[str, Any]]:
        check_access(state, version, request)
        return field_list(state)

    @app.get("/rest/api/{version}/myself")
    async def myself(version: str, request: Request) -> dict[str, Any]:
        check_access(state, version, request)
        return myself_body(state, str(request.base_url))

    @app.get("/rest/api/{version}/issue/{key}/worklog")
    async def worklogs(version: str, key: str, request: Request) -> dict[str, Any]:
        check_access(state, version, request)
        return worklog_page(state, key, request)

    @app.api_route("/rest/api/{version}/search/jql", methods=["GET", "POST"])
    async def enhanced_search(version: str, request: Request) -> Response:
        check_access(state, version, request)
        if state.mode != "cloud":
            raise JiraError(404, "null for uri: " + str(request.url))
        params = await search_params(request, ENHANCED_SEARCH_BODY)
        return search_response(state, lambda: cloud_page(state, params, str(request.base_url)))

    @app.api_route("/rest/api/{version}/search", methods=["GET", "POST"])
    async def search(version: str, request: Request) -> Response:
        check_access(state, version, request)
        if state.mode == "cloud":
            raise JiraError(410, REMOVED_SEARCH)
        params = await search_params(request, SEARCH_BODY)
        return search_response(state, lambda: offset_page(state, params, str(request.base_url)))

    register_comment_routes(app, state, check_access)
    register_project_routes(app, state, check_access)

    @app.get("/rest/api/{version}/issue/{key}")
    async def get_issue(version: str, key: str, request: Request) -> Response:
        check_access(state, version, request)
        issue = state.issue_by_key(key)
        if issue is None:
            raise JiraError(404, "Issue does not exist or you do not have permission to see it.")
        fields = request.query_params.getlist("fields") or None
        body = Renderer(state, str(request.base_url)).issue(issue, FieldSelection.parse(fields, "*all"))
        return Response(orjson.dumps(body), media_type="application/json")

    return app


def check_version(state: JiraState, version: str) -> None:
    allowed = ("2", "3") if state.mode == "cloud" else ("2", "latest")
    if version not in allowed:
        raise JiraError(404, f"null for uri: /rest/api/{version}")


def check_access(state: JiraState, version: str, request: Request) -> None:
    check_version(state, version)
    header = request.headers.get("authorization", "")
    if state.mode == "cloud":
        expected = "Basic " + base64.b64encode(f"{state.email}:{state.token}".encode()).decode()
    else:
        expected = f"Bearer {state.token}"
    if header != expected:
        raise JiraError(
            401,
            "Client must be authenticated to access this resource.",
            {"WWW-Authenticate": 'Basic realm="protected-area"' if state.mode == "cloud" else "Bearer"},
        )


async def search_params(request: Request, allowed: frozenset[str]) -> dict[str, Any]:
    if request.method == "POST":
        try:
            body = await request.json()
        except ValueError as exc:
            raise JiraError(400, "Unexpected character in the request body: not valid JSON.") from exc
        if not isinstance(body, dict):
            raise JiraError(400, "The request body must be a JSON object.")
        unknown = sorted(set(body) - allowed)
        if unknown:  # the request beans refuse unknown properties (additionalProperties: false)
            raise JiraError(400, f'Unrecognized field "{unknown[0]}", not marked as ignorable.')
        return body
    query = request.query_params
    params: dict[str, Any] = {k: query[k] for k in query if k != "fields"}
    if "fields" in query:
        params["fields"] = query.getlist("fields")
    return params


def search_response(state: JiraState, make_page: Any) -> Response:
    fault = state.next_search_fault()
    if fault is not None:
        headers = {"Retry-After": str(fault.retry_after_s)} if fault.retry_after_s is not None else {}
        return error_response(
            fault.status, "Rate limit exceeded." if fault.status == 429 else "Injected fault.", headers
        )
    # orjson: a page of 100 rendered issues is the stand-in's own largest cost on the benchmark's cores
    return Response(orjson.dumps(make_page()), media_type="application/json")


def cloud_page(state: JiraState, params: dict[str, Any], base_url: str) -> dict[str, Any]:
    jql = str(params.get("jql") or "")
    selection = FieldSelection.parse(params.get("fields"), default="id")
    token = params.get("nextPageToken")
    if token:
        saved = state.page_tokens.get(str(token))
        if saved is None or saved.jql != jql:
            raise JiraError(400, "The provided next page token is invalid or expired.")
        offset, matches = saved.offset, saved.matches
    else:
        offset, matches = 0, tuple(run_jql(state, jql, bounded=True))
    cap = state.cloud_key_only_cap if selection.key_or_id_only else state.cloud_page_cap
    size = min(positive_int(params.get("maxResults", 50), "maxResults"), cap)
    renderer = Renderer(state, base_url)
    body: dict[str, Any] = {"issues": [renderer.issue(i, selection) for i in matches[offset : offset + size]]}
    is_last = offset + size >= len(matches)
    if not is_last:
        body["nextPageToken"] = state.issue_token(jql, offset + size, matches)
    body["isLast"] = is_last
    return body


def offset_page(state: JiraState, params: dict[str, Any], base_url: str) -> dict[str, Any]:
    jql = str(params.get("jql") or "")
    selection = FieldSelection.parse(params.get("fields"), default="*navigable")
    start = non_negative_int(params.get("startAt", 0), "startAt")
    size = min(non_negative_int(params.get("maxResults", 50), "maxResults"), state.dc_page_cap)
    matches = run_jql(state, jql, bounded=False)
    renderer = Renderer(state, base_url)
    return {
        "expand": "schema,names",
        "startAt": start,
        "maxResults": size,
        "total": len(matches),
        "issues": [renderer.issue(i, selection) for i in matches[start : start + size]],
    }


def run_jql(state: JiraState, jql: str, bounded: bool) -> list[dict[str, Any]]:
    try:
        query = parse(jql, set(state.projects))
    except JqlError as exc:
        raise JiraError(400, str(exc)) from exc
    if bounded and not query.predicates:
        raise JiraError(
            400, "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
        )
    return query.run(state.visible_issues())


def worklog_page(state: JiraState, key: str, request: Request) -> dict[str, Any]:
    issue = state.issue_by_key(key)
    if issue is None:
        raise JiraError(404, "Issue does not exist or you do not have permission to see it.")
    query = request.query_params
    try:  # the spec answers non-numeric paging values with 404, not 400
        # Read into the page's int32 fields as Jira does: a negative start is the first item.
        start = min(max(int(query.get("startAt", 0)), 0), INT32_MAX)
        size = min(max(int(query.get("maxResults", state.worklog_page_cap)), 0), state.worklog_page_cap)
        after = int(query["startedAfter"]) if "startedAfter" in query else None
        before = int(query["startedBefore"]) if "startedBefore" in query else None
    except ValueError as exc:
        raise JiraError(404, "startAt, maxResults, startedAfter and startedBefore must be numbers.") from exc
    chosen = [
        w
        for w in sorted(issue.get("worklogs", []), key=lambda w: w["started"])
        if (after is None or epoch_ms(w["started"]) > after)
        and (before is None or epoch_ms(w["started"]) < before)
    ]
    renderer = Renderer(state, str(request.base_url))
    return {
        "startAt": start,
        "maxResults": size,
        "total": len(chosen),
        "worklogs": [renderer.worklog(issue, w) for w in chosen[start : start + size]],
    }


def server_info_body(state: JiraState, base_url: str) -> dict[str, Any]:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000%z")
    if state.mode == "cloud":
        version, numbers, deployment = "1001.0.0-SNAPSHOT", [1001, 0, 0], "Cloud"
    else:
        version, numbers, deployment = "9.12.15", [9, 12, 15], "Server"
    return {
        "baseUrl": base_url.rstrip("/"),
        "version": version,
        "versionNumbers": numbers,
        "deploymentType": deployment,
        "buildNumber": 100290,
        "buildDate": "2025-11-20T00:00:00.000+0000",
        "serverTime": now,
        "scmInfo": "0" * 40,
        "serverTitle": "Jira (sandbox)",
        "defaultLocale": {"locale": "en_US"},
        "serverTimeZone": "UTC",
    }


def myself_body(state: JiraState, base_url: str) -> dict[str, Any]:
    api = f"{base_url.rstrip('/')}/rest/api/{'3' if state.mode == 'cloud' else '2'}"
    if state.mode == "cloud":
        identity = {
            "self": f"{api}/user?accountId=sandbox-bot",
            "accountId": "sandbox-bot",
            "accountType": "atlassian",
        }
    else:
        identity = {"self": f"{api}/user?username=sandbox-bot", "name": "sandbox-bot", "key": "JIRAUSER9999"}
    return identity | {
        "emailAddress": state.email,
        "displayName": "Sandbox Bot",
        "active": True,
        "timeZone": "UTC",
        "locale": "en_US",
    }


def epoch_ms(started: str) -> int:
    return int(datetime.strptime(started, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() * 1000)


def positive_int(value: Any, name: str) -> int:
    """Cloud pages are never empty by request: 0 means the default of 50."""
    return non_negative_int(value, name) or 50


def non_negative_int(value: Any, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise JiraError(400, f"The value '{value}' is not valid for the parameter '{name}'.") from exc
    if number < 0:
        raise JiraError(400, f"The value '{value}' is not valid for the parameter '{name}'.")
    return number
