"""Human-edit soak: a changing source and a human editing the same tab, both backends.

Fast subset (`make test`): 6 rounds per backend. Long (`make soak`, also in `make chaos`): 100 rounds
× seeds 1 and 2 per backend. Figures are printed (run with -s) and recorded in docs/reliability.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.core import RunningService
from sandbox.sheets import SheetsState, start_sheets_sandbox
from tests.reliability.scenario import record_figures
from tests.reliability.soak_google import GoogleEditor
from tests.reliability.soak_helpers import HumanEditor, WorkbookEditor, moves_for
from tests.reliability.soak_model import Soak, SoakFigures

UNLIMITED = 10**9  # the soak's human and opsheets share one stand-in; quotas are not under test here
LONG_SEEDS, LONG_ROUNDS = [1, 2], 100


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


def report(editor: HumanEditor, seed: int, figures: SoakFigures) -> None:
    record_figures(
        "soak",
        {
            "backend": editor.name,
            "seed": seed,
            "rounds": figures.rounds,
            "syncs": figures.syncs,
            "human_edits": dict(figures.human_edits),
            "mid_run_edits": dict(figures.mid_run_edits),
            "source_changes": dict(figures.source_changes),
            "human_cells_checked": figures.human_cells_checked,
            "lost": figures.lost,
            "wrong_row": figures.wrong_row,
            "owned_cells_right_row": figures.owned_cells_right_row,
            "owned_overwrites_checked": figures.owned_overwrites_checked,
            "kept_rows_checked": figures.kept_rows_checked,
            "objects_checked": figures.objects_checked,
            "refusals": dict(figures.refusals),
            "refusal_messages": figures.refusal_messages,
            "seconds": round(figures.seconds, 1),
        },
    )
    print(
        f"\nsoak {editor.name} seed {seed}: {figures.rounds} rounds, {figures.syncs} syncs, "
        f"{sum(figures.human_edits.values())} human edits {dict(figures.human_edits)}, "
        f"{sum(figures.mid_run_edits.values())} mid-run {dict(figures.mid_run_edits)}, "
        f"{sum(figures.source_changes.values())} source changes, "
        f"{figures.human_cells_checked} human cells checked, {figures.lost} lost, "
        f"{figures.wrong_row} in a wrong row, {figures.owned_cells_right_row} owned cells on their row, "
        f"{figures.owned_overwrites_checked} owned-cell edits overwritten, {figures.kept_rows_checked} kept "
        f"rows, {figures.objects_checked} rules/dropdowns/merges/pictures checked, "
        f"refusals {dict(figures.refusals)} {figures.refusal_messages}, {figures.seconds:.0f} s"
    )


def test_moves_for_reorders_rows() -> None:
    rows = ["a", "b", "c", "d"]
    order = [3, 1, 0, 2]  # the row at sheet index 3 goes first, ...
    for src, dst in moves_for(0, order):
        rows.insert(dst, rows.pop(src))
    assert rows == ["d", "b", "a", "c"]


def test_soak_keeps_every_human_cell(editor: HumanEditor) -> None:
    figures = Soak(editor, seed=7).run(rounds=6)
    report(editor, 7, figures)
    assert figures.rounds == 6 and figures.lost == 0 and figures.wrong_row == 0
    assert figures.human_cells_checked > 0 and figures.owned_cells_right_row > 0
    assert figures.refusals  # seed 7 makes one edit a sync must refuse on each backend
    assert editor.name == "workbook" or figures.mid_run_edits


@pytest.mark.chaos
@pytest.mark.slow
@pytest.mark.soak
@pytest.mark.parametrize("seed", LONG_SEEDS)
def test_soak_long(editor: HumanEditor, seed: int) -> None:
    figures = Soak(editor, seed=seed).run(rounds=LONG_ROUNDS)
    report(editor, seed, figures)
    assert figures.rounds == LONG_ROUNDS and figures.lost == 0 and figures.wrong_row == 0
    assert figures.kept_rows_checked > 0 and figures.owned_overwrites_checked > 0 and figures.refusals


def test_soak_check_catches_a_lost_human_cell(tmp_path: Path) -> None:
    soak = Soak(WorkbookEditor(tmp_path / "Soak.xlsx"), seed=3)
    soak.run(rounds=3)
    (key, header), _ = next((k, v) for k, v in soak.human.items() if k[1] in soak.human_columns)
    _, _, cols, rows = soak.layout()
    soak.editor.type_cell("Plan", rows[key], cols[header], "")  # what a clear-and-rewrite sync does
    with pytest.raises(AssertionError, match=f"{key}.{header} is '', typed .* \\(lost\\)"):
        soak.check()
    assert soak.figures.lost == 1
