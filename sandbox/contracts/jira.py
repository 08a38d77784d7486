"""The Jira contract: Atlassian's v3 document, read for v2 and Data Center too, plus ADF comment bodies.

- `/rest/api/2/...` and `/rest/api/latest/...` (Data Center, and Cloud's v2) are checked against the
  v3 operation of the same path: Atlassian documents the two versions as the same resources, apart
  from rich text (wiki markup strings on v2, ADF on v3), and the v3 document leaves `body` untyped.
- Jira writes timestamps as `2026-11-03T09:15:00.000+0000` (offset without a colon), which JSON
  Schema's `date-time` (RFC 3339) refuses; every example in the same document uses that form, and so
  does the live service. `date-time` here accepts RFC 3339 and Jira's form, nothing else.
- On v3 a comment body is an Atlassian Document Format document: what opsheets writes and what the
  stand-in returns are checked against Atlassian's ADF JSON schema (specs/adf-full.json, ORIGIN.md).
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import jsonschema_rs
from openapi_core.configurations import Config

from sandbox.contracts.model import Direction, Exchange, Violation, json_path
from sandbox.contracts.openapi import SPECS, OpenApiContract, load_cut

_VERSION = re.compile(r"^/rest/api/(?:2|latest)/")
_RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)", re.IGNORECASE)
_JIRA_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{3})?[+-]\d{4}")
_COMMENT = re.compile(r"^/rest/api/3/issue/[^/]+/comment(?:/[^/]+)?$")


def as_v3(exchange: Exchange) -> str:
    return _VERSION.sub("/rest/api/3/", exchange.path)


def jira_date_time(value: object) -> bool:
    return not isinstance(value, str) or bool(_RFC3339.fullmatch(value) or _JIRA_TIME.fullmatch(value))


@cache
def adf_validator() -> Any:
    schema = json.loads((SPECS / "adf-full.json").read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for(schema)


def adf_problems(document: Any) -> list[tuple[str, str]]:
    """(JSON path, message) for each place `document` departs from Atlassian's ADF schema."""
    return [(json_path(e.instance_path), e.message) for e in adf_validator().iter_errors(document)]


class JiraContract(OpenApiContract):
    def __init__(self, spec: dict[str, Any]) -> None:
        config = Config(spec_validator_cls=None, extra_format_validators={"date-time": jira_date_time})
        super().__init__("jira", spec, as_v3, config)

    def check(self, exchange: Exchange) -> list[Violation]:
        found = super().check(exchange)
        if _COMMENT.match(exchange.path):
            found += self._adf_violations(exchange)
        return found

    def _adf_violations(self, exchange: Exchange) -> list[Violation]:
        operation = self.operation_of(exchange) or exchange.path
        sides: list[tuple[Direction, Any]] = []
        if exchange.method == "POST" and isinstance(exchange.request_json, dict):
            sides.append(("request", exchange.request_json))
        if 200 <= exchange.status < 300 and isinstance(exchange.response_json, dict):
            sides.append(("response", exchange.response_json))
        found = []
        for direction, body in sides:
            for prefix, comment in _comments(body):
                if "body" in comment:
                    found += [
                        Violation(
                            "jira", operation, direction, prefix + where[1:], f"ADF: {why}", exchange.status
                        )
                        for where, why in adf_problems(comment["body"])
                    ]
        return found


def _comments(body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The comment objects in a comment body or page, with the JSON path of each."""
    if isinstance(body.get("comments"), list):
        return [(f"$.comments[{i}].body", c) for i, c in enumerate(body["comments"]) if isinstance(c, dict)]
    return [("$.body", body)]


@cache
def jira_contract() -> JiraContract:
    return JiraContract(load_cut("jira"))
