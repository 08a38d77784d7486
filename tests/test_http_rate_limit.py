"""Request gates in the HTTP layer: every attempt to a gated system waits at its gate (reads and writes
apart), so a quota kept elsewhere is met by waiting instead of drawing 429s."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

import pytest
import requests

import connectors.http as http
from connectors.http import gated, mount_policy
from sandbox.core import RunningService
from sandbox.sheets import SheetsState, create_app


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class WindowGate:
    """A gate over `limit` per `window_s` on a fake clock that moves only when the gate waits."""

    def __init__(self, limit: int, window_s: float, clock: FakeClock) -> None:
        self.limit, self.window_s, self.clock = limit, window_s, clock
        self.admitted: deque[float] = deque()
        self.waits: list[float] = []

    def admit(self) -> None:
        while self.admitted and self.admitted[0] <= self.clock.now - self.window_s:
            self.admitted.popleft()
        if len(self.admitted) >= self.limit:
            wait = self.admitted[0] + self.window_s - self.clock.now
            self.waits.append(wait)
            self.clock.now += wait
            return self.admit()
        self.admitted.append(self.clock.now)
        return None


class Counting:
    def __init__(self) -> None:
        self.count = 0

    def admit(self) -> None:
        self.count += 1


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sheets(clock: FakeClock) -> Iterator[tuple[RunningService, SheetsState]]:
    # The stand-in's quota and the gate read one clock, which moves only when the gate waits: the test
    # shows the gating, whatever the machine's speed.
    state = SheetsState(write_limit=3, read_limit=100, window_s=60.0, clock=clock)
    state.create_spreadsheet("Paced", spreadsheet_id="paced")
    with RunningService(create_app(state)) as service:
        yield service, state


def test_writes_through_a_gate_are_never_refused(
    sheets: tuple[RunningService, SheetsState], clock: FakeClock
) -> None:
    service, state = sheets
    gate = WindowGate(3, 60.0, clock)
    with gated("Sheets test", reads=None, writes=gate):
        statuses = post_seven_writes(service)
    assert statuses == [200] * 7
    assert state.write_requests == 7 and gate.waits == [60.0, 60.0]  # two windows' worth of waiting
    assert all(e.status == 200 for e in service.log.entries)


def test_without_a_gate_the_same_writes_draw_429(sheets: tuple[RunningService, SheetsState]) -> None:
    service, _ = sheets
    assert post_seven_writes(service).count(429) == 4


def post_seven_writes(service: RunningService) -> list[int]:
    session = requests.Session()
    session.headers["Authorization"] = "Bearer one-user"
    mount_policy(session, "Sheets test", http.RetryPolicy(max_attempts=1))
    url = f"{service.url}/v4/spreadsheets/paced/values:batchUpdate"
    body = {"valueInputOption": "RAW", "data": [{"range": "Sheet1!A1", "values": [[1]]}]}
    statuses = []
    for _ in range(7):
        try:
            statuses.append(session.post(url, json=body).status_code)
        except http.ApiError as exc:  # one attempt only: a 429 surfaces as the error
            statuses.append(429 if "429" in str(exc) else 0)
    return statuses


def test_reads_writes_and_other_systems_pass_their_own_gate_only() -> None:
    reads, writes = Counting(), Counting()
    with gated("Gated", reads=reads, writes=writes):
        for method in ("GET", "HEAD", "POST", "PUT", None):
            http.admit("Gated", method)
        http.admit("Some other system", "POST")
    assert (reads.count, writes.count) == (3, 2)  # None is a GET, as requests sends it


def test_nested_uses_share_the_first_gate_and_it_goes_when_its_use_ends() -> None:
    outer, inner = Counting(), Counting()
    with gated("Gated", reads=None, writes=outer):
        with gated("Gated", reads=None, writes=inner):
            http.admit("Gated", "POST")
        http.admit("Gated", "POST")
    http.admit("Gated", "POST")
    assert (outer.count, inner.count) == (2, 0)
