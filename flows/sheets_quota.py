"""One Google Sheets quota for every process that writes sheets: Prefect global concurrency limits with
slot decay, kept by the Prefect server all workers share.

Google counts requests per minute per user (the service account), whatever machine sends them: 60
reads and 60 writes by default. A pacer inside one process cannot see what another worker sends, so
every Sheets request first takes a slot from a limit on the Prefect server
(`prefect.concurrency.sync.rate_limit`). The limit is a token bucket: `burst` requests at once, then
`decay` per second. Over any window of the quota's length, at most burst + decay × window requests go
out. The shape keeps that at 90 % of the quota: Sheets counts a request when it gets to it, which a
busy server does seconds after it was sent (a pacer at exactly 60 per 61 s drew three 429s in 406
requests at 201 teams), so requests must not be packed right up to the quota. Without
`PREFECT_API_URL` (one process, with its own temporary server) the same limits are kept there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from connectors.http import gated
from connectors.sheets.google import SYSTEM as SHEETS_SYSTEM
from flows.clients import uses_google
from flows.config import Config

READ_LIMIT = "opsheets-google-sheets-reads"
WRITE_LIMIT = "opsheets-google-sheets-writes"
# The server floors the decay of each update (floor(decay × seconds since the last update)) and every
# attempt is an update, so at one slot per request a busy limit would lose most of its decay. A request
# takes 100 slots: the floor then drops under 1 % of a request per update.
SLOTS_PER_REQUEST = 100


@dataclass(frozen=True)
class QuotaShape:
    """A quota of `per_window` requests per `window_s` seconds (10 or more), as a token bucket under it."""

    per_window: int = 60
    window_s: float = 60.0

    @property
    def budget(self) -> int:
        """Requests allowed per window: 90 % of the quota (at least 1)."""
        return max(1, self.per_window * 9 // 10)

    @property
    def burst(self) -> int:
        """Requests that may go at once (a third of the budget): a small run waits for nothing."""
        return max(1, self.budget // 3)

    @property
    def per_second(self) -> float:
        """Requests per second after the burst, so that burst + per_second × window = budget."""
        return max(self.budget - self.burst, 1) / self.window_s


class SharedGate:
    """Admits one request when its limit on the Prefect server has room, waiting as the server says."""

    def __init__(self, limit_name: str) -> None:
        self.limit_name = limit_name

    def admit(self) -> None:
        from prefect.concurrency.sync import rate_limit

        rate_limit(self.limit_name, occupy=SLOTS_PER_REQUEST, strict=True)


def ensure_limits(shape: QuotaShape) -> None:
    """Create both limits on the Prefect server, or bring them to `shape` (the config may have changed).
    Two processes starting at once may both create: the loser finds the limit and updates it."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectAlreadyExists

    with get_client(sync_client=True) as client:
        for name in (READ_LIMIT, WRITE_LIMIT):
            limit, decay = shape.burst * SLOTS_PER_REQUEST, shape.per_second * SLOTS_PER_REQUEST
            try:
                client.upsert_global_concurrency_limit_by_name(name, limit, decay)
            except ObjectAlreadyExists:
                client.upsert_global_concurrency_limit_by_name(name, limit, decay)


@contextmanager
def shared_quota(shape: QuotaShape) -> Iterator[None]:
    """While inside, every Google Sheets request of this process passes the shared limits."""
    ensure_limits(shape)
    with gated(SHEETS_SYSTEM, reads=SharedGate(READ_LIMIT), writes=SharedGate(WRITE_LIMIT)):
        yield


@contextmanager
def shared_sheets_quota(config: Config) -> Iterator[None]:
    """Around the part of a flow that reads or writes Google Sheets; nothing for local workbooks."""
    if not uses_google(config):
        yield
        return
    with shared_quota(QuotaShape(config.sheets.requests_per_minute)):
        yield
