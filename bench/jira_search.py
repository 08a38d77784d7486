"""The `jira` package's issue search beside opsheets' Jira connector, on the same query and stand-in.

    python -m bench.jira_search --size M

Each client searches in a process of its own (the stand-in and the dataset stay in this one), so the
peak RSS is the client's: its imports, the pages and the issues it keeps. The stand-in counts the
requests and bytes each search drew. The package's `search_issues(jql, maxResults=False)` asks for
every field (`*all`); the connector asks for the fields the flows read, worklogs embedded, and fetches
the worklogs of issues with more than Jira embeds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.child import peak_rss_kib
from bench.scenarios import SIZES
from connectors.jira import open_assigned_jql
from flows.sandbox_env import JIRA_EMAIL, SANDBOX_SECRETS, sandbox_environment
from sandbox.core import Knobs

CLIENTS = ("jira-package", "opsheets")


def search(client: str, url: str, jql: str) -> int:
    """The issues `client` finds for `jql` at `url`."""
    token = SANDBOX_SECRETS["JIRA_API_TOKEN"]
    if client == "jira-package":
        from jira import JIRA

        return len(JIRA(server=url, basic_auth=(JIRA_EMAIL, token)).search_issues(jql, maxResults=False))
    from connectors.jira import JiraConnector

    return len(JiraConnector(url, email=JIRA_EMAIL, api_token=token).search_issues(jql))


def child(client: str, url: str, jql: str) -> dict[str, Any]:
    start = time.perf_counter()
    issues = search(client, url, jql)
    return {"issues": issues, "wall_s": round(time.perf_counter() - start, 2),
            "peak_rss_mb": round(peak_rss_kib() / 1024, 1)}  # fmt: skip


def measure(size: str, latency_s: float) -> list[dict[str, Any]]:
    dataset = SIZES[size].dataset()
    jql = open_assigned_jql([p["key"] for p in dataset["jira"]["projects"]])
    knobs = {"jira": Knobs(latency_s=latency_s)}
    rows = []
    with tempfile.TemporaryDirectory() as work, sandbox_environment(dataset, Path(work), knobs=knobs) as env:
        jira = env.services["jira"]
        for client in CLIENTS:
            requests_before, bytes_before = len(jira.log.entries), env.jira.bytes_sent
            argv = [
                sys.executable,
                "-m",
                "bench.jira_search",
                "--child",
                client,
                "--url",
                jira.url,
                "--jql",
                jql,
            ]
            done = subprocess.run(argv, capture_output=True, text=True, check=True, env=os.environ.copy())
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            sent = jira.log.entries[requests_before:]
            routes = Counter(re.sub(r"/issue/[^/]+/", "/issue/{key}/", e.path) for e in sent)
            figures |= {"client": client, "size": size, "requests": len(sent), "routes": dict(routes),
                        "mb_sent": round((env.jira.bytes_sent - bytes_before) / 1e6, 1)}  # fmt: skip
            rows.append(figures)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.jira_search", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="M")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="per request, as in the benchmark")
    parser.add_argument("--child", choices=CLIENTS, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--jql", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.url, args.jql)))
        return 0
    for row in measure(args.size, args.latency_ms / 1000):
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
