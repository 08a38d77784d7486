"""Asking Jira whether a run's queries and projects will work, with Jira's own answers.

Cloud parses and validates JQL at `POST /rest/api/3/jql/parse` (validation=strict): syntax errors come
back as `errors`, values that do not exist (an unknown project key) as `warnings`, and a search would
refuse either. Data Center has no parse endpoint: the run's own search, asked for zero results, answers
400 with `errorMessages` for the same problems. A project is looked up by key; 404 means it does not
exist or the account may not browse it, which Jira does not tell apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

import orjson

from connectors.errors import NotFoundError
from connectors.jira import JiraConnector

PARSE_PATH = "/rest/api/3/jql/parse"


@dataclass(frozen=True)
class JqlVerdict:
    query: str
    problems: tuple[str, ...] = ()  # Jira's own messages; none: the query runs

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_jql(connector: JiraConnector, queries: Sequence[str]) -> list[JqlVerdict]:
    """Jira's verdict on each query, in order."""
    if not queries:
        return []
    if connector.api.deployment == "cloud":
        body = connector.client.post_json(
            PARSE_PATH, {"queries": list(queries)}, params={"validation": "strict"}
        )
        parsed = body.get("queries") or []
        return [
            JqlVerdict(str(item.get("query", query)), (*item.get("errors", ()), *item.get("warnings", ())))
            for query, item in zip(queries, parsed, strict=True)
        ]
    return [_zero_result_search(connector, query) for query in queries]


def _zero_result_search(connector: JiraConnector, jql: str) -> JqlVerdict:
    body = {"jql": jql, "maxResults": 0, "fields": ["id"]}
    response = connector.client.request("POST", connector.api.search, json=body, answers=(400,))
    if response.status_code != 400:
        return JqlVerdict(jql)
    try:
        error = orjson.loads(response.content)
    except ValueError:
        return JqlVerdict(jql, (response.text.strip() or "400 Bad Request",))
    messages = [*error.get("errorMessages", ()), *(error.get("errors") or {}).values()]
    return JqlVerdict(jql, tuple(str(m) for m in messages) or ("400 Bad Request",))


def missing_projects(connector: JiraConnector, keys: Sequence[str]) -> list[str]:
    """The keys Jira answers 404 for: no such project, or one the account may not browse."""
    missing = []
    for key in keys:
        try:
            connector.client.get_json(connector.api.project.format(key=quote(key, safe="")))
        except NotFoundError:
            missing.append(key)
    return missing
