"""What every stand-in shares: latency, fault injection, a request log, and a loopback server.

Each stand-in is a FastAPI app; `instrument()` wraps it so a test or the benchmark can turn the
knobs (latency per request, share of each fault kind) and read back what was asked of it.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.gateway import echoing_request_headers

FAULT_KINDS = ("429", "500", "503", "reset", "stall", "truncate")


@dataclass
class Knobs:
    """Runtime behaviour of one stand-in. Mutable on purpose: tests flip it between runs."""

    latency_s: float = 0.0
    fault_rates: dict[str, float] = field(default_factory=dict)  # kind -> share of requests, 0..1
    retry_after_s: int = 1
    stall_s: float = 3.0
    seed: int = 7
    echo_headers: bool = False  # a gateway quoting the request headers in every error body (gateway.py)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def pick_fault(self) -> str | None:
        roll = self.rng.random()
        for kind in FAULT_KINDS:
            share = self.fault_rates.get(kind, 0.0)
            if roll < share:
                return kind
            roll -= share
        return None


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    query: str
    raw_body: bytes
    status: int
    fault: str | None
    at: float

    @cached_property
    def body(self) -> Any:
        """The parsed JSON body (or text), parsed when first read: a large write is not parsed twice."""
        return _parse_body(self.raw_body)


class RequestLog:
    def __init__(self) -> None:
        self._entries: list[LoggedRequest] = []
        self._lock = threading.Lock()

    def add(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._entries.append(entry)

    @property
    def entries(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def count(self, method: str | None = None, path_contains: str = "") -> int:
        return sum(
            1 for e in self.entries if (method is None or e.method == method) and path_contains in e.path
        )

    def counts_by_route(self) -> Counter[str]:
        return Counter(f"{e.method} {e.path}" for e in self.entries)


def _parse_body(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


class Instrumented:
    """ASGI middleware: latency, faults and logging in front of a stand-in app."""

    def __init__(self, app: ASGIApp, knobs: Knobs, log: RequestLog) -> None:
        self.app = app
        self.knobs = knobs
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = await read_body(receive)
        if self.knobs.latency_s:
            await asyncio.sleep(self.knobs.latency_s)
        fault = self.knobs.pick_fault()
        logged = False

        def record(status: int) -> None:
            nonlocal logged
            if not logged:
                logged = True
                self.log.add(
                    LoggedRequest(
                        method=scope["method"],
                        path=scope["path"],
                        query=scope.get("query_string", b"").decode(),
                        raw_body=raw,
                        status=status,
                        fault=fault,
                        at=time.time(),
                    )
                )

        async def logging_send(message: Message) -> None:
            # Logged before the response leaves, so a client that has its answer sees it in the log.
            if message["type"] == "http.response.start":
                record(message["status"])
            await send(message)

        reply = echoing_request_headers(scope, logging_send) if self.knobs.echo_headers else logging_send
        try:
            await self._answer(scope, raw, reply, fault)
        finally:
            record(0)

    async def _answer(self, scope: Scope, raw: bytes, send: Send, fault: str | None) -> None:
        if fault in ("429", "500", "503"):
            await _send_error(send, int(fault), self.knobs.retry_after_s)
            return
        if fault == "reset":
            # Headers promise a body that never comes; the server then drops the connection,
            # which the client sees as a broken connection before any data.
            await send(
                {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"100")]}
            )
            raise ConnectionResetError("sandbox: injected connection reset")
        if fault == "stall":
            await asyncio.sleep(self.knobs.stall_s)
        replayed = replay(raw)
        if fault == "truncate":
            await self._truncated(scope, replayed, send)
            return
        await self.app(scope, replayed, send)

    async def _truncated(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request for real, then send only half of the body and drop the connection."""
        messages: list[Message] = []

        async def collect(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, collect)
        start = next(m for m in messages if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        await send(start)
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
        raise ConnectionResetError("sandbox: injected truncated body")


async def read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def replay(raw: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": raw, "more_body": False}

    return receive


async def _send_error(send: Send, status: int, retry_after: int) -> None:
    body = json.dumps({"error": {"code": status, "message": "sandbox: injected fault"}}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status in (429, 503):
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RunningService:
    """A stand-in served by uvicorn on 127.0.0.1 on a free port, in a daemon thread."""

    def __init__(
        self, app: ASGIApp, knobs: Knobs | None = None, port: int = 0, contract: str | None = None
    ) -> None:
        """`contract`: the API whose published contract checks every exchange (sandbox.contracts)."""
        from sandbox.contracts.checker import checked  # it imports this module

        self.knobs = knobs or Knobs()
        self.log = RequestLog()
        config = uvicorn.Config(
            Instrumented(checked(app, contract), self.knobs, self.log),
            host="127.0.0.1",
            port=port,
            log_level="critical",
            lifespan="off",
            access_log=False,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True, name="sandbox")
        self._thread.start()
        deadline = time.monotonic() + 120  # a ceiling a loaded machine cannot reach; start takes ms
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("sandbox: the stand-in server did not start")
            time.sleep(0.01)
        self.port: int = self._server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        # State lives in memory: nothing to drain, so a stalled request does not hold the shutdown.
        self._server.should_exit = self._server.force_exit = True
        self._thread.join(timeout=60)

    def __enter__(self) -> RunningService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
