"""Fault matrix: each flow against each API it calls, that API failing 20 % of requests with one
kind of fault (or a mix), must leave every sheet identical, cell for cell, to a fault-free run.

The Google Sheets stand-in is the sheet backend, so Sheets faults hit reads and both kinds of write.
A stalled response outlives the read timeout; the test waits until every request sent has been
answered before comparing, because a late write landing after its retry is exactly what could
corrupt a sheet.
"""

from __future__ import annotations

import random
import time
import zlib
from pathlib import Path
from typing import Any

import pytest

import connectors.http as http
from connectors.http import request_counts, reset_request_counts
from flows.sandbox_env import sandbox_environment
from sandbox.core import FAULT_KINDS, Knobs, RunningService
from tests.reliability.scenario import (
    APIS,
    Dump,
    count_requests,
    dump_google,
    record_figures,
    run_flow,
    small_dataset,
)

pytestmark = pytest.mark.usefixtures("prefect_harness")

SHARE = 0.2
READ_TIMEOUT_S = 3.0
STALL_S = 4.0  # past the read timeout: the client gives up and retries while the server still works
HTTP = {"read_timeout_s": READ_TIMEOUT_S, "max_attempts": 8, "backoff_base_s": 0.1, "backoff_cap_s": 2.0}
FAST = [  # one kind per API per flow in `make test`; every kind in `make chaos`
    ("availability", "jira", "429"),
    ("availability", "bamboohr", "reset"),
    ("availability", "sheets", "truncate"),
    ("budgets", "bamboohr", "500"),
    ("budgets", "sheets", "stall"),
]
FULL = [(f, api, kind) for f in APIS for api in APIS[f] for kind in FAULT_KINDS if (f, api, kind) not in FAST]
_baselines: dict[str, tuple[Dump, float]] = {}


class RetryWaits:
    """Seconds the retry layer slept (backoff and Retry-After): the time faults add, free of the
    noise of a loaded machine that wall-clock differences carry."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, seconds: float) -> None:
        self.seconds += seconds
        time.sleep(seconds)


@pytest.fixture
def retry_waits(monkeypatch: pytest.MonkeyPatch) -> RetryWaits:
    waits = RetryWaits()
    monkeypatch.setattr(http, "sleep", waits)
    return waits


def _run(flow: str, out: Path, knobs: dict[str, Knobs]) -> tuple[Dump, float, dict[str, Any]]:
    """Run `flow` once in a fresh sandbox; the dump, the run's seconds and its request figures."""
    with sandbox_environment(
        small_dataset(), out, sheets="google", knobs=knobs, config_overrides={"http": HTTP}
    ) as env:
        reset_request_counts()
        outcome = run_flow(flow, env.config_path)
        assert outcome.error is None, f"{flow} failed under faults: {outcome.error}"
        attempts = {name: request_counts().get(f"127.0.0.1:{s.port}", 0) for name, s in env.services.items()}
        wait_until_answered(env.services, attempts)
        logged = count_requests(env.services)
        figures = {
            name: {
                "attempts": attempts[name],
                "served": logged[name][0],
                "faults": logged[name][1],
                "stalls": sum(1 for e in env.services[name].log.entries if e.fault == "stall"),
            }
            for name in APIS[flow]
        }
        assert env.sheets is not None
        return dump_google(env.sheets), outcome.seconds, figures


def wait_until_answered(services: dict[str, RunningService], attempts: dict[str, int]) -> None:
    """Until each stand-in has answered (and logged) every attempt sent to it: stalled requests land
    after their retries. The ceiling is far past any stall; the wait ends as soon as they are in."""
    deadline = time.monotonic() + 300
    while any(len(services[name].log.entries) < sent for name, sent in attempts.items()):
        assert time.monotonic() < deadline, "a stand-in never answered a request sent to it"
        time.sleep(0.1)


def baseline(flow: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Dump, float]:
    """The fault-free dump and wall time, once per flow and session."""
    if flow not in _baselines:
        dump, seconds, _ = _run(flow, tmp_path_factory.mktemp(f"baseline-{flow}"), {})
        _baselines[flow] = (dump, seconds)
    return _baselines[flow]


def faulting_seed(name: str, shares: dict[str, float]) -> int:
    """A seed whose first request draws a fault: an API called only a few times still sees one,
    and the 20 % share holds for every request after it."""
    seed = zlib.crc32(name.encode())
    while random.Random(seed).random() >= sum(shares.values()):
        seed += 1
    return seed


def check_faults_survived(
    flow: str,
    rates: dict[str, dict[str, float]],
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    waits: RetryWaits,
) -> None:
    expected, clean_s = baseline(flow, tmp_path_factory)
    knobs = {
        api: Knobs(
            fault_rates=shares, retry_after_s=1, stall_s=STALL_S, seed=faulting_seed(f"{flow}{api}", shares)
        )
        for api, shares in rates.items()
    }
    waits.seconds = 0.0
    dump, seconds, figures = _run(flow, tmp_path, knobs)
    assert sum(figures[api]["faults"] for api in rates) > 0, f"no fault injected into {sorted(rates)}"
    assert dump == expected, f"{flow}: sheets differ from the fault-free run"
    stalls = sum(figures[api]["stalls"] for api in rates)
    record_figures(
        "fault-matrix",
        {
            "flow": flow,
            "faults": {api: "+".join(sorted(rates[api])) for api in rates},
            "apis": {api: figures[api] for api in rates},
            "wall_s": round(seconds, 2),
            "clean_wall_s": round(clean_s, 2),
            # what the faults cost by construction: the retry layer's waits plus one read timeout per stall
            "added_s": round(waits.seconds + stalls * READ_TIMEOUT_S, 2),
            "identical": True,
        },
    )


@pytest.mark.parametrize(("flow", "api", "kind"), FAST, ids=["-".join(c) for c in FAST])
def test_sheets_identical_under_faults(
    flow: str,
    api: str,
    kind: str,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    retry_waits: RetryWaits,
) -> None:
    check_faults_survived(flow, {api: {kind: SHARE}}, tmp_path, tmp_path_factory, retry_waits)


@pytest.mark.slow
@pytest.mark.chaos
@pytest.mark.parametrize(("flow", "api", "kind"), FULL, ids=["-".join(c) for c in FULL])
def test_sheets_identical_under_every_fault_kind(
    flow: str,
    api: str,
    kind: str,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    retry_waits: RetryWaits,
) -> None:
    check_faults_survived(flow, {api: {kind: SHARE}}, tmp_path, tmp_path_factory, retry_waits)


@pytest.mark.slow
@pytest.mark.chaos
@pytest.mark.parametrize("flow", list(APIS))
def test_sheets_identical_under_mixed_faults_on_every_api(
    flow: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, retry_waits: RetryWaits
) -> None:
    mixed = {kind: SHARE / len(FAULT_KINDS) for kind in FAULT_KINDS}
    check_faults_survived(
        flow, {api: dict(mixed) for api in APIS[flow]}, tmp_path, tmp_path_factory, retry_waits
    )
