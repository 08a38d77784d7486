"""End to end as an operator runs it: a real `prefect server` (SQLite in a temporary PREFECT_HOME),
`prefect deploy --all` from the repo's prefect.yaml, a process worker on the `opsheets` pool, and the
sandbox on loopback. A deployment run must complete, write its workbook and leave its artifacts; a
second run triggered while the first runs must wait for it (concurrency_limit 1), never overlap.

Nothing here depends on how fast the machine is. The API is spoken to through Prefect's own HTTP
client, which retries 503 (the server's SQLite briefly busy) and 429 with backoff as workers do. The
first run is held in flight by slow stand-ins until the second is seen waiting for its slot, then
released; every wait ends on the condition it waits for, under a ceiling a loaded machine cannot hit.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from openpyxl import load_workbook
from prefect.client.base import PrefectHttpxSyncClient

from flows.deployments import PROJECT_DIR
from flows.sandbox_env import sandbox_environment
from sandbox.core import Knobs
from sandbox.demo_org import generate

PREFECT = str(Path(sys.executable).with_name("prefect"))
TERMINAL = {"COMPLETED", "FAILED", "CANCELLED", "CRASHED"}
# While held, each Jira/BambooHR request waits this long: the first run stays RUNNING until released.
HOLD_LATENCY_S = 2.0
# Ceilings only: each wait returns as soon as its condition holds.
SERVER_START_S, RUN_START_S, RUN_FINISH_S = 600, 600, 900


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prefect_env(home: Path, api_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_API_URL=api_url,
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED="false",  # only the runs this test triggers
        PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS="1",
        PREFECT_WORKER_QUERY_SECONDS="1",
    )
    return env


@contextmanager
def background(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A subprocess whose whole tree (the worker's flow-run processes too) is killed on exit."""
    with log.open("wb") as out:
        proc = subprocess.Popen(args, env=env, cwd=PROJECT_DIR, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            kill_tree(proc.pid)


def kill_tree(pid: int) -> None:
    try:
        parent = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    processes = [*parent.children(recursive=True), parent]
    for process in processes:
        with suppress(psutil.NoSuchProcess):
            process.terminate()
    _, alive = psutil.wait_procs(processes, timeout=10)
    for process in alive:
        process.kill()


def run_cli(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [PREFECT, *args], env=env, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"prefect {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def wait_for(what: str, check: Any, timeout_s: float, interval_s: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval_s)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def healthy(api: httpx.Client) -> bool:
    try:
        return api.get("/health").status_code == 200
    except httpx.HTTPError:  # not listening yet, or still starting up
        return False


def state_of(api: httpx.Client, run_id: str) -> str:
    return str(api.get(f"/flow_runs/{run_id}").json()["state"]["type"])


def state_name_of(api: httpx.Client, run_id: str) -> str:
    return str(api.get(f"/flow_runs/{run_id}").json()["state"]["name"])


def parsed(stamp: str | None) -> datetime:
    assert stamp, "a run that ran has a start and an end time"
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def test_deployment_runs_on_a_worker_one_at_a_time(tmp_path: Path) -> None:
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    dataset = generate(today=date(2026, 11, 25))
    knobs = {"jira": Knobs(latency_s=HOLD_LATENCY_S), "bamboohr": Knobs(latency_s=HOLD_LATENCY_S)}
    started = time.monotonic()
    with (
        sandbox_environment(dataset, tmp_path / "out", knobs=knobs) as sandbox,
        PrefectHttpxSyncClient(base_url=api_url, timeout=60) as api,
    ):
        env = prefect_env(tmp_path / "prefect-home", api_url)  # after the sandbox set its secrets
        server_args = [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)]
        with background(server_args, env, tmp_path / "server.log"):
            wait_for("the Prefect server", lambda: healthy(api), SERVER_START_S, 0.5)
            laps = [("server up", time.monotonic())]
            run_cli(["work-pool", "create", "opsheets", "--type", "process"], env)
            run_cli(["--no-prompt", "deploy", "--all"], env)
            laps.append(("deployed", time.monotonic()))
            deployment = deployment_named(api, "availability")
            assert deployment["global_concurrency_limit"]["limit"] == 1
            assert deployment["concurrency_options"]["collision_strategy"] == "ENQUEUE"
            worker_args = [PREFECT, "worker", "start", "--pool", "opsheets", "--type", "process"]
            with background(worker_args, env, tmp_path / "worker.log"):
                params = {"config_path": str(sandbox.config_path)}
                first = trigger(api, deployment["id"], params)
                wait_for("the first run to start", lambda: state_of(api, first) == "RUNNING", RUN_START_S)
                laps.append(("first run running", time.monotonic()))
                second = trigger(api, deployment["id"], params)
                wait_for(
                    "the second run to wait for the first one's slot",
                    lambda: state_name_of(api, second) == "AwaitingConcurrencySlot",
                    RUN_START_S,
                )
                assert state_of(api, first) == "RUNNING", "the first run was held until the second waited"
                release(knobs)
                laps.append(("second run waiting, first released", time.monotonic()))
                for run_id in (first, second):
                    wait_for(
                        "both runs to finish",
                        lambda r=run_id: state_of(api, r) in TERMINAL,
                        RUN_FINISH_S,
                        0.5,
                    )
                laps.append(("both runs finished", time.monotonic()))
            runs = {run_id: api_run(api, run_id) for run_id in (first, second)}
        laps.append(("everything stopped", time.monotonic()))

    print("end-to-end timings: " + ", ".join(f"{name} at {at - started:.1f} s" for name, at in laps))
    assert_first_completed_and_wrote(runs[first], tmp_path / "out")
    assert_no_overlap(runs[first], runs[second])


def release(knobs: dict[str, Knobs]) -> None:
    """The stand-ins answer at full speed from now on: the held run goes on to finish."""
    for knob in knobs.values():
        knob.latency_s = 0.0


def deployment_named(api: httpx.Client, name: str) -> dict[str, Any]:
    found = api.post("/deployments/filter", json={"deployments": {"name": {"any_": [name]}}}).json()
    assert len(found) == 1, f"expected one deployment '{name}' from prefect.yaml, got {found}"
    return dict(found[0])


def trigger(api: httpx.Client, deployment_id: str, parameters: dict[str, Any]) -> str:
    # Prefect's client retries 503 and 429 with backoff, then raises on any error status left.
    response = api.post(f"/deployments/{deployment_id}/create_flow_run", json={"parameters": parameters})
    return str(response.json()["id"])


def api_run(api: httpx.Client, run_id: str) -> dict[str, Any]:
    """The run, its state history and its artifacts, read while the server is still up."""
    run = api.get(f"/flow_runs/{run_id}").json()
    run["history"] = [s["name"] for s in api.get("/flow_run_states/", params={"flow_run_id": run_id}).json()]
    artifacts = api.post("/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [run_id]}}})
    run["artifacts"] = {a["key"]: a for a in artifacts.json()}
    return dict(run)


def assert_first_completed_and_wrote(run: dict[str, Any], out: Path) -> None:
    assert run["state"]["type"] == "COMPLETED", run["state"]
    book = load_workbook(out / "resource-availability.xlsx", read_only=True)
    assert {"Availability", "Capacity", "Issues", "People"} <= set(book.sheetnames)
    artifacts = run["artifacts"]
    assert "overbooked people" in artifacts["sync-resource-availability-summary"]["data"]
    assert artifacts["sync-resource-availability-table"]["type"] == "table"
    link = artifacts["sync-resource-availability-sheet-resource-availability"]["data"]
    assert (out / "resource-availability.xlsx").as_uri() in link


def assert_no_overlap(first: dict[str, Any], second: dict[str, Any]) -> None:
    state = second["state"]["type"]
    assert state in ("COMPLETED", "CANCELLED"), second["state"]
    assert "AwaitingConcurrencySlot" in second["history"], second["history"]
    if state == "COMPLETED":
        assert parsed(second["start_time"]) >= parsed(first["end_time"]), (first, second)


if __name__ == "__main__":  # pragma: no cover - manual run with output
    pytest.main([__file__, "-s", "-q"])
