"""A post-once writer waits between attempts exactly as the shared HTTP layer does."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from connectors import http
from connectors.errors import RetriableAPIError, RetriesExhaustedError
from connectors.http import RetryPolicy
from connectors.post_once import post_once

POLICY = RetryPolicy(max_attempts=3, backoff_base_s=0.25, backoff_cap_s=1.0, max_retry_after_s=10.0)


def flaky_post(*failures: Exception) -> tuple[list[int], Callable[[], str]]:
    calls: list[int] = []

    def post() -> str:
        calls.append(1)
        if len(calls) <= len(failures):
            raise failures[len(calls) - 1]
        return "posted"

    return calls, post


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    recorded: list[float] = []
    monkeypatch.setattr(http, "sleep", recorded.append)
    return recorded


def throttled(retry_after: float) -> RetriableAPIError:
    return RetriableAPIError("Intercom", "429 Too Many Requests", status=429, retry_after=retry_after)


def test_retry_after_of_a_single_attempt_is_waited_out_with_the_layers_jitter(waits: list[float]) -> None:
    _, post = flaky_post(RetriesExhaustedError("Intercom", 1, throttled(3.0)))
    assert post_once(POLICY, post, lambda: None) == "posted"
    assert len(waits) == 1 and 3.0 <= waits[0] <= 3.0 + POLICY.backoff_base_s


def test_retry_after_is_capped_and_backoff_used_without_one(waits: list[float]) -> None:
    failures = (throttled(3600.0), RetriableAPIError("Jira", "502 Bad Gateway", status=502))
    _, post = flaky_post(*failures)
    assert post_once(POLICY, post, lambda: None) == "posted"
    capped, backoff = waits
    assert 10.0 <= capped <= 10.0 + POLICY.backoff_base_s
    assert 0.0 <= backoff <= 0.5  # full jitter under base * 2 for the second wait


def test_an_earlier_attempt_that_got_through_is_not_posted_again(waits: list[float]) -> None:
    calls, post = flaky_post(throttled(1.0))
    assert post_once(POLICY, post, lambda: "found") == "found"
    assert len(calls) == 1 and len(waits) == 1
