"""Print the figures a reliability run recorded (`make chaos` calls this at the end).

python -m tests.reliability.figures out/reliability/figures.jsonl
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from connectors.transport import shorten


def load(path: Path) -> dict[str, list[dict[str, Any]]]:
    parts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                parts[row.pop("part")].append(row)
    return parts


def fault_matrix(rows: list[dict[str, Any]]) -> list[str]:
    out = ["## Fault matrix (20 % faults, sheets compared cell for cell with a fault-free run)", ""]
    out.append(
        "| flow | faults on | attempts | faults injected | time added (s) | wall / clean (s) | sheets |"
    )
    out.append("|---|---|---|---|---|---|---|")
    for r in rows:
        on = ", ".join(f"{api}: {kinds}" for api, kinds in r["faults"].items())
        attempts = sum(a["attempts"] for a in r["apis"].values())
        faults = sum(a["faults"] for a in r["apis"].values())
        sheets = "identical" if r["identical"] else "DIFFERENT"
        out.append(
            f"| {r['flow']} | {on} | {attempts} | {faults} | {r['added_s']} | "
            f"{r['wall_s']} / {r['clean_wall_s']} | {sheets} |"
        )
    faults = sum(a["faults"] for r in rows for a in r["apis"].values())
    attempts = sum(a["attempts"] for r in rows for a in r["apis"].values())
    out += ["", f"Total: {len(rows)} runs, {faults} faults injected in {attempts} requests, all survived."]
    return out


def outages(rows: list[dict[str, Any]]) -> list[str]:
    out = ["## Outages", "", "| flow | what failed | message (start) | result |", "|---|---|---|---|"]
    for r in rows:
        result = "no sheet touched" if r.get("sheets_untouched") else "others written; next run completed"
        out.append(f"| {r['flow']} | {r['source']}: {r['kind']} | {shorten(r['message'], 110)} | {result} |")
    return out


def crashes(rows: list[dict[str, Any]]) -> list[str]:
    out = ["## Crash safety (SIGKILL at a random point of a run)", ""]
    out.append(
        "| flow | backend | kills | sheets old | sheets new | neither | rerun left wrong | temp files left |"
    )
    out.append("|---|---|---|---|---|---|---|---|")
    total: Counter[str] = Counter()
    for r in rows:
        s = r["states"]
        total.update(s)
        total["kills"] += r["kills"]
        out.append(
            f"| {r['flow']} | {r['backend']} | {r['kills']} | {s.get('old', 0)} | {s.get('new', 0)} | "
            f"{s.get('neither', 0)} | {len(r.get('not_repaired', []))} | {r['temp_files_left']} |"
        )
    out += [
        "",
        f"Total: {total['kills']} kills; spreadsheets afterwards old {total['old']}, "
        f"new {total['new']}, neither {total['neither']}.",
    ]
    for r in rows:
        out += [f"- {r['flow']}/{r['backend']}: {m[:150]}" for m in r["neither"]]
    return out


def boundaries(rows: list[dict[str, Any]]) -> list[str]:
    out = ["## Death after every write request", ""]
    out += [
        "| flow | backend | boundaries | neither old nor new | not fixed by rerun |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        n, left = r["neither"], r["not_repaired_by_next_run"]
        out.append(f"| {r['flow']} | {r['backend']} | {r['boundaries']} | {len(n)} | {len(left)} |")
    return out


def soak(rows: list[dict[str, Any]]) -> list[str]:
    out = ["## Human-edit soak", ""]
    out += [
        "| backend | seed | rounds | edits | mid-run | human cells checked | lost | wrong row "
        "| owned cells on their row | refusals | s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        edits, mid = sum(r["human_edits"].values()), sum(r["mid_run_edits"].values())
        refusals = sum(r["refusals"].values())
        out.append(
            f"| {r['backend']} | {r['seed']} | {r['rounds']} | {edits} | {mid} | {r['human_cells_checked']} "
            f"| {r['lost']} | {r['wrong_row']} | {r['owned_cells_right_row']} | {refusals} | {r['seconds']} |"
        )
    messages = {kind: text for r in rows for kind, text in r["refusal_messages"].items()}
    return [*out, "", *(f"- {kind}: {text}" for kind, text in sorted(messages.items()))]


def main() -> None:
    parts = load(Path(sys.argv[1] if len(sys.argv) > 1 else "out/reliability/figures.jsonl"))
    lines: list[str] = []
    for name, render in (
        ("fault-matrix", fault_matrix),
        ("outage", outages),
        ("crash", crashes),
        ("write-boundaries", boundaries),
        ("soak", soak),
    ):
        if parts.get(name):
            lines += [*render(parts.pop(name)), ""]
    for name, rows in parts.items():  # figures other parts of the suite recorded
        lines += [f"## {name}", "", *(json.dumps(r) for r in rows), ""]
    print("\n".join(lines) if lines else "no figures recorded")


if __name__ == "__main__":
    main()
