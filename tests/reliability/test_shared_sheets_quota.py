"""Two worker processes, one Google quota: each writes and reads through the shared Prefect limits at
once, against a Sheets stand-in keeping the quota per user. Together they send four times what one
window of the quota holds, and no request is refused (zero 429s).

The stand-in allows 20 reads and 20 writes per 4 s; the shape asks for 14 per 4 s, so a request that a
busy machine delays on its way still lands inside the quota. The production shape (60 per minute) is
the same arithmetic over a longer window: tests/test_sheets_quota.py."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from flows.deployments import PROJECT_DIR
from sandbox.core import RunningService
from tests.reliability.quota_worker import paced_sheets

REQUESTS_PER_WORKER = 40  # 20 writes and 20 reads each: 80 requests, 40 of a kind, twice the quota


@pytest.fixture
def quota_sheets() -> Iterator[RunningService]:
    with paced_sheets(per_window=20, window_s=4.0) as service:
        yield service


@pytest.mark.chaos
@pytest.mark.slow
def test_two_workers_share_one_quota_and_draw_no_429(
    prefect_harness: None, quota_sheets: RunningService
) -> None:
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    args = [
        sys.executable,
        "-m",
        "tests.reliability.quota_worker",
        quota_sheets.url,
        str(REQUESTS_PER_WORKER),
    ]
    workers = [
        subprocess.Popen([*args, "14", "4"], env=env, cwd=PROJECT_DIR, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [worker.communicate()[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    for output in outputs:
        assert output.split() == ["200"] * REQUESTS_PER_WORKER
    statuses = [entry.status for entry in quota_sheets.log.entries]
    assert len(statuses) == 2 * REQUESTS_PER_WORKER and statuses.count(429) == 0
