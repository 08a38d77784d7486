"""Human-edit soak: a changing source and a human editing the same tab, both backends.

Fast subset: 10 rounds per backend. Chaos: 60 rounds × 3 seeds per backend. Figures are printed
(run with -s) and recorded in docs/reliability.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.core import RunningService
from sandbox.sheets import SheetsState, start_sheets_sandbox
from tests.reliability.scenario import record_figures
from tests.reliability.soak_helpers import GoogleEditor, HumanEditor, WorkbookEditor, moves_for
from tests.reliability.soak_model import Soak, SoakFigures

UNLIMITED = 10**9  # the soak's human and opsheets share one stand-in; quotas are not under test here


@pytest.fixture
def sandbox() -> Iterator[tuple[RunningService, SheetsState]]:
    service, state = start_sheets_sandbox(write_limit=UNLIMITED, read_limit=UNLIMITED)
    with service:
        yield service, state


@pytest.fixture(params=["workbook", "google"])
def editor(request: pytest.FixtureRequest, tmp_path: Path) -> HumanEditor:
    if request.param == "workbook":
        return WorkbookEditor(tmp_path / "Soak.xlsx")
    service, state = request.getfixturevalue("sandbox")
    return GoogleEditor(service, state)


def report(editor: HumanEditor, figures: SoakFigures) -> None:
    record_figures(
        "soak",
        {
            "backend": editor.name,
            "rounds": figures.rounds,
            "syncs": figures.syncs,
            "human_edits": sum(figures.human_edits.values()),
            "source_changes": sum(figures.source_changes.values()),
            "human_cells_checked": figures.human_cells_checked,
            "owned_overwrites_checked": figures.owned_overwrites_checked,
            "kept_rows_checked": figures.kept_rows_checked,
            "lost": 0,
        },
    )
    print(
        f"\nsoak {editor.name}: {figures.rounds} rounds, {figures.syncs} syncs, "
        f"{sum(figures.human_edits.values())} human edits {dict(figures.human_edits)}, "
        f"{sum(figures.source_changes.values())} source changes {dict(figures.source_changes)}, "
        f"{figures.human_cells_checked} human cells checked, "
        f"{figures.owned_overwrites_checked} owned-cell edits overwritten, "
        f"{figures.kept_rows_checked} kept rows checked — nothing lost"
    )


def test_moves_for_reorders_rows() -> None:
    rows = ["a", "b", "c", "d"]
    order = [3, 1, 0, 2]  # the row at sheet index 3 goes first, ...
    for src, dst in moves_for(0, order):
        rows.insert(dst, rows.pop(src))
    assert rows == ["d", "b", "a", "c"]


def test_soak_keeps_every_human_cell(editor: HumanEditor) -> None:
    figures = Soak(editor, seed=7).run(rounds=10)
    report(editor, figures)
    assert figures.rounds == 10
    assert figures.human_cells_checked > 0
    assert sum(figures.human_edits.values()) >= 10


@pytest.mark.chaos
@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_soak_long(editor: HumanEditor, seed: int) -> None:
    figures = Soak(editor, seed=seed).run(rounds=60)
    report(editor, figures)
    assert figures.rounds == 60
    assert figures.kept_rows_checked > 0 and figures.owned_overwrites_checked > 0


def test_soak_check_catches_a_lost_human_cell(tmp_path: Path) -> None:
    soak = Soak(WorkbookEditor(tmp_path / "Soak.xlsx"), seed=3)
    soak.run(rounds=3)
    (key, header), _ = next(iter(soak.human.items()))
    _, _, cols, rows = soak.layout()
    soak.editor.type_cell("Plan", rows[key], cols[header], "")  # what a clear-and-rewrite sync does
    with pytest.raises(AssertionError, match=f"{key}.{header} is ''"):
        soak.check()
