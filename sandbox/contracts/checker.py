"""The contract check in front of every stand-in: one ASGI middleware, on when the environment asks.

OPSHEETS_SANDBOX_CONTRACTS=strict (tests/conftest.py sets it) checks every exchange both ways against
the pinned contract of its API and records each violation in `model.RECORDER`; the test fixture fails
the test that caused one, naming the operation, the direction and the JSON path. Unset (the demo,
the benchmark) the stand-ins run unchecked and pay nothing.

What counts: a response that departs from the contract, always; a request that departs from it only
when the stand-in accepted it (a request the contract refuses and the stand-in refuses too is the
real service's behaviour, and tests of refusals send such requests on purpose); an operation the
pinned contract lacks, when the stand-in serves it. Known live departures are in departures.py.
"""

from __future__ import annotations

import os
from functools import cache

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.contracts.model import RECORDER, Contract, Exchange, Violation
from sandbox.core import read_body, replay

ENV = "OPSHEETS_SANDBOX_CONTRACTS"
APIS = ("jira", "bamboohr", "intercom", "sheets", "drive")


def strict() -> bool:
    return os.environ.get(ENV, "off").strip().lower() == "strict"


@cache
def contract_for(api: str) -> Contract:
    """The API's contract, loaded once per process."""
    if api in ("sheets", "drive"):
        from sandbox.contracts.discovery import DiscoveryContract

        return DiscoveryContract.load(api)
    if api == "jira":
        from sandbox.contracts.jira import jira_contract

        return jira_contract()
    from sandbox.contracts.openapi import OpenApiContract

    return OpenApiContract.load(api)


def checked(app: ASGIApp, api: str | None) -> ASGIApp:
    """`app` behind the contract check of `api` when checks are on, else `app` itself."""
    if api is None or not strict():
        return app
    return ContractCheck(app, contract_for(api))


def violations_of(contract: Contract, exchange: Exchange) -> list[Violation]:
    """What the exchange breaks, less what the stand-in rightly refused and the known departures."""
    from sandbox.contracts.departures import excused

    if contract.operation_of(exchange) is None:
        if exchange.status in (404, 405):
            return []  # a path neither the stand-in nor the pinned contract serves
        operation = f"{exchange.method} {exchange.path}"
        return [Violation(contract.api, operation, "request", "$",
                          "served, but not an operation of the pinned contract: add it to "
                          "sandbox/contracts/operations.py and run python -m sandbox.contracts.vendor",
                          exchange.status)]  # fmt: skip
    refused = 400 <= exchange.status < 500
    return [
        v for v in contract.check(exchange)
        if not (v.direction == "request" and refused) and not excused(v)
    ]  # fmt: skip


class ContractCheck:
    """Buffers each answer, checks the exchange, records violations, then sends the answer on.

    The check runs before the answer leaves, so a test that has its answer also has its verdict.
    """

    def __init__(self, app: ASGIApp, contract: Contract) -> None:
        self.app, self.contract = app, contract

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        messages: list[Message] = []

        async def collect(message: Message) -> None:
            messages.append(message)

        await self.app(scope, replay(body), collect)
        start = next(m for m in messages if m["type"] == "http.response.start")
        exchange = Exchange(
            method=scope["method"],
            path=scope["path"],
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=_headers(scope.get("headers", [])),
            body=body,
            status=start["status"],
            response_headers=_headers(start.get("headers", [])),
            response_body=b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body"),
        )
        RECORDER.add(violations_of(self.contract, exchange))
        for message in messages:
            await send(message)


def _headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw}
