"""A seeded soak: a changing source and a human editing the same tab, checked after every sync.

The model remembers every cell a human typed, by (row key, column header). After each sync the tab
must show: every source row once with the source's values (human edits to owned cells overwritten),
every remembered human cell on the row of its key (or on its keyless row), rows gone from the source
kept and marked when they carry a human cell and removed otherwise, and human formulas still formulas.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from connectors.sheets import SYNC_STATUS, Column, Table
from connectors.sheets.merge import REMOVED_MARK
from connectors.sheets.values import normalise
from tests.reliability.soak_helpers import HumanEditor, cell, find_header

TAB = "Plan"
KEY = "Key"
START = date(2026, 11, 2)


@dataclass
class SoakFigures:
    rounds: int = 0
    syncs: int = 0
    source_changes: Counter[str] = field(default_factory=Counter)
    human_edits: Counter[str] = field(default_factory=Counter)
    human_cells_checked: int = 0
    owned_overwrites_checked: int = 0
    kept_rows_checked: int = 0


class Soak:
    def __init__(self, editor: HumanEditor, seed: int) -> None:
        self.editor = editor
        self.rng = random.Random(seed)
        self.seed = seed
        self.figures = SoakFigures()
        self.next_key = 1
        self.weeks = [1, 2, 3]
        self.team_column = False
        self.source: dict[str, dict[str, Any]] = {}
        self.human: dict[tuple[str, str], Any] = {}  # (key, header) → typed value
        self.keyless: Counter[tuple[str, Any]] = Counter()  # (header, value) on rows without a key
        self.formulas: set[tuple[str, str]] = set()
        self.human_columns: list[str] = []
        self.owned_edits: list[str] = []
        self.today = START
        for _ in range(8):
            self.add_row()

    # -- the source ----------------------------------------------------------------------------
    def columns(self) -> list[Column]:
        team = [Column("Team")] if self.team_column else []
        weeks = [Column(f"W{w:02d}", "hours") for w in self.weeks]
        return [Column(KEY), Column("Name"), *team, Column("Hours", "hours"), *weeks]

    def table(self) -> Table:
        names = {c.name for c in self.columns()}
        rows = [{k: v for k, v in row.items() if k in names} for row in self.source.values()]
        return Table(TAB, self.columns(), key=(KEY,), rows=rows)

    def fresh_values(self) -> dict[str, Any]:
        rng = self.rng
        values: dict[str, Any] = {
            "Name": f"Person {rng.randint(1, 999)}",
            "Team": rng.choice(["Platform", "Mobile", "Data"]),
            "Hours": round(rng.uniform(-8, 40), 1),
        }
        values.update({f"W{w:02d}": round(rng.uniform(0, 40), 1) for w in range(1, 200)})
        return values

    def add_row(self) -> None:
        gone = [k for k, _ in self.human if k not in self.source]
        if gone and self.rng.random() < 0.3:
            key = self.rng.choice(gone)  # a removed row comes back
        else:
            key, self.next_key = f"K{self.next_key:03d}", self.next_key + 1
        self.source[key] = {KEY: key, **self.fresh_values()}

    def change_source(self) -> None:
        rng, changes = self.rng, self.figures.source_changes
        for _ in range(rng.randint(0, 3)):
            self.add_row()
            changes["row added"] += 1
        for _ in range(rng.randint(0, 2)):
            if len(self.source) > 2:
                noted = [k for k, _ in self.human if k in self.source]
                key = rng.choice(noted) if noted and rng.random() < 0.5 else rng.choice(list(self.source))
                del self.source[key]
                changes["row removed"] += 1
        for key in rng.sample(list(self.source), min(len(self.source), rng.randint(0, 4))):
            self.source[key].update(self.fresh_values())
            changes["row changed"] += 1
        if rng.random() < 0.3:
            self.weeks.append(self.weeks[-1] + 1)
            changes["week column added"] += 1
        if rng.random() < 0.25 and len(self.weeks) > 1:
            self.weeks.pop(0)
            changes["week column removed"] += 1
        if rng.random() < 0.1:
            self.team_column = not self.team_column
            changes["Team column " + ("added" if self.team_column else "removed")] += 1

    # -- the human -----------------------------------------------------------------------------
    def human_round(self) -> None:
        edits = [
            self.new_column,
            self.note,
            self.note,
            self.note,
            self.formula,
            self.clear_note,
            self.sort,
            self.blank_row,
            self.keyless_note,
            self.edit_owned,
        ]
        if not self.human_columns:
            self.new_column()
        for _ in range(self.rng.randint(2, 5)):
            self.rng.choice(edits)()

    def layout(self) -> tuple[list[list[Any]], int, dict[str, int], dict[str, int]]:
        grid = self.editor.grid(TAB)
        header = find_header(grid, KEY)
        cols = {v: i for i, v in enumerate(grid[header]) if isinstance(v, str) and v}
        k = cols[KEY]
        rows = {cell(grid, r, k): r for r in range(header + 1, len(grid)) if cell(grid, r, k) != ""}
        return grid, header, cols, rows

    def type(self, row: int, col: int, value: Any, kind: str) -> None:
        self.editor.type_cell(TAB, row, col, value)
        self.figures.human_edits[kind] += 1

    def new_column(self) -> None:
        grid, header, _, _ = self.layout()
        at = self.rng.randint(0, max(len(r) for r in grid))
        name = f"Notes {len(self.human_columns) + 1}"
        self.editor.insert_column(TAB, at)
        self.type(header, at, name, "column inserted")
        self.human_columns.append(name)

    def pick_cell(self) -> tuple[str, int, int, str] | None:
        if not self.human_columns:
            return None
        _, _, cols, rows = self.layout()
        key = self.rng.choice(sorted(rows))
        header = self.rng.choice(self.human_columns)
        return key, rows[key], cols[header], header

    def note(self) -> None:
        target = self.pick_cell()
        if target:
            key, row, col, header = target
            text = f"note {self.rng.randint(1, 10**6)} — call Ana"
            value = self.rng.choice([text, self.rng.randint(1, 99)])
            self.type(row, col, value, "note typed")
            self.human[(key, header)] = value
            self.formulas.discard((key, header))

    def formula(self) -> None:
        target = self.pick_cell()
        if target:
            key, row, col, header = target
            value = f"=SUM({self.rng.randint(1, 9)},{self.rng.randint(1, 9)})"
            self.type(row, col, value, "formula typed")
            self.human[(key, header)] = value
            self.formulas.add((key, header))

    def clear_note(self) -> None:
        if not self.human:
            return
        key, header = self.rng.choice(sorted(self.human, key=str))
        _, _, cols, rows = self.layout()
        self.type(rows[key], cols[header], "", "note cleared")
        del self.human[(key, header)]
        self.formulas.discard((key, header))

    def sort(self) -> None:
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

    def blank_row(self) -> None:
        grid, header, _, _ = self.layout()
        above_header = header < 5 and self.rng.random() < 0.1
        at = self.rng.randint(0, header) if above_header else self.rng.randint(header + 1, len(grid))
        self.editor.insert_row(TAB, at)
        self.figures.human_edits["blank row inserted" + (" above header" if above_header else "")] += 1

    def keyless_note(self) -> None:
        if not self.human_columns:
            return
        grid, header, cols, _ = self.layout()
        blank = [r for r in range(header + 1, len(grid)) if not any(v != "" for v in grid[r])]
        if not blank:
            return
        name = self.rng.choice(self.human_columns)
        value = f"subtotal note {self.rng.randint(1, 10**6)}"
        self.type(self.rng.choice(blank), cols[name], value, "note on a row without key")
        self.keyless[(name, value)] += 1

    def edit_owned(self) -> None:
        _, _, cols, rows = self.layout()
        live = sorted(k for k in rows if k in self.source)
        owned = [c.name for c in self.columns() if c.name != KEY]
        key, name = self.rng.choice(live), self.rng.choice(owned)
        self.type(rows[key], cols[name], "typed over by a human", "owned cell edited")
        self.owned_edits.append(key)

    # -- a round -------------------------------------------------------------------------------
    def sync(self) -> int:
        result = self.editor.sheet.sync([self.table()], today=self.today)
        self.figures.syncs += 1
        return result.cells_written

    def round(self) -> None:
        self.human_round()
        self.change_source()
        self.today += timedelta(days=1)
        self.sync()
        self.check()
        if self.figures.rounds % 5 == 4:
            assert self.sync() == 0, "an unchanged rerun wrote cells"
        self.figures.rounds += 1

    def run(self, rounds: int) -> SoakFigures:
        self.sync()
        self.check()
        for _ in range(rounds):
            self.round()
        return self.figures

    # -- the check -----------------------------------------------------------------------------
    def check(self) -> None:
        where = f"{self.editor.name} seed {self.seed} round {self.figures.rounds}"
        grid, header, cols, rows = self.layout()
        owned = [c.name for c in self.columns()] + [SYNC_STATUS]
        assert sorted(h for h in grid[header] if h in owned or h in self.human_columns) == sorted(
            owned + self.human_columns
        ), f"{where}: header {grid[header]}"
        stale = {f"W{w:02d}" for w in range(1, 200)} - {f"W{w:02d}" for w in self.weeks}
        assert not stale & set(cols), f"{where}: week columns left the source but stayed: {stale & set(cols)}"
        self.check_source_rows(where, grid, cols, rows)
        self.check_human_cells(where, grid, cols, rows)
        self.check_kept_rows(where, grid, cols, rows)
        self.check_keyless(where, grid, header, cols)

    def check_source_rows(self, where: str, grid: list, cols: dict, rows: dict) -> None:
        keys = [cell(grid, r, cols[KEY]) for r in range(len(grid))]
        for key, values in self.source.items():
            assert keys.count(key) == 1, f"{where}: {key} on {keys.count(key)} rows"
            for column in self.columns():
                got = normalise(cell(grid, rows[key], cols[column.name]), column.kind)
                assert got == normalise(values[column.name], column.kind), f"{where}: {key}.{column.name}"
            assert cell(grid, rows[key], cols[SYNC_STATUS]) == "", f"{where}: {key} marked"
        self.figures.owned_overwrites_checked += sum(1 for k in self.owned_edits if k in self.source)
        self.owned_edits.clear()

    def check_human_cells(self, where: str, grid: list, cols: dict, rows: dict) -> None:
        for (key, header), value in self.human.items():
            assert key in rows, f"{where}: row {key} with a human cell in '{header}' is gone"
            got = cell(grid, rows[key], cols[header])
            assert normalise(got) == normalise(value), f"{where}: {key}.{header} is {got!r}, typed {value!r}"
            if (key, header) in self.formulas:
                is_formula = self.editor.is_formula(TAB, rows[key], cols[header])
                assert is_formula, f"{where}: {key}.{header} is no longer a formula"
            self.figures.human_cells_checked += 1
        self.figures.human_cells_checked += len(self.human_columns)  # their headers, checked above

    def check_kept_rows(self, where: str, grid: list, cols: dict, rows: dict) -> None:
        noted = {k for k, _ in self.human}
        for key, row in rows.items():
            if key in self.source:
                continue
            assert key in noted, f"{where}: {key} left the source without a human cell but was kept"
            mark = cell(grid, row, cols[SYNC_STATUS])
            assert str(mark).startswith(REMOVED_MARK), f"{where}: kept row {key} marked {mark!r}"
            self.figures.kept_rows_checked += 1

    def check_keyless(self, where: str, grid: list, header: int, cols: dict) -> None:
        found: Counter[tuple[str, Any]] = Counter()
        for r in range(header + 1, len(grid)):
            if cell(grid, r, cols[KEY]) == "":
                notes = ((h, cell(grid, r, cols[h])) for h in self.human_columns)
                found.update(note for note in notes if note[1] != "")
        assert found == self.keyless, f"{where}: notes on keyless rows {found} != {self.keyless}"
        self.figures.human_cells_checked += sum(found.values())
