"""How the stand-in's files and grants read as Drive v3 resources (File, Permission)."""

from __future__ import annotations

from typing import Any

from sandbox.drive.state import EDITORS, ROLE_RANK, DriveFile, DriveState, Grant

FILE_DEFAULT = ("kind", "id", "name", "mimeType")
PERMISSION_DEFAULT = ("kind", "id", "type", "role")


def file_json(state: DriveState, file: DriveFile, caller: str) -> dict[str, Any]:
    role = state.role_of(file, caller) or "reader"
    can_edit = role in EDITORS
    out: dict[str, Any] = {
        "kind": "drive#file",
        "id": file.id,
        "name": file.name,
        "mimeType": file.mime_type,
        "parents": list(file.parents),
        "trashed": file.trashed,
        "createdTime": file.created_time,
        "webViewLink": _link(file),
        "capabilities": {
            "canAddChildren": can_edit and file.mime_type.endswith("folder"),
            "canEdit": can_edit,
            "canShare": can_edit,
            "canCopy": True,
            "canListChildren": True,
        },
    }
    if file.drive_id:
        out["driveId"] = file.drive_id
    if file.app_properties:
        out["appProperties"] = dict(file.app_properties)
    return out


def _link(file: DriveFile) -> str:
    if file.mime_type.endswith("spreadsheet"):
        return f"https://docs.google.com/spreadsheets/d/{file.id}/edit?usp=drivesdk"
    return f"https://drive.google.com/drive/folders/{file.id}"


def permissions_json(state: DriveState, file: DriveFile) -> list[dict[str, Any]]:
    """One Permission per account, its strongest role; on a shared drive with the details of where
    each part of it comes from (drive membership, a folder, the file itself)."""
    merged: dict[str, dict[str, Any]] = {}
    for grant, kind, source in _sources(state, file):
        entry = merged.setdefault(grant.id, _permission(grant))
        if ROLE_RANK[grant.role] > ROLE_RANK[entry["role"]]:
            entry["role"] = grant.role
        if file.drive_id:
            detail: dict[str, Any] = {
                "permissionType": kind,
                "role": grant.role,
                "inherited": source is not None,
            }
            if source is not None:
                detail["inheritedFrom"] = source
            entry.setdefault("permissionDetails", []).append(detail)
    return list(merged.values())


def _sources(state: DriveState, file: DriveFile) -> list[tuple[Grant, str, str | None]]:
    found: list[tuple[Grant, str, str | None]] = []
    if file.drive_id in state.drives:
        found += [(g, "member", file.drive_id) for g in state.drives[file.drive_id].members]
    for parent in file.parents:
        if parent in state.files:
            found += [(g, "file", parent) for g in state.files[parent].grants]
    if file.owner:
        found.append((state.user_grant(file.owner, "owner"), "file", None))
    found += [(g, "file", None) for g in file.grants]
    return found


def _permission(grant: Grant) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": "drive#permission", "id": grant.id, "type": grant.type, "role": grant.role}
    if grant.email:
        out["emailAddress"] = grant.email
    if grant.display_name:
        out["displayName"] = grant.display_name
    out["deleted"] = False
    return out
