"""Keyed-merge planning on plain grids: no backend, no I/O."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.sheets.memory import memory_from_text, memory_text, memory_writes, read_memory
from connectors.sheets.merge import Grid, TabPlan, plan_tab
from connectors.sheets.ownership import TabMemory, canonical, row_id
from connectors.sheets.table import SYNC_STATUS, Column, Table
from connectors.sheets.values import normalise, to_serial

TODAY = date(2026, 11, 26)
COLS = [Column("Key"), Column("Name"), Column("Hours", "hours")]
OWNED = ["Key", "Name", "Hours", SYNC_STATUS]


def table(rows: list[tuple[str, str, float]], mode: str = "managed", cols: list[Column] = COLS) -> Table:
    names = [c.name for c in cols]
    return Table("T", cols, key=("Key",), rows=[dict(zip(names, r, strict=False)) for r in rows], mode=mode)


def ours(keys: list[Any], columns: list[str] = OWNED) -> TabMemory:
    """Memory saying opsheets wrote these columns and the rows of these keys."""
    return TabMemory(tuple(columns), ("Key",), frozenset(row_id((canonical(k),)) for k in keys))


def apply(plan: TabPlan, grid: Grid | None) -> Grid:
    """An independent applier: what a backend does with a plan."""
    out = [list(r) for r in grid or []]
    for col in plan.delete_cols:
        for row in out:
            if col < len(row):
                del row[col]
    for col in plan.insert_cols:
        for row in out:
            if col <= len(row):
                row.insert(col, None)
    for r in plan.delete_rows:
        del out[r]
    for w in plan.writes:
        while len(out) <= w.row:
            out.append([])
        out[w.row].extend([None] * (w.col + 1 - len(out[w.row])))
        out[w.row][w.col] = w.value
    return out


def by_key(grid: Grid, key_col: int = 0, header_row: int = 0) -> dict[Any, list[Any]]:
    return {r[key_col]: r for r in grid[header_row + 1 :] if r and r[key_col] not in (None, "")}


def test_fresh_tab_gets_header_rows_and_a_last_sync_status_column() -> None:
    plan = plan_tab("Book", table([("a", "Ann", 8.0), ("b", "Bob", 4.5)]), None, None, TODAY)
    grid = apply(plan, None)
    assert plan.create and plan.relayout
    assert grid[0] == OWNED
    assert grid[1][:3] == ["a", "Ann", 8] and grid[2][:3] == ["b", "Bob", 4.5]
    assert plan.added == 2


def test_human_column_between_owned_columns_stays_with_its_row_after_reorder_add_remove() -> None:
    sheet = [
        ["Key", "Name", "Note", "Hours", SYNC_STATUS],
        ["a", "Ann", "lead", 8, None],
        ["b", "Bob", None, 4, None],
        ["c", "Cid", "on leave", 2, None],
    ]
    source = table([("c", "Cid", 3.0), ("d", "Dee", 1.0), ("a", "Ann", 8.0)])  # b removed, d added
    plan = plan_tab("Book", source, sheet, ours("abc"), TODAY)
    grid = apply(plan, sheet)
    rows = by_key(grid)
    assert rows["a"][:4] == ["a", "Ann", "lead", 8]
    assert rows["c"][:4] == ["c", "Cid", "on leave", 3.0]
    assert rows["d"][:4] == ["d", "Dee", None, 1.0]
    assert "b" not in rows
    assert [r[0] for r in grid[1:]] == ["a", "c", "d"]  # human order kept, new rows appended
    assert plan.removed == 1 and plan.added == 1


def test_removed_row_with_human_content_is_kept_and_marked_once() -> None:
    sheet = [["Key", "Name", "Hours", SYNC_STATUS, "Note"], ["a", "Ann", 8, None, "keep me"], ["b", "Bob", 4]]
    plan = plan_tab("Book", table([]), sheet, ours("ab"), TODAY)
    grid = apply(plan, sheet)
    assert by_key(grid)["a"][3] == "removed from source 2026-11-26"
    assert "b" not in by_key(grid)
    later = plan_tab("Book", table([]), grid, ours("a"), date(2026, 12, 3))
    assert later.writes == [] and later.kept == 1  # the first removal date is not rewritten


def test_a_returning_key_clears_its_mark() -> None:
    sheet = [
        ["Key", "Name", "Hours", SYNC_STATUS, "Note"],
        ["a", "Ann", 8, "removed from source 2026-11-01", "x"],
    ]
    grid = apply(plan_tab("Book", table([("a", "Ann", 8.0)]), sheet, ours("a"), TODAY), sheet)
    assert grid[1][3] in (None, "")


def test_unchanged_data_plans_nothing_across_value_representations() -> None:
    cols = [
        Column("Key"),
        Column("Cost", "money"),
        Column("Day", "date"),
        Column("Ok", "bool"),
        Column("Empty"),
    ]
    rows = [{"Key": "a", "Cost": Decimal("10.10"), "Day": date(2026, 1, 5), "Ok": True, "Empty": None}]
    source = Table("T", cols, key=("Key",), rows=rows)
    sheet = [
        ["Key", "Cost", "Day", "Ok", "Empty", SYNC_STATUS],
        ["a", 10.1, to_serial(date(2026, 1, 5)), True, ""],
    ]
    plan = plan_tab(
        "Book", source, sheet, ours("a", ["Key", "Cost", "Day", "Ok", "Empty", SYNC_STATUS]), TODAY
    )
    assert plan.writes == [] and not plan.changes_structure


def test_renamed_owned_header_is_refused_naming_spreadsheet_tab_and_column() -> None:
    sheet = [["Key", "Full name", "Hours", SYNC_STATUS], ["a", "Ann", 8]]
    plan = plan_tab("Budget 2026", table([("a", "Ann", 8.0)]), sheet, ours("a"), TODAY)
    assert len(plan.problems) == 1
    assert "'Budget 2026'" in plan.problems[0] and "'T'" in plan.problems[0] and "'Name'" in plan.problems[0]
    assert "Fix:" in plan.problems[0]


def test_missing_column_without_memory_is_added_not_refused() -> None:
    sheet = [["Key", "Hours"], ["a", 8]]
    plan = plan_tab("Book", table([("a", "Ann", 8.0)]), sheet, None, TODAY)
    grid = apply(plan, sheet)
    assert plan.problems == [] and grid[0] == OWNED and grid[1][:3] == ["a", "Ann", 8]


def test_duplicate_keys_in_the_source_are_refused_as_people_type_them() -> None:
    dup_source = plan_tab("Book", table([("a", "A", 1.0), ("a", "B", 2.0)]), None, None, TODAY)
    assert any("'Key'" in p and "more than once" in p for p in dup_source.problems)
    retyped = plan_tab("Book", table([("101", "A", 1.0), (" 101 ", "B", 2.0)]), None, None, TODAY)
    assert any("more than once" in p for p in retyped.problems)


def test_a_copy_of_one_of_our_rows_is_a_persons_row_left_alone_with_a_warning() -> None:
    sheet = [OWNED, ["a", "A", 1], ["b", "B", 2], ["a", "A", 1, None, "copied to annotate"]]
    plan = plan_tab("Book", table([("a", "A!", 1.0)]), sheet, ours("ab"), TODAY)
    grid = apply(plan, sheet)
    assert plan.problems == [] and plan.delete_rows == [2]  # b left the source
    assert grid[1][:3] == ["a", "A!", 1] and grid[2] == ["a", "A", 1, None, "copied to annotate"]
    assert any("row 4: " in w and "a person's copy" in w for w in plan.warnings)


def test_week_columns_roll_keeping_human_columns_to_the_right() -> None:
    old = [Column("Key"), Column("W47", "hours"), Column("W48", "hours")]
    new = [Column("Key"), Column("W48", "hours"), Column("W49", "hours")]
    sheet = [["Key", "W47", "W48", SYNC_STATUS, "Comment"], ["a", 1, 2, None, "hi"]]
    remembered = ["Key", "W47", "W48", SYNC_STATUS]
    assert [c.name for c in old] + [SYNC_STATUS] == remembered
    plan = plan_tab("Book", table([("a", 2.0, 3.0)], cols=new), sheet, ours("a", remembered), TODAY)
    grid = apply(plan, sheet)
    assert grid[0] == ["Key", "W48", "W49", SYNC_STATUS, "Comment"]
    assert grid[1] == ["a", 2, 3.0, None, "hi"]
    assert plan.delete_cols == [1] and plan.insert_cols == [2] and plan.relayout


def test_two_new_columns_keep_their_headers_when_the_second_lands_left_of_the_first() -> None:
    """A person moved Name to the front: X goes after Hours, then Y after Name, left of X."""
    cols = [Column("Key"), Column("Hours", "hours"), Column("X"), Column("Name"), Column("Y")]
    source = Table(
        "T", cols, key=("Key",), rows=[{"Key": "a", "Name": "Ann", "Hours": 8.0, "X": "x", "Y": "y"}]
    )
    sheet = [["Name", "Key", "Hours", SYNC_STATUS], ["Ann", "a", 8, None]]
    grid = apply(plan_tab("B", source, sheet, ours("a"), TODAY), sheet)
    assert grid[0] == ["Name", "Y", "Key", "Hours", "X", SYNC_STATUS]
    assert grid[1][:5] == ["Ann", "y", "a", 8, "x"]


def test_fill_mode_fills_empty_cells_only_and_never_deletes() -> None:
    sheet = [["Key", "Name", "Hours"], ["a", "Annie (edited)", None], ["x", "Gone", 1]]
    source = table([("a", "Ann", 8.0), ("b", "Bob", 4.0)], mode="fill")
    grid = apply(plan_tab("Book", source, sheet, ours("ax", ["Key", "Name", "Hours"]), TODAY), sheet)
    assert grid[1] == ["a", "Annie (edited)", 8.0]
    assert grid[2] == ["x", "Gone", 1]
    assert grid[3] == ["b", "Bob", 4.0]


def test_header_below_title_rows_and_blank_human_rows_are_respected() -> None:
    header = [*OWNED, "Note"]
    sheet = [
        ["Team budgets"],
        [],
        header,
        ["a", "Ann", 8],
        [],
        [None, None, None, None, "subtotal"],
        ["b", "Bob", 4],
    ]
    plan = plan_tab(
        "Book", table([("a", "Ann", 8.0), ("b", "Bob", 4.0), ("c", "Cid", 1.0)]), sheet, ours("ab"), TODAY
    )
    grid = apply(plan, sheet)
    assert plan.header_row == 2 and plan.delete_rows == []
    assert grid[4] == [] and grid[7][:3] == ["c", "Cid", 1]  # appended after the last non-empty row


def test_missing_header_row_is_refused() -> None:
    plan = plan_tab("Book", table([]), [["something else"], ["x"]], ours(""), TODAY)
    assert plan.problems and "Key" in plan.problems[0]


def test_memory_round_trips_and_only_changed_lines_are_written() -> None:
    writes = memory_writes(None, {"T": ours("ab")})
    grid = apply(TabPlan(table=table([]), writes=writes), None)
    assert read_memory(grid) == {"T": ours("ab")}
    assert memory_writes(grid, {"T": ours("ab")}) == []
    more = memory_writes(grid, {"T": ours("ab"), "U": TabMemory(("Key",))})
    assert [(w.row, w.value) for w in more] == [(2, "U"), (2, json.dumps(["Key"]))]
    fewer = memory_writes(grid, {"T": ours("a")})
    assert [(w.col, w.value) for w in fewer] == [(4, ours("a").cells()[3])]
    assert memory_from_text(memory_text({"T": ours("ab"), "U": TabMemory(("Key",))})) == {
        "T": ours("ab"),
        "U": TabMemory(("Key",)),
    }


def test_normalise_treats_equal_values_alike() -> None:
    assert normalise(None) == normalise("") == ""
    assert normalise(Decimal("1.10"), "money") == normalise(1.1000000001, "money")
    assert normalise(46000, "date") == normalise("2025-12-09", "date") == date(2025, 12, 9)


keys = st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=8)


@settings(max_examples=100, deadline=None)
@given(
    before=keys,
    after=keys,
    notes=st.dictionaries(st.sampled_from("abcdefgh"), st.text(min_size=1, max_size=3)),
    shuffle=st.randoms(),
)
def test_any_merge_keeps_human_notes_on_their_rows_and_converges(before, after, notes, shuffle) -> None:
    """Property: after any sync, human notes sit next to their key and a second plan is empty."""
    first = apply(plan_tab("B", table([(k, k.upper(), 1.0) for k in before]), None, None, TODAY), None)
    for row in first[1:]:
        row.extend([None] * (5 - len(row)))
        row[4] = notes.get(row[0])
    first[0].append("Note")
    body = first[1:]
    shuffle.shuffle(body)  # humans sorted the sheet
    sheet = [first[0], *body]
    source = table([(k, k.upper() + "!", 2.0) for k in after])
    grid = apply(plan_tab("B", source, sheet, ours(before), TODAY), sheet)
    rows = by_key(grid)
    for key in after:
        assert rows[key][1:3] == [key.upper() + "!", 2]
    for key in before:
        if key in notes:
            assert rows[key][4] == notes[key]
        elif key not in after:
            assert key not in rows
    again = plan_tab("B", source, grid, ours(after + [k for k in before if k in notes]), TODAY)
    assert again.writes == [] and not again.changes_structure
