"""One redaction for everything opsheets lets out: log records, errors, console output, files.

A secret is registered once, when it is resolved or first sent, in every form it can take on the
way out: as given (through its form stripped of surrounding whitespace, which it contains);
URL-encoded; JSON- and repr-escaped (a trailing newline shows as `\\n` in a quoted header value);
each line of a multi-line key; and the base64 of each HTTP Basic credential pair it is part of
(`email:token`, `key:x`). `redact` replaces every registered form by "***" in one regular-expression
pass, and also masks whatever follows `Bearer `/`Basic ` when it looks like a credential, so a token
that was never configured (Google's short-lived access token, a gateway echoing headers) is caught.

Sinks apply it at one place each:
- log records, of every logger (ours, prefect, gspread, google, urllib3, requests…): when created (a
  record factory: covers handlers added later, such as pytest's caplog) and again in a filter on the
  root logger and on every handler (covers records made without the factory, such as ones rebuilt
  with `logging.makeLogRecord`). A filter on a logger alone would not do: it does not see records
  propagated from child loggers;
- our own errors, when built (`connectors.errors`); API error bodies, in the HTTP layer, before any
  client library reads them; other exceptions, at the flow and task boundary (`redact_exception`);
- console output, through `RedactingStream`; artifacts and files, where they are written.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ParamSpec, TextIO, TypeVar
from urllib.parse import quote, quote_plus

P = ParamSpec("P")
R = TypeVar("R")
MASK = "***"
MIN_SECRET_LEN = 4  # shorter values would mask ordinary words; config refuses such secrets
PLACEHOLDER_PASSWORDS = ("", "x", "X")  # APIs that take the key as the Basic user name send one of these
_MIN_LINE_LEN = 16  # a line of a multi-line key (a PEM body) is masked on its own from this length
# A credential after an auth scheme: at least 8 token characters including a digit or a base64
# symbol, so "Basic configuration" or `Basic realm="x"` are left alone.
_AUTH_SCHEME = re.compile(r"\b(Bearer|Basic)(\s+)([A-Za-z0-9\-._~+/\\]{8,}=*)", re.IGNORECASE)
_CREDENTIAL_HEADERS = ("authorization", "proxy-authorization")
_CREDENTIAL_WORDS = ("token", "key", "secret")


class _Registry:
    """The registered forms, compiled into one alternation (longest first) each time one is added."""

    def __init__(self) -> None:
        self._forms: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def add(self, forms: Iterable[str]) -> None:
        new = {form for form in forms if len(form) >= MIN_SECRET_LEN} - self._forms
        if not new:
            return
        with self._lock:
            self._forms |= new
            ordered = sorted(self._forms, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(form) for form in ordered))

    def redact(self, text: str) -> str:
        pattern = self._pattern
        if pattern is not None:
            text = pattern.sub(MASK, text)
        return _AUTH_SCHEME.sub(_mask_credential, text)

    def __contains__(self, form: str) -> bool:
        return form in self._forms


_registry = _Registry()


@contextmanager
def secrets_scope() -> Iterator[None]:
    """While inside, secrets registered are masked as usual; when it ends they are forgotten, and those
    registered before stay masked. A process registers for its lifetime; a test suite scopes each test,
    so that a word one test used as a token is not masked in every later test's messages."""
    global _registry
    outer = _registry
    _registry = _Registry()
    _registry.add(outer._forms)
    try:
        yield
    finally:
        _registry = outer


def _mask_credential(match: re.Match[str]) -> str:
    scheme, space, token = match.groups()
    if any(c.isdigit() or c in "+/=" for c in token):
        return f"{scheme}{space}{MASK}"
    return match.group(0)


def encoded_forms(text: str) -> set[str]:
    """`text` as it may appear once quoted: URL-encoded, JSON-escaped, repr-escaped, `/` as `\\/`."""
    return {
        text,
        quote(text, safe=""),
        quote_plus(text),
        json.dumps(text)[1:-1],
        json.dumps(text, ensure_ascii=False)[1:-1],
        repr(text)[1:-1],
        text.replace("/", "\\/"),
    }


def secret_forms(value: str) -> set[str]:
    """Every form of a secret worth masking (see the module docstring). The value as given is masked
    through its stripped form, which it contains: masking the surrounding whitespace too would join
    lines of the text around it."""
    bases = {value.strip()}
    lines = [line.strip() for line in value.splitlines()]
    bases |= {line for line in lines if len(line) >= _MIN_LINE_LEN and not line.startswith("-----")}
    return {form for base in bases if base for form in encoded_forms(base)}


def register_secret(value: str | None) -> None:
    """Mask `value`, in every form, from now on. Values under 4 characters are ignored."""
    if value and len(value.strip()) >= MIN_SECRET_LEN:
        _registry.add(secret_forms(value))


def register_basic_credentials(user: str, password: str) -> None:
    """Mask the secret part of an HTTP Basic pair and the pair's base64, as given and stripped.

    The secret is the password, unless it is a placeholder (BambooHR sends its API key as the user
    name and "x" as the password); then it is the user name.
    """
    register_secret(user if password.strip() in PLACEHOLDER_PASSWORDS else password)
    forms: set[str] = set()
    for name in {user, user.strip()}:
        for word in {password, password.strip()}:
            for encoding in ("utf-8", "latin-1"):
                try:
                    pair = f"{name}:{word}".encode(encoding)
                except UnicodeEncodeError:
                    continue
                forms |= encoded_forms(base64.b64encode(pair).decode("ascii"))
    _registry.add(forms)


def register_auth(auth: object) -> None:
    """The credentials of a requests `auth` value: a (user, password) tuple or an AuthBase."""
    if isinstance(auth, tuple) and len(auth) == 2:
        register_basic_credentials(str(auth[0]), str(auth[1]))
        return
    user, password = getattr(auth, "username", None), getattr(auth, "password", None)
    if isinstance(user, str) and isinstance(password, str):
        register_basic_credentials(user, password)
    for name in ("token", "api_key", "access_token"):
        register_secret(value if isinstance(value := getattr(auth, name, None), str) else None)


def register_headers(headers: Mapping[str, str | bytes]) -> None:
    """Credentials carried in request headers: Authorization (with a Basic pair decoded, so its
    parts are registered too) and any header named like a token, key or secret."""
    for name, raw in headers.items():
        value = raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)
        if value in _registry:
            continue
        lowered = name.lower()
        if lowered in _CREDENTIAL_HEADERS:
            _register_authorization(value)
        elif any(word in lowered for word in _CREDENTIAL_WORDS):
            register_secret(value)


def _register_authorization(value: str) -> None:
    register_secret(value)
    scheme, _, credential = value.strip().partition(" ")
    register_secret(credential)
    if scheme.lower() == "basic":
        try:
            pair = base64.b64decode(credential.strip(), validate=True).decode("latin-1")
        except (binascii.Error, ValueError):
            return
        user, sep, password = pair.partition(":")
        if sep:
            register_basic_credentials(user, password)


def redact(text: str) -> str:
    return _registry.redact(text)


def redact_bytes(content: bytes, encoding: str = "utf-8") -> bytes | None:
    """`content` (text in `encoding`) with secrets masked; None when nothing changed or it is not text."""
    try:
        text = content.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return None
    masked = redact(text)
    return masked.encode(encoding, "replace") if masked != text else None


def redact_exception(error: BaseException) -> BaseException:
    """Mask secrets in the string arguments of `error` and of every exception it was raised from
    (str() of most exceptions is made from their args), in place; returns `error`."""
    seen: set[int] = set()
    current: BaseException | None = error
    pending: list[BaseException] = []
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.args = tuple(redact(a) if isinstance(a, str) else a for a in current.args)
        pending += [e for e in (current.__cause__, current.__context__) if e is not None]
        pending += [a for a in current.args if isinstance(a, BaseException)]
        current = pending.pop() if pending else None
    return error


def masking_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorator: an exception leaving `fn` has its secrets masked in place (same type, same
    traceback), so whoever reports it next (Prefect's run state message, a caller) cannot leak them."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except Exception as error:
            redact_exception(error)
            raise

    return wrapper


# ---- logging ------------------------------------------------------------------------------------


class RedactingFilter(logging.Filter):
    """Replaces secrets in a record's message, arguments, traceback and stack, for any logger."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # a malformed format string: mask what we have
        message = f"{record.msg} {record.args}"
    record.msg = redact(message)
    record.args = ()
    if record.exc_info and not record.exc_text:
        # Formatters reuse a precomputed exc_text instead of formatting the exception again.
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


_FILTER = RedactingFilter()


def install_log_redaction() -> None:
    """Redact every log record from now on. Idempotent; call it again after something (Prefect's
    logging setup) created handlers, so they get the filter too."""
    previous = logging.getLogRecordFactory()
    if not getattr(previous, "opsheets_redacting", False):

        def factory(*args: object, **kwargs: object) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            redact_record(record)
            return record

        # marked so that installing again (each CLI command does) never stacks a second redaction
        factory.opsheets_redacting = True  # type: ignore[attr-defined]
        logging.setLogRecordFactory(factory)
    loggers = [logging.getLogger(), *logging.root.manager.loggerDict.values()]
    for logger in loggers:
        for handler in getattr(logger, "handlers", ()):
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
    if _FILTER not in logging.getLogger().filters:
        logging.getLogger().addFilter(_FILTER)


# ---- console output -----------------------------------------------------------------------------


class RedactingStream:
    """A text stream that redacts what is written to it and passes it on to `target()` (looked up
    on every write, so a stream swapped later, e.g. by a test runner, is still the one written to)."""

    def __init__(self, target: TextIO | Callable[[], TextIO]) -> None:
        self._target: Callable[[], TextIO] = target if callable(target) else (lambda: target)

    def write(self, text: str) -> int:
        self._target().write(redact(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._target().flush()

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding … of the real stream
        return getattr(self._target(), name)
