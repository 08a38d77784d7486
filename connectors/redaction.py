"""Secrets registered here never reach a log record or an error message of ours.

Redaction happens when a log record is created (a record factory) rather than in a filter on
one logger, because a filter on "opsheets" does not see records logged to "opsheets.jira": filters
on a logger apply only to records logged to that exact logger, not to those propagated from
children. Doing it at creation covers every handler, including ones added later (pytest's caplog).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from urllib.parse import quote, quote_plus

MASK = "***"
REDACTED_LOGGERS = ("opsheets", "urllib3", "requests")
_MIN_SECRET_LEN = 4  # shorter values would mask ordinary words and make logs unreadable

_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str) -> None:
    """Mask `value` (and its URL-encoded forms, as it may sit in a query string) from now on."""
    if not value or len(value) < _MIN_SECRET_LEN:
        return
    with _lock:
        _secrets.update({value, quote(value, safe=""), quote_plus(value)})


def redact(text: str) -> str:
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def secrets_in_auth(auth: object) -> list[str]:
    """The secret parts of a requests `auth` value (a tuple or an AuthBase), to register."""
    # The user part too: BambooHR sends its API key as the basic-auth user name.
    if isinstance(auth, tuple):
        return [str(part) for part in auth]
    names = ("username", "password", "token", "api_key", "access_token")
    return [value for name in names if isinstance(value := getattr(auth, name, None), str)]


def secrets_in_headers(headers: Mapping[str, str]) -> list[str]:
    """Credentials carried in pinned headers (Authorization, *token*, *key*), to register."""
    secrets = []
    for name, value in headers.items():
        if name.lower() in ("authorization", "proxy-authorization"):
            secrets += [value, value.split(" ", 1)[-1]]  # the whole value and the token after "Bearer "
        elif "token" in name.lower() or "key" in name.lower():
            secrets.append(value)
    return secrets


def _is_covered(logger_name: str) -> bool:
    return any(logger_name == p or logger_name.startswith(p + ".") for p in REDACTED_LOGGERS)


class RedactingFilter(logging.Filter):
    """Replaces registered secrets by "***" in the message, args and traceback of our records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _secrets and _is_covered(record.name):
            _redact_record(record)
        return True


def _redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # a malformed format string: mask what we have
        message = f"{record.msg} {record.args}"
    record.msg = redact(message)
    record.args = ()
    if record.exc_info and not record.exc_text:
        # Formatters reuse a precomputed exc_text instead of formatting the exception again.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def install_log_redaction() -> None:
    """Idempotent: wraps the current log record factory once per process."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "opsheets_redacting", False):
        return
    redacting = RedactingFilter()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redacting.filter(record)
        return record

    factory.opsheets_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
