"""DriveState: shared drives and their members, files and their permissions, who each token is,
per-user quotas, and the request facts tests read (notification emails sent)."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sandbox.drive.errors import DriveError, not_found, quota_exceeded
from sandbox.sheets.state import SheetsState, SlidingWindowQuota

FOLDER = "application/vnd.google-apps.folder"
SPREADSHEET = "application/vnd.google-apps.spreadsheet"
# Drive API requests per minute per user (an older published figure; Google now counts quota units).
QUERIES_PER_MINUTE = 12_000
ROLE_RANK = {"reader": 1, "commenter": 2, "writer": 3, "fileOrganizer": 4, "organizer": 5, "owner": 6}
EDITORS = ("writer", "fileOrganizer", "organizer", "owner")


@dataclass
class Grant:
    """One person's (or group's, domain's) access: to a shared drive (membership) or to one file."""

    id: str
    type: str  # user | group | domain | anyone
    role: str
    email: str | None = None
    display_name: str | None = None


@dataclass
class DriveFile:
    id: str
    name: str
    mime_type: str
    parents: list[str]
    drive_id: str | None  # None: in someone's My Drive
    owner: str | None  # My Drive files only: the owner's email
    app_properties: dict[str, str] = field(default_factory=dict)
    trashed: bool = False
    grants: list[Grant] = field(default_factory=list)  # direct, file-level permissions
    created_time: str = "2026-01-01T00:00:00.000Z"


@dataclass
class SharedDrive:
    id: str
    name: str
    members: list[Grant] = field(default_factory=list)


@dataclass(frozen=True)
class Notification:
    """An email Drive sent when a permission was created with sendNotificationEmail."""

    to: str
    file_id: str
    role: str
    message: str


class DriveState:
    """Thread-safe: the app serves from uvicorn's thread while tests read from theirs."""

    def __init__(
        self,
        sheets: SheetsState | None = None,
        accounts: dict[str, str] | None = None,
        service_accounts: set[str] | None = None,
        limit: int = QUERIES_PER_MINUTE,
        window_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.lock = threading.RLock()
        self.sheets = sheets  # a spreadsheet created or copied here becomes one in the Sheets stand-in
        self.accounts = dict(accounts or {})  # bearer token -> the account's email
        self.service_accounts = set(service_accounts or ())
        self.files: dict[str, DriveFile] = {}
        self.drives: dict[str, SharedDrive] = {}
        self.quota = SlidingWindowQuota(limit, window_s, clock)
        self.notifications: list[Notification] = []
        self._ids = itertools.count(1)

    # --- set-up -------------------------------------------------------------------------------
    def add_shared_drive(self, drive_id: str, name: str, members: dict[str, str]) -> None:
        """`members`: email -> role (organizer, fileOrganizer, writer, commenter, reader)."""
        with self.lock:
            grants = [self.user_grant(email, role) for email, role in members.items()]
            self.drives[drive_id] = SharedDrive(drive_id, name, grants)

    def add_folder(self, folder_id: str, name: str, *, drive_id: str | None = None, owner: str | None = None,
                   parent: str | None = None) -> None:  # fmt: skip
        """A folder on a shared drive (`drive_id`), or in `owner`'s My Drive."""
        with self.lock:
            parents = [parent or drive_id or "root"]
            self.files[folder_id] = DriveFile(folder_id, name, FOLDER, parents, drive_id, owner)

    def add_spreadsheet(self, file_id: str, name: str, parent: str) -> None:
        """A spreadsheet already in `parent` (which must exist), also created in the Sheets stand-in."""
        with self.lock:
            folder = self.files[parent]
            self.files[file_id] = DriveFile(
                file_id, name, SPREADSHEET, [parent], folder.drive_id, folder.owner
            )
            if self.sheets is not None and file_id not in self.sheets.spreadsheets:
                self.sheets.create_spreadsheet(name, spreadsheet_id=file_id)

    def grant(self, file_id: str, email: str, role: str) -> None:
        """Someone shares the file by hand (no quota, no request log, no email)."""
        with self.lock:
            self.files[file_id].grants.append(self.user_grant(email, role))

    def user_grant(self, email: str, role: str) -> Grant:
        return Grant(permission_id(email), "user", role, email, email.split("@")[0].replace(".", " ").title())

    # --- used by the app ----------------------------------------------------------------------
    def caller(self, token: str) -> str:
        """The caller's email; admits the request under the caller's per-user quota."""
        email = self.accounts.get(token)
        if email is None:
            raise DriveError(401, "Invalid Credentials", "authError", "global", "Authorization", "header")
        if not self.quota.admit(email):
            raise quota_exceeded()
        return email

    def new_id(self) -> str:
        return f"1drv{next(self._ids):06d}sandbox"

    def file(self, file_id: str, caller: str, all_drives: bool) -> DriveFile:
        """The file as the caller may see it: a shared-drive file is invisible without supportsAllDrives."""
        found = self.files.get(file_id)
        if found is None or found.trashed or self.role_of(found, caller) is None:
            raise not_found(file_id)
        if found.drive_id is not None and not all_drives:
            raise not_found(file_id)
        return found

    def role_of(self, file: DriveFile, email: str) -> str | None:
        """The caller's strongest role on the file: drive membership, the file's grants, its folders'."""
        roles = [g.role for g in self.effective_grants(file) if g.email == email]
        if file.owner == email:
            roles.append("owner")
        return max(roles, key=ROLE_RANK.__getitem__, default=None)

    def effective_grants(self, file: DriveFile) -> list[Grant]:
        inherited = self.drives[file.drive_id].members if file.drive_id in self.drives else []
        folders = [g for parent in file.parents if parent in self.files for g in self.files[parent].grants]
        return [*inherited, *folders, *file.grants]

    def is_service_account(self, email: str) -> bool:
        return email in self.service_accounts or email.endswith(".iam.gserviceaccount.com")

    def create_sheet_copy(self, source: DriveFile, target: DriveFile) -> None:
        if self.sheets is None:
            return
        with self.sheets.lock:
            book = self.sheets.spreadsheets.get(source.id)
            if book is None:
                self.sheets.create_spreadsheet(target.name, spreadsheet_id=target.id)
                return
            copied = book.copy()
            copied.spreadsheet_id = target.id
            copied.properties["title"] = target.name
            self.sheets.spreadsheets[target.id] = copied

    # --- inspection ---------------------------------------------------------------------------
    def direct_emails(self, file_id: str) -> dict[str, str]:
        """email -> role of the file's own (not inherited) user permissions."""
        with self.lock:
            return {g.email: g.role for g in self.files[file_id].grants if g.email}

    def in_folder(self, folder_id: str) -> list[DriveFile]:
        with self.lock:
            return [f for f in self.files.values() if folder_id in f.parents and not f.trashed]


def permission_id(email: str) -> str:
    """Drive gives each account one permission id on every file; a stable number stands in for it."""
    return str(int.from_bytes(email.casefold().encode()[:12].ljust(12, b"\0"), "big") % 10**20).zfill(20)
