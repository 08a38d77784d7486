"""The conversation search query language of Intercom's `POST /conversations/search` (API 2.14).

A query is a single filter `{"field", "operator", "value"}` or a group `{"operator": "AND"|"OR",
"value": [filters or groups]}`; at most 2 levels of nested groups and 15 filters per group. Date
fields take unix timestamps (numbers or digit strings, as the spec's own example sends); `>` and
`<` are "greater (or equal)" / "lower (or equal)" as the spec's operator table says. A missing
attribute equals `null`, so `{"field": "custom_attributes.x", "operator": "!=", "value": null}`
finds conversations where `x` is set. Any other shape is a 400, never a silently ignored filter.
"""

from __future__ import annotations

from typing import Any

DATE_FIELDS = frozenset({"created_at", "updated_at", "waiting_since", "snoozed_until"})
OPERATORS = frozenset({"=", "!=", "IN", "NIN", "<", "<=", ">", ">=", "~", "!~", "^", "$"})
MAX_NESTING = 2
MAX_FILTERS_PER_GROUP = 15


class QueryError(ValueError):
    """The query cannot be run; the stand-in answers 400 with this message."""


def check_query(query: Any, depth: int = 0) -> None:
    if not isinstance(query, dict):
        raise QueryError("query must be an object")
    if "field" in query:
        _check_filter(query)
        return
    if query.get("operator") not in ("AND", "OR"):
        raise QueryError(f"operator {query.get('operator')!r} is not valid for a group; use AND or OR")
    if depth >= MAX_NESTING:
        raise QueryError(f"queries can be nested at most {MAX_NESTING} levels deep")
    members = query.get("value")
    if not isinstance(members, list) or not members:
        raise QueryError("a group's value must be a non-empty list of filters")
    if len(members) > MAX_FILTERS_PER_GROUP:
        raise QueryError(f"a group holds at most {MAX_FILTERS_PER_GROUP} filters")
    for member in members:
        check_query(member, depth + 1)


def _check_filter(query: dict[str, Any]) -> None:
    field, operator, value = query.get("field"), query.get("operator"), query.get("value")
    if not isinstance(field, str) or not field:
        raise QueryError("field must be a non-empty string")
    if operator not in OPERATORS:
        raise QueryError(f"operator {operator!r} is not valid")
    if operator in ("IN", "NIN") and not isinstance(value, list):
        raise QueryError(f"{operator} needs a list value")
    if field in DATE_FIELDS:
        if operator not in ("=", "<", ">"):
            raise QueryError(f"operator {operator} is not supported for date field {field}")
        if value is not None and _number(value) is None:
            raise QueryError(f"{field} needs a unix timestamp, not {value!r}")
    if operator in ("<", "<=", ">", ">=") and _number(value) is None:
        raise QueryError(f"operator {operator} needs a number or date value")


def matches(conversation: dict[str, Any], query: dict[str, Any]) -> bool:
    if "field" not in query:
        results = (matches(conversation, member) for member in query["value"])
        return all(results) if query["operator"] == "AND" else any(results)
    actual = lookup(conversation, query["field"])
    return _compare(actual, query["operator"], query.get("value"))


def lookup(conversation: dict[str, Any], field: str) -> Any:
    value: Any = conversation
    for part in field.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _compare(actual: Any, operator: str, expected: Any) -> bool:
    if operator in ("=", "!="):
        equal = actual is None if expected is None else _same(actual, expected)
        return equal if operator == "=" else not equal
    if operator in ("IN", "NIN"):
        found = any(_same(actual, item) for item in expected)
        return found if operator == "IN" else not found
    if operator in ("<", "<=", ">", ">="):
        number, bound = _number(actual), _number(expected)
        if number is None or bound is None:
            return False
        return number >= bound if operator[0] == ">" else number <= bound
    if not isinstance(actual, str) or not isinstance(expected, str):
        return operator == "!~"
    haystack, needle = actual.lower(), expected.lower()
    return {
        "~": needle in haystack,
        "!~": needle not in haystack,
        "^": haystack.startswith(needle),
        "$": haystack.endswith(needle),
    }[operator]


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual == expected
    if _number(actual) is not None and _number(expected) is not None:
        return _number(actual) == _number(expected)
    return str(actual) == str(expected) if actual is not None else False


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return float(value)
    return None
