"""Spend rows keep their notes: the Spend tab's key survives inserting, deleting and sorting ledger rows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.sheets.merge import Grid, plan_tab
from connectors.sheets.ownership import TabMemory
from connectors.sheets.table import SYNC_STATUS
from domain.ledger import parse_ledger
from domain.periods import periods_in_year
from domain.records import LedgerRow, Spend
from flows.budgets_spend import spend_table
from tests.test_sheets_merge import apply

TODAY = date(2026, 11, 26)
PERIODS = periods_in_year("quarter", 2026)


def ledger_row(number: int, description: str, entry_id: object = None) -> LedgerRow:
    cells = {"Date": "2026-11-02", "Team": "Data", "Amount": "10", "Description": description}
    return LedgerRow(number, cells if entry_id is None else {"ID": entry_id, **cells})


def test_the_ledgers_id_column_is_read_as_people_type_ids() -> None:
    rows = [ledger_row(2, "a", 101.0), ledger_row(3, "b", " INV-7 "), ledger_row(4, "c", None)]
    rows[2] = LedgerRow(4, {"ID": "", **rows[2].cells})
    rows.append(ledger_row(5, "d", "inv-7"))
    spends, rejected = parse_ledger(rows, ["Data"], "EUR", id_column="id")
    assert [s.entry_id for s in spends] == ["101", "INV-7"]
    assert [(r.row_number, r.reason) for r in rejected] == [
        (4, "ID is empty (row 4, column ID): give every entry its own ID"),
        (5, "ID 'inv-7' is also the ID of row 3 (row 5, column ID): give every entry its own ID"),
    ]
    without, _ = parse_ledger([ledger_row(2, "a")], ["Data"], "EUR", id_column="ID")
    assert without[0].entry_id == ""


def sync(spends: list[Spend], grid: Grid | None, memory: TabMemory | None) -> tuple[Grid, TabMemory]:
    table = spend_table("Data", spends, PERIODS, "EUR")
    plan = plan_tab("Budget Data", table, grid, memory, TODAY)
    assert plan.problems == []
    names = tuple(plan.positions)
    return apply(plan, grid), TabMemory(names, table.key, plan.owned_rows)


def entry(n: int, with_id: bool, twin: bool = False) -> Spend:
    """Expense n; a twin is one of several identical team lunches."""
    entry_id = f"E{n}" if with_id else ""
    if twin:
        return Spend(0, date(2026, 5, 5), "Data", Decimal(9), "EUR", "team lunch", entry_id)
    return Spend(
        0, date(2026, 1 + n % 12, 1 + n % 28), "Data", Decimal(10 + n), "EUR", f"expense {n}", entry_id
    )


def numbered(spends: list[Spend]) -> list[Spend]:
    """The entries as the ledger now holds them: row numbers in their order."""
    return [replace(s, row_number=i + 2) for i, s in enumerate(spends)]


def with_notes(grid: Grid) -> int:
    """A lead's note on every row, naming the row's description; returns the note column."""
    width = max(len(r) for r in grid)
    text = grid[0].index("Description")
    for r, row in enumerate(grid):
        row.extend([None] * (width - len(row)))
        row.append("Lead's note" if r == 0 else f"about {row[text]}")
    return width


def cells(grid: Grid, *names: str) -> list[tuple[object, ...]]:
    """The named columns of each row under the header (None where a row is short)."""
    at = [grid[0].index(n) for n in names]
    return [tuple(row[c] if c < len(row) else None for c in at) for row in grid[1:]]


@settings(max_examples=80, deadline=None)
@given(
    with_id=st.booleans(),
    kept=st.lists(st.integers(0, 11), unique=True, min_size=1, max_size=8),
    new=st.lists(st.integers(12, 15), unique=True, max_size=3),
    order=st.randoms(),
)
def test_notes_stay_beside_their_expense_whatever_happens_to_the_ledger(with_id, kept, new, order) -> None:
    before = [entry(n, with_id) for n in range(12)]
    grid, memory = sync(numbered(before), None, None)
    with_notes(grid)
    after = [before[n] for n in kept] + [entry(n, with_id) for n in new]
    order.shuffle(after)  # PeopleOps sorted, inserted and deleted ledger rows
    result, memory = sync(numbered(after), grid, memory)
    rows = cells(result, "Description", SYNC_STATUS, "Lead's note")
    for text, status, noted in rows:
        new_entry = text not in [s.description for s in before]
        assert noted == (None if new_entry else f"about {text}")  # every note beside its expense
        assert str(status or "").startswith("removed from source") == (
            text not in [s.description for s in after]
        )
    assert sorted(text for text, _, _ in rows) == sorted(
        [s.description for s in after] + [s.description for s in before if s not in after]
    )  # each expense once; those gone from the ledger stay (marked) because of their note
    again = plan_tab(
        "Budget Data", spend_table("Data", numbered(after), PERIODS, "EUR"), result, memory, TODAY
    )
    assert again.writes == [] and not again.changes_structure


def test_identical_entries_are_told_apart_by_occurrence_and_keep_their_notes() -> None:
    first, second = entry(1, False, twin=True), entry(2, False, twin=True)
    grid, memory = sync(numbered([first, second]), None, None)
    note = with_notes(grid)
    grid[1][note], grid[2][note] = "first lunch", "second lunch"
    result, _ = sync(numbered([entry(7, False), first, entry(8, False), second]), grid, memory)
    assert cells(result, "Description", "Occurrence", "Lead's note") == [
        ("team lunch", None, "first lunch"),
        ("team lunch", 2, "second lunch"),
        ("expense 7", None, None),
        ("expense 8", None, None),
    ]


def test_a_spend_tab_keyed_by_ledger_row_is_migrated_with_its_notes() -> None:
    old = ["Ledger row", "Date", "Period", "Amount", "Description", SYNC_STATUS, "Lead's note"]
    grid = [
        old,
        [2, date(2026, 3, 3), "2026-Q1", 12, "expense 2", None, "booked"],
        [3, date(2026, 4, 5), "2026-Q2", 14, "expense 4", None, "paid twice?"],
    ]
    memory = TabMemory(tuple(old[:6]), ("Ledger row",), frozenset())
    table = spend_table("Data", numbered([entry(9, False), entry(2, False)]), PERIODS, "EUR")
    plan = plan_tab("Budget Data", table, grid, memory, TODAY)
    result = apply(plan, grid)
    assert cells(result, "Description", "Lead's note", SYNC_STATUS) == [
        ("expense 2", "booked", None),
        ("expense 4", "paid twice?", None),  # no longer in the ledger, and no record: left alone
        ("expense 9", None, None),
    ]
    assert "Ledger row" not in result[0] and any("no record" in w for w in plan.warnings)
