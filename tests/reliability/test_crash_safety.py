"""Crash safety: a run SIGKILLed at a random point leaves each spreadsheet exactly as it was before
the run ("old") or exactly as a clean run leaves it ("new"), cell for cell.

The flow runs in a child process (crash_runner.py) against the stand-ins served by this process,
so they outlive the kill; the child reports to this session's Prefect API. Before each kill the
"old" state is restored. The kill falls within the time a clean run takes: half the kills anywhere,
half in its last 40 %, where the writes are. After a kill that left anything other than old/new,
a clean run must bring every spreadsheet to "new". Temp files a killed workbook save leaves are
kept through the loop; the next save of that workbook removes them, so none may be left at the end.

Old → new: availability moves `today` a week (the week grid shifts: columns change); budgets gains
one ledger row per team (rows appended to every team's Spend and new figures in Budget).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Literal

import openpyxl
import pytest
from prefect.settings import PREFECT_API_URL

from flows.sandbox_env import SandboxEnvironment, sandbox_environment
from tests.reliability.scenario import (
    TODAY,
    Dump,
    differing,
    dump_google,
    dump_workbooks,
    record_figures,
    small_dataset,
)

pytestmark = pytest.mark.usefixtures("prefect_harness")

ROOT = Path(__file__).resolve().parents[2]
OLD_DAY, NEW_DAY = (TODAY - timedelta(days=7)).isoformat(), TODAY.isoformat()
Backend = Literal["workbook", "google"]
RUN_CEILING_S = 900  # a hang guard only: a clean child run takes seconds, a loaded machine's a minute


@dataclass
class Tally:
    kills: int = 0
    states: Counter[str] = field(default_factory=Counter)  # per spreadsheet: old / new / neither
    mixed: list[str] = field(default_factory=list)  # which spreadsheet was neither, after which kill
    recovered: int = 0
    unrepaired: list[str] = field(default_factory=list)  # still not "new" after the next clean run
    temp_files_seen: int = 0  # after a kill: temp files interrupted workbook saves had left
    leftovers: int = 0  # temp files still there after the last, clean run


class Child:
    """A crash_runner started ahead of time: it has done its imports and waits for the go."""

    def __init__(self, flow: str, config: Path, day: str) -> None:
        env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value()), "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.crash_runner", flow, str(config), day],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    def go(self) -> float:
        """Wait until the child is ready (its imports ran while the previous child worked), start it."""
        assert self.proc.stdout is not None and self.proc.stdin is not None
        assert self.proc.stdout.readline().strip() == "ready", "crash runner did not start"
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        return time.monotonic()

    def finish(self) -> None:
        self.go()
        assert self.proc.wait(timeout=RUN_CEILING_S) == 0, "a clean child run failed"

    def kill_after(self, delay: float) -> bool:
        """SIGKILL `delay` seconds after the go; False when the run had already finished."""
        started = self.go()
        try:
            self.proc.wait(timeout=max(0.0, started + delay - time.monotonic()))
            return False
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            return True


@dataclass
class World:
    """The sandbox plus how to dump, save and restore the sheets of one backend."""

    env: SandboxEnvironment
    backend: Backend
    stash: Path

    def dump(self) -> Dump:
        if self.backend == "google":
            assert self.env.sheets is not None
            return dump_google(self.env.sheets)
        return dump_workbooks(self.env.config_path.parent)

    def save(self) -> None:
        if self.backend == "google":
            assert self.env.sheets is not None
            self._saved = self.env.sheets.snapshot()
        else:
            shutil.rmtree(self.stash, ignore_errors=True)
            shutil.copytree(
                self.env.config_path.parent, self.stash, ignore=shutil.ignore_patterns("opsheets.yaml")
            )

    def restore(self) -> None:
        """Back to the saved state. A killed save's temp files stay: cleaning them is the backend's job."""
        if self.backend == "google":
            assert self.env.sheets is not None
            with self.env.sheets.lock:
                self.env.sheets.spreadsheets = {k: v.copy() for k, v in self._saved.items()}
                # As if a minute passed: dozens of runs a minute would otherwise exhaust the per-minute quota.
                self.env.sheets.read_quota.hits.clear()
                self.env.sheets.write_quota.hits.clear()
            return
        root = self.env.config_path.parent
        for path in root.rglob("*.xlsx"):
            path.unlink()
        shutil.copytree(self.stash, root, dirs_exist_ok=True)

    def temp_files(self) -> int:
        return 0 if self.backend == "google" else len(list(self.env.config_path.parent.rglob(".*.tmp")))


def add_spend(world: World) -> None:
    """PeopleOps books one more row per team; the ledger is read by the flow, never written."""
    rows = [["2026-11-20", team, 12.5, "EUR", "Coffee"] for team in sorted(world.env.team_keys)]
    if world.backend == "google":
        assert world.env.sheets is not None
        height = len(world.env.sheets.grid("budgets-ledger", "Ledger"))
        world.env.sheets.edit("budgets-ledger", f"Ledger!A{height + 1}:E{height + len(rows)}", rows)
        return
    path = world.env.config_path.parent / "budgets" / "ledger.xlsx"
    book = openpyxl.load_workbook(path)
    for row in rows:
        book["Ledger"].append(row)
    book.save(path)


@contextmanager
def world_for(flow: str, backend: Backend, tmp_path: Path) -> Iterator[World]:
    with sandbox_environment(small_dataset(), tmp_path / "sheets", sheets=backend) as env:
        yield World(env, backend, tmp_path / "stash")


def classify(dump: Dump, old: Dump, new: Dump) -> dict[str, str]:
    """old / new / neither per spreadsheet the clean run changes (the ledger, only read, is left out)."""
    names = {
        n for n in set(old) | set(new) | set(dump) if old.get(n) != new.get(n) or dump.get(n) != old.get(n)
    }
    return {
        n: "old" if dump.get(n) == old.get(n) else "new" if dump.get(n) == new.get(n) else "neither"
        for n in names
    }


def kill_delay(rng: random.Random, duration: float) -> float:
    """Anywhere in the run, or (half the time) in its last 40 %, where the writes happen."""
    return rng.uniform(0.0, duration) if rng.random() < 0.5 else rng.uniform(0.6 * duration, duration)


def crash_loop(flow: str, backend: Backend, kills: int, tmp_path: Path, seed: int) -> Tally:
    rng, tally = random.Random(seed), Tally()
    with world_for(flow, backend, tmp_path) as world:
        config = world.env.config_path
        old_day = OLD_DAY if flow == "availability" else NEW_DAY
        Child(flow, config, old_day).finish()
        if flow == "budgets":
            add_spend(world)
        old = world.dump()
        world.save()
        clean = Child(flow, config, NEW_DAY)
        started = clean.go()
        assert clean.proc.wait(timeout=RUN_CEILING_S) == 0
        duration = time.monotonic() - started
        new = world.dump()
        assert new != old, "the clean run changed nothing: killing it would prove nothing"
        world.restore()
        child = Child(flow, config, NEW_DAY)
        while tally.kills < kills:
            upcoming = Child(flow, config, NEW_DAY)  # imports overlap with this kill
            if child.kill_after(kill_delay(rng, duration)):
                tally.kills += 1
                tally.temp_files_seen += world.temp_files()
                after = world.dump()
                states = classify(after, old, new)
                tally.states.update(states.values())
                mixed = sorted(n for n, s in states.items() if s == "neither")
                tally.mixed += [f"kill {tally.kills}: {', '.join(differing(after, new))}" for _ in mixed[:1]]
                if mixed:
                    Child(flow, config, NEW_DAY).finish()
                    left = differing(world.dump(), new)
                    tally.unrepaired += [f"kill {tally.kills}: {d}" for d in left]
                    tally.recovered += not left
            world.restore()
            child = upcoming
        child.finish()  # a clean run after the last kill: its saves remove what the kills left
        tally.leftovers = world.temp_files()
    record_figures(
        "crash",
        {
            "flow": flow,
            "backend": backend,
            "kills": tally.kills,
            "clean_run_s": round(duration, 2),
            "states": dict(tally.states),
            "neither": tally.mixed,
            "recovered": tally.recovered,
            "not_repaired": tally.unrepaired,
            "temp_files_after_kills": tally.temp_files_seen,
            "temp_files_left": tally.leftovers,
        },
    )
    return tally


def assert_old_or_new(tally: Tally) -> None:
    assert tally.states["neither"] == 0, (
        f"spreadsheets neither old nor new after a kill: {tally.mixed}; not repaired: {tally.unrepaired}"
    )
    assert tally.leftovers == 0, f"{tally.leftovers} temp file(s) left after a clean run"


# `make test` keeps one representative (each case costs a dozen child processes); `make chaos` has all four.
CASES: list[tuple[str, Backend, int]] = [("budgets", "workbook", 2)]
CHAOS = [
    pytest.param("budgets", "workbook", 15, id="budgets-workbook"),
    pytest.param("budgets", "google", 15, id="budgets-google"),
    pytest.param("availability", "workbook", 15, id="availability-workbook"),
    pytest.param("availability", "google", 15, id="availability-google"),
]


@pytest.mark.parametrize(("flow", "backend", "kills"), CASES, ids=[f"{f}-{b}" for f, b, _ in CASES])
def test_killed_run_leaves_each_sheet_old_or_new(
    flow: str, backend: Backend, kills: int, tmp_path: Path
) -> None:
    assert_old_or_new(crash_loop(flow, backend, kills, tmp_path, seed=kills))


@pytest.mark.slow
@pytest.mark.chaos
@pytest.mark.parametrize(("flow", "backend", "kills"), CHAOS)
def test_many_kills_leave_each_sheet_old_or_new(
    flow: str, backend: Backend, kills: int, tmp_path: Path
) -> None:
    assert_old_or_new(crash_loop(flow, backend, kills, tmp_path, seed=kills * 7))
