"""Drive's error envelope: `{"error": {"code", "message", "errors": [{"domain", "reason", ...}]}}`."""

from __future__ import annotations

from typing import Any

# Google's text for a service account creating a file outside a shared drive (README of the specs).
NO_STORAGE_MESSAGE = (
    "Service Accounts do not have storage quota. Leverage shared drives "
    "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), or use OAuth "
    "delegation (http://support.google.com/a/answer/7281227) instead."
)


class DriveError(Exception):
    def __init__(
        self,
        code: int,
        message: str,
        reason: str,
        domain: str = "global",
        location: str | None = None,
        location_type: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code, self.message, self.reason, self.domain = code, message, reason, domain
        self.location, self.location_type = location, location_type

    def body(self) -> dict[str, Any]:
        detail: dict[str, Any] = {"message": self.message, "domain": self.domain, "reason": self.reason}
        if self.location:
            detail.update(location=self.location, locationType=self.location_type or "parameter")
        return {"error": {"code": self.code, "message": self.message, "errors": [detail]}}


def not_found(file_id: str) -> DriveError:
    return DriveError(404, f"File not found: {file_id}.", "notFound", "global", "fileId", "parameter")


def permission_not_found(permission_id: str) -> DriveError:
    return DriveError(404, f"Permission not found: {permission_id}.", "notFound", "global", "permissionId")


def forbidden(message: str, reason: str = "insufficientFilePermissions") -> DriveError:
    return DriveError(403, message, reason)


def no_storage() -> DriveError:
    return DriveError(403, NO_STORAGE_MESSAGE, "storageQuotaExceeded", "usageLimits")


def invalid(message: str, location: str) -> DriveError:
    return DriveError(400, message, "invalid", "global", location, "parameter")


def quota_exceeded() -> DriveError:
    """The per-user quota, as Drive answers it: 403 (its backend's own checks answer 429)."""
    return DriveError(403, "User Rate Limit Exceeded", "userRateLimitExceeded", "usageLimits")
