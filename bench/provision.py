"""`python -m bench.provision --size L`: what provisioning costs in Drive and Sheets requests.

The budgets flow with `budgets.provision` on, against the Sheets and Drive stand-ins (50 ms a request,
Google's per-user quotas): a first run, where no team has a spreadsheet yet (each is created in the
shared-drive folder and shared with its lead), then a steady-state run on the same data, which
should create and share nothing and read each spreadsheet's permissions once. Requests are counted
in each stand-in's request log. The organisation has the size's people, teams and ledger rows; the
budgets flow reads no Jira, so its issues are left at a token number to save generating them.
The figures go to bench/out/provision-<size>.json; bench/RESULTS.md quotes them.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from bench.scenarios import SIZES, TODAY, RunFigures, prefect_api, run_flow
from connectors.http import RetryPolicy
from flows.sandbox_env import SERVICE_ACCOUNT, SandboxEnvironment, sandbox_environment
from sandbox.core import Knobs
from sandbox.demo_org import generate

OUT = Path(__file__).parent / "out"
PHASES = ("first", "steady")
DRIVE_WRITES = ("POST", "PATCH", "DELETE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.provision", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="L")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    dataset = generate(people=size.people, teams=size.teams, issues=64, ledger_rows=size.ledger_rows,
                       conversations=4, today=TODAY)  # fmt: skip
    knobs = {
        name: Knobs(latency_s=args.latency_ms / 1000) for name in ("jira", "bamboohr", "sheets", "drive")
    }
    work = OUT / f"provision-{size.name}"
    shutil.rmtree(work, ignore_errors=True)
    home = Path(tempfile.mkdtemp(prefix="opsheets-bench-prefect-"))
    overrides = {"http": {"read_timeout_s": RetryPolicy().read_timeout_s}}
    try:
        with prefect_api(home) as prefect_env, sandbox_environment(
            dataset, work / "env", sheets="google", knobs=knobs, config_overrides=overrides, provision=True
        ) as env:  # fmt: skip
            runs = [measured(env, phase, prefect_env, work) for phase in PHASES]
            created = len(env.sheets.spreadsheets) if env.sheets else 0
    finally:
        shutil.rmtree(home, ignore_errors=True)
    result = {"size": size.name, "teams": size.teams, "people": size.people, "latency_ms": args.latency_ms,
              "spreadsheets_in_sheets_stand_in": created, **{run["phase"]: run for run in runs}}  # fmt: skip
    (OUT / f"provision-{size.name}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps({phase: summary(result[phase]) for phase in PHASES}, indent=1))
    return 0 if all(run["error"] is None for run in runs) else 1


def measured(env: SandboxEnvironment, phase: str, prefect_env: dict[str, str], work: Path) -> dict[str, Any]:
    assert env.drive is not None
    # Each run has its own Google identity (bench.scenarios.sheets_user): it is the service account.
    env.drive.accounts[f"bench-budgets-{phase}"] = SERVICE_ACCOUNT
    figures: RunFigures = run_flow(env, "budgets", phase, prefect_env, work)
    drive = env.services["drive"].log.entries
    return {
        "phase": phase,
        "error": figures.error,
        "wall_s": figures.wall_s,
        "sheets_reads": figures.sheets_reads,
        "sheets_writes": figures.sheets_writes,
        "sheets_failed_writes": figures.sheets_failed_writes,
        "drive_requests": len(drive),
        "drive_writes": sum(1 for e in drive if e.method in DRIVE_WRITES),
        "drive_statuses": dict(Counter(str(e.status) for e in drive)),
        "drive_routes": dict(Counter(f"{e.method} {_route(e.path)}" for e in drive)),
        "requests": figures.requests,
        "sheets_routes": dict(_summed(figures.routes.get("sheets", {}))),
    }


def _route(path: str) -> str:
    """/drive/v3/files/<id>/permissions → files/{fileId}/permissions: counted by operation."""
    parts = path.removeprefix("/drive/v3/").split("/")
    return (
        "/".join(["files", *(["{fileId}"] if len(parts) > 1 else []), *parts[2:3]])
        if parts[0] == "files"
        else path
    )


def _sheets_route(route: str) -> str:
    """POST /v4/spreadsheets/<key>/values:batchUpdate → …/{spreadsheetId}/values:batchUpdate (summed)."""
    return re.sub(r"^(\S+ /v4/spreadsheets/)[^/:]+", r"\1{spreadsheetId}", route)


def _summed(routes: dict[str, int]) -> Counter[str]:
    total: Counter[str] = Counter()
    for route, count in routes.items():
        total[_sheets_route(route)] += count
    return total


def summary(run: dict[str, Any]) -> dict[str, Any]:
    keys = ("wall_s", "drive_requests", "drive_writes", "sheets_reads", "sheets_writes", "drive_routes")
    return {key: run[key] for key in keys}


if __name__ == "__main__":
    raise SystemExit(main())
