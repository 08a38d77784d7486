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
HTTP_LOCKED = 423


def limit_name(key: str) -> str:
    return f"{LIMIT_PREFIX}{key}"


def spreadsheet_lock(key: str, wait_s: float = DEFAULT_WAIT_S) -> WriterLock:
    """The writer lock of the Google spreadsheet with key `key`."""

    @contextmanager
    def held() -> Iterator[None]:
        name = limit_name(key)
        ensure_limit(name)
        with ExitStack() as stack:
            if not _try_acquire(stack, name):
                _log().warning(
                    "Spreadsheet '%s': another opsheets run is writing it; waiting up to %d s for it to "
                    "finish (Prefect concurrency limit '%s')",
                    key,
                    wait_s,
                    name,
                )
                try:
                    stack.enter_context(concurrency(name, timeout_seconds=wait_s, strict=True))
                except TimeoutError:
                    raise WriterBusy(
                        f"Spreadsheet '{key}': another opsheets run has been writing it for over "
                        f"{wait_s:.0f} s (Prefect concurrency limit '{name}'); nothing was written. Fix: "
                        f"let that run finish, or cancel it in the Prefect UI if it is stuck, then run again"
                    ) from None
                _log().warning("Spreadsheet '%s': the other writer finished; writing now", key)
            yield

    return held


def ensure_limit(name: str) -> None:
    with get_client(sync_client=True) as client:
        try:
            found = client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            with suppress(ObjectAlreadyExists):  # another writer created it meanwhile
                client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
            return
        if found.limit != 1 or not found.active:
            _log().warning(
                "Prefect concurrency limit '%s' was %s with limit %d; set back to active with limit 1 "
                "(it keeps two opsheets runs from writing one spreadsheet at once)",
                name,
                "active" if found.active else "inactive",
                found.limit,
            )
            client.update_global_concurrency_limit(name, GlobalConcurrencyLimitUpdate(limit=1, active=True))


def _try_acquire(stack: ExitStack, name: str) -> bool:
    """Take the slot if it is free now; False when another holder has it."""
    try:
        stack.enter_context(concurrency(name, max_retries=0, strict=True))
    except Exception as exc:  # prefect wraps the 423 it gets when the slot is taken
        if _status(exc) != HTTP_LOCKED:
            raise
        return False
    return True


def _status(exc: BaseException) -> int | None:
    cause: BaseException | None = exc
    while cause is not None:
        response = getattr(cause, "response", None)
        if response is not None and hasattr(response, "status_code"):
            return int(response.status_code)
        cause = cause.__cause__
    return None


def _log() -> logging.Logger | logging.LoggerAdapter:
    try:
        return get_run_logger()
    except Exception:  # outside a flow or task run (a script, a test)
        return logging.getLogger("opsheets.sheets")
