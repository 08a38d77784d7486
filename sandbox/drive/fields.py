"""Google's `fields` parameter (a partial response): `id,name`, `files(id,appProperties)`, `*`."""

from __future__ import annotations

from typing import Any

Mask = dict[str, "Mask | None"]  # field -> its own mask (None: the whole value)


def parse(text: str) -> Mask:
    mask: Mask = {}
    depth, start = 0, 0
    for i, char in enumerate(text + ","):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            _add(mask, text[start:i].strip())
            start = i + 1
    return mask


def _add(mask: Mask, item: str) -> None:
    if not item:
        return
    if "(" in item and item.endswith(")"):
        name, inner = item[:-1].split("(", 1)
        mask[name.strip()] = parse(inner)
    else:
        head, _, rest = item.partition("/")
        mask[head] = parse(rest) if rest else None


def select(value: Any, mask: Mask | None) -> Any:
    """`value` with only the masked fields, into lists and nested objects."""
    if mask is None or "*" in mask:
        return value
    if isinstance(value, list):
        return [select(item, mask) for item in value]
    if not isinstance(value, dict):
        return value
    return {key: select(value[key], sub) for key, sub in mask.items() if key in value}
