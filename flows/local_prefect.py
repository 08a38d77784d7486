"""The Prefect API a command talks to when no server is configured: a temporary local one.

Without `PREFECT_API_URL`, Prefect starts its own server in a subprocess on first use and gives it
30 s to answer. A busy 2-core laptop needs about a minute, so the CLI raises that ceiling before
Prefect reads its settings, starts the server itself with a line saying so, and turns a server that
never answers into one paragraph with the fix instead of Prefect's traceback.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

STARTUP_TIMEOUT_ENV = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
# Prefect's own default is 30 s; a loaded 2-core machine was measured at 58 s.
CLI_STARTUP_TIMEOUT_S = 180


class PrefectUnavailable(Exception):
    """No Prefect API to run against; the message says how to get one."""


def allow_slow_start() -> None:
    """Raise the start-up ceiling unless the user chose one. Prefect reads its settings once, when it
    is first imported, so this runs before anything imports prefect."""
    os.environ.setdefault(STARTUP_TIMEOUT_ENV, str(CLI_STARTUP_TIMEOUT_S))
    # A temporary server must not try to phone home: a local run needs no network.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def ensure_prefect_api(say: Callable[[str], None]) -> None:
    """With a configured server, nothing to do; else start the local one now, saying so."""
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

    if PREFECT_API_URL.value():
        return
    server = SubprocessASGIServer()
    if server.running:
        return
    timeout = PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
    say(
        f"starting a local Prefect server… (PREFECT_API_URL is not set; a busy machine can take a minute, "
        f"waiting up to {timeout} s)"
    )
    started = time.monotonic()
    try:
        server.start(timeout=timeout)
    except RuntimeError:
        raise PrefectUnavailable(
            f"Prefect: the local Prefect server did not answer within {timeout} s. Fix: start one that "
            f"stays up (`prefect server start`, then export PREFECT_API_URL=http://127.0.0.1:4200/api), "
            f"or allow it longer with {STARTUP_TIMEOUT_ENV}=600"
        ) from None
    say(f"local Prefect server ready after {time.monotonic() - started:.0f} s")
