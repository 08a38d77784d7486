"""The errors every connector raises, so flows and the CLI can tell a fix-your-config problem
from a the-service-is-down problem without knowing which system answered."""

from __future__ import annotations

from connectors.redaction import redact


class ApiError(Exception):
    """A call to an outside system failed. `str(e)` names the system and, where known, the fix."""

    def __init__(self, system: str, message: str, *, status: int | None = None) -> None:
        self.system = system
        self.status = status
        # Built redacted: an exception's text ends up in logs, Prefect artifacts and tracebacks.
        super().__init__(redact(f"{system}: {message}"))


class RetriableAPIError(ApiError):
    """One attempt failed in a way that may pass on its own: 429, 5xx, connection or read errors."""

    def __init__(
        self,
        system: str,
        reason: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        fix: str = "",
    ) -> None:
        super().__init__(system, reason, status=status)
        self.reason = redact(reason)
        self.retry_after = retry_after
        self.fix = fix


class FatalAPIError(ApiError):
    """A 4xx answer: retrying the same request cannot help."""


class AuthError(FatalAPIError):
    """401 or 403: the credentials are wrong, expired or lack a permission."""


class NotFoundError(FatalAPIError):
    """404: the base URL, id or key points at nothing."""


class UnreachableError(FatalAPIError):
    """No answer that asking again could change: the host name does not resolve, or TLS failed."""

    def __init__(self, system: str, reason: str, *, host: str, fix: str) -> None:
        super().__init__(system, f"{reason} — {fix}")
        self.host = host


class RetriesExhaustedError(ApiError):
    """Every attempt allowed by the retry policy failed with a retriable error."""

    def __init__(self, system: str, attempts: int, last: RetriableAPIError, what: str = "") -> None:
        where = f" ({what})" if what else ""
        fix = f" — {last.fix}" if last.fix else ""
        message = f"gave up after {attempts} attempts; last: {last.reason}{where}{fix}"
        super().__init__(system, message, status=last.status)
        self.attempts = attempts
        self.last = last
