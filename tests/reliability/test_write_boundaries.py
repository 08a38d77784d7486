"""Crash safety at every write boundary, deterministically: the run dies (an exception no code
catches) right after its Nth write request, for every N, and each spreadsheet must then be old or
new; whatever is neither must be brought to "new" by the next clean run.

Random SIGKILLs (test_crash_safety.py) rarely land between two writes a few milliseconds apart;
this walks every such gap. Writes are Google `spreadsheets:batchUpdate` / `values:batchUpdate`
requests, or workbook saves.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import gspread
import pytest

from connectors.sheets.workbook import WorkbookBackend
from flows.sandbox_env import sandbox_environment
from tests.reliability.scenario import FLOWS, TODAY, differing, record_figures, small_dataset
from tests.reliability.test_crash_safety import OLD_DAY, Backend, World, add_spend, classify

pytestmark = pytest.mark.usefixtures("prefect_harness")
WRITES = {
    "google": (gspread.http_client.HTTPClient, ("batch_update", "values_batch_update")),
    "workbook": (WorkbookBackend, ("_save",)),
}


class Died(BaseException):
    """Stands for SIGKILL: not an Exception, so no handler in the flow or Prefect swallows it as a failure."""


@contextmanager
def dies_after(backend: Backend, writes: int, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    owner, names = WRITES[backend]
    done = [0]
    with monkeypatch.context() as patch:
        for name in names:
            original = getattr(owner, name)

            def counted(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
                if done[0] >= writes:
                    raise Died()
                done[0] += 1
                return _original(self, *args, **kwargs)

            patch.setattr(owner, name, counted)
        yield


def run(flow: str, world: World, day: str) -> None:
    FLOWS[flow](config_path=str(world.env.config_path), today=day)


CASES = [
    pytest.param("budgets", "workbook", id="budgets-workbook"),
    pytest.param("budgets", "google", id="budgets-google"),
    pytest.param("availability", "workbook", id="availability-workbook"),
    pytest.param("availability", "google", id="availability-google"),
]
# Availability writes one spreadsheet (data and Sync log row together); budgets one per team + overview.
WRITES_PER_RUN = {"availability": 1}


@pytest.mark.slow
@pytest.mark.chaos
@pytest.mark.parametrize(("flow", "backend"), CASES)
def test_death_after_every_write_leaves_old_or_new_or_a_state_the_next_run_repairs(
    flow: str, backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sandbox_environment(small_dataset(), tmp_path / "sheets", sheets=backend) as env:
        world = World(env, backend, tmp_path / "stash")
        run(flow, world, OLD_DAY if flow == "availability" else TODAY.isoformat())
        if flow == "budgets":
            add_spend(world)
        old = world.dump()
        world.save()
        run(flow, world, TODAY.isoformat())
        new = world.dump()
        found: list[str] = []
        unrepaired: list[str] = []
        boundary = 0
        while True:
            world.restore()
            with dies_after(backend, boundary, monkeypatch):
                try:
                    run(flow, world, TODAY.isoformat())
                    break  # the run needed fewer writes: every boundary was tried
                except Died:
                    pass
            after = world.dump()
            neither = [n for n, s in classify(after, old, new).items() if s == "neither"]
            if neither:
                found.append(f"after write {boundary}: {'; '.join(differing(after, new))}")
                run(flow, world, TODAY.isoformat())
                unrepaired += [f"after write {boundary}: {d}" for d in differing(world.dump(), new)]
            boundary += 1
    record_figures(
        "write-boundaries",
        {
            "flow": flow,
            "backend": backend,
            "boundaries": boundary,
            "neither": found,
            "not_repaired_by_next_run": unrepaired,
        },
    )
    assert not found, f"neither old nor new: {found}; still wrong after the next run: {unrepaired}"
    assert boundary == WRITES_PER_RUN.get(flow, boundary), f"{flow} needed {boundary} writes"
