"""The writer lock of a Google spreadsheet: a Prefect global concurrency limit of 1 per spreadsheet.

Every entry point (`opsheets run`, `serve`, a worker, the demo) runs its flows against one Prefect
server, so a limit there is the one lock they all share, whichever machine they run on. The limit
is created on first use (`opsheets-sheet-<key>`, visible under Concurrency in the Prefect UI);
Prefect skips a limit that does not exist or is switched off, so one found switched off or wider
than 1 is set back to an active limit of 1, with a warning. The slot is leased: a killed run's
slot frees itself when the lease runs out.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress

from prefect import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, GlobalConcurrencyLimitUpdate
from prefect.concurrency.sync import concurrency
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
from prefect.logging import get_run_logger

from connectors.sheets.writer_lock import DEFAULT_WAIT_S, WriterBusy, WriterLock

LIMIT_PREFIX = "opsheets-sheet-"
# Taking a free slot is a round trip to the Prefect API: allowed on top of the wait for another writer.
ACQUIRE_GRACE_S = 30.0


def limit_name(key: str) -> str:
    return f"{LIMIT_PREFIX}{key}"


def spreadsheet_lock(key: str, wait_s: float = DEFAULT_WAIT_S) -> WriterLock:
    """The writer lock of the Google spreadsheet with key `key`."""

    @contextmanager
    def held() -> Iterator[None]:
        name = limit_name(key)
        busy = ensure_limit(name) > 0
        if busy:
            _log().warning(
                "Spreadsheet '%s': another opsheets run is writing it; waiting up to %d s for it to "
                "finish (Prefect concurrency limit '%s')",
                key,
                wait_s,
                name,
            )
        with ExitStack() as stack:  # the slot is given back however the write ends
            try:
                stack.enter_context(concurrency(name, timeout_seconds=wait_s + ACQUIRE_GRACE_S, strict=True))
            except TimeoutError:
                raise WriterBusy(
                    f"Spreadsheet '{key}': another opsheets run has been writing it for over "
                    f"{wait_s:.0f} s (Prefect concurrency limit '{name}'); nothing was written. Fix: "
                    f"let that run finish, or cancel it in the Prefect UI if it is stuck, then run again"
                ) from None
            if busy:
                _log().warning("Spreadsheet '%s': the other writer finished; writing now", key)
            yield

    return held


def ensure_limit(name: str) -> int:
    """Create the limit if missing (or set it back to active, 1); returns the slots taken now."""
    with get_client(sync_client=True) as client:
        try:
            found = client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            with suppress(ObjectAlreadyExists):  # another writer created it meanwhile
                client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
            return 0
        if found.limit != 1 or not found.active:
            _log().warning(
                "Prefect concurrency limit '%s' was %s with limit %d; set back to active with limit 1 "
                "(it keeps two opsheets runs from writing one spreadsheet at once)",
                name,
                "active" if found.active else "inactive",
                found.limit,
            )
            client.update_global_concurrency_limit(name, GlobalConcurrencyLimitUpdate(limit=1, active=True))
        return int(found.active_slots)


def _log() -> logging.Logger | logging.LoggerAdapter:
    try:
        return get_run_logger()
    except Exception:  # outside a flow or task run (a script, a test)
        return logging.getLogger("opsheets.sheets")
