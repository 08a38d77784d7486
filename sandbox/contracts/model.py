"""What a contract check reads (one request and its answer) and what it reports (a violation)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, Protocol
from urllib.parse import parse_qsl

Direction = Literal["request", "response"]


@dataclass(frozen=True)
class Exchange:
    """One request a stand-in received and the answer it gave, as bytes on the wire."""

    method: str
    path: str
    query: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    status: int
    response_headers: dict[str, str]
    response_body: bytes

    @cached_property
    def query_pairs(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query, keep_blank_values=True)

    @cached_property
    def request_json(self) -> Any:
        return _json(self.body)

    @cached_property
    def response_json(self) -> Any:
        return _json(self.response_body)


def _json(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


@dataclass(frozen=True)
class Violation:
    """A departure from the published contract: which API operation, which way, where in the JSON."""

    api: str
    operation: str  # "POST /rest/api/3/search/jql", as the contract names it
    direction: Direction
    json_path: str  # "$.issues[0].fields.worklog", or "query.maxResults" for parameters
    message: str
    status: int = 0

    def __str__(self) -> str:
        answer = f" (answered {self.status})" if self.status else ""
        return f"{self.api} {self.operation} {self.direction}{answer} at {self.json_path}: {self.message}"


class Contract(Protocol):
    api: str

    def check(self, exchange: Exchange) -> list[Violation]: ...

    def operation_of(self, exchange: Exchange) -> str | None: ...


@dataclass
class Recorder:
    """Violations seen in this process, in order; tests read and clear it around each test."""

    _found: list[Violation] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, violations: list[Violation]) -> None:
        with self._lock:
            self._found.extend(violations)

    def take(self) -> list[Violation]:
        with self._lock:
            found, self._found = self._found, []
            return found


RECORDER = Recorder()


def json_path(parts: Any) -> str:
    """`$.a[0].b` from a sequence of keys and indices."""
    text = "$"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text
