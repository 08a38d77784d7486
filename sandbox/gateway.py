"""A careless gateway in front of a stand-in (the `echo_headers` knob): every error answer's body is
replaced by a plain-text page that quotes the original body, the request line and every request
header, `Authorization` included, as is and URL-encoded, as some proxies and debugging gateways do.

Used to prove that a client never lets such a body out unmasked: not in its errors, its logs or
its console output.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.types import Message, Scope, Send


def echoing_request_headers(scope: Scope, send: Send) -> Send:
    """`send`, with the body of any answer of status 400 or above replaced by the echo page."""
    held: dict[str, Any] = {}

    async def reply(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] >= 400:
            held.update(start=message, chunks=[])
            return
        if held and message["type"] == "http.response.body":
            held["chunks"].append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = echo_page(scope, held["start"]["status"], b"".join(held["chunks"]))
            kept = [(k, v) for k, v in held["start"].get("headers", []) if k.lower() not in _REPLACED]
            headers = [*kept, (b"content-type", b"text/plain; charset=utf-8"),
                       (b"content-length", str(len(body)).encode())]  # fmt: skip
            await send({**held["start"], "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await send(message)

    return reply


_REPLACED = (b"content-length", b"content-type", b"content-encoding")


def echo_page(scope: Scope, status: int, original: bytes) -> bytes:
    query = scope.get("query_string", b"").decode("latin-1")
    target = scope["path"] + (f"?{query}" if query else "")
    # Credentials first, as a gateway explaining a refused login would show them.
    ordered = sorted(
        ((k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers", [])),
        key=lambda item: item[0].lower() != "authorization",
    )
    headers = "\n".join(f"{name}: {value}" for name, value in ordered)
    text = (
        f"Gateway: the upstream answered {status} to\n{scope['method']} {target}\n"
        f"Trace: {' '.join(urlencode([pair]) for pair in ordered)}\n"  # URL-encoded, as in an access log
        f"{headers}\nUpstream said: {original.decode('utf-8', 'replace')}\n"
    )
    return text.encode("utf-8")
