"""BambooHR's list fields (`GET /api/v1/meta/lists`): each list field's options, with ids that stay
when an option is renamed. Renaming an option in BambooHR's settings renames it on every record,
history included, so only the id says it is the same team."""

from __future__ import annotations

from typing import Any

LIST_FIELDS = {
    "department": ("4", "Department"),
    "division": ("1355", "Division"),
    "location": ("3", "Location"),
}


def list_fields(state: Any) -> list[dict[str, Any]]:
    """Every list field with its options as the employee records and job history use them."""
    return [
        {"fieldId": field_id, "alias": alias, "name": label, "manageable": "yes", "multiple": "no",
         "options": [{"id": option_id, "name": name, "archived": "no"}
                     for name, option_id in sorted(options(state, alias).items(), key=lambda kv: kv[1])]}
        for alias, (field_id, label) in LIST_FIELDS.items()
    ]  # fmt: skip


def options(state: Any, alias: str) -> dict[str, int]:
    """name -> option id; a name met for the first time gets the next id, kept from then on."""
    known: dict[str, int] = state.list_options.setdefault(alias, {})
    for row in [*state.employees, *state.job_info]:
        name = row.get(alias)
        if name and name not in known:
            known[name] = len(known) + 1
    return known


def rename_option(state: Any, alias: str, old: str, new: str) -> None:
    """What renaming an option in BambooHR's settings does: same id, new name on every record."""
    known = options(state, alias)
    known[new] = known.pop(old)
    for row in [*state.employees, *state.job_info]:
        if row.get(alias) == old:
            row[alias] = new
