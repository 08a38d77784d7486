"""The one HTTP layer every connector uses: timeouts, retries, clear errors, redaction, counting.

Retry is decided in one place, `PolicyAdapter.send`: a requests transport adapter, so the same
policy also governs client libraries that bring their own Session (gspread's AuthorizedSession,
the jira package's ResilientSession) once `mount_policy` has been called on it.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any, Protocol
from urllib.parse import urlsplit

import orjson
import requests
import urllib3
from requests.adapters import HTTPAdapter
from tenacity import RetryCallState, RetryError, Retrying, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_base, wait_random_exponential

from connectors.errors import (
    ApiError,
    AuthError,
    FatalAPIError,
    NotFoundError,
    RetriableAPIError,
    RetriesExhaustedError,
    UnreachableError,
)
from connectors.redaction import (
    install_log_redaction,
    redact,
    redact_bytes,
    register_auth,
    register_headers,
    register_secret,
)
from connectors.transport import classify, shorten

__all__ = [
    "ApiClient",
    "ApiError",
    "AuthError",
    "FatalAPIError",
    "Gate",
    "NotFoundError",
    "PolicyAdapter",
    "RetriableAPIError",
    "RetriesExhaustedError",
    "RetryAfterOrBackoff",
    "RetryPolicy",
    "UnreachableError",
    "gated",
    "mount_adapter",
    "mount_policy",
    "parse_retry_after",
    "redact",
    "register_secret",
    "request_counts",
    "reset_request_counts",
]

log = logging.getLogger("opsheets.http")
# What requests takes as a session's auth: an AuthBase, a (user, password) pair or a callable.
Auth = (
    requests.auth.AuthBase | tuple[str, str] | Callable[[requests.PreparedRequest], requests.PreparedRequest]
)
install_log_redaction()

RETRIABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
# No answer at all; `connectors.transport.classify` tells which of these a retry can help with.
TRANSPORT_EXCEPTIONS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    urllib3.exceptions.ProtocolError,
)
DEFAULT_HINTS: Mapping[int, str] = {
    401: "check the API credentials",
    403: "the credentials work but lack a permission this request needs",
    404: "check the base URL and the id or key in the request",
}
_EXCERPT_CHARS = 200

# Waiting between attempts goes through this name so tests can replace it (monkeypatch).
sleep = time.sleep


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    backoff_base_s: float = 0.5
    backoff_cap_s: float = 30.0
    max_retry_after_s: float = 300.0
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 60.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("RetryPolicy.max_attempts must be at least 1")


# ---- per-host request counter ---------------------------------------------------------------

_counts: Counter[str] = Counter()
_counts_lock = threading.Lock()


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.hostname}:{port}"


def _count_attempt(url: str) -> None:
    with _counts_lock:
        _counts[_host_key(url)] += 1


def request_counts() -> dict[str, int]:
    """Attempts actually sent per "host:port" since the last reset (retries included)."""
    with _counts_lock:
        return dict(_counts)


def reset_request_counts() -> None:
    with _counts_lock:
        _counts.clear()


# ---- per-system request gates --------------------------------------------------------------------

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Gate(Protocol):
    """Blocks until one more request may go out under a quota. Where the quota is kept is the gate's
    business: opsheets' flows keep Google's per-user quota in the Prefect server, shared by every process."""

    def admit(self) -> None: ...


_gates: dict[tuple[str, bool], Gate] = {}
_gates_lock = threading.Lock()


@contextmanager
def gated(system: str, *, reads: Gate | None, writes: Gate | None) -> Iterator[None]:
    """While inside, every attempt to `system` in this process passes `reads` (GET) or `writes` (any other
    method) first, retries included: waiting for room replaces drawing 429s from a predictable quota.
    Nested or concurrent uses share the gates already there; a gate goes when the use that set it ends."""
    installed = []
    with _gates_lock:
        for is_write, gate in ((False, reads), (True, writes)):
            if gate is not None and (system, is_write) not in _gates:
                _gates[(system, is_write)] = gate
                installed.append((system, is_write))
    try:
        yield
    finally:
        with _gates_lock:
            for key in installed:
                _gates.pop(key, None)


def admit(system: str, method: str | None) -> None:
    """Pass the gate `gated` set for this attempt to `system` (reads and writes apart); no gate: go now."""
    gate = _gates.get((system, (method or "GET").upper() not in READ_METHODS))
    if gate is not None:
        gate.admit()


# ---- waiting ----------------------------------------------------------------------------------


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delta seconds or an HTTP date; None if absent/bad."""
    if not value or not value.strip():
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class RetryAfterOrBackoff(wait_base):
    """The one wait between attempts, for every retry loop (this adapter's and `connectors.post_once`'s):
    the server's Retry-After when it sent one (capped), else capped exponential full-jitter backoff.

    A Retry-After is waited out in full plus a little jitter, so a fleet does not come back in step.
    An attempt that was itself a whole retry loop (`RetriesExhaustedError`) is judged by its last answer.
    """

    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy
        self.backoff = wait_random_exponential(multiplier=policy.backoff_base_s, max=policy.backoff_cap_s)

    def __call__(self, retry_state: RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(error, RetriesExhaustedError):
            error = error.last
        retry_after = getattr(error, "retry_after", None)
        if retry_after is None:
            return self.backoff(retry_state)
        return min(retry_after, self.policy.max_retry_after_s) + random.uniform(0, self.policy.backoff_base_s)


def _sleep(seconds: float) -> None:
    sleep(seconds)


# ---- the adapter ------------------------------------------------------------------------------


def _status_text(status: int, reason: str | None = None) -> str:
    if not reason:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    return f"{status} {reason}".strip()


def _method_path(request: requests.PreparedRequest) -> str:
    return f"{request.method} {urlsplit(request.url or '').path}"  # no query: it may hold secrets


POOL_MAXSIZE = 32


class PolicyAdapter(HTTPAdapter):
    """Sends every request under a RetryPolicy: rewrite URL, default timeouts, count, retry."""

    def __init__(
        self,
        system: str,
        policy: RetryPolicy,
        rewrite: Mapping[str, str] | None = None,
        url_source: str | None = None,
    ) -> None:
        # One session serves every parallel search chain and worklog fetch (up to 2 × 16 at once):
        # with requests' default pool of 10, each extra one opened a new connection (a TLS handshake
        # on a real site) and threw it away afterwards.
        super().__init__(pool_maxsize=POOL_MAXSIZE)
        self.system = system
        self.policy = policy
        self.url_source = url_source or f"the {system} URL in the config"  # named in connection fixes
        self.rewrite = sorted((rewrite or {}).items(), key=lambda item: len(item[0]), reverse=True)

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        request = self._rewritten(request)
        register_headers(request.headers)  # whatever credential goes out, however it was added
        if timeout is None:
            timeout = (self.policy.connect_timeout_s, self.policy.read_timeout_s)
        retrying = self._retrying(_method_path(request))
        try:
            return retrying(
                self._attempt,
                request,
                stream=stream,
                timeout=timeout,
                verify=verify,
                cert=cert,
                proxies=proxies,
            )
        except RetryError as exhausted:
            last = exhausted.last_attempt.exception()
            assert isinstance(last, RetriableAPIError)
            attempts = exhausted.last_attempt.attempt_number
            raise RetriesExhaustedError(self.system, attempts, last, _method_path(request)) from last

    def _rewritten(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        url = request.url or ""
        for prefix, target in self.rewrite:
            if url.startswith(prefix) and url[len(prefix) : len(prefix) + 1] in ("", "/", "?"):
                rewritten = request.copy()
                rewritten.url = target.rstrip("/") + url[len(prefix) :]
                return rewritten
        return request

    def _retrying(self, what: str) -> Retrying:
        return Retrying(
            stop=stop_after_attempt(self.policy.max_attempts),
            wait=RetryAfterOrBackoff(self.policy),
            retry=retry_if_exception_type(RetriableAPIError),
            sleep=_sleep,
            before_sleep=lambda state: self._log_retry(state, what),
        )

    def _attempt(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        admit(self.system, request.method)
        _count_attempt(request.url or "")
        try:
            response = super().send(request, **kwargs)
            # Read the whole body inside the attempt: a reset or truncated body is then retried
            # here instead of surfacing later in the caller.
            _ = response.content
        except TRANSPORT_EXCEPTIONS as exc:
            failure = classify(exc, self.url_source, request.url or "", kwargs.get("timeout"))
            if not failure.retriable:  # an unknown host or a TLS failure: asking again cannot help
                reason = f"{failure.reason} on {_method_path(request)}"
                raise UnreachableError(self.system, reason, host=failure.host, fix=failure.fix) from None
            raise RetriableAPIError(self.system, failure.reason, fix=failure.fix) from None
        if response.status_code >= 400:
            redact_body(response)
        if response.status_code in RETRIABLE_STATUSES:
            raise RetriableAPIError(
                self.system,
                _status_text(response.status_code, response.reason),
                status=response.status_code,
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
        return response

    def _log_retry(self, state: RetryCallState, what: str) -> None:
        error = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        reason = error.reason if isinstance(error, RetriableAPIError) else repr(error)
        log.warning(
            "%s: %s on %s; retrying in %.1fs (attempt %d/%d)",
            self.system, reason, what, wait, state.attempt_number, self.policy.max_attempts,
        )  # fmt: skip


def redact_body(response: requests.Response) -> None:
    """Mask secrets in an error body before anything reads it: the caller's error message, a client
    library's exception (gspread, google-auth) or a log line. A gateway may echo request headers."""
    masked = redact_bytes(response.content, response.encoding or "utf-8")
    if masked is not None:
        response._content = masked
        response.headers["Content-Length"] = str(len(masked))


def mount_policy(
    session: requests.Session,
    system: str,
    policy: RetryPolicy = RetryPolicy(),
    rewrite: Mapping[str, str] | None = None,
    url_source: str | None = None,
) -> None:
    """Put the policy on every request `session` sends, whoever created the session."""
    mount_adapter(session, PolicyAdapter(system, policy, rewrite, url_source))


def mount_adapter(session: requests.Session, adapter: PolicyAdapter) -> None:
    """The one way a policy adapter (or a connector's subclass of it) is put on a session."""
    # Also replace adapters already mounted on narrower prefixes: they would win over "https://".
    for prefix in {"http://", "https://", *session.adapters}:
        session.mount(prefix, adapter)


# ---- the client -------------------------------------------------------------------------------


def _excerpt(response: requests.Response) -> str:
    return shorten(response.text, _EXCERPT_CHARS)


class ApiClient:
    """A Session for one system: base URL, auth, pinned headers, the retry policy, named errors."""

    def __init__(
        self,
        system: str,
        base_url: str,
        *,
        auth: Auth | None = None,
        headers: Mapping[str, str] | None = None,
        policy: RetryPolicy = RetryPolicy(),
        secrets: Iterable[str] = (),
        hints: Mapping[int, str] | None = None,
        rewrite: Mapping[str, str] | None = None,
    ) -> None:
        self.system = system
        self.base_url = base_url.rstrip("/")
        self.hints = {**DEFAULT_HINTS, **(hints or {})}
        for secret in secrets:
            register_secret(secret)
        register_auth(auth)
        register_headers(headers or {})
        self.session = requests.Session()
        self.session.auth = auth
        self.session.headers.update(headers or {})
        mount_policy(self.session, system, policy, rewrite)

    def url(self, path: str) -> str:
        """`path` joined to the base URL; absolute URLs (e.g. a next-page link) pass through."""
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        json: Any = None,
        data: Any = None,
        headers: Mapping[str, str] | None = None,
        answers: tuple[int, ...] = (),
    ) -> requests.Response:
        """The response; an error status raises unless listed in `answers` (a 400 that is the answer
        sought, e.g. whether a query is valid)."""
        url = self.url(path)
        try:
            response = self.session.request(method, url, params=params, json=json, data=data, headers=headers)
        except requests.exceptions.RequestException as exc:  # refused before sending: a bad URL or header
            raise FatalAPIError(
                self.system, f"{type(exc).__name__}: {exc} — check the {self.system} URL in the config"
            ) from None
        if response.status_code >= 400 and response.status_code not in answers:
            raise self._error_for(f"{method.upper()} {urlsplit(url).path}", response)
        return response

    def get_json(self, path: str, **kw: Any) -> Any:
        return self._json(self.request("GET", path, **kw), f"GET {path}")

    def post_json(self, path: str, json: Any, **kw: Any) -> Any:
        return self._json(self.request("POST", path, json=json, **kw), f"POST {path}")

    def _error_for(self, what: str, response: requests.Response) -> FatalAPIError:
        status = response.status_code
        hint = self.hints.get(status)
        message = f"{_status_text(status, response.reason)} on {what}"
        message += f" — {hint}" if hint else ""
        message += f" (server said: {_excerpt(response)})" if response.text.strip() else ""
        kind = {401: AuthError, 403: AuthError, 404: NotFoundError}.get(status, FatalAPIError)
        return kind(self.system, message, status=status)

    def _json(self, response: requests.Response, what: str) -> Any:
        if not response.content:
            return None
        try:
            return orjson.loads(response.content)  # twice as fast as json on Jira's 100-issue pages
        except ValueError:
            message = (
                f"{what} answered {response.status_code} with a body that is not JSON: {_excerpt(response)}"
            )
            raise ApiError(self.system, message, status=response.status_code) from None
