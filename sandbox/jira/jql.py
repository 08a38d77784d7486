"""The small JQL subset the Jira stand-in understands.

Supported (keywords and field names case-insensitive, values bare or quoted):

    project = A | project != A | project in (A, B) | project not in (A, B)
    key = K | key in (K1, K2)                      (`issuekey` is a synonym of `key`)
    assignee is EMPTY | assignee is not EMPTY
    status = "In Progress" | status != Done | status in (...) | status not in (...)
    statusCategory = Done | statusCategory != Done | statusCategory in (...) | statusCategory not in (...)
                                                   (category names or keys: new, indeterminate, done)
    resolution = Unresolved | resolution != Unresolved | resolution is EMPTY | resolution is not EMPTY
    worklogDate >= "2026-10-05" (also >, <=, <, =; "yyyy-MM-dd" or "yyyy/MM/dd", optionally " HH:mm"):
        issues with at least one worklog *started* in that range, as Jira's worklogDate searches the
        work's start date; the site's time zone is UTC, so a date means its midnight UTC
    clause AND clause, clause OR clause, NOT clause, ( ... )   (AND binds tighter than OR)
    ORDER BY key|created [ASC|DESC], ...

Anything else (functions, other fields or operators) is answered with a 400 naming the clause, the
way Jira rejects a query it cannot run: a query is never run with a clause ignored.
Without ORDER BY, issues come newest first (created DESC), the order Jira's search uses by default.
An unknown project value is a 400 too, as on Jira ("The value 'X' does not exist for the field 'project'.").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Issue = dict[str, Any]
Predicate = Callable[[Issue], bool]

_TOKEN = re.compile(
    r"""\s*(?:("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(!=|>=|<=|[=(),<>])|([^\s=!(),"'<>]+)|(\S))"""
)
_CATEGORY_ALIASES = {
    "to do": "new",
    "new": "new",
    "in progress": "indeterminate",
    "indeterminate": "indeterminate",
    "done": "done",
    "complete": "done",
}
_LIST_OPS = ("in", "not in")
_COMPARISONS = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}
_JQL_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?: (\d{1,2}):(\d{2}))?")


class JqlError(ValueError):
    """A query outside the subset or with a bad value: the stand-in answers 400 with this message."""


@dataclass(frozen=True)
class Token:
    text: str
    quoted: bool = False

    @property
    def word(self) -> str:
        return "" if self.quoted else self.text.lower()


@dataclass(frozen=True)
class Query:
    predicates: tuple[Predicate, ...]
    order: tuple[tuple[str, bool], ...]  # (field, descending)

    def run(self, issues: Iterable[Issue]) -> list[Issue]:
        selected = [issue for issue in issues if all(p(issue) for p in self.predicates)]
        for field, descending in reversed(self.order):
            selected.sort(key=_SORT_KEYS[field], reverse=descending)
        return selected


def tokenize(jql: str) -> list[Token]:
    tokens = []
    for quoted, punct, word, other in _TOKEN.findall(jql):
        if other:
            raise JqlError(
                f"Error in the JQL Query: the character '{other}' is not supported by the sandbox."
            )
        if quoted:
            tokens.append(Token(re.sub(r"\\(.)", r"\1", quoted[1:-1]), quoted=True))
        else:
            tokens.append(Token(punct or word))
    return tokens


def parse(jql: str, projects: set[str]) -> Query:
    tokens = tokenize(jql)
    order_at = _find_order_by(tokens)
    where, order = tokens[:order_at], tokens[order_at + 2 :] if order_at < len(tokens) else []
    predicates = (_Parser(where, projects).query(),) if where else ()
    return Query(predicates, _parse_order(order) if order_at < len(tokens) else (("created", True),))


def _find_order_by(tokens: list[Token]) -> int:
    for i in range(len(tokens) - 1):
        if tokens[i].word == "order" and tokens[i + 1].word == "by":
            return i
    return len(tokens)


class _Parser:
    """query := or; or := and (OR and)*; and := unary (AND unary)*; unary := NOT unary | ( or ) | clause."""

    def __init__(self, tokens: list[Token], projects: set[str]) -> None:
        self.tokens, self.projects, self.at = tokens, projects, 0

    def query(self) -> Predicate:
        predicate = self._or()
        if self.at < len(self.tokens):
            raise JqlError(_unsupported(self.tokens))
        return predicate

    def _peek(self) -> Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _take_word(self, word: str) -> bool:
        token = self._peek()
        if token is not None and token.word == word:
            self.at += 1
            return True
        return False

    def _or(self) -> Predicate:
        parts = [self._and()]
        while self._take_word("or"):
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else lambda issue: any(p(issue) for p in parts)

    def _and(self) -> Predicate:
        parts = [self._unary()]
        while self._take_word("and"):
            parts.append(self._unary())
        return parts[0] if len(parts) == 1 else lambda issue: all(p(issue) for p in parts)

    def _unary(self) -> Predicate:
        token = self._peek()
        if token is None or token.word in ("and", "or"):
            raise JqlError("Error in the JQL Query: Expecting a clause around 'AND' or 'OR'.")
        if token.word == "not":
            self.at += 1
            inner = self._unary()
            return lambda issue: not inner(issue)
        if _is_punct(token, "("):
            self.at += 1
            inner = self._or()
            closing = self._peek()
            if closing is None or not _is_punct(closing, ")"):
                raise JqlError("Error in the JQL Query: Expecting ')' before the end of the query.")
            self.at += 1
            return inner
        return self._clause()

    def _clause(self) -> Predicate:
        start = self.at
        field = self.tokens[self.at].text.lower()
        self.at += 1
        op = self._operator()
        values = self._values(op, start)
        clause = self.tokens[start : self.at]
        builder = _FIELDS.get(field)
        predicate = builder(op, values, self.projects) if builder else None
        if predicate is None:
            raise JqlError(_unsupported(clause))
        return predicate

    def _operator(self) -> str:
        token = self._peek()
        if token is None:
            raise JqlError(_unsupported(self.tokens))
        self.at += 1
        second = self._peek()
        if second is not None and (token.word, second.word) in (("is", "not"), ("not", "in")):
            self.at += 1
            return f"{token.word} {second.word}"
        return token.word or token.text

    def _values(self, op: str, start: int) -> list[str]:
        if op in _LIST_OPS:
            end = self.at
            while end < len(self.tokens) and not _is_punct(self.tokens[end], ")"):
                end += 1
            rest = self.tokens[self.at : end + 1]
            self.at = end + 1
            return _list_values(rest, self.tokens[start : self.at])
        token = self._peek()
        if token is None or (not token.quoted and token.text in "(),"):
            raise JqlError(_unsupported(self.tokens[start : self.at + 1]))
        self.at += 1
        following = self._peek()
        if following is not None and _is_punct(following, "("):  # a function call: none are supported
            while self.at < len(self.tokens) and not _is_punct(self.tokens[self.at], ")"):
                self.at += 1
            raise JqlError(_unsupported(self.tokens[start : self.at + 1]))
        return [token.text]


def _is_punct(token: Token, text: str) -> bool:
    return token.text == text and not token.quoted


def _list_values(rest: list[Token], clause: list[Token]) -> list[str]:
    if len(rest) < 2 or rest[0].text != "(" or rest[-1].text != ")":
        raise JqlError(_unsupported(clause))
    inner = rest[1:-1]
    values = [t.text for t in inner[0::2]]
    if any(t.text != "," for t in inner[1::2]) or any(v in "()," for v in values) or not values:
        raise JqlError(_unsupported(clause))
    return values


def _unsupported(clause: list[Token]) -> str:
    text = " ".join(f'"{t.text}"' if t.quoted else t.text for t in clause)
    return f"Error in the JQL Query: the clause '{text}' is not supported by this Jira (sandbox JQL subset)."


def _membership(op: str, values: list[str], get: Callable[[Issue], str]) -> Predicate | None:
    wanted = {v.lower() for v in values}
    if op in ("=", "in"):
        return lambda issue: get(issue).lower() in wanted
    if op in ("!=", "not in"):
        return lambda issue: get(issue).lower() not in wanted
    return None


def _project(op: str, values: list[str], projects: set[str]) -> Predicate | None:
    known = {p.lower() for p in projects}
    for value in values:
        if value.lower() not in known:
            raise JqlError(f"The value '{value}' does not exist for the field 'project'.")
    return _membership(op, values, lambda issue: issue["project"])


def _key(op: str, values: list[str], _: set[str]) -> Predicate | None:
    return _membership(op, values, lambda issue: issue["key"]) if op in ("=", "in") else None


def _assignee(op: str, values: list[str], _: set[str]) -> Predicate | None:
    if [v.lower() for v in values] not in (["empty"], ["null"]) or op not in ("is", "is not"):
        return None
    return (lambda i: i.get("assignee") is None) if op == "is" else (lambda i: i.get("assignee") is not None)


def _status(op: str, values: list[str], _: set[str]) -> Predicate | None:
    return _membership(op, values, lambda issue: issue["status"])


def _status_category(op: str, values: list[str], _: set[str]) -> Predicate | None:
    unknown = [v for v in values if v.lower() not in _CATEGORY_ALIASES]
    if unknown:
        raise JqlError(f"The value '{unknown[0]}' does not exist for the field 'statusCategory'.")
    keys = [_CATEGORY_ALIASES[v.lower()] for v in values]
    return _membership(op, keys, lambda issue: issue["statusCategory"])


def _resolution(op: str, values: list[str], _: set[str]) -> Predicate | None:
    value = values[0].lower() if len(values) == 1 else ""
    unresolved = {("=", "unresolved"), ("is", "empty"), ("is", "null")}
    resolved = {("!=", "unresolved"), ("is not", "empty"), ("is not", "null")}
    if (op, value) in unresolved:
        return lambda issue: issue["statusCategory"] != "done"
    if (op, value) in resolved:
        return lambda issue: issue["statusCategory"] == "done"
    return None


def _worklog_date(op: str, values: list[str], _: set[str]) -> Predicate | None:
    compare = _COMPARISONS.get(op)
    if compare is None:
        return None
    when = _jql_datetime(values[0])

    def started(issue: Issue) -> Iterable[datetime]:
        return (_started(w["started"]) for w in issue.get("worklogs", []))

    return lambda issue: any(compare(moment, when) for moment in started(issue))


def _jql_datetime(value: str) -> datetime:
    match = _JQL_DATE.fullmatch(value.strip())
    if match is None:
        raise JqlError(
            f"Date value '{value}' for field 'worklogDate' is invalid. Valid formats include: "
            "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd'."
        )
    year, month, day, hour, minute = (int(g) if g else 0 for g in match.groups())
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def _started(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")


def key_sort(key: str) -> tuple[str, int]:
    project, _, number = key.rpartition("-")
    return project, int(number) if number.isdigit() else 0


_FIELDS: dict[str, Callable[[str, list[str], set[str]], Predicate | None]] = {
    "project": _project,
    "key": _key,
    "issuekey": _key,
    "assignee": _assignee,
    "status": _status,
    "statuscategory": _status_category,
    "resolution": _resolution,
    "worklogdate": _worklog_date,
}
_SORT_KEYS: dict[str, Callable[[Issue], Any]] = {
    "key": lambda issue: key_sort(issue["key"]),
    "issuekey": lambda issue: key_sort(issue["key"]),
    "created": lambda issue: issue["created"],
}


def _parse_order(tokens: list[Token]) -> tuple[tuple[str, bool], ...]:
    order: list[tuple[str, bool]] = []
    for part in _split_commas(tokens):
        field = part[0].text.lower() if part else ""
        direction = part[1].word if len(part) == 2 else "asc"
        if field not in _SORT_KEYS or len(part) > 2 or direction not in ("asc", "desc"):
            raise JqlError(_unsupported([Token("ORDER"), Token("BY"), *part]))
        order.append((field, direction == "desc"))
    if not order:
        raise JqlError("Error in the JQL Query: Expecting a field name after 'ORDER BY'.")
    return tuple(order)


def _split_commas(tokens: list[Token]) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    for token in tokens:
        if token.text == "," and not token.quoted:
            parts.append([])
        else:
            parts[-1].append(token)
    return [p for p in parts if p]
