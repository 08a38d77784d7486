"""One Google Sheets quota shared by every process, kept as Prefect global concurrency limits with slot
decay. The shape stays under the quota over any window; the limits are created (and updated) on the
Prefect server; requests through them are never refused by a stand-in keeping the quota.
The same with two worker processes at once: tests/reliability/test_shared_sheets_quota.py (make chaos)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flows.sheets_quota import READ_LIMIT, SLOTS_PER_REQUEST, WRITE_LIMIT, QuotaShape, ensure_limits
from sandbox.core import RunningService
from tests.reliability.quota_worker import paced_sheets, write_through_shared_quota


@pytest.mark.parametrize("per_window", [10, 11, 14, 20, 59, 60, 100, 300, 1000])
@pytest.mark.parametrize("window_s", [1.0, 4.0, 60.0])
def test_burst_plus_refill_over_any_window_stays_within_90_percent_of_the_quota(
    per_window: int, window_s: float
) -> None:
    shape = QuotaShape(per_window, window_s)
    most_in_a_window = shape.burst + shape.per_second * window_s
    assert shape.burst >= 1 and shape.per_second > 0
    assert most_in_a_window <= 0.9 * per_window + 1e-9


def test_googles_default_quota_shape() -> None:
    shape = QuotaShape()  # 60 per minute
    assert (shape.budget, shape.burst, shape.per_second) == (54, 18, pytest.approx(0.6))


@pytest.fixture
def quota_sheets() -> Iterator[RunningService]:
    with paced_sheets(per_window=20, window_s=4.0) as service:
        yield service


@pytest.mark.prefect
def test_limits_are_created_then_brought_to_the_configured_shape(prefect_harness: None) -> None:
    from prefect.client.orchestration import get_client

    ensure_limits(QuotaShape(60, 60.0))
    ensure_limits(QuotaShape(60, 60.0))  # a second process starting: nothing changes
    ensure_limits(QuotaShape(120, 60.0))  # the quota raised in the config
    with get_client(sync_client=True) as client:
        for name in (READ_LIMIT, WRITE_LIMIT):
            limit = client.read_global_concurrency_limit_by_name(name)
            assert limit.limit == 36 * SLOTS_PER_REQUEST  # a third of 108
            assert limit.slot_decay_per_second == pytest.approx(72 / 60 * SLOTS_PER_REQUEST)


@pytest.mark.prefect
def test_requests_through_the_shared_limits_draw_no_429(
    prefect_harness: None, quota_sheets: RunningService
) -> None:
    # 30 requests against a stand-in allowing 20 per 4 s (reads and writes each): twice what one
    # window holds for writes. The shape asks for less than the stand-in allows (14 per 4 s) so that
    # a request slowed on its way by a busy machine still lands inside the quota.
    statuses = write_through_shared_quota(quota_sheets.url, 30, QuotaShape(14, 4.0))
    assert statuses == [200] * 30
    assert [e.status for e in quota_sheets.log.entries].count(429) == 0
