"""What a request that got no HTTP answer means: the reason in a few words, whether asking again can
help, and what to fix. `connectors.http.PolicyAdapter` is the one caller: it decides retries from this.

requests and urllib3 wrap the cause several layers deep (ConnectionError → MaxRetryError →
NameResolutionError → socket.gaierror) and print every layer; the reason here names the host and the
cause only, so an error never needs cutting, and never mid-word.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

# RFC 6761: names under these never resolve, whatever the resolver answers (some answer "try again").
RESERVED_TLDS = ("invalid", "test", "example")
_NOT_FOUND = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}


@dataclass(frozen=True)
class TransportFailure:
    reason: str
    retriable: bool
    fix: str
    host: str


def classify(error: Exception, url_source: str, url: str, timeout: Any) -> TransportFailure:
    """Why `error` (raised while sending to `url`) happened, and whether a retry may pass.
    `url_source` says where the URL was set, for the fix: "the Jira URL in the config"."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    connect_s, read_s = timeout if isinstance(timeout, tuple) else (timeout, timeout)
    causes = list(_causes(error))
    dns = next((c for c in causes if isinstance(c, socket.gaierror)), None)
    if dns is not None:
        return _dns_failure(dns, url_source, host)
    if any(isinstance(c, requests.exceptions.SSLError | ssl.SSLError) for c in causes):
        return TransportFailure(
            f"TLS handshake with {host}:{port} failed ({_tls_reason(causes)})",
            False,
            f"check that {url_source} uses https only where the server speaks TLS, and that the "
            "server's certificate is trusted here (REQUESTS_CA_BUNDLE for a private authority)",
            host,
        )
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return TransportFailure(
            f"no connection to {host}:{port} within {_seconds(connect_s)} (connect timeout)",
            True,
            f"check that {host} is reachable from this machine (firewall, proxy), "
            "or raise http.connect_timeout_s",
            host,
        )
    if isinstance(error, requests.exceptions.ReadTimeout):
        return TransportFailure(
            f"{host}:{port} did not answer within {_seconds(read_s)} (read timeout)",
            True,
            "the service is slow or stalled: run again later, or raise http.read_timeout_s",
            host,
        )
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return TransportFailure(
            f"connection to {host}:{port} refused",
            True,
            f"check the host and port in {url_source} and that the service is up; "
            "a firewall or proxy may be refusing the connection",
            host,
        )
    root = causes[-1] if causes else error
    return TransportFailure(
        f"connection to {host}:{port} broken ({type(error).__name__}: {shorten(str(root), 120)})",
        True,
        "",
        host,
    )


def _dns_failure(error: socket.gaierror, url_source: str, host: str) -> TransportFailure:
    if error.errno in _NOT_FOUND or host.rsplit(".", 1)[-1].lower() in RESERVED_TLDS:
        return TransportFailure(
            f"cannot resolve host {host} (DNS: no such name)",
            False,
            f"check the host name in {url_source}; if it is right, check this "
            "machine's DNS and proxy settings",
            host,
        )
    return TransportFailure(
        f"cannot resolve host {host} right now (DNS: {error.strerror or error})",
        True,
        "check this machine's network connection and DNS server",
        host,
    )


def _causes(error: BaseException) -> Iterator[BaseException]:
    """`error` and everything it wraps, outermost first (args, `reason`, cause, context)."""
    seen: set[int] = set()
    queue: list[BaseException] = [error]
    while queue:
        current = queue.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [*current.args, getattr(current, "reason", None), getattr(current, "_reason", None),
                  current.__cause__, current.__context__]  # fmt: skip
        queue += [item for item in linked if isinstance(item, BaseException)]


def _tls_reason(causes: list[BaseException]) -> str:
    for cause in causes:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"certificate: {cause.verify_message}"
        if isinstance(cause, ssl.SSLError) and cause.reason:
            return str(cause.reason).replace("_", " ").lower()
    return "the server did not speak TLS"


def _seconds(value: Any) -> str:
    return f"{value:g} s" if isinstance(value, int | float) else "the timeout"


def shorten(text: str, width: int) -> str:
    """`text` on one line, cut at a word boundary to about `width` characters (never mid-word)."""
    words = text.split()
    kept: list[str] = []
    length = 0
    for word in words:
        if kept and length + 1 + len(word) > width:
            return " ".join(kept) + " …"
        length += len(word) + (1 if kept else 0)
        kept.append(word)
    return " ".join(kept)
