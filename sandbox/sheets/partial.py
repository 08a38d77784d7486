"""Partial responses: the `fields` system parameter of spreadsheets.get, checked against the discovery
document's schemas (spreadsheet_fields.json).

A mask is a tree {name: subtree}: an empty subtree selects the whole field, "*" every field at its
level, and through an array a subtree applies to each element. A name the resource does not have
is refused with 400 INVALID_ARGUMENT, as Google refuses it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from sandbox.sheets.errors import SheetsError
from sandbox.sheets.model import parse_mask

Tree = dict[str, "Tree"]
INVALID_ARGUMENT_MESSAGE = "Request contains an invalid argument."


class FieldMaskError(SheetsError):
    """Google names the bad path in a BadRequest detail; the message itself stays generic."""

    def __init__(self, path: str) -> None:
        super().__init__(400, INVALID_ARGUMENT_MESSAGE)
        self.description = (
            f"Error expanding 'fields' parameter. Cannot find matching fields for path '{path}'."
        )

    def body(self) -> dict[str, Any]:
        out = super().body()
        violation = {"field": "fields", "description": self.description}
        out["error"]["details"] = [
            {"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [violation]}
        ]
        return out


@cache
def _schemas() -> dict[str, dict[str, str | None]]:
    text = (Path(__file__).parent / "spreadsheet_fields.json").read_text(encoding="utf-8")
    schemas: dict[str, dict[str, str | None]] = json.loads(text)["schemas"]
    return schemas


def field_mask(fields: str, schema: str = "Spreadsheet") -> Tree:
    """The mask as a tree, every path checked against `schema`; raises FieldMaskError."""
    tree: Tree = {}
    for path in parse_mask(fields, strip_spaces=False):
        _check(path, schema)
        _insert(tree, path)
    return tree


def _check(path: list[str], schema: str) -> None:
    fields: dict[str, str | None] | None = _schemas()[schema]
    for name in path:
        if name == "*":
            return
        if fields is None or name not in fields:
            raise FieldMaskError(".".join(path))  # Google names the whole path, not the bad name
        held = fields[name]
        fields = _schemas()[held] if held else None


def _insert(tree: Tree, path: list[str]) -> None:
    node = tree
    for name in path[:-1]:
        if name in node and not node[name]:
            return  # a shorter path already selects all of it
        node = node.setdefault(name, {})
    node[path[-1]] = {}


def child(tree: Tree, name: str) -> Tree | None:
    """The mask for field `name` under `tree`; None when the field is not selected."""
    if not tree:
        return {}
    named, star = tree.get(name), tree.get("*")
    if named is None:
        return star
    return named if star is None else _merge(named, star)


def _merge(a: Tree, b: Tree) -> Tree:
    if not a or not b:
        return {}
    out = dict(a)
    for name, sub in b.items():
        out[name] = _merge(out[name], sub) if name in out else sub
    return out


def descend(tree: Tree | None, *path: str) -> Tree | None:
    for name in path:
        if tree is None:
            return None
        tree = child(tree, name)
    return tree


def select(value: Any, tree: Tree) -> Any:
    """Only the masked fields of a JSON value (not copied: callers pass a fresh value)."""
    if not tree:
        return value
    if isinstance(value, list):
        return [select(item, tree) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for name, item in value.items():
        sub = child(tree, name)
        if sub is not None:
            out[name] = select(item, sub)
    return out
