"""The ledger's own entry IDs: what keys each team's Spend tab when the ledger has them.

A ledger row's number changes whenever PeopleOps inserts, deletes or sorts rows; an ID typed once
does not. IDs compare as people type them: 101 typed as a number is the ID "101", spaces around
it do not count, and neither does case ("inv-7" is "INV-7").
"""

from __future__ import annotations

from decimal import Decimal

from domain.ledger_values import is_blank
from domain.records import LedgerRow


def ledger_id_column(rows: list[LedgerRow], wanted: str | None) -> str | None:
    """The ledger's header for the ID column (as typed), or None when it has none."""
    if not wanted or not rows:
        return None
    folded = wanted.strip().casefold()
    return next((h for h in rows[0].cells if str(h).strip().casefold() == folded), None)


def id_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value).strip()


class LedgerIds:
    """Reads each row's ID, noting the rows that lack one or repeat an earlier row's."""

    def __init__(self, column: str | None) -> None:
        self.column = column
        self.seen: dict[str, int] = {}  # ID, case-folded → first row that has it

    def read(self, row: LedgerRow, problems: list[str]) -> str:
        if self.column is None:
            return ""
        value = row.cells.get(self.column)
        where = f"(row {row.row_number}, column {self.column})"
        if is_blank(value):
            problems.append(f"{self.column} is empty {where}: give every entry its own ID")
            return ""
        entry_id = id_text(value)
        first = self.seen.setdefault(entry_id.casefold(), row.row_number)
        if first != row.row_number:
            again = f"{self.column} '{entry_id}' is also the ID of row {first}"
            problems.append(f"{again} {where}: give every entry its own ID")
        return entry_id
