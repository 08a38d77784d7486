"""The benchmark's outputs: targets checked, a rich table, results.json and RESULTS.md.

results.json keeps one object per (size, flow); a run replaces the objects it measured and keeps
the others, so `make bench SIZE=S`, `SIZE=M` and `SIZE=L` together fill the whole report.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

FINDINGS = Path(__file__).parent / "findings.md"
SIZE_ORDER = {"S": 0, "M": 1, "L": 2}


def per_spreadsheet(routes: dict[str, int]) -> dict[str, int]:
    """Sheets requests per spreadsheet id, from "METHOD /v4/spreadsheets/<id>[...]" routes."""
    counts: Counter[str] = Counter()
    for route, n in routes.items():
        path = route.split(" ", 1)[1]
        sid = path.removeprefix("/v4/spreadsheets/").split("/")[0].split(":")[0]
        counts[sid] += n
    return dict(counts)


def targets(result: dict[str, Any]) -> dict[str, bool]:
    """The issue's targets, checked for every size (they are stated for M)."""
    requests, lower = result["requests"], result["lower_bound"]
    sheets = per_spreadsheet(result["routes"]["first"].get("sheets", {}))
    outputs = {sid: n for sid, n in sheets.items() if sid != "budgets-ledger"}
    checks = {
        "rerun_writes_0": result["rerun_writes"] == 0,
        "wall": result["wall_s"] <= result["wall_target_s"],
        "domain_cpu_2s": result["domain_cpu_s"] <= 2.0,
        "peak_rss_500mb": result["peak_rss_mb"] <= 500,
        "no_failed_write": result["sheets_failed_writes"] == 0 and result["error"] is None,
        "human_column_kept": result.get("human_column") == "kept",
    }
    if result["flow"] == "availability":
        checks["jira_1.1x"] = requests.get("jira", 0) <= 1.1 * lower["jira"]
        checks["sheets_4"] = requests.get("sheets", 0) <= 4
    else:
        checks["sheets_3_per_spreadsheet"] = bool(outputs) and max(outputs.values()) <= 3
    return checks


def merge(existing: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """New results replace their size; a run without peers keeps the peer figures measured before."""
    replaced = {(r["size"], r["flow"]) for r in new}
    previous = {(r["size"], r["flow"]): r for r in existing}
    for result in new:
        old = previous.get((result["size"], result["flow"]), {})
        if "peers" not in result and "peers" in old:
            result["peers"] = old["peers"] | {"measured_with": old.get("code", "an earlier run")}
    kept = [r for r in existing if (r["size"], r["flow"]) not in replaced]
    return sorted(kept + new, key=lambda r: (SIZE_ORDER.get(r["size"], 9), r["flow"]))


def write_json(results: list[dict[str, Any]], path: Path) -> list[dict[str, Any]]:
    existing = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    merged = merge(existing, results)
    path.write_text(json.dumps(merged, indent=1) + "\n", encoding="utf-8")
    return merged


def ratio(value: int, bound: int) -> str:
    return f"{value} / {bound} ({value / bound:.2f}×)" if bound else str(value)


def load_text(result: dict[str, Any]) -> str:
    return "/".join(f"{x:.1f}" for x in result.get("load_average", []))


def figures_rows(results: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for r in results:
        req, low = r["requests"], r["lower_bound"]
        rows.append([
            r["size"], r["flow"],
            ratio(req.get("jira", 0), low["jira"]) if low["jira"] else "0",
            ratio(req.get("bamboohr", 0), low["bamboohr"]),
            ratio(req.get("sheets", 0), low["sheets"]),
            f"{req.get('sheets_writes', 0)}",
            str(r["rerun_writes"]),
            f"{r['wall_s']:.1f} (≤ {r['wall_target_s']:.1f})",
            f"{r['cpu_s']:.1f}", f"{r['domain_cpu_s']:.2f}", f"{r['peak_rss_mb']:.0f}",
            ", ".join(k for k, ok in r["targets"].items() if not ok) or "all met",
            f"{r.get('code', {}).get('commit', '?')} {load_text(r)}",
        ])  # fmt: skip
    return rows


HEADERS = [
    "size", "flow", "Jira req / LB", "BambooHR / LB", "Sheets req / LB", "Sheets writes",
    "rerun writes", "wall s (target)", "CPU s", "domain CPU s", "peak RSS MB", "targets missed",
    "commit, load avg before/after",
]  # fmt: skip


def peer_rows(results: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for r in results:
        peers = r.get("peers") or {}
        if "airbyte_worklogs" in peers:
            a = peers["airbyte_worklogs"]
            ours = r["requests"].get("jira", 0)
            rows.append([r["size"], "Jira worklogs, one request per issue (Airbyte)",
                         f"{a['requests']} requests, {a['wall_s_extrapolated']:.0f} s sequential*",
                         f"{ours} Jira requests in all, {r['wall_s']:.1f} s for the whole flow"])  # fmt: skip
        if "jira_package_search" in peers:
            j = peers["jira_package_search"]
            rows.append([r["size"], "jira package search_issues(maxResults=False), all fields",
                         f"search {j['search_bytes'] / 1e6:.1f} MB, {j['wall_s']:.1f} s "
                         f"({j['issues']} issues)",
                         f"search {r.get('jira_search_bytes', 0) / 1e6:.1f} MB "
                         f"({r['jira_bytes'] / 1e6:.1f} MB with worklogs)"])  # fmt: skip
        if "gspread_dataframe" in peers:
            g = peers["gspread_dataframe"]
            scale = g.get("spreadsheets", 1)
            note = f" × {scale} spreadsheets" if scale > 1 else ""
            rows.append([r["size"], f"clear + set_with_dataframe ({r['flow']}){note}",
                         f"{g['first']['requests']} req ({g['first']['writes']} writes), "
                         f"{g['first']['cells_written']} cells; rerun {g['rerun']['writes']} writes, "
                         f"{g['rerun']['cells_written']} cells; human column {g['human_column']}",
                         f"{r['requests'].get('sheets', 0)} req in all "
                         f"({r['requests'].get('sheets_writes', 0)} writes), {r['cells_written']} cells; "
                         f"rerun {r['rerun_writes']} writes; "
                         f"human column {r.get('human_column')}"])  # fmt: skip
    return rows


PEER_HEADERS = ["size", "peer strategy", "peer", "opsheets"]


def print_table(results: list[dict[str, Any]]) -> None:
    console = Console(width=None if Console().is_terminal else 200)
    for title, headers, rows in (
        ("opsheets against the lower bound", HEADERS, figures_rows(results)),
        ("peers, same data, same run", PEER_HEADERS, peer_rows(results)),
    ):
        table = Table(title=title)
        for header in headers:
            table.add_column(header)
        for row in rows:
            table.add_row(*row)
        console.print(table)


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout.strip()
    total = next((line.split()[1] for line in memory.splitlines() if line.startswith("Mem:")), "?")
    return (f"{os.cpu_count()} CPUs (`nproc`), {total} memory (`free -h`), {platform.platform()}, "
            f"Python {platform.python_version()}; the `python` machine kind of this workplace "
            f"(2 cores, 24 GiB as documented in its env notes)")  # fmt: skip


def write_results_md(everything: list[dict[str, Any]], path: Path, latency_ms: float) -> None:
    """RESULTS.md from every size in results.json, then the hand-written findings."""
    findings = FINDINGS.read_text(encoding="utf-8") if FINDINGS.exists() else ""
    parts = [
        "# opsheets benchmark results",
        "",
        f"Generated by `make bench` on {datetime.now().strftime('%Y-%m-%d %H:%M')} — {machine()}.",
        f"Every stand-in answers after {latency_ms:.0f} ms; Sheets go through the Google Sheets stand-in "
        "(gspread, real HTTP requests, 60 write and 60 read requests per minute per user enforced). "
        "Flows run as Prefect flows (one child process per run, one shared Prefect API server), as "
        "a deployment's runs do.",
        "",
        "## Figures (first run; rerun = same sources again)",
        "",
        markdown_table(HEADERS, figures_rows(everything)),
        "",
        "## Peers (same data, same run)",
        "",
        markdown_table(PEER_HEADERS, peer_rows(everything)),
        "",
        "\\* Airbyte-style time: the mean of the requests actually timed (`--peer-sample`), times the "
        "request count; the count is exact.",
        "",
        findings,
    ]
    path.write_text("\n".join(parts).rstrip() + "\n", encoding="utf-8")
