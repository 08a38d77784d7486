"""`python -m bench --size M`: run both flows against the sandbox, then the peers, and report.

Per size: generate the organisation, start the stand-ins (Sheets through the Google stand-in with
its per-user quota), and for each flow a first run and an unchanged rerun (a human adds a column to
a tab in between, which must survive). Then the peer strategies on the same data.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import lower_bound as lb
from bench import peers
from bench.report import print_table, targets, write_json, write_results_md
from bench.scenarios import SIZES, TODAY, RunFigures, Size, client_env, prefect_api, run_flow
from connectors.http import RetryPolicy
from flows.sandbox_env import SandboxEnvironment, sandbox_environment
from sandbox.core import Knobs

OUT = Path(__file__).parent / "out"
ROOT = Path(__file__).parent.parent
MEASURED = ("connectors", "domain", "flows", "sandbox")
AVAILABILITY_SHEET = "resource-availability"
HUMAN_TAB = {"availability": "Issues", "budgets": "Budget"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", action="append", choices=sorted(SIZES),
                        help="S, M or L; repeat for several (default M)")  # fmt: skip
    parser.add_argument("--latency-ms", type=float, default=50.0, help="per request, every stand-in")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--flows", default="availability,budgets")
    parser.add_argument("--peer-sample", type=int, default=200, help="Airbyte-style requests actually timed")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile each flow run into out/")
    parser.add_argument("--no-markdown", action="store_true", help="do not rewrite bench/RESULTS.md")
    parser.add_argument("--prefect-api-url", help="use this running Prefect API instead of starting one")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = [SIZES[name] for name in (args.size or ["M"])]
    args.out.mkdir(parents=True, exist_ok=True)
    results: list[dict[str, Any]] = []
    if args.prefect_api_url:
        for size in sizes:
            results += run_size(size, args, client_env(args.prefect_api_url))
    else:
        home = Path(tempfile.mkdtemp(prefix="opsheets-bench-prefect-"))
        try:
            with prefect_api(home) as prefect_env:
                for size in sizes:
                    results += run_size(size, args, prefect_env)
        finally:
            shutil.rmtree(home, ignore_errors=True)
    everything = write_json(results, args.out / "results.json")
    print_table(results)
    if not args.no_markdown:
        write_results_md(everything, Path(__file__).parent / "RESULTS.md", args.latency_ms)
    return 0 if all(r["error"] is None and r["sheets_failed_writes"] == 0 for r in results) else 1


def run_size(size: Size, args: argparse.Namespace, prefect_env: dict[str, str]) -> list[dict[str, Any]]:
    dataset = size.dataset()
    latency = args.latency_ms / 1000
    knobs = {name: Knobs(latency_s=latency) for name in ("jira", "bamboohr", "sheets", "intercom")}
    work = args.out / size.name
    shutil.rmtree(work, ignore_errors=True)
    results = []
    # The production read timeout (60 s), not the sandbox's test setting (10 s): L's one write of
    # 868,454 cells takes the stand-in longer than 10 s, and users run with the default.
    overrides = {"http": {"read_timeout_s": RetryPolicy().read_timeout_s}}
    with sandbox_environment(
        dataset, work / "env", sheets="google", knobs=knobs, config_overrides=overrides
    ) as env:
        # This process holds the dataset and every stand-in's state (millions of objects): frozen, the
        # garbage collector stops rescanning them in the middle of the stand-ins' answers.
        gc.freeze()
        for flow in args.flows.split(","):
            load_before = os.getloadavg()[0]
            result = run_pair(env, size, flow, args, prefect_env, work)
            # Other work on the machine slows every figure of time; say how busy it was.
            result["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
            result["code"] = code_version()
            if not args.no_peers:
                result["peers"] = run_peers(env, flow, args)
            results.append(result)
    return results


def code_version() -> dict[str, Any]:
    """The commit measured, and which measured files differed from it (others may be mid-change)."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=False, cwd=ROOT)
        return done.stdout.strip()

    changed = [line[3:] for line in git("status", "--porcelain", "--", *MEASURED).splitlines()]
    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted": changed}


def human_spreadsheet(env: SandboxEnvironment, flow: str) -> str:
    return AVAILABILITY_SHEET if flow == "availability" else sorted(env.team_keys.values())[0]


def run_pair(
    env: SandboxEnvironment, size: Size, flow: str, args: argparse.Namespace, prefect_env: dict[str, str],
    work: Path,
) -> dict[str, Any]:  # fmt: skip
    """A first run and an unchanged rerun; a human column is added in between and must survive."""
    first = run_flow(env, flow, "first", prefect_env, work, profile=args.profile)
    sheet, tab = human_spreadsheet(env, flow), HUMAN_TAB[flow]
    if first.error is None:
        peers.add_human_column(env, sheet, tab)
    rerun = run_flow(env, flow, "rerun", prefect_env, work, profile=args.profile)
    bound = (lb.availability_bound if flow == "availability" else lb.budgets_bound)(env.dataset)
    kept = peers.human_column_kept(env, sheet, tab)
    return summarise(size, flow, first, rerun, bound, args.latency_ms / 1000, kept)


def summarise(
    size: Size,
    flow: str,
    first: RunFigures,
    rerun: RunFigures,
    bound: lb.FlowBound,
    latency_s: float,
    human_column_kept: bool,
) -> dict[str, Any]:
    """One results.json object: the first run's figures at the top level, the rerun's beside them."""
    requests = {k: v for k, v in first.requests.items() if v or k != "intercom"}
    requests |= {"sheets_reads": first.sheets_reads, "sheets_writes": first.sheets_writes}
    lower = {"jira": bound.jira, "bamboohr": bound.bamboohr, "sheets": bound.sheets_first,
             "sheets_writes": bound.sheets_first_writes, "sheets_rerun": bound.sheets_rerun}  # fmt: skip
    chain_s = bound.chain_first * latency_s
    result = {
        "size": size.name,
        "flow": flow,
        "today": TODAY.isoformat(),
        "latency_ms": round(latency_s * 1000, 1),
        "requests": requests,
        "lower_bound": lower,
        "ratio": {k: round(requests.get(k, 0) / v, 3) for k, v in lower.items() if v and k in requests},
        "wall_s": first.wall_s,
        "cpu_s": first.cpu_s,
        "domain_cpu_s": first.domain_cpu_s,
        "peak_rss_mb": max(first.peak_rss_mb, rerun.peak_rss_mb),
        "cells_written": first.cells_written,
        "rerun_writes": rerun.sheets_writes,
        "rerun": {
            "requests": rerun.requests,
            "sheets_reads": rerun.sheets_reads,
            "wall_s": rerun.wall_s,
            "cpu_s": rerun.cpu_s,
            "domain_cpu_s": rerun.domain_cpu_s,
            "peak_rss_mb": rerun.peak_rss_mb,
            "cells_written": rerun.cells_written,
        },
        "jira_bytes": first.jira_bytes,
        "jira_search_bytes": first.jira_search_bytes,
        "sheets_failed_writes": first.sheets_failed_writes + rerun.sheets_failed_writes,
        "sheets_statuses": {
            "first": first.statuses.get("sheets", {}),
            "rerun": rerun.statuses.get("sheets", {}),
        },
        "longest_chain_requests": bound.chain_first,
        "wall_target_s": round(1.3 * chain_s + 10, 2),
        "quota_floor_s": lb.quota_floor_s(max(first.sheets_writes, first.sheets_reads)),
        "routes": {"first": first.routes, "rerun": rerun.routes},
        "error": first.error or rerun.error,
        "human_column": "kept" if human_column_kept else "lost",
    }
    result["targets"] = targets(result)
    return result


def run_peers(env: SandboxEnvironment, flow: str, args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    figures: dict[str, Any]
    if flow == "availability":
        figures = {
            "airbyte_worklogs": peers.airbyte_worklogs(env, args.peer_sample),
            "jira_package_search": peers.jira_package_search(env),
            "gspread_dataframe": peers.gspread_dataframe_rewrite(env, AVAILABILITY_SHEET, HUMAN_TAB[flow]),
        }
    else:
        sample = sorted(env.team_keys.values())[:1]
        per_sheet = [peers.gspread_dataframe_rewrite(env, key, HUMAN_TAB[flow]) for key in sample]
        figures = {"gspread_dataframe": per_sheet[0] | {"spreadsheets": len(env.team_keys) + 1,
                                                        "measured_spreadsheets": len(sample)}}  # fmt: skip
    figures["wall_s"] = round(time.perf_counter() - started, 1)
    return figures
