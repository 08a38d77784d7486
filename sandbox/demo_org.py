"""A deterministic demo organisation: the dataset every stand-in is seeded from.

`generate(...)` builds a JSON-able dict (schema in docs/dataset.md) from a seed and a `today`;
the same arguments always give the same dataset, so a test or a benchmark can be replayed.
Nothing here reads the clock or the global random generator.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sandbox.demo_jira import generate_jira
from sandbox.demo_people import generate_bamboohr, generate_teams
from sandbox.demo_support import generate_support

SCHEMA_VERSION = 1
CURRENCY = "EUR"
TOP_LEVEL_KEYS = ("schema", "seed", "today", "currency", "teams", "bamboohr", "jira", "ledger")

_SPEND_DESCRIPTIONS = (
    "Team lunch", "Offsite venue", "Bowling night", "Escape room", "Pizza for release party",
    "Christmas dinner", "Farewell drinks", "Cooking class", "Karaoke night", "Board game cafe",
)  # fmt: skip


def generate(
    *,
    people: int = 40,
    teams: int = 5,
    issues: int = 300,
    worklog_issues: int | None = None,
    heavy_worklog_issues: int | None = None,
    time_off: int | None = None,
    ledger_rows: int = 60,
    conversations: int = 12,
    countries: tuple[str, ...] = ("DE", "GB", "FR", "ES", "NL", "US"),
    seed: int = 1,
    today: date,
) -> dict[str, Any]:
    """Build the demo organisation.

    `worklog_issues` issues carry worklogs (default a fifth of the issues), of which
    `heavy_worklog_issues` carry more than 20 (default a tenth of them); `time_off` is the number
    of time-off requests (default two per person); `conversations` the Intercom conversations (the
    first three pin a link to a missing issue, no link and a blank link; the rest link to issues).
    """
    _check_sizes(people, teams, issues, ledger_rows)
    worklog_issues = min(issues, issues // 5 if worklog_issues is None else worklog_issues)
    heavy = max(1, worklog_issues // 10) if heavy_worklog_issues is None else heavy_worklog_issues
    if heavy > worklog_issues:
        raise ValueError(f"heavy_worklog_issues ({heavy}) exceeds worklog_issues ({worklog_issues})")
    rng = random.Random(seed)
    team_names = generate_teams(teams)
    bamboohr, leads = generate_bamboohr(
        rng, team_names, people, tuple(countries), today, 2 * people if time_off is None else time_off
    )
    jira = generate_jira(rng, team_names, bamboohr["employees"], today, issues, worklog_issues, heavy)
    ledger = generate_ledger(rng, team_names, today, ledger_rows)
    intercom = generate_support(seed, today, jira, conversations)  # its own generator: the rest is unchanged
    return {
        "schema": SCHEMA_VERSION,
        "seed": seed,
        "today": today.isoformat(),
        "currency": CURRENCY,
        "teams": [{"name": name, "lead_email": leads[name]} for name in team_names],
        "bamboohr": bamboohr,
        "jira": jira,
        "ledger": ledger,
        "intercom": intercom,
    }


def _check_sizes(people: int, teams: int, issues: int, ledger_rows: int) -> None:
    if teams < 1 or people < teams:
        raise ValueError(f"need at least one person per team (people={people}, teams={teams})")
    if issues < 0 or ledger_rows < 0:
        raise ValueError("issues and ledger_rows must not be negative")


BAD_LEDGER_KINDS = ("text_amount", "comma_decimal", "unknown_team", "other_currency", "bad_date", "empty")


def generate_ledger(
    rng: random.Random, team_names: list[str], today: date, rows: int
) -> list[dict[str, str]]:
    """Spend rows as PeopleOps types them: mostly clean, a few of each kind of mistake."""
    per_kind = max(1, rows // 30) if rows >= 2 * len(BAD_LEDGER_KINDS) else 0
    bad = [
        _bad_ledger_row(rng, kind, team_names, today) for kind in BAD_LEDGER_KINDS for _ in range(per_kind)
    ]
    good = [_good_ledger_row(rng, team_names, today) for _ in range(rows - len(bad))]
    good.sort(key=lambda row: row["Date"])
    for row in bad:
        good.insert(rng.randrange(len(good) + 1), row)
    return good


def _spend_date(rng: random.Random, today: date) -> date:
    start = date(today.year, 1, 1)
    return start + timedelta(days=rng.randrange((today - start).days + 1))


def _good_ledger_row(rng: random.Random, team_names: list[str], today: date) -> dict[str, str]:
    return {
        "Date": _spend_date(rng, today).isoformat(),
        "Team": rng.choice(team_names),
        "Amount": f"{rng.randrange(2000, 40000) / 100:.2f}",
        "Currency": CURRENCY,
        "Description": rng.choice(_SPEND_DESCRIPTIONS),
    }


def _bad_ledger_row(rng: random.Random, kind: str, team_names: list[str], today: date) -> dict[str, str]:
    row = _good_ledger_row(rng, team_names, today)
    if kind == "text_amount":
        row["Amount"] = rng.choice(("about 200", "TBD", "see receipt"))
    elif kind == "comma_decimal":
        row["Amount"] = f"{rng.randrange(20, 400)},{rng.randrange(10, 100)}"
    elif kind == "unknown_team":
        row["Team"] = "Marketing Ops (old)"
    elif kind == "other_currency":
        row["Currency"] = rng.choice(("USD", "GBP", "CHF"))
    elif kind == "bad_date":
        row["Date"] = rng.choice(("sometime in March", "31/02/2026", "last Friday"))
    else:
        row = dict.fromkeys(row, "")
    return row


def dumps(dataset: dict[str, Any]) -> str:
    return json.dumps(dataset, indent=1, ensure_ascii=False)


def dump(dataset: dict[str, Any], path: str | Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(dataset), encoding="utf-8")


def load(path: str | Path) -> dict[str, Any]:
    """Read a dataset written by `dump` (or by hand, following docs/dataset.md)."""
    dataset = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(dataset, dict) or dataset.get("schema") != SCHEMA_VERSION:
        found = dataset.get("schema") if isinstance(dataset, dict) else type(dataset).__name__
        raise ValueError(f"{path}: dataset schema {found!r} is not supported (expected {SCHEMA_VERSION})")
    missing = [key for key in TOP_LEVEL_KEYS if key not in dataset]
    if missing:
        raise ValueError(f"{path}: dataset is missing {', '.join(missing)} (see docs/dataset.md)")
    return dataset
