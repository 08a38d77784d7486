"""Google Drive v3: the team spreadsheets' folder, their creation, and who may open them.

One method per endpoint opsheets uses (../shared/api-specs/google-drive-v3.discovery.json), each
with `supportsAllDrives=true`: team spreadsheets live on a shared drive, because a service account
owns no files and has no storage, and without the flag Drive answers 404 for every shared-drive item.
Errors become named exceptions; Google's 403 `storageQuotaExceeded` (a folder in someone's My Drive)
becomes `SharedDriveRequired`, which says to use a shared drive.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from google.auth.credentials import Credentials
from google.auth.exceptions import RefreshError

from connectors.errors import AuthError, FatalAPIError, NotFoundError
from connectors.http import ApiClient, RetryPolicy
from connectors.sheets.google_auth import KEY_HINT, token_request

SYSTEM = "Google Drive"
DRIVE_HOST = "https://www.googleapis.com"
FILES = "/drive/v3/files"
SPREADSHEET_TYPE = "application/vnd.google-apps.spreadsheet"
FOLDER_TYPE = "application/vnd.google-apps.folder"
ALL_DRIVES = {"supportsAllDrives": "true"}
FILE_FIELDS = "id,name,mimeType,driveId,parents,appProperties,capabilities(canAddChildren,canEdit)"
PERMISSION_FIELDS = (
    "id,type,role,emailAddress,domain,permissionDetails(inherited,inheritedFrom,permissionType)"
)
PAGE_SIZE = 100  # Drive's largest page of permissions on a shared-drive item
RATE_LIMITED = frozenset({"userRateLimitExceeded", "rateLimitExceeded"})


class SharedDriveRequired(AuthError):
    """403 storageQuotaExceeded: a service account tried to create a file outside a shared drive."""


class DriveNotFound(NotFoundError):
    """404: no such file or folder, or it is not shared with the account."""


class DriveAccessDenied(AuthError):
    """403 (other reasons): the account may see the item but not do this to it."""


class DriveRequestRefused(FatalAPIError):
    """400, or another 4xx: Drive refused the request itself."""


@dataclass(frozen=True)
class DriveItem:
    id: str
    name: str
    mime_type: str
    drive_id: str | None  # None: in someone's My Drive
    parents: tuple[str, ...] = ()
    app_properties: Mapping[str, str] = field(default_factory=dict)
    can_add_children: bool = False
    can_edit: bool = False


@dataclass(frozen=True)
class Permission:
    """Who can open a file and how; `inherited`: every part of it comes from the shared drive or a
    folder (it cannot be removed on the file)."""

    id: str
    type: str  # user | group | domain | anyone
    role: str  # owner | organizer | fileOrganizer | writer | commenter | reader
    email: str | None
    inherited: bool = False


class GoogleAuth(requests.auth.AuthBase):
    """Puts the access token on each request, getting a fresh one under the shared policy."""

    def __init__(self, credentials: Credentials, policy: RetryPolicy) -> None:
        self.credentials = credentials
        self.token_request = token_request(policy)

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        try:
            self.credentials.before_request(self.token_request, request.method, request.url, request.headers)
        except RefreshError as error:
            raise AuthError(SYSTEM, f"no access token ({error}) — {KEY_HINT}") from None
        return request


class DriveClient:
    def __init__(
        self,
        credentials: Credentials,
        *,
        policy: RetryPolicy = RetryPolicy(),
        rewrite: Mapping[str, str] | None = None,
    ) -> None:
        self.policy = policy
        self.api = ApiClient(
            SYSTEM, DRIVE_HOST, auth=GoogleAuth(credentials, policy), policy=policy, rewrite=rewrite
        )

    # --- files --------------------------------------------------------------------------------
    def get_file(self, file_id: str) -> DriveItem:
        """files.get: the folder or template, with where it lives and what the account may do."""
        return _item(
            self._call("GET", f"{FILES}/{file_id}", f"file '{file_id}'", params={"fields": FILE_FIELDS})
        )

    def list_folder(self, folder_id: str, mime_type: str = SPREADSHEET_TYPE) -> list[DriveItem]:
        """files.list: the items of that type in the folder (not trashed), every page."""
        params = {
            "q": f"'{folder_id}' in parents and mimeType = '{mime_type}' and trashed = false",
            "includeItemsFromAllDrives": "true",
            "corpora": "allDrives",
            "pageSize": "1000",
            "fields": f"nextPageToken,files({FILE_FIELDS})",
        }
        pages = self._pages(FILES, f"folder '{folder_id}'", params, "files")
        return [_item(raw) for raw in pages]

    def create_spreadsheet(self, name: str, folder_id: str, app_properties: Mapping[str, str]) -> DriveItem:
        """files.create: an empty Google Sheets spreadsheet in the folder."""
        body = {"name": name, "mimeType": SPREADSHEET_TYPE, "parents": [folder_id],
                "appProperties": dict(app_properties)}  # fmt: skip
        raw = self._call("POST", FILES, f"folder '{folder_id}'", params={"fields": FILE_FIELDS}, json=body)
        return _item(raw)

    def copy_file(
        self, file_id: str, name: str, folder_id: str, app_properties: Mapping[str, str]
    ) -> DriveItem:
        """files.copy: the template, copied into the folder under a new name."""
        body = {"name": name, "parents": [folder_id], "appProperties": dict(app_properties)}
        what = f"template '{file_id}' into folder '{folder_id}'"
        return _item(
            self._call("POST", f"{FILES}/{file_id}/copy", what, params={"fields": FILE_FIELDS}, json=body)
        )

    # --- permissions --------------------------------------------------------------------------
    def permissions(self, file_id: str) -> list[Permission]:
        """permissions.list: everyone with access, inherited access (shared-drive members) included."""
        params = {"pageSize": str(PAGE_SIZE), "fields": f"nextPageToken,permissions({PERMISSION_FIELDS})"}
        pages = self._pages(f"{FILES}/{file_id}/permissions", f"file '{file_id}'", params, "permissions")
        return [_permission(raw) for raw in pages]

    def share(self, file_id: str, email: str, role: str, message: str) -> Permission:
        """permissions.create for one person, with Drive's notification email carrying `message`."""
        params = {"sendNotificationEmail": "true", "emailMessage": message, "fields": PERMISSION_FIELDS}
        body = {"type": "user", "role": role, "emailAddress": email}
        what = f"file '{file_id}' (sharing with {email})"
        return _permission(
            self._call("POST", f"{FILES}/{file_id}/permissions", what, params=params, json=body)
        )

    def unshare(self, file_id: str, permission_id: str) -> None:
        """permissions.delete of a permission given on the file itself."""
        self._call("DELETE", f"{FILES}/{file_id}/permissions/{permission_id}", f"file '{file_id}'")

    # --- the wire -----------------------------------------------------------------------------
    def _pages(self, path: str, what: str, params: dict[str, str], key: str) -> Iterator[dict[str, Any]]:
        token: str | None = None
        while True:
            page = self._call("GET", path, what, params={**params, **({"pageToken": token} if token else {})})
            yield from page.get(key) or []
            token = page.get("nextPageToken")
            if not token:
                return

    def _call(self, method: str, path: str, what: str, **kw: Any) -> Any:
        """One request; Drive's per-user quota answers 403 userRateLimitExceeded (429s are retried by
        the HTTP layer), which is waited out with capped exponential backoff and jitter, as Google asks."""
        params = {**ALL_DRIVES, **kw.pop("params", {})}
        for attempt in range(1, self.policy.max_attempts + 1):
            response = self.api.request(method, path, params=params, answers=(400, 403, 404), **kw)
            if response.status_code < 400:
                return response.json() if response.content else {}
            if attempt == self.policy.max_attempts or not _reasons(response) & RATE_LIMITED:
                break
            wait = min(self.policy.backoff_cap_s, self.policy.backoff_base_s * 2 ** (attempt - 1))
            time.sleep(wait * random.uniform(0.5, 1.0))
        raise _refusal(response, method, what)


def _error(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return (body.get("error") or {}) if isinstance(body, dict) else {}


def _reasons(response: requests.Response) -> set[str]:
    return {str(e.get("reason")) for e in _error(response).get("errors") or [] if isinstance(e, dict)}


def _refusal(response: requests.Response, method: str, what: str) -> FatalAPIError:
    """Drive's error as a named exception that says what to fix."""
    reasons = _reasons(response)
    said = str(_error(response).get("message") or response.reason)
    status = response.status_code
    if "storageQuotaExceeded" in reasons:
        return SharedDriveRequired(SYSTEM, (
            f"{method} on {what} refused: storageQuotaExceeded — a service account owns no files, so the "
            "folder must be on a shared drive: create a shared drive, add the service account as Content "
            "manager, and set budgets.provision.folder to a folder on it"), status=status)  # fmt: skip
    if status == 404:
        return DriveNotFound(SYSTEM, (
            f"{what} not found — check the id, and that it is shared with the service account (on a shared "
            f"drive: the account is a member) (Drive said: {said})"), status=status)  # fmt: skip
    if status == 403:
        return DriveAccessDenied(SYSTEM, (
            f"{method} on {what} refused ({', '.join(sorted(reasons)) or 'forbidden'}) — give the service "
            f"account Content manager on the shared drive (Drive said: {said})"), status=status)  # fmt: skip
    return DriveRequestRefused(SYSTEM, f"{method} on {what} refused with {status}: {said}", status=status)


def _item(raw: Mapping[str, Any]) -> DriveItem:
    capabilities = raw.get("capabilities") or {}
    return DriveItem(
        id=str(raw["id"]),
        name=str(raw.get("name") or ""),
        mime_type=str(raw.get("mimeType") or ""),
        drive_id=raw.get("driveId"),
        parents=tuple(raw.get("parents") or ()),
        app_properties=dict(raw.get("appProperties") or {}),
        can_add_children=bool(capabilities.get("canAddChildren")),
        can_edit=bool(capabilities.get("canEdit")),
    )


def _permission(raw: Mapping[str, Any]) -> Permission:
    details = raw.get("permissionDetails") or []
    return Permission(
        id=str(raw["id"]),
        type=str(raw.get("type") or "user"),
        role=str(raw.get("role") or "reader"),
        email=(str(raw["emailAddress"]).strip().casefold() if raw.get("emailAddress") else None),
        inherited=bool(details) and all(d.get("inherited") for d in details),
    )
