"""A seeded soak: a changing source and a human editing the same tab, checked after every sync.

The model remembers every cell a human typed, by (row key, column header), keys compared as people
type them. The human's edits are in soak_edits.py, the check after each sync in soak_checks.py.
An edit opsheets must refuse (an owned column deleted, a person's column named like one opsheets
is about to add, a merge over an owned cell) is expected: the sync must refuse it with its message
and write nothing; the human then does what the message says, and the sync runs again.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from connectors.sheets import Column, SheetLayoutError, Table
from connectors.sheets.ownership import canonical
from tests.reliability.soak_checks import SoakChecks
from tests.reliability.soak_edits import HumanEdits
from tests.reliability.soak_helpers import HumanEditor
from tests.reliability.soak_refusals import RefusedAndMidRunEdits

TAB = "Plan"
KEY = "Key"
START = date(2026, 11, 2)


@dataclass
class SoakFigures:
    rounds: int = 0
    syncs: int = 0
    source_changes: Counter[str] = field(default_factory=Counter)
    human_edits: Counter[str] = field(default_factory=Counter)
    mid_run_edits: Counter[str] = field(default_factory=Counter)
    refusals: Counter[str] = field(default_factory=Counter)
    refusal_messages: dict[str, str] = field(default_factory=dict)  # the first message of each kind
    human_cells_checked: int = 0
    owned_cells_right_row: int = 0
    owned_overwrites_checked: int = 0
    kept_rows_checked: int = 0
    objects_checked: int = 0  # rules, dropdowns, merges, pictures seen where the human left them
    lost: int = 0
    wrong_row: int = 0
    seconds: float = 0.0


@dataclass
class Expected:
    """A refusal the human's last edit must cause, and what the human does about it."""

    kind: str
    says: str
    resolve: Callable[[], None]


def key_kind(n: int) -> str:
    """Keys as people type them: codes, ID numbers kept as text, and email addresses."""
    return [f"K{n:03d}", str(100 + n), f"user{n}@example.com"][n % 3]


class Soak(HumanEdits, RefusedAndMidRunEdits, SoakChecks):
    def __init__(self, editor: HumanEditor, seed: int) -> None:
        self.editor = editor
        self.rng = random.Random(seed)
        self.seed = seed
        self.figures = SoakFigures()
        self.next_key = 1
        self.weeks = [1, 2, 3]
        self.team_column = False
        self.source: dict[str, dict[str, Any]] = {}  # canonical key → row as the source sends it
        self.human: dict[tuple[str, str], Any] = {}  # (canonical key, header) → typed value
        self.keyless: Counter[tuple[str, Any]] = Counter()  # (header, value) on rows without a key
        self.formulas: set[tuple[str, str]] = set()
        self.human_rows: set[str] = set()  # canonical keys of rows a human added (totals)
        self.retyped: dict[str, Any] = {}  # canonical key → the key as the human retyped it
        self.human_columns: list[str] = []
        self.rules: dict[str, str] = {}  # marker → header of the human column it is on
        self.dropdowns: dict[str, str] = {}
        self.pictures = 0
        self.title: str | None = None
        self.owned_edits: list[str] = []
        self.expected: Expected | None = None
        self.forced_column: str | None = None  # the source adds this column this round
        self.pinned: set[str] = set()  # keys the source keeps this round
        self.syncing = False
        self.today = START
        self.keys_seen: dict[str, str] = {}  # canonical key → the key as the source sent it
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
        gone = sorted({k for k, _ in self.human if k not in self.source and k not in self.human_rows})
        if gone and self.rng.random() < 0.3:
            key = self.keys_seen[gone[self.rng.randrange(len(gone))]]  # a removed row comes back
        else:
            key, self.next_key = key_kind(self.next_key), self.next_key + 1
        self.keys_seen[canonical(key)] = key
        self.source[canonical(key)] = {KEY: key, **self.fresh_values()}

    def change_source(self) -> None:
        rng, changes = self.rng, self.figures.source_changes
        for _ in range(rng.randint(0, 3)):
            self.add_row()
            changes["row added"] += 1
        for _ in range(rng.randint(0, 2)):
            if len(self.source) > 2:
                noted = [k for k, _ in self.human if k in self.source]
                key = rng.choice(noted) if noted and rng.random() < 0.5 else rng.choice(sorted(self.source))
                if key not in self.pinned:
                    self.remove_source_row(key)
                    changes["row removed"] += 1
        for key in rng.sample(sorted(self.source), min(len(self.source), rng.randint(0, 4))):
            self.source[key].update(self.fresh_values())
            changes["row changed"] += 1
        self.change_columns()

    def remove_source_row(self, key: str) -> None:
        del self.source[key]
        if not any(k == key for k, _ in self.human):
            self.retyped.pop(key, None)  # the row goes, and the key the human retyped with it

    def change_columns(self) -> None:
        rng, changes = self.rng, self.figures.source_changes
        if self.forced_column:
            if self.forced_column == "Team":
                self.team_column = True
            else:
                self.weeks.append(self.weeks[-1] + 1)
            changes[f"{'Team' if self.forced_column == 'Team' else 'week'} column added"] += 1
            return
        if self.expected:  # an owned column the human deleted stays in the source this round
            return
        if rng.random() < 0.3:
            self.weeks.append(self.weeks[-1] + 1)
            changes["week column added"] += 1
        if rng.random() < 0.25 and len(self.weeks) > 1:
            self.weeks.pop(0)
            changes["week column removed"] += 1
        if rng.random() < 0.1:
            self.team_column = not self.team_column
            changes["Team column " + ("added" if self.team_column else "removed")] += 1

    # -- a round -------------------------------------------------------------------------------
    def sync(self) -> int:
        self.syncing = True
        try:
            result = self.editor.sheet.sync([self.table()], today=self.today)
        finally:
            self.syncing = False
        self.figures.syncs += 1
        return result.cells_written

    def sync_as_expected(self) -> None:
        """Sync; a refusal must be the one expected, with nothing written; edits meant to land mid-run
        that found no write to land before are made now, and the sync runs again."""
        while True:
            before = self.editor.grid(TAB) if self.expected else None
            try:
                self.sync()
            except SheetLayoutError as refused:
                self.refused(str(refused), before)
                continue
            assert self.expected is None, f"{self.where()}: {self.expected.kind} was not refused"
            late = self.editor.pending_mid_run()
            for edit in late:
                edit()
            if not late:
                return

    def refused(self, message: str, before: list[list[Any]] | None) -> None:
        expected = self.expected
        assert expected is not None, f"{self.where()}: refused unexpectedly: {message}"
        assert expected.says in message, f"{self.where()}: {expected.kind} refused as {message!r}"
        assert self.editor.grid(TAB) == before, f"{self.where()}: a refused sync changed the tab"
        self.figures.refusals[expected.kind] += 1
        self.figures.refusal_messages.setdefault(expected.kind, message)
        self.expected = None
        expected.resolve()

    def expect(self, kind: str, says: str, resolve: Callable[[], None]) -> None:
        self.expected = Expected(kind, says, resolve)

    def where(self) -> str:
        return f"{self.editor.name} seed {self.seed} round {self.figures.rounds}"

    def round(self) -> None:
        self.human_round()
        self.change_source()
        self.today += timedelta(days=1)
        self.sync_as_expected()
        self.forced_column, self.pinned = None, set()
        self.check()
        if self.figures.rounds % 5 == 4:
            assert self.sync() == 0, f"{self.where()}: an unchanged rerun wrote cells"
        self.figures.rounds += 1

    def run(self, rounds: int) -> SoakFigures:
        started = time.monotonic()
        self.sync()
        self.check()
        for _ in range(rounds):
            self.round()
        self.figures.seconds += time.monotonic() - started
        return self.figures
