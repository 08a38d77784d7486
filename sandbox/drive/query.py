"""The part of Drive's search language (`q`) the stand-in understands: clauses joined by `and`."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from sandbox.drive.errors import invalid
from sandbox.drive.state import DriveFile

_CLAUSES: list[tuple[re.Pattern[str], Callable[[re.Match[str], DriveFile], bool]]] = [
    (re.compile(r"'([^']+)'\s+in\s+parents"), lambda m, f: m[1] in f.parents),
    (re.compile(r"trashed\s*=\s*(true|false)"), lambda m, f: f.trashed == (m[1] == "true")),
    (re.compile(r"mimeType\s*=\s*'([^']+)'"), lambda m, f: f.mime_type == m[1]),
    (re.compile(r"mimeType\s*!=\s*'([^']+)'"), lambda m, f: f.mime_type != m[1]),
    (re.compile(r"name\s*=\s*'([^']*)'"), lambda m, f: f.name == m[1]),
]


def matcher(q: str) -> Callable[[DriveFile], bool]:
    """A predicate for `q`; 400 Invalid Value (as Drive answers) for what it cannot read."""
    tests: list[Callable[[DriveFile], bool]] = []
    for clause in filter(None, (c.strip() for c in re.split(r"\s+and\s+", q, flags=re.IGNORECASE))):
        for pattern, test in _CLAUSES:
            found = pattern.fullmatch(clause)
            if found:
                tests.append(functools.partial(test, found))
                break
        else:
            raise invalid("Invalid Value", "q")
    return lambda f: all(test(f) for test in tests)
