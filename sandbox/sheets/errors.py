"""Google's error envelope: `{"error": {"code", "message", "status"}}`."""

from __future__ import annotations

from typing import Any

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    429: "RESOURCE_EXHAUSTED",
}

NOT_FOUND_MESSAGE = "Requested entity was not found."
DENIED_MESSAGE = "The caller does not have permission"
UNAUTHENTICATED_MESSAGE = (
    "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie "
    "or other valid authentication credential. "
    "See https://developers.google.com/identity/sign-in/web/devconsole-project."
)


class SheetsError(Exception):
    """Raised anywhere in the stand-in; the app turns it into Google's JSON error body."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def status(self) -> str:
        return _STATUS_NAMES.get(self.code, "UNKNOWN")

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


def invalid(message: str) -> SheetsError:
    return SheetsError(400, message)


def unparsable_range(text: str) -> SheetsError:
    return SheetsError(400, f"Unable to parse range: {text}")
