"""The soak's check after every sync, by counting: each cell a human typed is looked for on the row of
its key (found: checked; found on another row of its column: wrong row; nowhere: lost), each owned
cell must hold its row's source value, and what the human put over the cells (rules, dropdowns,
merges, pictures) must still be there, on the column the human put it on."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from connectors.sheets import SYNC_STATUS
from connectors.sheets.merge import REMOVED_MARK
from connectors.sheets.ownership import canonical
from connectors.sheets.values import normalise
from tests.reliability.soak_edits import KEY, REFERENCE, TAB
from tests.reliability.soak_helpers import cell

if TYPE_CHECKING:
    from tests.reliability.soak_model import Soak

Grid = list[list[Any]]


def same_typed(got: Any, typed: Any) -> bool:
    """A formula whose references moved with its rows is the same formula: compare up to the first '('."""
    if isinstance(typed, str) and typed.startswith("=") and REFERENCE.search(typed):
        return str(got).split("(")[0] == typed.split("(")[0]
    return normalise(got) == normalise(typed)


class SoakChecks:
    def check(self: Soak) -> None:
        where = self.where()
        grid, header, cols, rows = self.layout()
        owned = [c.name for c in self.columns()] + [SYNC_STATUS]
        assert sorted(h for h in grid[header] if h in owned or h in self.human_columns) == sorted(
            owned + self.human_columns
        ), f"{where}: header {grid[header]}"
        stale = {f"W{w:02d}" for w in range(1, 200)} - {f"W{w:02d}" for w in self.weeks}
        assert not stale & set(cols), f"{where}: week columns left the source but stayed: {stale & set(cols)}"
        problems: list[str] = []
        self.check_source_rows(grid, cols, rows, problems)
        self.check_human_cells(grid, header, cols, rows, problems)
        self.check_kept_rows(grid, cols, rows, problems)
        self.check_keyless(grid, header, cols, problems)
        self.check_objects(grid, cols, problems)
        assert not problems, f"{where}: " + "; ".join(problems[:10])

    def check_source_rows(self: Soak, grid: Grid, cols: dict, rows: dict, problems: list[str]) -> None:
        keys = [canonical(cell(grid, r, cols[KEY])) for r in range(len(grid))]
        for key, values in self.source.items():
            if keys.count(key) != 1:
                problems.append(f"{key} on {keys.count(key)} rows")
                continue
            typed = self.retyped.get(key, values[KEY])
            if normalise(cell(grid, rows[key], cols[KEY])) != normalise(typed):
                problems.append(f"{key}: key cell {cell(grid, rows[key], cols[KEY])!r}, typed {typed!r}")
            for column in self.columns()[1:]:
                got = normalise(cell(grid, rows[key], cols[column.name]), column.kind)
                if got == normalise(values[column.name], column.kind):
                    self.figures.owned_cells_right_row += 1
                else:
                    self.figures.wrong_row += 1
                    problems.append(
                        f"{key}.{column.name} is {got!r}, the source says {values[column.name]!r}"
                    )
            if cell(grid, rows[key], cols[SYNC_STATUS]) != "":
                problems.append(f"{key} marked while in the source")
        self.figures.human_cells_checked += sum(1 for k in self.retyped if k in self.source)
        self.figures.owned_overwrites_checked += sum(1 for k in self.owned_edits if k in self.source)
        self.owned_edits.clear()

    def check_human_cells(
        self: Soak, grid: Grid, header: int, cols: dict, rows: dict, problems: list[str]
    ) -> None:
        for (key, name), value in self.human.items():
            column = cols.get(name)
            got = cell(grid, rows[key], column) if key in rows and column is not None else None
            if got is not None and same_typed(got, value):
                self.figures.human_cells_checked += 1
                if (key, name) in self.formulas and not self.editor.is_formula(TAB, rows[key], column):
                    problems.append(f"{key}.{name} is no longer a formula")
                continue
            found = column is not None and any(
                same_typed(cell(grid, r, column), value) for r in range(header + 1, len(grid))
            )
            self.figures.wrong_row += found
            self.figures.lost += not found
            problems.append(
                f"{key}.{name} is {got!r}, typed {value!r} ({'on another row' if found else 'lost'})"
            )
        self.figures.human_cells_checked += len(self.human_columns)  # their headers, checked in check()

    def check_kept_rows(self: Soak, grid: Grid, cols: dict, rows: dict, problems: list[str]) -> None:
        noted = {k for k, _ in self.human}
        for key, row in rows.items():
            if key in self.source or key in self.human_rows:
                continue
            mark = cell(grid, row, cols[SYNC_STATUS])
            if key not in noted:
                problems.append(f"{key} left the source without a human cell but was kept")
            elif not str(mark).startswith(REMOVED_MARK):
                problems.append(f"kept row {key} marked {mark!r}")
            else:
                self.figures.kept_rows_checked += 1
        for key in self.human_rows:
            if cell(grid, rows[key], cols[SYNC_STATUS]) if key in rows else "":
                problems.append(f"the person's row {key} was marked")

    def check_keyless(self: Soak, grid: Grid, header: int, cols: dict, problems: list[str]) -> None:
        found: Counter[tuple[str, Any]] = Counter()
        for r in range(header + 1, len(grid)):
            if cell(grid, r, cols[KEY]) == "":
                notes = ((h, cell(grid, r, cols[h])) for h in self.human_columns)
                found.update(note for note in notes if note[1] != "")
        missing = self.keyless - found
        self.figures.lost += sum(missing.values())
        if found != self.keyless:
            problems.append(f"notes on keyless rows {found} != {self.keyless}")
        self.figures.human_cells_checked += sum((found & self.keyless).values())

    def check_objects(self: Soak, grid: Grid, cols: dict, problems: list[str]) -> None:
        for what, placed, seen in (
            ("conditional format", self.rules, self.editor.rules(TAB)),
            ("dropdown", self.dropdowns, self.editor.dropdowns(TAB)),
        ):
            mine = {m: c for m, c in seen.items() if m.startswith("mark")}
            for marker, name in placed.items():
                if mine.get(marker) == {cols[name]}:
                    self.figures.objects_checked += 1
                else:
                    problems.append(
                        f"{what} {marker} on columns {mine.get(marker)}, put on '{name}' ({cols[name]})"
                    )
            if set(mine) - set(placed):
                problems.append(f"{what}s nobody made: {set(mine) - set(placed)}")
        if self.title is not None:  # a column inserted left of it moves it right, merge and all
            at = grid[0].index(self.title) if self.title in grid[0] else -1
            merged = [m for m in self.editor.merges(TAB) if m[:3] == (0, at, 0) and m[3] > at]
            if not merged:
                problems.append(f"the title row is {grid[0]}, merges {self.editor.merges(TAB)}")
            self.figures.objects_checked += 1
        if self.editor.picture_count(TAB) != self.pictures:
            problems.append(f"{self.editor.picture_count(TAB)} pictures, the human placed {self.pictures}")
        self.figures.objects_checked += self.pictures
