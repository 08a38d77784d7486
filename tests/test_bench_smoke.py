"""The benchmark at size S, no latency: its counts agree with the lower bounds computed from the dataset,
and results.json carries every key the report promises. No timing is asserted."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import date
from typing import Any

import pytest

from bench import lower_bound as lb
from bench.run import main
from bench.scenarios import SIZES

KEYS = {"requests", "lower_bound", "wall_s", "cpu_s", "peak_rss_mb", "rerun_writes", "peers"}


def issue(
    key: str, project: str, *, worklogs: int = 0, done: bool = False, assignee: str | None = "a"
) -> dict:
    stamp = "2026-11-20T09:00:00.000+0000"
    return {
        "key": key, "project": project, "assignee": assignee,
        "statusCategory": "done" if done else "new",
        "worklogs": [{"started": stamp, "timeSpentSeconds": 60}] * worklogs,
    }  # fmt: skip


def test_jira_bound_counts_pages_at_the_cap_and_one_fetch_per_truncated_issue() -> None:
    issues = [issue(f"A-{n}", "A", worklogs=21 if n < 3 else 20) for n in range(150)]
    issues += [issue(f"B-{n}", "B") for n in range(60)]
    issues += [issue("B-done", "B", worklogs=30, done=True), issue("B-nobody", "B", assignee=None)]
    dataset = {"today": "2026-11-25", "jira": {"issues": issues, "projects": []}}
    bound = lb.jira_bound(dataset)
    # planned: ceil(210 / 100) = 3 pages in one chain; then one page of done or unassigned work in the
    # window (B-done; B-nobody logged nothing)
    assert (bound.matched_issues, bound.logged_issues, bound.search_pages) == (210, 1, 3 + 1)
    assert bound.truncated_issues == 4 and bound.worklog_requests == 4  # > 20 embedded: A-0..2, B-done
    assert bound.longest_partition_pages == 2 and bound.requests == lb.DISCOVERY + 4 + 4


def test_quota_floor() -> None:
    assert [lb.quota_floor_s(n) for n in (0, 1, 60, 61, 121)] == [0.0, 0.0, 0.0, 60.0, 120.0]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> list[dict[str, Any]]:
    from prefect.settings import PREFECT_API_URL

    out = tmp_path_factory.mktemp("bench")
    # The session's Prefect API serves the bench's child runs: one server start fewer in `make test`.
    api = str(PREFECT_API_URL.value())
    code = main(
        ["--size", "S", "--latency-ms", "0", "--peer-sample", "5", "--out", str(out), "--no-markdown",
         "--prefect-api-url", api]
    )  # fmt: skip
    assert code == 0
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def by_flow(results: list[dict[str, Any]], flow: str) -> dict[str, Any]:
    return next(r for r in results if r["flow"] == flow and r["size"] == "S")


def test_results_json_has_every_key_per_size_and_flow(results: list[dict[str, Any]]) -> None:
    assert sorted(r["flow"] for r in results) == ["availability", "budgets"]
    for result in results:
        assert result.keys() >= KEYS and result["error"] is None
        assert (
            result["requests"]["sheets"]
            == result["requests"]["sheets_reads"] + result["requests"]["sheets_writes"]
        )


def test_availability_counts_against_the_lower_bound(results: list[dict[str, Any]]) -> None:
    result, dataset = by_flow(results, "availability"), SIZES["S"].dataset()
    bound = lb.jira_bound(dataset)
    routes = result["routes"]["first"]["jira"]
    per_project = Counter(i["project"] for i in dataset["jira"]["issues"] if lb.open_assigned(i))
    planning = sum(math.ceil(n / 100) for n in per_project.values())
    assert routes["POST /rest/api/3/search/jql"] == planning + max(1, math.ceil(bound.logged_issues / 100))
    assert sum(n for r, n in routes.items() if r.endswith("/worklog")) == bound.worklog_requests
    for system in ("jira", "bamboohr", "sheets"):
        assert result["requests"][system] >= result["lower_bound"][system]  # a lower bound must hold
    assert result["lower_bound"]["jira"] == bound.requests and result["requests"]["bamboohr"] == 3
    assert result["rerun_writes"] == 0 and result["human_column"] == "kept"


def test_budgets_meet_the_sheets_lower_bound_and_peers_lose_the_human_column(
    results: list[dict[str, Any]],
) -> None:
    result = by_flow(results, "budgets")
    teams = len(SIZES["S"].dataset()["teams"])
    assert result["lower_bound"]["sheets"] == 1 + 2 * (teams + 1)
    assert result["lower_bound"]["sheets"] <= result["requests"]["sheets"] <= 2 + 3 * (teams + 1)
    assert result["rerun_writes"] == 0 and result["sheets_failed_writes"] == 0
    peer = result["peers"]["gspread_dataframe"]
    assert peer["human_column"] == "lost" and peer["rerun"]["writes"] > 0
    availability_peers = by_flow(results, "availability")["peers"]
    assert availability_peers["airbyte_worklogs"]["requests"] == len(SIZES["S"].dataset()["jira"]["issues"])
    assert availability_peers["jira_package_search"]["without_server_info"].startswith("410")


def test_today_is_fixed() -> None:
    assert SIZES["S"].dataset()["today"] == date(2026, 11, 25).isoformat()
