"""One flow run in its own process, as a scheduled run is: the figures are this process's alone.

The stand-ins live in the parent (`bench.run`), so the CPU time and peak RSS measured here are the
flow's: Prefect, the connectors, the domain rules and the sheet layout, never the sandbox's.

    python -m bench.child --flow availability --config out/opsheets.yaml --today 2026-11-25 --out r.json
"""

from __future__ import annotations

import argparse
import cProfile
import json
import resource
import sys
import time
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

FLOWS = ("availability", "budgets")


class DomainClock:
    """CPU seconds spent inside the wrapped domain computations (thread CPU: Prefect's threads excluded)."""

    def __init__(self) -> None:
        self.cpu_s = 0.0

    def timed(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.cpu_s += time.thread_time() - start

        return wrapper


def flow_under_test(name: str, clock: DomainClock) -> Callable[..., Any]:
    """The flow as users run it, with its domain entry points timed in place."""
    if name == "availability":
        import flows.availability as module

        module.compute_availability = clock.timed(module.compute_availability)
        return module.sync_resource_availability
    import flows.budgets as budgets

    budgets.compute_team_budgets = clock.timed(budgets.compute_team_budgets)
    return budgets.sync_team_budgets


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_kib() -> int:
    """This process's own peak RSS. Not ru_maxrss: Linux keeps it across exec, so a child forked from
    the benchmark (which holds the whole dataset and the stand-ins) would report the parent's size."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run(flow: str, config: str, today: str, profile: Path | None) -> dict[str, Any]:
    clock = DomainClock()
    sync = flow_under_test(flow, clock)
    profiler = cProfile.Profile() if profile else None
    cpu0, wall0 = cpu_seconds(), time.perf_counter()
    error = None
    if profiler:
        profiler.enable()
    try:
        report = sync(config_path=config, today=today)
        cells = report.cells_written
    except Exception:  # the parent reports the failure with its figures
        error, cells = traceback.format_exc(limit=8), None
    finally:
        if profiler:
            profiler.disable()
    wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
    if profiler and profile:
        profiler.dump_stats(str(profile))
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "domain_cpu_s": round(clock.cpu_s, 3),
        "peak_rss_mb": round(peak_rss_kib() / 1024, 1),
        "cells_written": cells,
        "error": error,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--flow", choices=FLOWS, required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--today", required=True)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--profile", type=Path, default=None, help="write cProfile stats here")
    args = parser.parse_args(argv)
    result = run(args.flow, args.config, args.today, args.profile)
    args.out.write_text(json.dumps(result), encoding="utf-8")
    return 0 if result["error"] is None else 1


if __name__ == "__main__":
    sys.exit(main())
