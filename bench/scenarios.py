"""Benchmark sizes, the shared Prefect API, and one flow run measured against the stand-ins.

Each run is a child process (`bench.child`) against one Prefect API server started for the whole
benchmark, as a deployment's runs are against a Prefect server; the stand-ins run in this process.
Requests are counted where they arrive: in each stand-in's request log.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flows.sandbox_env import SANDBOX_SECRETS, SandboxEnvironment
from sandbox.demo_org import generate

TODAY = date(2026, 11, 25)
SHEETS_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
READ_ONLY_POSTS = ("values:batchGetByDataFilter", ":getByDataFilter")


@dataclass(frozen=True)
class Size:
    """`issues` is the generated total; about 78 % of them are open and assigned (what the flow reads),
    so the totals below give the issue's open-issue counts (10,000 for M)."""

    name: str
    people: int
    teams: int
    issues: int
    worklog_issues: int
    heavy_worklog_issues: int
    ledger_rows: int

    def dataset(self) -> dict[str, Any]:
        return generate(
            people=self.people,
            teams=self.teams,
            issues=self.issues,
            worklog_issues=self.worklog_issues,
            heavy_worklog_issues=self.heavy_worklog_issues,
            ledger_rows=self.ledger_rows,
            today=TODAY,
        )


SIZES = {
    "S": Size(
        "S", people=50, teams=5, issues=640, worklog_issues=96, heavy_worklog_issues=10, ledger_rows=120
    ),
    "M": Size("M", 500, 40, 12_800, 1_920, 192, 1_200),
    "L": Size("L", 3_000, 200, 76_800, 11_520, 1_152, 7_200),
}


@dataclass
class RunFigures:
    """What one flow run cost, seen from both ends."""

    flow: str
    phase: str
    wall_s: float
    cpu_s: float
    domain_cpu_s: float
    peak_rss_mb: float
    cells_written: int | None
    error: str | None
    requests: dict[str, int]  # per system
    routes: dict[str, dict[str, int]]  # per system: "METHOD path" -> count
    statuses: dict[str, dict[str, int]]  # per system: status -> count
    sheets_reads: int
    sheets_writes: int
    sheets_failed_writes: int
    jira_bytes: int
    jira_search_bytes: int


@contextmanager
def prefect_api(home: Path) -> Iterator[dict[str, str]]:
    """One Prefect API server (SQLite under `home`) for every run of the benchmark."""
    from prefect.server.api.server import SubprocessASGIServer

    home.mkdir(parents=True, exist_ok=True)
    saved = {k: os.environ.get(k) for k in ("PREFECT_HOME", "PREFECT_SERVER_ANALYTICS_ENABLED")}
    os.environ["PREFECT_HOME"] = str(home)
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    # An explicit port: SubprocessASGIServer() without one is Prefect's process-wide singleton, the very
    # server a test harness in the same process runs on, and stopping it here would stop theirs.
    server = SubprocessASGIServer(port=_free_port())
    server.start(timeout=120)
    child_env = client_env(server.api_url) | {"PREFECT_HOME": str(home)}
    try:
        warm_up(child_env)
        yield child_env
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def client_env(api_url: str) -> dict[str, str]:
    """What a child needs to report its flow runs to the API at `api_url`."""
    return {
        "PREFECT_API_URL": api_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }


def warm_up(prefect_env: dict[str, str]) -> None:
    """A long-running server has its flow registered and its services settled; so should ours."""
    script = "from prefect import flow\nflow(name='bench warm-up')(lambda: None)()\n"
    subprocess.run([sys.executable, "-c", script], env={**os.environ, **prefect_env}, check=True,
                   capture_output=True)  # fmt: skip
    time.sleep(2)


def sheets_user(label: str) -> str:
    """A Sheets identity per run: scheduled runs are minutes apart, so one run never inherits the
    previous run's quota window; the quota still applies in full within the run."""
    return json.dumps({"type": "authorized_user", "token": f"bench-{label}"})


def clear_logs(env: SandboxEnvironment) -> None:
    for service in env.services.values():
        service.log.clear()
    env.jira.bytes_by_route.clear()
    env.jira.bytes_sent = 0


def is_sheets_write(method: str, path: str) -> bool:
    return method in SHEETS_WRITE_METHODS and not path.endswith(READ_ONLY_POSTS)


def count_requests(env: SandboxEnvironment) -> dict[str, Any]:
    requests, routes, statuses = {}, {}, {}
    reads = writes = failed_writes = 0
    for system, service in env.services.items():
        entries = service.log.entries
        requests[system] = len(entries)
        routes[system] = dict(Counter(f"{e.method} {e.path}" for e in entries))
        statuses[system] = {str(k): v for k, v in Counter(e.status for e in entries).items()}
        if system == "sheets":
            for e in entries:
                if is_sheets_write(e.method, e.path):
                    writes += 1
                    failed_writes += e.status >= 400
                else:
                    reads += 1
    return {
        "requests": requests,
        "routes": routes,
        "statuses": statuses,
        "sheets_reads": reads,
        "sheets_writes": writes,
        "sheets_failed_writes": failed_writes,
        "jira_bytes": env.jira.bytes_sent,
        "jira_search_bytes": sum(n for route, n in env.jira.bytes_by_route.items() if "/search" in route),
    }


def run_flow(
    env: SandboxEnvironment,
    flow: str,
    phase: str,
    prefect_env: dict[str, str],
    work: Path,
    profile: bool = False,
) -> RunFigures:
    """One measured run of `flow` in a child process; requests counted from a clean log."""
    clear_logs(env)
    work.mkdir(parents=True, exist_ok=True)
    out = work / f"{flow}-{phase}.json"
    child_env = {**os.environ, **SANDBOX_SECRETS, **prefect_env}
    child_env["OPSHEETS_SANDBOX_GOOGLE"] = sheets_user(f"{flow}-{phase}")
    command = [sys.executable, "-m", "bench.child", "--flow", flow, "--config", str(env.config_path),
               "--today", TODAY.isoformat(), "--out", str(out)]  # fmt: skip
    if profile:
        command += ["--profile", str(work / f"{flow}-{phase}.prof")]
    with (work / f"{flow}-{phase}.log").open("w", encoding="utf-8") as log:
        subprocess.run(command, env=child_env, stdout=log, stderr=subprocess.STDOUT, check=False)
    if not out.exists():
        raise RuntimeError(f"bench: the {flow} {phase} run died; see {work / f'{flow}-{phase}.log'}")
    measured = json.loads(out.read_text(encoding="utf-8"))
    return RunFigures(flow=flow, phase=phase, **measured, **count_requests(env))
