"""What the soak's human does to the tab between (and, on Google, during) syncs, and what the model
remembers of it. Every edit a person can undo or lose on their own (a deleted row or column takes its
cells along) updates the model the way the person would expect."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from openpyxl.utils.cell import get_column_letter

from connectors.sheets.ownership import canonical
from tests.reliability.soak_helpers import cell, find_header

if TYPE_CHECKING:
    from tests.reliability.soak_model import Soak

TAB, KEY, MEMORY_TAB = "Plan", "Key", "_opsheets"
REFERENCE = re.compile(r"[A-Z]+\d")  # a formula with a cell reference: its text moves with rows


class HumanEdits:
    def human_round(self: Soak) -> None:
        common = [self.new_column, self.note, self.note, self.note, self.formula, self.clear_note, self.sort]
        common += [
            self.blank_row,
            self.keyless_note,
            self.edit_owned,
            self.delete_row,
            self.delete_human_column,
        ]
        common += [self.total_row, self.retype_key, self.add_rule, self.add_dropdown, self.title_merge]
        common += [self.picture, self.delete_memory]
        if not self.human_columns:
            self.new_column()
        for _ in range(self.rng.randint(2, 5)):
            self.rng.choice(common)()
        if self.editor.name == "google" and self.rng.random() < 0.5:
            self.schedule_mid_run()
        if self.rng.random() < 0.2:
            self.risky_edit()  # soak_refusals.py

    def layout(self: Soak) -> tuple[list[list[Any]], int, dict[str, int], dict[str, int]]:
        """The tab as the human sees it; rows by their key as opsheets compares keys."""
        grid = self.editor.grid(TAB)
        header = find_header(grid, KEY)
        cols = {v: i for i, v in enumerate(grid[header]) if isinstance(v, str) and v}
        k = cols[KEY]
        rows = {
            canonical(cell(grid, r, k)): r for r in range(header + 1, len(grid)) if cell(grid, r, k) != ""
        }
        return grid, header, cols, rows

    def type(self: Soak, row: int, col: int, value: Any, kind: str) -> None:
        self.editor.type_cell(TAB, row, col, value)
        self.figures.human_edits[kind] += 1

    def remember(self: Soak, key: str, header: str, value: Any) -> None:
        self.human[(key, header)] = value
        if isinstance(value, str) and value.startswith("="):
            self.formulas.add((key, header))
        else:
            self.formulas.discard((key, header))

    # -- cells ---------------------------------------------------------------------------------
    def new_column(self: Soak) -> None:
        grid, header, _, _ = self.layout()
        at = self.rng.randint(0, max(len(r) for r in grid))
        name = f"Notes {self.figures.human_edits['column inserted'] + 1}"  # never a name used before
        self.editor.insert_column(TAB, at)
        self.type(header, at, name, "column inserted")
        self.human_columns.append(name)

    def pick_cell(self: Soak) -> tuple[str, int, int, str] | None:
        _, _, cols, rows = self.layout()
        if self.syncing:
            # A known limit: a cell typed into a row at the moment opsheets' write deletes that row (it
            # left the source and had no human cell when read) goes with the row. Mid-run, the human
            # types into rows that stay.
            noted = {k for k, _ in self.human}
            rows = {k: r for k, r in rows.items() if k in self.source or k in noted or k in self.human_rows}
        if not self.human_columns or not rows:
            return None
        key = self.rng.choice(sorted(rows))
        header = self.rng.choice(self.human_columns)
        return key, rows[key], cols[header], header

    def note(self: Soak) -> None:
        if target := self.pick_cell():
            key, row, col, header = target
            value = self.rng.choice(
                [f"note {self.rng.randint(1, 10**6)} — call Ana", self.rng.randint(1, 99)]
            )
            self.type(row, col, value, "note typed")
            self.remember(key, header, value)

    def formula(self: Soak) -> None:
        if target := self.pick_cell():
            key, row, col, header = target
            value = f"=SUM({self.rng.randint(1, 9)},{self.rng.randint(1, 9)})"
            self.type(row, col, value, "formula typed")
            self.remember(key, header, value)

    def clear_note(self: Soak) -> None:
        notes = sorted((k, h) for k, h in self.human if h in self.human_columns)
        if notes:
            key, header = self.rng.choice(notes)
            _, _, cols, rows = self.layout()
            self.type(rows[key], cols[header], "", "note cleared")
            del self.human[(key, header)]
            self.formulas.discard((key, header))

    def keyless_note(self: Soak) -> None:
        grid, header, cols, _ = self.layout()
        blank = [r for r in range(header + 1, len(grid)) if not any(v != "" for v in grid[r])]
        if self.human_columns and blank:
            name = self.rng.choice(self.human_columns)
            value = f"subtotal note {self.rng.randint(1, 10**6)}"
            self.type(self.rng.choice(blank), cols[name], value, "note on a row without key")
            self.keyless[(name, value)] += 1

    def edit_owned(self: Soak) -> None:
        _, _, cols, rows = self.layout()
        live = sorted(k for k in rows if k in self.source)
        if not live:
            return
        owned = [c.name for c in self.columns() if c.name != KEY]
        key, name = self.rng.choice(live), self.rng.choice(owned)
        self.type(rows[key], cols[name], "typed over by a human", "owned cell edited")
        self.owned_edits.append(key)

    def retype_key(self: Soak) -> None:
        """`101` typed as the number 101, an email in other case, a code with spaces around it."""
        _, _, cols, rows = self.layout()
        keys = sorted(k for k in rows if k in self.source and k not in self.retyped)
        if keys:
            key = self.rng.choice(keys)
            sent = str(self.source[key][KEY])
            typed: Any = (
                int(sent) if sent.isdigit() else sent.upper() if "@" in sent else f"  {sent.lower()} "
            )
            self.type(rows[key], cols[KEY], typed, "key retyped")
            self.retyped[key] = typed

    # -- rows ----------------------------------------------------------------------------------
    def sort(self: Soak) -> None:
        grid, header, cols, _ = self.layout()
        by = cols[self.rng.choice([KEY, "Name", "Hours", *self.human_columns])]
        first, last = header + 1, len(grid)
        rows = list(range(first, last))
        blank = [r for r in rows if not any(v != "" for v in grid[r])]
        filled = sorted((r for r in rows if r not in blank), key=lambda r: str(cell(grid, r, by)))
        if self.rng.random() < 0.5:
            filled.reverse()
        self.editor.reorder_rows(TAB, first, filled + blank)  # like the UI: blanks sort last
        self.figures.human_edits["rows sorted"] += 1

    def blank_row(self: Soak) -> None:
        grid, header, _, _ = self.layout()
        above_header = header < 5 and self.rng.random() < 0.1
        lowest = 1 if self.title else 0  # not above the title and its merge
        at = self.rng.randint(lowest, header) if above_header else self.rng.randint(header + 1, len(grid))
        self.editor.insert_row(TAB, at)
        self.figures.human_edits["blank row inserted" + (" above header" if above_header else "")] += 1

    def delete_row(self: Soak) -> None:
        grid, header, cols, _ = self.layout()
        if len(grid) <= header + 1:
            return
        row = self.rng.randint(header + 1, len(grid) - 1)
        key = canonical(cell(grid, row, cols[KEY]))
        if key:
            self.forget_row(key)
        else:
            self.keyless -= Counter((h, cell(grid, row, cols[h])) for h in self.human_columns)
        self.editor.delete_row(TAB, row)
        self.figures.human_edits["row deleted"] += 1

    def forget_row(self: Soak, key: str) -> None:
        for cell_key in [k for k in self.human if k[0] == key]:
            del self.human[cell_key]
            self.formulas.discard(cell_key)
        self.retyped.pop(key, None)
        self.human_rows.discard(key)

    def total_row(self: Soak) -> None:
        """`Total n` in the key column, `=SUM(…)` over the owned Hours cells above it, and a formula
        in a human column that uses it."""
        grid, header, cols, _ = self.layout()
        if len(grid) < header + 3:
            return
        at = self.rng.randint(header + 2, len(grid))
        self.editor.insert_row(TAB, at)
        label = f"Total {self.figures.human_edits['total row added'] + 1}"
        hours = get_column_letter(cols["Hours"] + 1)
        total = f"=SUM({hours}{header + 2}:{hours}{at})"
        self.type(at, cols[KEY], label, "total row added")
        self.editor.type_cell(TAB, at, cols["Hours"], total)
        key = canonical(label)
        self.human_rows.add(key)
        self.remember(key, KEY, label)
        self.remember(key, "Hours", total)
        if self.human_columns:
            header_name = self.rng.choice(self.human_columns)
            twice = f"=ROUND({hours}{at + 1}*2,1)"
            self.editor.type_cell(TAB, at, cols[header_name], twice)
            self.remember(key, header_name, twice)

    # -- columns -------------------------------------------------------------------------------
    def delete_human_column(self: Soak) -> None:
        bare = [h for h in self.human_columns if h not in {*self.rules.values(), *self.dropdowns.values()}]
        if bare:
            name = self.rng.choice(bare)
            _, _, cols, _ = self.layout()
            self.delete_column(cols[name])
            self.forget_column(name)
            self.human_columns.remove(name)
            self.figures.human_edits["human column deleted"] += 1

    def delete_column(self: Soak, col: int) -> None:
        self.editor.delete_column(TAB, col)
        if self.title is not None and not any(m[0] == 0 for m in self.editor.merges(TAB)):
            self.title = None  # the title merge was two cells wide and lost one: it is no merge any more
            self.figures.human_edits["title merge undone by a column delete"] += 1

    def forget_column(self: Soak, name: str) -> None:
        for cell_key in [k for k in self.human if k[1] == name]:
            del self.human[cell_key]
            self.formulas.discard(cell_key)
        self.keyless = Counter({k: n for k, n in self.keyless.items() if k[0] != name})

    # -- things over the cells -----------------------------------------------------------------
    def add_rule(self: Soak) -> None:
        self.add_marked(self.rules, self.editor.add_rule, "conditional format added")

    def add_dropdown(self: Soak) -> None:
        # A cell has one dropdown: a new one on a column replaces the one there.
        taken = frozenset(self.dropdowns.values())
        if self.human_columns and not set(self.human_columns) <= taken:
            self.add_marked(self.dropdowns, self.editor.add_dropdown, "dropdown added", taken)

    def add_marked(
        self: Soak,
        into: dict[str, str],
        add: Callable[[str, int, int, str], None],
        kind: str,
        taken: frozenset[str] = frozenset(),
    ) -> None:
        if free := [h for h in self.human_columns if h not in taken]:
            _, header, cols, _ = self.layout()
            name = self.rng.choice(free)
            marker = f"mark{len(self.rules) + len(self.dropdowns) + 1}"
            add(TAB, cols[name], header + 1, marker)
            into[marker] = name
            self.figures.human_edits[kind] += 1

    def picture(self: Soak) -> None:
        if self.editor.pictures and (target := self.pick_cell()):
            _, row, col, _ = target
            self.editor.add_picture(TAB, row, col)
            self.pictures += 1
            self.figures.human_edits["picture added"] += 1

    def title_merge(self: Soak) -> None:
        if self.title is None:
            self.editor.insert_row(TAB, 0)
            self.title = "Plan — shared with engineering"
            self.type(0, 0, self.title, "title merged above the header")
            self.editor.merge(TAB, (0, 0, 0, 2))

    def delete_memory(self: Soak) -> None:
        if self.rng.random() < 0.5 and MEMORY_TAB in self.editor.tabs():
            self.editor.delete_tab(MEMORY_TAB)
            self.figures.human_edits["memory tab deleted"] += 1
