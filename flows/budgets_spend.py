"""A team's `Spend` tab: its accepted ledger entries, keyed by something that survives PeopleOps
inserting, deleting and sorting ledger rows, so a lead's note stays beside its expense.

- The ledger has an ID column (`budgets.ledger.id_column`, default "ID"): keyed by that ID.
- Otherwise keyed by the entry's content — date, amount and description (the team and the currency
  are the tab's own) — plus an occurrence number that tells identical entries apart: blank for the
  first, 2, 3, … for later ones in ledger order. Correcting an entry's date, amount or description
  makes it a new entry (the old row goes, or stays marked when it has a note); an ID avoids that.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from connectors.sheets import Column, Table
from connectors.sheets.table import Value
from domain.periods import Period, period_label
from domain.records import Spend

SPEND_TAB = "Spend"
OCCURRENCE = "Occurrence"
DEFAULT_ID_COLUMN = "ID"


def spend_table(
    team: str,
    spends: Iterable[Spend],
    periods: Sequence[Period],
    currency: str,
    id_column: str = DEFAULT_ID_COLUMN,
) -> Table:
    """The team's entries in ledger order. Whether the ledger had IDs is read off all the spends
    given (every accepted entry has one then), so every team's tab takes the same shape."""
    spends = sorted(spends, key=lambda s: s.row_number)
    by_id = any(s.entry_id for s in spends)
    mine = [s for s in spends if s.team == team]
    content = [
        Column("Date", "date"),
        Column("Period", "text", 90),
        Column("Amount", "money", 110),
        Column("Description", "text", 280),
    ]
    if by_id:
        rows: list[dict[str, Value]] = [{id_column: s.entry_id, **_content(s, periods)} for s in mine]
        return Table(SPEND_TAB, [Column(id_column, "text", 90), *content], (id_column,), rows, currency)
    seen: Counter[tuple[date, Decimal, str]] = Counter()
    rows = []
    for s in mine:
        fingerprint = (s.day, s.amount, s.description.strip().casefold())
        seen[fingerprint] += 1
        rows.append(
            {**_content(s, periods), OCCURRENCE: seen[fingerprint] if seen[fingerprint] > 1 else None}
        )
    columns = [*content, Column(OCCURRENCE, "int", 90)]
    return Table(SPEND_TAB, columns, ("Date", "Amount", "Description", OCCURRENCE), rows, currency)


def _content(s: Spend, periods: Sequence[Period]) -> dict[str, Value]:
    return {
        "Date": s.day,
        "Period": period_label(s.day, periods),
        "Amount": s.amount,
        "Description": s.description,
    }
