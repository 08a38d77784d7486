"""Jira, BambooHR and Intercom: each exchange checked both ways by openapi-core against the pinned cut.

The cut is loaded and its validators built once per process (`OpenApiContract.load` is cached), so a
request costs the validation alone. Violations carry the JSON path of the offending value, taken from
the schema errors openapi-core wraps.

An error status the document does not list for the operation is not a departure: every one of these
services answers any operation with 401, 403, 404, 429 or 5xx on occasion, and the documents list a
few per operation at best. Where the document does list the status, the error body is checked.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from openapi_core import OpenAPI
from openapi_core.configurations import Config
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.paths.exceptions import PathError
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.validation.request.exceptions import ParameterValidationError, SecurityValidationError
from openapi_core.validation.response.exceptions import HeaderValidationError
from werkzeug.datastructures import Headers, ImmutableMultiDict

from sandbox.contracts.model import Direction, Exchange, Violation, json_path

SPECS = Path(__file__).parent / "specs"
HOST = "http://stand-in"

# (exchange) -> the path the contract knows it by, e.g. Jira's /rest/api/2/... read as /rest/api/3/...
PathMap = Callable[[Exchange], str]


def load_cut(api: str) -> dict[str, Any]:
    return json.loads((SPECS / f"{api}.json").read_text(encoding="utf-8"))


class _Request:
    """An exchange's request side, as openapi-core reads one."""

    def __init__(self, exchange: Exchange, path: str) -> None:
        self.host_url, self.path, self.method = HOST, path, exchange.method.lower()
        self.body = exchange.body or None
        self.content_type = exchange.headers.get("content-type", "application/json")
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(exchange.query_pairs), header=Headers(exchange.headers)
        )


class _Response:
    def __init__(self, exchange: Exchange) -> None:
        self.data = exchange.response_body or None
        self.status_code = exchange.status
        self.headers = Headers(exchange.response_headers)
        self.content_type = exchange.response_headers.get("content-type", "application/json")


class OpenApiContract:
    def __init__(
        self, api: str, spec: dict[str, Any], path_map: PathMap | None = None, config: Config | None = None
    ) -> None:
        self.api = api
        # The cut is checked against the OpenAPI meta-schema by the tests, not on every load.
        config = config or Config(spec_validator_cls=None)
        self._openapi = OpenAPI.from_dict({**spec, "servers": [{"url": HOST}]}, config=config)
        self._path_map = path_map or (lambda exchange: exchange.path)
        self._lock = threading.Lock()  # one validator per process, stand-ins on several threads

    @classmethod
    @cache
    def load(cls, api: str) -> OpenApiContract:
        return cls(api, load_cut(api))

    def check(self, exchange: Exchange) -> list[Violation]:
        request = _Request(exchange, self._path_map(exchange))
        with self._lock:
            try:
                operation = self._operation(request)
            except PathError:
                return []  # not an operation of the contract: `checker` decides what that means
            found = self._violations(
                operation, "request", exchange, self._openapi.iter_request_errors(request)
            )
            found += self._violations(
                operation,
                "response",
                exchange,
                self._openapi.iter_response_errors(request, _Response(exchange)),
            )
        return found

    def operation_of(self, exchange: Exchange) -> str | None:
        """The contract's name for the exchange's operation, None if the contract has no such one."""
        with self._lock:
            try:
                return self._operation(_Request(exchange, self._path_map(exchange)))
            except PathError:
                return None

    def _operation(self, request: _Request) -> str:
        # the validator openapi-core builds has a path finder; the protocol it is declared as does not say so
        finder = self._openapi.request_validator.path_finder  # type: ignore[attr-defined]
        found = finder.find(request.method, f"{HOST}{request.path}")
        return f"{request.method.upper()} {found.path_result.pattern}"

    def _violations(
        self, operation: str, direction: Direction, exchange: Exchange, errors: Iterable[Exception]
    ) -> list[Violation]:
        return [
            Violation(self.api, operation, direction, where, message, exchange.status)
            for error in errors
            if not (isinstance(error, ResponseNotFound) and exchange.status >= 400)
            for where, message in _explain(error)
        ]


def _explain(error: Exception) -> list[tuple[str, str]]:
    """(JSON path, message) for each schema error inside an openapi-core error."""
    if isinstance(error, SecurityValidationError):
        return [("header.authorization", str(error))]
    prefix = ""
    if isinstance(error, ParameterValidationError):
        prefix = f"{error.location}.{error.name}"
    elif isinstance(error, HeaderValidationError):
        prefix = f"header.{getattr(error, 'name', '?')}"
    cause = error.__cause__
    schema_errors = list(getattr(cause, "schema_errors", []) or [])
    if not schema_errors:
        return [(prefix or "$", f"{error}" + (f": {cause}" if cause else ""))]
    return [(prefix + json_path(e.absolute_path) if prefix else json_path(e.absolute_path), e.message)
            for e in schema_errors]  # fmt: skip
