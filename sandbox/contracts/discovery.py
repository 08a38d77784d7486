"""Google Sheets (and Drive): a discovery document's schemas turned into JSON Schema, checked both ways.

Discovery schemas are close to JSON Schema: `$ref` names a schema, `type: any` is anything, and
`format` says int32/double. What they leave unsaid and Google enforces is said here: a request object
with a field the schema does not name is refused ("Invalid JSON payload received. Unknown name"), so
every object with named properties is closed. In a request, `null` is accepted for any field and
means its default (the proto3 JSON mapping Google's APIs parse requests with); answers never carry
it, so response schemas refuse it. Query parameters are checked against the method's and
the document's parameters (type, enum, repetition). One compiled validator per schema, per process.
"""

from __future__ import annotations

import json
import re
import threading
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

from sandbox.contracts.model import Direction, Exchange, Violation, json_path

SPECS = Path(__file__).parent / "specs"
_PLACEHOLDER = re.compile(r"\{[+]?(\w+)\}")


def to_json_schema(schema: dict[str, Any], nullable: bool = False) -> dict[str, Any]:
    """One discovery schema as JSON Schema; `$ref`s point into `#/definitions`. `nullable`: every
    value may also be null (the schemas of a request). Said by widening each `type` and `enum`, not
    with `anyOf`, so an error is still reported at the deepest path it occurs."""
    if "$ref" in schema:
        return {"$ref": f"#/definitions/{schema['$ref']}"}
    kind = schema.get("type")
    out: dict[str, Any] = {}
    if kind in ("object", "array", "integer", "number", "string", "boolean"):
        out["type"] = [kind, "null"] if nullable else kind
    if kind == "object":
        if "properties" in schema:
            out["properties"] = {k: to_json_schema(v, nullable) for k, v in schema["properties"].items()}
            out["additionalProperties"] = False
        if "additionalProperties" in schema:
            out["additionalProperties"] = to_json_schema(schema["additionalProperties"], nullable)
    elif kind == "array" and "items" in schema:
        out["items"] = to_json_schema(schema["items"], nullable)
    if "enum" in schema:
        out["enum"] = [*schema["enum"], None] if nullable else schema["enum"]
    return out


def _definitions(document: dict[str, Any], nullable: bool) -> dict[str, Any]:
    return {name: to_json_schema(schema, nullable) for name, schema in document["schemas"].items()}


def _path_pattern(flat_path: str) -> str:
    """A regex for a flatPath: `{range}` may hold a slash (a sheet name can), other ids may not."""
    pieces = _PLACEHOLDER.split(flat_path)  # literal, name, literal, name, ...
    return "".join(
        re.escape(piece) if i % 2 == 0 else f"(?P<{piece}>{'.+' if piece == 'range' else '[^/]+'})"
        for i, piece in enumerate(pieces)
    )


class _Method:
    def __init__(
        self, api: str, flat_path: str, method: dict[str, Any], parameters: dict[str, Any], prefix: str = ""
    ) -> None:
        self.name = f"{method['httpMethod']} {flat_path}"
        self.http_method = method["httpMethod"]
        # The service path (Drive's `drive/v3/`) comes before every flatPath on the wire.
        self.pattern = re.compile("^/" + re.escape(prefix) + _path_pattern(flat_path) + "$")
        self.request = method.get("request", {}).get("$ref")
        self.response = method.get("response", {}).get("$ref")
        self.parameters = {**parameters, **method.get("parameters", {})}


class DiscoveryContract:
    def __init__(self, api: str, document: dict[str, Any]) -> None:
        self.api = api
        self._definitions = {
            "request": _definitions(document, nullable=True),
            "response": _definitions(document, nullable=False),
        }
        self._methods = [
            _Method(
                api,
                method["flatPath"],
                method,
                document.get("parameters", {}),
                document.get("servicePath", ""),
            )
            for method in document["methods"].values()
        ]
        self._validators: dict[tuple[str, Direction], Any] = {}
        self._lock = threading.Lock()

    @classmethod
    @cache
    def load(cls, api: str) -> DiscoveryContract:
        return cls(api, json.loads((SPECS / f"{api}.json").read_text(encoding="utf-8")))

    def validator(self, schema_name: str, direction: Direction) -> Any:
        """The compiled validator of one named schema (compiled on first use, then kept)."""
        with self._lock:
            found = self._validators.get((schema_name, direction))
            if found is None:
                root = {"$ref": f"#/definitions/{schema_name}", "definitions": self._definitions[direction]}
                found = self._validators[schema_name, direction] = jsonschema_rs.Draft7Validator(root)
            return found

    def schema_violations(self, schema_name: str, value: Any, direction: Direction) -> list[tuple[str, str]]:
        """(JSON path, message) for each place `value` departs from the named schema."""
        errors = self.validator(schema_name, direction).iter_errors(value)
        return [(json_path(e.instance_path), e.message) for e in errors]

    def method_of(self, exchange: Exchange) -> _Method | None:
        for method in self._methods:
            if method.http_method == exchange.method and method.pattern.match(exchange.path):
                return method
        return None

    def operation_of(self, exchange: Exchange) -> str | None:
        method = self.method_of(exchange)
        return method.name if method else None

    def check(self, exchange: Exchange) -> list[Violation]:
        method = self.method_of(exchange)
        if method is None:
            return []
        found = [self._violation(method, "request", exchange, where, why)
                 for where, why in self._request_problems(method, exchange)]  # fmt: skip
        if 200 <= exchange.status < 300 and method.response:
            found += [
                self._violation(method, "response", exchange, where, why)
                for where, why in self.schema_violations(method.response, exchange.response_json, "response")
            ]
        return found

    def _violation(
        self, method: _Method, direction: Direction, exchange: Exchange, where: str, why: str
    ) -> Violation:
        return Violation(self.api, method.name, direction, where, why, exchange.status)

    def _request_problems(self, method: _Method, exchange: Exchange) -> list[tuple[str, str]]:
        problems = _query_problems(method.parameters, exchange.query_pairs)
        if method.request:
            # No body is the empty message (every field of a Google request is optional).
            if exchange.body and exchange.request_json is None:
                problems.append(("$", f"not JSON; a {method.request} was expected"))
            elif exchange.body:
                problems += self.schema_violations(method.request, exchange.request_json, "request")
        return problems


def _query_problems(parameters: dict[str, Any], pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for name, value in pairs:
        seen[name] = seen.get(name, 0) + 1
        spec = parameters.get(name)
        where = f"query.{name}"
        if spec is None or spec.get("location") != "query":
            problems.append((where, "not a parameter of this method"))
        elif "enum" in spec and value not in spec["enum"]:
            problems.append((where, f"{value!r} is not one of {spec['enum']}"))
        elif spec.get("type") == "integer" and not re.fullmatch(r"-?\d+", value):
            problems.append((where, f"{value!r} is not an integer"))
        elif spec.get("type") == "boolean" and value not in ("true", "false"):
            problems.append((where, f"{value!r} is not true or false"))
    repeated = {name for name, count in seen.items() if count > 1}
    problems += [
        (f"query.{name}", "given more than once but not repeated")
        for name in sorted(repeated)
        if not parameters.get(name, {}).get("repeated")
    ]
    return problems


def as_openapi(api: str) -> dict[str, Any]:
    """The pinned discovery cut as an OpenAPI 3.1 document (response schemas, no nulls), so that the
    property-based runs generate Sheets requests the way they do for the OpenAPI services."""
    document = json.loads((SPECS / f"{api}.json").read_text(encoding="utf-8"))
    schemas = json.loads(
        json.dumps(_definitions(document, nullable=False)).replace("#/definitions/", "#/components/schemas/")
    )
    paths: dict[str, Any] = {}
    for method in document["methods"].values():
        operation: dict[str, Any] = {
            "operationId": method["id"],
            "parameters": [
                _openapi_parameter(name, spec) for name, spec in method.get("parameters", {}).items()
            ],
            "responses": {"200": {"description": "OK"}},
        }
        if "response" in method:
            content = {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{method['response']['$ref']}"}}
            }
            operation["responses"]["200"]["content"] = content
        if "request" in method:
            schema = {"$ref": f"#/components/schemas/{method['request']['$ref']}"}
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
        paths.setdefault("/" + document.get("servicePath", "") + method["flatPath"], {})[
            method["httpMethod"].lower()
        ] = operation
    return {"openapi": "3.1.0", "info": {"title": api, "version": document["version"]}, "paths": paths,
            "components": {"schemas": schemas}}  # fmt: skip


def _openapi_parameter(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": spec.get("type", "string")}
    if "enum" in spec:
        schema["enum"] = spec["enum"]
    if spec.get("repeated"):
        schema = {"type": "array", "items": schema}
    location = spec["location"]
    return {"name": name, "in": location, "required": location == "path" or bool(spec.get("required")),
            "schema": schema}  # fmt: skip
