"""The demo organisation generator: deterministic, exact sizes, realistic shapes, consistent references."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from sandbox.demo_org import SCHEMA_VERSION, dump, generate, load

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def demo() -> dict:
    return generate(today=TODAY)


def test_same_seed_gives_identical_json_whatever_the_global_random_state() -> None:
    random.seed(1)
    first = json.dumps(generate(today=TODAY, seed=3))
    random.seed(99)
    random.random()
    assert json.dumps(generate(today=TODAY, seed=3)) == first


def test_different_seed_gives_a_different_dataset() -> None:
    assert json.dumps(generate(today=TODAY, seed=1)) != json.dumps(generate(today=TODAY, seed=2))


def test_size_knobs_are_exact() -> None:
    data = generate(people=37, teams=4, issues=123, time_off=55, ledger_rows=45, today=TODAY)
    assert len(data["bamboohr"]["employees"]) == 37
    assert len(data["teams"]) == len(data["jira"]["projects"]) == 4
    assert len(data["jira"]["issues"]) == 123
    assert len(data["bamboohr"]["time_off"]) == 55
    assert len(data["ledger"]) == 45
    assert len({t["name"] for t in data["teams"]}) == 4


def test_worklog_knobs_are_exact() -> None:
    data = generate(people=30, teams=3, issues=200, worklog_issues=50, heavy_worklog_issues=7, today=TODAY)
    counts = [len(i["worklogs"]) for i in data["jira"]["issues"]]
    assert sum(1 for n in counts if n > 0) == 50
    assert sum(1 for n in counts if n > 20) == 7
    assert max(counts) <= 60


def test_worklog_defaults_are_a_fifth_of_issues_and_a_tenth_of_those_heavy(demo: dict) -> None:
    counts = [len(i["worklogs"]) for i in demo["jira"]["issues"]]
    assert sum(1 for n in counts if n > 0) == 60
    assert sum(1 for n in counts if n > 20) == 6


def test_more_heavy_than_worklog_issues_is_refused() -> None:
    with pytest.raises(ValueError, match="heavy_worklog_issues"):
        generate(issues=10, worklog_issues=2, heavy_worklog_issues=3, today=TODAY)


def test_ledger_has_every_kind_of_bad_row(demo: dict) -> None:
    teams = {t["name"] for t in demo["teams"]}
    rows = demo["ledger"]
    assert len(rows) == 60
    kinds = Counter(_ledger_problem(row, teams) for row in rows)
    for kind in ("text amount", "comma decimal", "unknown team", "other currency", "bad date", "empty"):
        assert kinds[kind] >= 1, kind
    assert kinds[None] >= 40


def _ledger_problem(row: dict, teams: set[str]) -> str | None:
    if not any(row.values()):
        return "empty"
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["Date"]):
        return "bad date"
    if re.fullmatch(r"\d+,\d+", row["Amount"]):
        return "comma decimal"
    if not re.fullmatch(r"\d+\.\d{2}", row["Amount"]):
        return "text amount"
    if row["Team"] not in teams:
        return "unknown team"
    return "other currency" if row["Currency"] != "EUR" else None


def test_people_are_realistic(demo: dict) -> None:
    people = demo["bamboohr"]["employees"]
    assert len({p["country"] for p in people}) >= 3
    assert all(isinstance(p["id"], str) for p in people)
    assert len({p["workEmail"] for p in people}) == len(people)
    leavers = [p for p in people if p["status"] == "Inactive"]
    assert leavers and all(p["terminationDate"] != "0000-00-00" for p in leavers)
    joiners = [p for p in people if p["hireDate"].startswith("2026-") and p["status"] == "Active"]
    assert joiners and all(p["hireDate"] <= TODAY.isoformat() for p in joiners)
    assert any(p["employmentHistoryStatus"] == "Contractor" for p in people)
    leads = {t["lead_email"] for t in demo["teams"]}
    assert all(p["status"] == "Active" for p in people if p["workEmail"] in leads)


def test_job_history_has_mid_quarter_transfers_ending_in_the_current_team(demo: dict) -> None:
    team_of = {p["id"]: p["department"] for p in demo["bamboohr"]["employees"]}
    rows_by_person: dict[str, list[dict]] = {}
    for row in demo["bamboohr"]["job_info"]:
        rows_by_person.setdefault(row["employeeId"], []).append(row)
    assert set(rows_by_person) == set(team_of)
    movers = {
        pid: sorted(rows, key=lambda r: r["date"]) for pid, rows in rows_by_person.items() if len(rows) > 1
    }
    assert len(movers) >= 2
    for pid, rows in movers.items():
        assert rows[0]["department"] != rows[-1]["department"] == team_of[pid]
        assert rows[-1]["date"] == "2026-11-15"  # 15th of the quarter's second month


def test_jira_users_mostly_match_employees_one_has_no_employee(demo: dict) -> None:
    emails = {p["workEmail"] for p in demo["bamboohr"]["employees"]}
    users = demo["jira"]["users"]
    matched = [u for u in users if u["emailAddress"] in emails]
    hidden = [u for u in users if u["emailAddress"] is None]
    strangers = [u for u in users if u["emailAddress"] and u["emailAddress"] not in emails]
    assert len(matched) > len(users) // 2 and hidden and len(strangers) == 1


def test_issue_references_and_estimates_are_consistent(demo: dict) -> None:
    jira = demo["jira"]
    accounts = {u["accountId"] for u in jira["users"]}
    sprints = {s["id"] for s in jira["sprints"]}
    versions = {v["id"] for v in jira["versions"]}
    oldest = datetime.combine(TODAY - timedelta(weeks=8), datetime.min.time())
    for issue in jira["issues"]:
        assert issue["assignee"] is None or issue["assignee"] in accounts
        assert set(issue["sprint_ids"]) <= sprints and set(issue["fix_version_ids"]) <= versions
        for log in issue["worklogs"]:
            assert log["author"] in accounts
            started = datetime.strptime(log["started"], "%Y-%m-%dT%H:%M:%S.%f%z").replace(tzinfo=None)
            assert oldest <= started < datetime.combine(TODAY, datetime.min.time())
        if issue["worklogs"]:
            assert issue["timespent"] == sum(w["timeSpentSeconds"] for w in issue["worklogs"])
    worklog_ids = [w["id"] for i in jira["issues"] for w in i["worklogs"]]
    assert len(set(worklog_ids)) == len(worklog_ids)


def test_issues_cover_the_shapes_the_flows_must_handle(demo: dict) -> None:
    issues = demo["jira"]["issues"]
    open_issues = [i for i in issues if i["statusCategory"] != "done"]
    assert sum(1 for i in issues if i["timeoriginalestimate"] is None and i["timeestimate"] is None) == 2
    assert any(i["timeestimate"] is None and i["timeoriginalestimate"] and i["timespent"] for i in issues)
    assert any(i["duedate"] and i["duedate"] < TODAY.isoformat() for i in open_issues)
    assert any(not (i["duedate"] or i["sprint_ids"] or i["fix_version_ids"]) for i in open_issues)
    assert any(i["summary"].startswith("=") for i in issues)
    states = Counter((s["project"], s["state"]) for s in demo["jira"]["sprints"])
    assert all(states[(p["key"], "active")] == 1 for p in demo["jira"]["projects"])


def test_time_off_has_every_shape(demo: dict) -> None:
    requests = demo["bamboohr"]["time_off"]
    assert {r["status"] for r in requests} == {"approved", "requested", "denied"}
    approved = [r for r in requests if r["status"] == "approved"]
    assert any("0.5" in r["dates"].values() and r["unit"] == "days" for r in approved)
    assert any(r["unit"] == "hours" and "8" in r["dates"].values() for r in approved)
    for r in requests:
        assert min(r["dates"]) == r["start"] and max(r["dates"]) == r["end"]
    assert len(demo["bamboohr"]["holidays"]) == 3


def test_dump_then_load_round_trips(tmp_path: Path, demo: dict) -> None:
    path = tmp_path / "sub" / "dataset.json"
    dump(demo, path)
    assert load(path) == demo


def test_load_refuses_another_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"schema": SCHEMA_VERSION + 1}))
    with pytest.raises(ValueError, match="schema 2 is not supported"):
        load(path)


def test_load_names_missing_parts(tmp_path: Path) -> None:
    path = tmp_path / "partial.json"
    path.write_text(json.dumps({"schema": SCHEMA_VERSION, "seed": 1, "today": "2026-01-01"}))
    with pytest.raises(ValueError, match="missing currency, teams, bamboohr, jira, ledger"):
        load(path)


def test_benchmark_size_m_has_the_shape_the_bench_expects() -> None:
    data = generate(
        people=500, teams=40, issues=10_000, worklog_issues=1_500, heavy_worklog_issues=150, today=TODAY
    )
    counts = [len(i["worklogs"]) for i in data["jira"]["issues"]]
    assert (len(counts), sum(n > 0 for n in counts), sum(n > 20 for n in counts)) == (10_000, 1_500, 150)
    assert len(data["teams"]) == 40 and len({p["key"] for p in data["jira"]["projects"]}) == 40
