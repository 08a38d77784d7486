"""Client-side pacing under a per-minute quota: requests wait for room instead of drawing 429s."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

import connectors.http as http
from connectors.http import SlidingWindow, clear_rate_limits, limit_rate, mount_policy
from sandbox.core import RunningService
from sandbox.sheets import SheetsState, create_app


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_window_admits_limit_then_waits_until_the_oldest_leaves() -> None:
    clock = FakeClock()
    window = SlidingWindow(3, 60.0, clock)
    assert [window.wait_needed() for _ in range(3)] == [0.0, 0.0, 0.0]
    clock.now = 10.0
    assert window.wait_needed() == pytest.approx(50.0)
    clock.now = 60.0
    assert window.wait_needed() == 0.0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sheets(clock: FakeClock) -> Iterator[tuple[RunningService, SheetsState]]:
    # The stand-in's quota and the client's pacing read one clock, which moves only when the client
    # waits: the test shows the pacing, whatever the machine's speed.
    state = SheetsState(write_limit=3, read_limit=100, window_s=60.0, clock=clock)
    state.create_spreadsheet("Paced", spreadsheet_id="paced")
    with RunningService(create_app(state)) as service:
        yield service, state
    clear_rate_limits()


def test_writes_paced_to_the_quota_are_never_refused(
    sheets: tuple[RunningService, SheetsState], clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    service, state = sheets
    sleeps: list[float] = []
    monkeypatch.setattr(http, "sleep", lambda s: (sleeps.append(s), clock.sleep(s)))
    with limit_rate("Sheets test", reads=None, writes=3, window_s=60.0, clock=clock):
        statuses = post_seven_writes(service)
    assert statuses == [200] * 7
    assert state.write_requests == 7 and sleeps == [60.0, 60.0]  # two windows' worth of waiting
    assert all(e.status == 200 for e in service.log.entries)
    http._admit("Sheets test", "POST")  # the limit ended with its block: no wait, no failure


def post_seven_writes(service: RunningService) -> list[int]:
    session = requests.Session()
    session.headers["Authorization"] = "Bearer one-user"
    mount_policy(session, "Sheets test", http.RetryPolicy(max_attempts=1))
    url = f"{service.url}/v4/spreadsheets/paced/values:batchUpdate"
    body = {"valueInputOption": "RAW", "data": [{"range": "Sheet1!A1", "values": [[1]]}]}
    return [session.post(url, json=body).status_code for _ in range(7)]


def test_unlimited_systems_and_reads_are_not_paced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "sleep", lambda s: pytest.fail(f"slept {s}"))
    with limit_rate("Only writes", reads=None, writes=1, window_s=60):
        for _ in range(5):
            http._admit("Only writes", "GET")
            http._admit("Some other system", "POST")
