"""What the soak's human does that opsheets must refuse (one such edit a round at most: the sync must
refuse it with its message and write nothing, then the human does what the message says), and the
edits that land on Google between a sync's read and its write."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from connectors.sheets import SYNC_STATUS
from tests.reliability.soak_edits import KEY, TAB
from tests.reliability.soak_helpers import cell

if TYPE_CHECKING:
    from tests.reliability.soak_model import Soak


class RefusedAndMidRunEdits:
    def risky_edit(self: Soak) -> None:
        risky = [self.delete_owned_column, self.human_column_like_owned]
        if self.editor.name == "workbook":  # the Google backend does not read merges (a limit)
            risky.append(self.merge_owned)
        self.rng.choice(risky)()

    def delete_owned_column(self: Soak) -> None:
        _, header, cols, _ = self.layout()
        name = self.rng.choice([c.name for c in self.columns() if c.name != KEY])
        at = cols[name]
        self.delete_column(at)
        self.forget_column(name)  # a total's formula in it went with it
        self.figures.human_edits["owned column deleted"] += 1

        def undo() -> None:
            self.editor.insert_column(TAB, at)
            self.type(header, at, name, "owned column put back")

        self.expect("owned column deleted", "the owned header is missing", undo)

    def human_column_like_owned(self: Soak) -> None:
        name = "Team" if not self.team_column else f"W{self.weeks[-1] + 1:02d}"
        self.new_column()
        _, header, cols, rows = self.layout()
        made = self.human_columns.pop()
        self.type(header, cols[made], name, "column named like one opsheets adds")
        self.human_columns.append(name)
        key = self.rng.choice(sorted(rows))
        self.type(rows[key], cols[made], "mine, not a figure", "note typed")
        self.remember(key, name, "mine, not a figure")
        self.forced_column = name

        def rename() -> None:
            _, header, cols, _ = self.layout()
            new = f"{name} (notes {self.figures.human_edits['column renamed as the refusal says'] + 1})"
            self.type(header, cols[name], new, "column renamed as the refusal says")
            self.human_columns[self.human_columns.index(name)] = new
            self.human = {(k, new if h == name else h): v for (k, h), v in self.human.items()}
            self.formulas = {(k, new if h == name else h) for k, h in self.formulas}
            self.keyless = Counter({(new if h == name else h, v): n for (h, v), n in self.keyless.items()})
            for marked in (self.rules, self.dropdowns):
                marked.update({m: new for m, h in marked.items() if h == name})

        self.expect("person's column named like one opsheets adds", "the column there is a person's", rename)

    def merge_owned(self: Soak) -> None:
        grid, _, cols, rows = self.layout()
        owned = {c.name for c in self.columns()} - {KEY, SYNC_STATUS}
        at = {i: h for h, i in cols.items() if h in owned}
        live = sorted(k for k in rows if k in self.source)
        key = self.rng.choice(live) if live else ""
        pairs = [c for c in sorted(at) if live and c + 1 in at and cell(grid, rows[key], c + 1) != ""]
        if not pairs:
            return
        col = self.rng.choice(pairs)
        box = (rows[key], col, rows[key], col + 1)
        self.editor.merge(TAB, box)
        self.pinned.add(key)
        self.figures.human_edits["merge over owned cells"] += 1
        self.expect(
            "merge over an owned cell", "inside the merged range", lambda: self.editor.unmerge(TAB, box)
        )

    # -- during a sync (Google) ----------------------------------------------------------------
    def schedule_mid_run(self: Soak) -> None:
        kinds = [self.sort, self.blank_row, self.delete_row, self.new_column, self.note, self.formula]
        kinds += [self.total_row, self.retype_key, self.keyless_note, self.delete_human_column]
        for _ in range(self.rng.randint(1, 2)):
            edit = self.rng.choice(kinds)
            self.editor.during_next_write(lambda edit=edit: self.land(edit))

    def land(self: Soak, edit: Callable[[], None]) -> None:
        if self.syncing:
            self.figures.mid_run_edits[edit.__name__] += 1
        edit()
