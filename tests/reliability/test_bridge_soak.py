"""Comment bridge soak (`tests/reliability/bridge_soak.py`): 25 rounds in make test, 200 rounds per
seed in make chaos. Figures are printed (run with -s) and recorded in docs/reliability.md."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import connectors.http as http
from flows.sandbox_env import SandboxEnvironment, sandbox_environment
from sandbox.demo_org import generate
from tests.bridge_fixtures import TODAY
from tests.reliability.bridge_soak import BridgeSoak, SoakFigures
from tests.reliability.scenario import record_figures

DATASET = generate(people=8, teams=2, issues=30, ledger_rows=0, conversations=8, today=TODAY)


@pytest.fixture
def soak_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxEnvironment]:
    monkeypatch.setattr(http, "sleep", lambda seconds: None)
    with sandbox_environment(DATASET, tmp_path) as env:
        yield env


def report(seed: int, figures: SoakFigures) -> None:
    mirrored = sum(figures.mirrored.values())
    record_figures(
        "bridge soak",
        {
            "seed": seed,
            "rounds": figures.rounds,
            "mirrored": mirrored,
            "duplicates": figures.duplicates,
            "lost": figures.lost,
            "stale": figures.stale,
            "checked": figures.checked,
            "runs_with_failures": figures.runs_failed,
            "runs_failed_whole": figures.runs_crashed,
        },
    )
    print(
        f"\nbridge soak seed {seed}: {figures.rounds} rounds, {sum(figures.actions.values())} actions "
        f"{dict(figures.actions)}, {mirrored} items written {dict(figures.mirrored)}, "
        f"{figures.runs_failed} runs with a failed item, {figures.runs_crashed} failed whole, "
        f"{figures.checked} sources checked: "
        f"{figures.duplicates} duplicates, {figures.lost} lost, {figures.stale} stale"
    )


def assert_clean(figures: SoakFigures) -> None:
    assert (figures.duplicates, figures.lost, figures.stale) == (0, 0, 0)
    assert figures.checked > 0 and sum(figures.mirrored.values()) > figures.rounds


def test_bridge_soak(soak_env: SandboxEnvironment) -> None:
    figures = BridgeSoak(soak_env, seed=5).run(rounds=25)
    report(5, figures)
    assert_clean(figures)


@pytest.mark.chaos
@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_bridge_soak_long(soak_env: SandboxEnvironment, seed: int) -> None:
    figures = BridgeSoak(soak_env, seed=seed).run(rounds=200)
    report(seed, figures)
    assert_clean(figures)
    assert figures.runs_failed > 0 and all(
        figures.actions[a] > 0 for a in ("move_issue", "paste_note", "big_note")
    )


def test_the_soak_check_catches_a_duplicate_and_a_stale_edit(soak_env: SandboxEnvironment) -> None:
    soak = BridgeSoak(soak_env, seed=9)
    soak.run(rounds=3)
    conversation, issue = soak.links()[0]
    copy = next(p for p in conversation["parts"] if p.get("app_package_code"))
    soak.intercom.add_part(conversation, dict(copy))  # the same note twice, as a retry bug would post it
    soak.figures = SoakFigures()
    soak.check()
    assert soak.figures.duplicates == 1
    comment = soak.human_comments(issue)[0]
    comment["body"] = {"type": "doc", "version": 1, "content": []}  # edited behind the bridge's back
    soak.figures = SoakFigures()
    soak.check()
    assert soak.figures.stale >= 1
