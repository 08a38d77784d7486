"""The FastAPI app: the Drive v3 paths of the discovery document opsheets uses, Google's error bodies.

Shared-drive semantics as the live service has them: an item on a shared drive is found only with
`supportsAllDrives=true` (else 404), and listed only with `includeItemsFromAllDrives=true` too; a
service account has no storage, so creating a file outside a shared drive is refused with 403
`storageQuotaExceeded`; each account's requests count against a per-user quota (403 userRateLimitExceeded).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from sandbox.drive import fields, query
from sandbox.drive.errors import DriveError, forbidden, invalid, no_storage, not_found, permission_not_found
from sandbox.drive.resources import FILE_DEFAULT, PERMISSION_DEFAULT, file_json, permissions_json
from sandbox.drive.state import EDITORS, SPREADSHEET, DriveFile, DriveState, Notification

PREFIX = "/drive/v3/files"
ROLES = ("organizer", "fileOrganizer", "writer", "commenter", "reader")


def create_app(state: DriveState) -> FastAPI:
    app = FastAPI(title="Google Drive v3 stand-in")

    @app.exception_handler(DriveError)
    async def drive_error(_: Request, exc: DriveError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.code)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        error = DriveError(
            exc.status_code, "Not Found" if exc.status_code == 404 else str(exc.detail), "notFound"
        )
        return JSONResponse(error.body(), status_code=exc.status_code)

    _file_routes(app, state)
    _permission_routes(app, state)
    return app


def _file_routes(app: FastAPI, state: DriveState) -> None:
    @app.post(PREFIX)
    async def create(request: Request) -> JSONResponse:
        caller, body = _caller(request, state), await _body(request)
        with state.lock:
            parent = _parent(state, body, caller, _flag(request, "supportsAllDrives"))
            made = _new_file(state, body, parent, str(body.get("mimeType") or "application/octet-stream"))
            if made.mime_type == SPREADSHEET and state.sheets is not None:
                state.sheets.create_spreadsheet(made.name, spreadsheet_id=made.id)
            return _answer(file_json(state, made, caller), request, FILE_DEFAULT)

    @app.post(PREFIX + "/{file_id}/copy")
    async def copy(file_id: str, request: Request) -> JSONResponse:
        caller, body = _caller(request, state), await _body(request)
        with state.lock:
            all_drives = _flag(request, "supportsAllDrives")
            source = state.file(file_id, caller, all_drives)
            parent = _parent(state, {"parents": source.parents, **body}, caller, all_drives)
            made = _new_file(state, {"name": f"Copy of {source.name}", **body}, parent, source.mime_type)
            state.create_sheet_copy(source, made)
            return _answer(file_json(state, made, caller), request, FILE_DEFAULT)

    @app.get(PREFIX + "/{file_id}")
    async def get(file_id: str, request: Request) -> JSONResponse:
        caller = _caller(request, state)
        with state.lock:
            found = state.file(file_id, caller, _flag(request, "supportsAllDrives"))
            return _answer(file_json(state, found, caller), request, FILE_DEFAULT)

    @app.get(PREFIX)
    async def list_files(request: Request) -> JSONResponse:
        caller = _caller(request, state)
        params = request.query_params
        with state.lock:
            matches = query.matcher(params.get("q", ""))
            wide = _flag(request, "supportsAllDrives") and _flag(request, "includeItemsFromAllDrives")
            corpora = params.get("corpora", "user")
            if corpora == "drive" and not (params.get("driveId") and wide):
                raise invalid(
                    "The driveId parameter must be specified with includeItemsFromAllDrives.", "driveId"
                )
            found = [
                f for f in sorted(state.files.values(), key=lambda f: f.id)
                if state.role_of(f, caller) and (f.drive_id is None or wide) and matches(f)
                and (corpora != "drive" or f.drive_id == params.get("driveId"))
            ]  # fmt: skip
            size = _int(params.get("pageSize"), 100, 1, 1000)
            start = _int(params.get("pageToken"), 0, 0, len(found))
            page = found[start : start + size]
            body: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False}
            if start + size < len(found):
                body["nextPageToken"] = str(start + size)
            body["files"] = [file_json(state, f, caller) for f in page]
            return _answer(
                body,
                request,
                ("kind", "nextPageToken", "incompleteSearch", "files(" + ",".join(FILE_DEFAULT) + ")"),
            )


def _permission_routes(app: FastAPI, state: DriveState) -> None:
    @app.get(PREFIX + "/{file_id}/permissions")
    async def list_permissions(file_id: str, request: Request) -> JSONResponse:
        caller = _caller(request, state)
        with state.lock:
            found = state.file(file_id, caller, _flag(request, "supportsAllDrives"))
            listed = permissions_json(state, found)
            size = _int(request.query_params.get("pageSize"), len(listed) or 1, 1, 100)
            start = _int(request.query_params.get("pageToken"), 0, 0, len(listed))
            body: dict[str, Any] = {
                "kind": "drive#permissionList",
                "permissions": listed[start : start + size],
            }
            if start + size < len(listed):
                body["nextPageToken"] = str(start + size)
            return _answer(
                body, request, ("kind", "nextPageToken", "permissions(" + ",".join(PERMISSION_DEFAULT) + ")")
            )

    @app.post(PREFIX + "/{file_id}/permissions")
    async def create_permission(file_id: str, request: Request) -> JSONResponse:
        caller, body = _caller(request, state), await _body(request)
        with state.lock:
            found = _editable(state, file_id, caller, request)
            role, kind, email = body.get("role"), body.get("type"), body.get("emailAddress")
            if role not in ROLES and role != "owner":
                raise invalid(f"Invalid value for role: {role}", "permission.role")
            if role == "owner" and found.drive_id:
                raise forbidden(
                    "Shared drive items cannot be owned by a user.", "teamDriveOwnershipNotAllowed"
                )
            if kind not in ("user", "group") or not email:
                raise invalid(
                    "The permission type and emailAddress are required for a user or group.", "permission"
                )
            found.grants = [g for g in found.grants if g.email != email]
            grant = state.user_grant(str(email), str(role))
            grant.type = str(kind)
            found.grants.append(grant)
            if request.query_params.get("sendNotificationEmail", "true").lower() != "false":
                message = request.query_params.get("emailMessage", "")
                state.notifications.append(Notification(str(email), file_id, str(role), message))
            perm = next(p for p in permissions_json(state, found) if p["id"] == grant.id)
            return _answer(perm, request, PERMISSION_DEFAULT)

    @app.delete(PREFIX + "/{file_id}/permissions/{permission_id}")
    async def delete_permission(file_id: str, permission_id: str, request: Request) -> Response:
        caller = _caller(request, state)
        with state.lock:
            found = _editable(state, file_id, caller, request)
            direct = [g for g in found.grants if g.id == permission_id]
            if not direct:
                if any(p["id"] == permission_id for p in permissions_json(state, found)):
                    raise forbidden("The permission is inherited and cannot be deleted on this item.",
                                    "cannotDeletePermission")  # fmt: skip
                raise permission_not_found(permission_id)
            found.grants.remove(direct[0])
            return Response(status_code=204)


def _caller(request: Request, state: DriveState) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise DriveError(401, "Login Required.", "required", "global", "Authorization", "header")
    return state.caller(token.strip())


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:
        raise DriveError(400, "Parse Error", "parseError") from None
    if not isinstance(body, dict):
        raise DriveError(400, "Parse Error", "parseError")
    return body


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "false").lower() == "true"  # Google reads True as true too


def _int(text: str | None, default: int, low: int, high: int) -> int:
    if text is None:
        return default
    if not text.isdigit() or not low <= int(text) <= max(high, low):
        raise invalid(f"Invalid value '{text}'.", "pageToken")
    return int(text)


def _parent(state: DriveState, body: dict[str, Any], caller: str, all_drives: bool) -> DriveFile | None:
    """Where the new file goes; the refusals Drive gives a caller who may not put it there."""
    parents = body.get("parents") or []
    if len(parents) > 1:
        raise forbidden("Increasing the number of parents is not allowed.", "cannotAddParent")
    if not parents or parents[0] == "root":
        if state.is_service_account(caller):
            raise no_storage()
        return None
    parent = state.file(str(parents[0]), caller, all_drives)
    if state.role_of(parent, caller) not in EDITORS:
        raise forbidden(f"The user does not have sufficient permissions for file {parent.id}.")
    if parent.drive_id is None and state.is_service_account(caller):
        raise no_storage()  # a My Drive folder: the new file would be the service account's own
    return parent


def _new_file(state: DriveState, body: dict[str, Any], parent: DriveFile | None, mime_type: str) -> DriveFile:
    made = DriveFile(
        id=state.new_id(),
        name=str(body.get("name") or "Untitled"),
        mime_type=mime_type,
        parents=[parent.id] if parent else ["root"],
        drive_id=parent.drive_id if parent else None,
        owner=None if parent and parent.drive_id else (parent.owner if parent else None),
        app_properties={str(k): str(v) for k, v in (body.get("appProperties") or {}).items()},
    )
    state.files[made.id] = made
    return made


def _editable(state: DriveState, file_id: str, caller: str, request: Request) -> DriveFile:
    found = state.file(file_id, caller, _flag(request, "supportsAllDrives"))
    if state.role_of(found, caller) not in EDITORS:
        raise forbidden(f"The user does not have sufficient permissions for file {file_id}.")
    return found


def _answer(body: dict[str, Any], request: Request, default: tuple[str, ...]) -> JSONResponse:
    mask = fields.parse(request.query_params.get("fields") or ",".join(default))
    return JSONResponse(fields.select(body, mask))


__all__ = ["create_app", "not_found"]
