"""Intercom stand-in routes about the workspace rather than one conversation's thread, from the 2.14
spec: `GET /admins/{id}` (404 `admin_not_found`), `GET /data_attributes` (`model` contact, company or
conversation) and `POST /conversations/redact` (a part's body and files removed, `redacted: true`)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request

from sandbox.intercom import IntercomError, IntercomState, admin_body, conversation_body, find, json_object


def register_workspace_routes(app: FastAPI, state: IntercomState) -> None:
    @app.get("/admins/{admin_id}")
    async def admin(admin_id: str) -> dict[str, Any]:
        if admin_id not in state.admins:
            raise IntercomError(404, "admin_not_found", "Admin not found")
        return admin_body(state.admins[admin_id])

    @app.get("/data_attributes")
    async def data_attributes(request: Request) -> dict[str, Any]:
        model = request.query_params.get("model")
        if model not in (None, "contact", "company", "conversation"):
            raise IntercomError(400, "parameter_invalid", "model must be contact, company or conversation")
        return {"type": "list", "data": [a for a in state.data_attributes if model in (None, a["model"])]}

    @app.post("/conversations/redact")
    async def redact(request: Request) -> dict[str, Any]:
        body = await json_object(request)
        if body.get("type") != "conversation_part" or not body.get("conversation_part_id"):
            raise IntercomError(400, "parameter_invalid", "type conversation_part and its ids are required")
        target = find(state, str(body.get("conversation_id")))
        state.redact(target, str(body["conversation_part_id"]))
        return conversation_body(state, target, parts=True)
