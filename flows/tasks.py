"""How every flow declares and calls its Prefect tasks: the one retry predicate, read tasks, and
arguments Prefect must not walk.

When a read task is run again: the HTTP layer already retried each request under the shared
policy (timeouts, Retry-After, backoff). A task retry is for a longer outage, so it follows only
`RetriesExhaustedError`: the layer kept meeting 429s, 5xx or broken connections to the end. Never a
config, auth or layout error (asking again cannot fix those), and never a bare `RetriableAPIError`:
a read never raises one (the layer turns every exhausted retry into `RetriesExhaustedError`), and a
writer's single attempt must not be repeated blindly. This is the stricter of the two policies the
flows once had (the budgets flow also retried a bare `RetriableAPIError`, read from `state.data`).
The outcome is read with `state.result(raise_on_failure=False)`, which gives the exception whether
Prefect holds it in the state or in a result record, where `state.data` may not. How many times and
how far apart stays each flow's choice (their outage figures depend on it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar, cast

from prefect import Task, task
from prefect.cache_policies import NO_CACHE
from prefect.states import State
from prefect.utilities.annotations import quote

from connectors.errors import RetriesExhaustedError

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


def after_http_gave_up(_task: object, _run: object, state: State[Any]) -> bool:
    """Retry a read only when the service kept failing transiently, never on a config or auth error."""
    return isinstance(state.result(raise_on_failure=False), RetriesExhaustedError)


def read_task(name: str, *, retries: int, delay_s: float) -> Callable[[Callable[P, R]], Task[P, R]]:
    """`@task` for a read: retried `retries` times, `delay_s` apart, after the HTTP layer gave up; never
    cached (every run reads the sources afresh)."""
    return task(
        name=name,
        retries=retries,
        retry_delay_seconds=delay_s,
        retry_condition_fn=after_http_gave_up,
        cache_policy=NO_CACHE,
    )


def quoted(value: T) -> T:
    """`value` handed to a task without Prefect walking it for futures (10,000s of records per call).

    Prefect unwraps `quote` before the task body runs, so the task receives `value` itself: the cast
    states that for the type checker, which cannot see the unwrapping."""
    return cast(T, quote(value))
