"""The merge contract on plain grids: rows and columns people add are theirs, keys compare as typed."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.sheets.merge import Grid, plan_tab
from connectors.sheets.ownership import TabMemory, canonical, row_id
from connectors.sheets.table import SYNC_STATUS, Column, Table
from tests.test_sheets_merge import OWNED, apply, by_key, table

TODAY = date(2026, 11, 26)


def synced(keys: list[str]) -> tuple[Grid, TabMemory]:
    """A tab as opsheets left it after syncing these keys, and what it recorded."""
    source = table([(k, k.upper(), 1.0) for k in keys])
    plan = plan_tab("Book", source, None, None, TODAY)
    return apply(plan, None), TabMemory(tuple(OWNED), ("Key",), plan.owned_rows)


HUMAN_ROWS = [
    ["Total", None, "=SUM(C2:C9)"],  # a total line with a formula beside it
    list(OWNED),  # a copied header row
    [None, "note: ask finance", None],  # a note row without a key
    ["TBD", "someone", 3],  # text in the key column that no source row has
    ["Key"],
]


@settings(max_examples=150, deadline=None)
@given(
    before=st.lists(st.sampled_from("abcdefg"), unique=True, max_size=6),
    after=st.lists(st.sampled_from("abcdefg"), unique=True, max_size=6),
    human=st.lists(st.tuples(st.sampled_from(range(len(HUMAN_ROWS))), st.integers(0, 8)), max_size=4),
)
def test_rows_a_person_added_anywhere_survive_any_sync_unchanged(before, after, human) -> None:
    grid, memory = synced(before)
    for which, at in human:
        grid.insert(at % (len(grid) + 1), list(HUMAN_ROWS[which]))  # above, inside or under the table
    source = table([(k, k.upper() + "!", 2.0) for k in after])
    plan = plan_tab("Book", source, grid, memory, TODAY)
    assert plan.problems == []
    result = apply(plan, grid)
    owned_keys = set(before) | set(after)
    human_rows = [r for r in grid if not (r and r[0] in owned_keys) and r != list(OWNED)]
    assert [r for r in result if not (r and r[0] in owned_keys) and r != list(OWNED)] == human_rows
    rows = by_key(result, header_row=plan.header_row)
    assert all(rows[k][1:3] == [k.upper() + "!", 2] for k in after)
    assert not any(k in rows for k in before if k not in after)
    again = plan_tab("Book", source, result, TabMemory(tuple(OWNED), ("Key",), plan.owned_rows), TODAY)
    assert again.writes == [] and not again.changes_structure


def test_a_total_row_under_the_table_stays_when_an_unchanged_sync_runs() -> None:
    grid, memory = synced(["a", "b"])
    grid.append(["Total", None, "=SUM(C2:C3)"])
    plan = plan_tab("Book", table([("a", "A", 1.0), ("b", "B", 1.0)]), grid, memory, TODAY)
    assert plan.writes == [] and plan.delete_rows == [] and plan.warnings == []


def test_without_a_record_of_its_rows_opsheets_keeps_what_it_cannot_prove_with_a_warning() -> None:
    grid, _ = synced(["a", "b"])
    grid.append(["Total", None, 2])
    plan = plan_tab("Book", table([("a", "A", 1.0)]), grid, TabMemory(tuple(OWNED)), TODAY)
    result = apply(plan, grid)
    assert plan.delete_rows == [] and result[2][0] == "b" and result[3] == ["Total", None, 2]
    assert any("rows 3, 4: " in w and "no record" in w for w in plan.warnings)
    assert plan.owned_rows == frozenset({row_id(("a",))})  # from now on b and the total are a person's


NEW_COLUMNS = st.sampled_from(["W49", "Notes", "Budget", "Region"])


@settings(max_examples=30, deadline=None)
@given(name=NEW_COLUMNS, at=st.integers(0, 4))
def test_a_persons_column_named_like_a_new_owned_column_is_refused_not_adopted(name, at) -> None:
    grid, memory = synced(["a", "b"])
    for r, row in enumerate(grid):
        row.extend([None] * (4 - len(row)))
        row.insert(at, name if r == 0 else f"mine {r}")
    cols = [Column("Key"), Column("Name"), Column("Hours", "hours"), Column(name)]
    source = Table("T", cols, ("Key",), rows=[{"Key": k, "Name": k, "Hours": 1, name: "ours"} for k in "ab"])
    plan = plan_tab("Team book", source, grid, memory, TODAY)
    (problem,) = plan.problems
    assert "Spreadsheet 'Team book', tab 'T', column" in problem and f"'{name}'" in problem
    assert "a person's" in problem and "rename" in problem and "_opsheets" in problem
    adopted = TabMemory((*memory.columns, name), memory.key, memory.rows)  # marked as opsheets' own
    assert plan_tab("Team book", source, grid, adopted, TODAY).problems == []


def retyped(draw: st.DrawFn) -> tuple[object, object, str]:
    """A source key, the same key as a person retypes it, and the key column's kind."""
    kind = draw(st.sampled_from(["number", "text", "email", "date"]))
    spaces = draw(st.sampled_from(["", " ", "  "])), draw(st.sampled_from(["", " "]))
    if kind == "number":
        n = draw(st.integers(0, 10**9))
        source = draw(st.sampled_from([n, str(n)]))
        typed = draw(st.sampled_from([n, float(n), f"{spaces[0]}{n}{spaces[1]}"]))
        return source, typed, "text"
    if kind == "date":
        day = draw(st.dates(date(2000, 1, 1), date(2040, 12, 31)))
        return day, draw(st.sampled_from([day.isoformat(), (day - date(1899, 12, 30)).days])), "date"
    word = draw(st.text("abcdefgxyz-._", min_size=1, max_size=8))
    text = f"{word}@example.com" if kind == "email" else f"PROJ-{word}"
    flipped = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in text)
    return text, f"{spaces[0]}{flipped}{spaces[1]}", "text"


@settings(max_examples=200, deadline=None)
@given(case=st.composite(retyped)())
def test_keys_compare_as_people_type_them(case: tuple[object, object, str]) -> None:
    source_key, typed, kind = case
    cols = [Column("Key", kind), Column("Name")]
    source = Table("T", cols, ("Key",), rows=[{"Key": source_key, "Name": "x"}])
    first = plan_tab("Book", source, None, None, TODAY)
    grid = apply(first, None)
    grid[1][0] = typed  # a person retypes the key
    memory = TabMemory(("Key", "Name", SYNC_STATUS), ("Key",), first.owned_rows)
    plan = plan_tab("Book", source, grid, memory, TODAY)
    assert (plan.writes, plan.added, plan.kept, plan.problems) == ([], 0, 0, [])
    assert canonical(source_key, kind) == canonical(typed, kind)


def test_a_persons_row_typed_ahead_with_a_source_key_is_taken_over() -> None:
    grid, memory = synced(["a"])
    grid.append(["b", None, None, None, "starts Monday"])
    plan = plan_tab("Book", table([("a", "A", 1.0), ("b", "B", 1.0)]), grid, memory, TODAY)
    result = apply(plan, grid)
    assert result[2] == ["b", "B", 1, None, "starts Monday"] and plan.added == 0
    assert row_id(("b",)) in plan.owned_rows
