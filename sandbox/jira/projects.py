"""Jira stand-in: project lookup and JQL parsing, the calls `opsheets check` asks before a run.

From Atlassian's v3 OpenAPI:
- `GET /rest/api/{2,3}/project/{projectIdOrKey}` (both deployments): the project, or 404 "if the project
  is not found or the user does not have permission to view it", with Jira's error collection.
- `POST /rest/api/3/jql/parse?validation=strict|warn|none` (Cloud only; Data Center has no such
  endpoint and answers 404): body `{"queries": [...]}` (no other property, at least one non-empty
  query), answer `{"queries": [{"query", "structure"?, "errors"?, "warnings"?}]}` in the same order.
  As in the document's example, a malformed query gets `errors`, a value that does not exist
  (`project = INVALID`) gets `warnings`; `strict` leaves the structure out of any query with either,
  `warn` only out of malformed ones, `none` reports no warnings. The structure is given as an empty
  `JqlQuery` (the stand-in has no syntax tree to show).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException

from sandbox.jira.jql import JqlError, parse
from sandbox.jira.render import Renderer
from sandbox.jira.state import JiraState

VALIDATION_MODES = ("strict", "warn", "none")
_MISSING_VALUE = "does not exist for the field"


def register_project_routes(app: FastAPI, state: JiraState, check_access: Any) -> None:
    """Add the project and JQL-parse routes; `check_access` is the app's auth/version check."""

    @app.get("/rest/api/{version}/project/{key}")
    async def get_project(version: str, key: str, request: Request) -> dict[str, Any]:
        check_access(state, version, request)
        found = key if key in state.projects else _by_id(state, key)
        if found is None:
            raise HTTPException(404, f"No project could be found with key '{key}'.")
        return Renderer(state, str(request.base_url)).project(found)

    @app.post("/rest/api/{version}/jql/parse")
    async def parse_jql(version: str, request: Request) -> dict[str, Any]:
        check_access(state, version, request)
        if state.mode != "cloud":
            raise HTTPException(404, "null for uri: " + str(request.url))
        mode = request.query_params.get("validation", "strict")
        if mode not in VALIDATION_MODES:
            raise HTTPException(400, f"Invalid validation mode '{mode}': use one of strict, warn, none.")
        queries = _queries(await _json_body(request))
        return {"queries": [_parsed(state, query, mode) for query in queries]}


def _by_id(state: JiraState, project_id: str) -> str | None:
    keys = sorted(state.projects)
    index = int(project_id) - 10000 if project_id.isdigit() else -1
    return keys[index] if 0 <= index < len(keys) else None


async def _json_body(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise HTTPException(400, "Unexpected character in the request body: not valid JSON.") from None


def _queries(body: Any) -> list[str]:
    if not isinstance(body, dict):
        raise HTTPException(400, "The request body must be a JSON object.")
    unknown = sorted(set(body) - {"queries"})
    if unknown:  # JqlQueriesToParse: additionalProperties false
        raise HTTPException(400, f'Unrecognized field "{unknown[0]}", not marked as ignorable.')
    queries = body.get("queries")
    if not isinstance(queries, list) or not queries or not all(isinstance(q, str) and q for q in queries):
        raise HTTPException(400, "queries: must be a list of at least one non-empty JQL query.")
    return queries


def _parsed(state: JiraState, query: str, mode: str) -> dict[str, Any]:
    try:
        parse(query, set(state.projects))
    except JqlError as exc:
        message = str(exc)
        if _MISSING_VALUE not in message:
            return {"query": query, "errors": [message]}
        if mode == "none":
            return {"query": query, "structure": {}}
        parsed: dict[str, Any] = {"query": query, "warnings": [message]}
        return parsed if mode == "strict" else parsed | {"structure": {}}
    return {"query": query, "structure": {}}
