"""A careless gateway in front of a stand-in (the `echo_headers` knob): every error answer also quotes
the request line and every request header, `Authorization` included, as is and URL-encoded, as some
proxies and debugging gateways do.

A JSON object body keeps every field of the service's error (clients still find its code), gains a
first field `gateway` with the echo, and each of its messages (`message`, `errorMessages`) is prefixed
with the request and its credentials, so a client that shows only the message shows them too. Any
other body becomes a plain-text page, echo first. Used to prove that a client never lets such a body
out unmasked: not in its errors, its logs or its console output.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from starlette.types import Message, Scope, Send

_REPLACED = (b"content-length", b"content-type", b"content-encoding")


def echoing_request_headers(scope: Scope, send: Send) -> Send:
    """`send`, with the body of any answer of status 400 or above carrying the echo."""
    held: dict[str, Any] = {}

    async def reply(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] >= 400:
            held.update(start=message, chunks=[])
            return
        if held and message["type"] == "http.response.body":
            held["chunks"].append(message.get("body", b""))
            if message.get("more_body"):
                return
            body, content_type = with_echo(scope, held["start"]["status"], b"".join(held["chunks"]))
            kept = [(k, v) for k, v in held["start"].get("headers", []) if k.lower() not in _REPLACED]
            headers = [*kept, (b"content-type", content_type), (b"content-length", str(len(body)).encode())]
            await send({**held["start"], "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await send(message)

    return reply


def with_echo(scope: Scope, status: int, original: bytes) -> tuple[bytes, bytes]:
    """The body to send and its content type."""
    query = scope.get("query_string", b"").decode("latin-1")
    request = f"{scope['method']} {scope['path']}" + (f"?{query}" if query else "")
    # Credentials first, as a gateway explaining a refused login would show them.
    headers = sorted(
        ((k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers", [])),
        key=lambda item: item[0].lower() != "authorization",
    )
    trace = " ".join(urlencode([pair]) for pair in headers)  # URL-encoded, as in an access log
    try:
        service = json.loads(original) if original else None
    except ValueError:
        service = None
    if isinstance(service, dict):
        credentials = dict(headers).get("authorization", "")
        echo = {"authorization": credentials, "trace": trace, "request": request, "headers": dict(headers)}
        annotated = _prefixed(service, f"[{request} with authorization: {credentials}]")
        return json.dumps({"gateway": echo, **annotated}).encode(), b"application/json"
    lines = "\n".join(f"{name}: {value}" for name, value in headers)
    page = f"Gateway: the upstream answered {status} to\n{request}\nTrace: {trace}\n{lines}\nUpstream said: "
    return page.encode() + original, b"text/plain; charset=utf-8"


def _prefixed(value: Any, note: str) -> Any:
    """`value` with `note` before every error message in it (`message` strings, `errorMessages`)."""
    if isinstance(value, list):
        return [_prefixed(item, note) for item in value]
    if not isinstance(value, dict):
        return value
    result = {key: _prefixed(item, note) for key, item in value.items()}
    if isinstance(result.get("message"), str):
        result["message"] = f"{note} {result['message']}"
    if isinstance(result.get("errorMessages"), list):
        result["errorMessages"] = [f"{note} {m}" for m in result["errorMessages"]] or [note]
    return result
