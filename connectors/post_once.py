"""Posting a comment or note exactly once, although requests fail in ways that hide the outcome.

A POST whose connection breaks after the server acted, or that meets a 5xx from a proxy, may or
may not have created the item; the shared retry layer would simply send it again (a duplicate).
Writers here therefore send each POST once per attempt (`single_attempt`), and before every
further attempt ask `find_existing` whether the item is already there, recognisable by the marker
the caller put into it. Waiting between attempts is the shared layer's own `RetryAfterOrBackoff`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TypeVar

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from connectors import http
from connectors.http import (
    ApiClient,
    RetriableAPIError,
    RetriesExhaustedError,
    RetryAfterOrBackoff,
    RetryPolicy,
)

T = TypeVar("T")


def single_attempt(policy: RetryPolicy) -> RetryPolicy:
    return replace(policy, max_attempts=1)


def post_once(
    policy: RetryPolicy,
    post: Callable[[], T],
    find_existing: Callable[[], T | None],
) -> T:
    """`post()` until it succeeds, unless `find_existing()` shows an earlier attempt got through."""
    retrying = Retrying(
        stop=stop_after_attempt(policy.max_attempts),
        wait=RetryAfterOrBackoff(policy),
        retry=retry_if_exception_type((RetriableAPIError, RetriesExhaustedError)),
        sleep=lambda seconds: http.sleep(seconds),
        reraise=True,
    )
    for attempt in retrying:
        with attempt:
            if attempt.retry_state.attempt_number > 1:
                existing = find_existing()
                if existing is not None:
                    return existing
            return post()
    raise AssertionError("unreachable: Retrying either returns or raises")


def writer_for(reader: ApiClient, policy: RetryPolicy, rewrite: Mapping[str, str] | None = None) -> ApiClient:
    """A client like `reader` (same base URL, auth, headers, hints) that sends each request once;
    `rewrite` as ApiClient's."""
    return ApiClient(
        reader.system,
        reader.base_url,
        auth=reader.session.auth,
        headers=dict(reader.session.headers),
        policy=single_attempt(policy),
        hints=reader.hints,
        rewrite=rewrite,
    )
