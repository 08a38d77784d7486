"""A row of `opsheets check`: what was checked, OK/WARN/OFF/FAIL, what was found and, unless OK, the fix."""

from __future__ import annotations

import re
from dataclasses import dataclass

from connectors.errors import RetriesExhaustedError, UnreachableError
from connectors.redaction import redact


@dataclass(frozen=True)
class Probe:
    check: str
    ok: bool
    detail: str
    fix: str = ""
    unreachable: bool = False  # the system could not be reached at all: later probes of it are skipped
    note: str = ""  # "WARN" (works, but maybe not as meant) or "OFF" (a job left out): shown with its fix

    @property
    def result(self) -> str:
        return "FAIL" if not self.ok else self.note or "OK"


def split_fix(message: str) -> tuple[str, str]:
    """Our errors carry their fix after "Fix:" or an em dash; the table shows it in its own column."""
    for marker in (" Fix: ", ". Fix: ", " — "):
        if marker in message:
            detail, fix = message.split(marker, 1)
            return detail.strip(), re.sub(r"\s*\(server said: .*\)$", "", fix).strip()
    return message, ""


def failed(check: str, error: Exception, default_fix: str) -> Probe:
    detail, fix = split_fix(str(error))
    unreachable = isinstance(error, UnreachableError | RetriesExhaustedError)
    return Probe(check, False, detail, fix or default_fix, unreachable)


def unexpected(check: str, error: Exception) -> Probe:
    """A probe never ends `check`: an error nobody foresaw is a FAIL row too, with its type."""
    return Probe(
        check,
        False,
        redact(f"{type(error).__name__}: {error}"),  # not one of ours: not redacted when raised
        "an error opsheets does not know yet: report it with this line",
    )
