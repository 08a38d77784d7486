"""A whole outside world on loopback: the stand-ins seeded with one dataset, plus an opsheets.yaml
pointing at them. The demo, the end-to-end tests and the benchmark all run against this.

Lives in flows/ (not sandbox/) because it writes opsheets' own configuration; the stand-ins
themselves stay ignorant of opsheets.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from openpyxl import Workbook

from connectors.local_files import make_private_dirs, save_private, write_private
from sandbox.bamboohr import BambooState, start_bamboohr_sandbox
from sandbox.core import Knobs, RunningService
from sandbox.drive import DriveState, start_drive_sandbox
from sandbox.intercom import IntercomState, start_intercom_sandbox
from sandbox.jira import JiraState, start_jira_sandbox
from sandbox.sheets import SheetsState, start_sheets_sandbox

LEDGER_COLUMNS = ("Date", "Team", "Amount", "Currency", "Description")
# The Drive stand-in's world: the service account the sandbox Google key stands for, a shared drive
# it is a member of, the folder team spreadsheets go to, and PeopleOps' admin.
SERVICE_ACCOUNT = "opsheets@opsheets-sandbox.iam.gserviceaccount.com"
SHARED_DRIVE = "0AsandboxTeamBudgets"
TEAM_FOLDER = "1sandboxTeamBudgetsFolder"
PEOPLEOPS = "peopleops@demo-org.example"
# Demo-only secrets: recognisable so tests can prove they never leak.
SANDBOX_SECRETS = {
    "JIRA_API_TOKEN": "sandbox-jira-token",
    "BAMBOOHR_API_KEY": "demo-bamboohr-key",
    "INTERCOM_ACCESS_TOKEN": "sandbox-intercom-token",
    # Google's key for a user's OAuth credentials, holding an access token and no refresh fields: the
    # Sheets stand-in accepts any bearer token, and a fixed one keeps its per-user quota meaningful.
    "OPSHEETS_SANDBOX_GOOGLE": json.dumps({"type": "authorized_user", "token": "sandbox-google-token"}),
}
JIRA_EMAIL = "sandbox-bot@example.com"
# The first line of every config written here: `opsheets sandbox` overwrites only a file that has it.
CONFIG_HEADER = (
    "# Written by opsheets for its sandbox on loopback (the ports change with every start).\n"
    "# The secrets it names are demo values: `opsheets sandbox` writes them to sandbox.env.\n"
)


@dataclass
class SandboxEnvironment:
    dataset: dict[str, Any]
    config_path: Path
    services: dict[str, RunningService]
    jira: JiraState
    bamboohr: BambooState
    sheets: SheetsState | None = None
    drive: DriveState | None = None
    intercom: IntercomState | None = None
    team_keys: dict[str, str] = field(default_factory=dict)

    def knobs(self, system: str) -> Knobs:
        return self.services[system].knobs


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@contextmanager
def sandbox_environment(
    dataset: dict[str, Any],
    out_dir: Path,
    *,
    sheets: Literal["workbook", "google"] = "workbook",
    jira_mode: Literal["cloud", "datacenter"] = "cloud",
    knobs: dict[str, Knobs] | None = None,
    config_overrides: dict[str, Any] | None = None,
    config_path: Path | None = None,
    provision: bool = False,
) -> Iterator[SandboxEnvironment]:
    """Start the stand-ins, seed the ledger, write `config_path` (default `out_dir/opsheets.yaml`) and
    set the demo secrets in this process's environment. `provision` (with `sheets="google"`): a Drive
    stand-in with a shared-drive folder, and no team spreadsheets: the budgets flow creates them."""
    knobs = knobs or {}
    make_private_dirs(out_dir)
    with ExitStack() as stack:
        jira_service, jira_state = start_jira_sandbox(
            dataset, jira_mode, knobs.get("jira"), email=JIRA_EMAIL, token=_sent("JIRA_API_TOKEN")
        )
        stack.callback(jira_service.stop)
        bamboo_service, bamboo_state = start_bamboohr_sandbox(
            dataset, knobs.get("bamboohr"), api_key=_sent("BAMBOOHR_API_KEY")
        )
        stack.callback(bamboo_service.stop)
        intercom_service, intercom_state = start_intercom_sandbox(
            dataset, knobs.get("intercom"), token=_sent("INTERCOM_ACCESS_TOKEN")
        )
        stack.callback(intercom_service.stop)
        services = {"jira": jira_service, "bamboohr": bamboo_service, "intercom": intercom_service}
        config_file = config_path or out_dir / "opsheets.yaml"
        env = SandboxEnvironment(dataset, config_file, services, jira_state, bamboo_state)
        env.intercom = intercom_state
        env.team_keys = _team_keys(dataset, sheets)
        if sheets == "google":
            sheets_service, env.sheets = start_sheets_sandbox(knobs.get("sheets"))
            stack.callback(sheets_service.stop)
            services["sheets"] = sheets_service
            if provision:
                drive_service, env.drive = start_drive_sandbox(
                    knobs.get("drive"), **drive_accounts(env.sheets)
                )
                stack.callback(drive_service.stop)
                services["drive"] = drive_service
                env.team_keys = {}
            _seed_google(env)
        else:
            write_ledger_workbook(dataset["ledger"], out_dir / "budgets" / "ledger.xlsx")
        config = _config(env, out_dir, sheets, jira_mode)
        for section, values in (config_overrides or {}).items():
            config.setdefault(section, {}).update(values)
        write_private(env.config_path, CONFIG_HEADER + yaml.safe_dump(config, sort_keys=False))
        stack.enter_context(_secrets_in_environment(jira_mode))
        yield env


def _sent(name: str) -> str:
    """A secret as opsheets sends it, so as a service receives it: without surrounding whitespace
    (the environment may carry it with the trailing newline of a mounted secret file)."""
    return SANDBOX_SECRETS[name].strip()


def _team_keys(dataset: dict[str, Any], sheets: str) -> dict[str, str]:
    separator = "/" if sheets == "workbook" else "-"
    return {t["name"]: f"budgets{separator}{slug(t['name'])}" for t in dataset["teams"]}


def _config(env: SandboxEnvironment, out_dir: Path, sheets: str, jira_mode: str) -> dict[str, Any]:
    jira = env.dataset["jira"]
    separator = "/" if sheets == "workbook" else "-"
    config: dict[str, Any] = {
        "timezone": "UTC",
        "http": {"max_attempts": 8, "backoff_base_s": 0.2, "backoff_cap_s": 5.0, "read_timeout_s": 10.0},
        "sheets": {"backend": sheets, "workbook_dir": str(out_dir)},
        "jira": {
            "url": env.services["jira"].url,
            "projects": [p["key"] for p in jira["projects"]],
            "token": {"env": "JIRA_API_TOKEN"},
        },
        "bamboohr": {
            "company": "demo",
            "base_url": env.services["bamboohr"].url,
            "api_key": {"env": "BAMBOOHR_API_KEY"},
        },
        "intercom": {
            "base_url": env.services["intercom"].url,
            "token": {"env": "INTERCOM_ACCESS_TOKEN"},
            "link_attribute": "jira_issue_key",
        },
        # The demo's offices: Berlin, Madrid and New York name their region as BambooHR's location;
        # London and Toronto do not, so the config says which region's holidays apply there.
        "availability": {
            "spreadsheet": "resource-availability",
            "regions": {"GB": "ENG", "CA": "ON", "FR": "national", "IT": "MI", "PT": "11"},
        },
        "budgets": {
            "period": "quarter",
            "allowance_per_head": 150,
            "currency": env.dataset.get("currency", "EUR"),
            "ledger": {"spreadsheet": f"budgets{separator}ledger", "tab": "Ledger"},
            "overview_spreadsheet": f"budgets{separator}overview",
            "teams": env.team_keys,
        },
    }
    if jira_mode == "cloud":
        config["jira"]["email"] = JIRA_EMAIL
    if sheets == "google":
        config["sheets"]["api_base"] = env.services["sheets"].url
        config["sheets"]["credentials"] = {"env": "OPSHEETS_SANDBOX_GOOGLE"}
    if env.drive is not None:
        config["sheets"]["drive_api_base"] = env.services["drive"].url
        config["budgets"]["provision"] = {"folder": TEAM_FOLDER, "admins": [PEOPLEOPS]}
    return config


def drive_accounts(sheets: SheetsState) -> dict[str, Any]:
    """The Drive stand-in's arguments: the Sheets stand-in it creates spreadsheets in, and the sandbox
    Google token as the service account."""
    return {"sheets": sheets, "accounts": {_sandbox_google_token(): SERVICE_ACCOUNT},
            "service_accounts": {SERVICE_ACCOUNT}}  # fmt: skip


def _sandbox_google_token() -> str:
    return str(json.loads(SANDBOX_SECRETS["OPSHEETS_SANDBOX_GOOGLE"])["token"])


def _seed_drive(env: SandboxEnvironment) -> None:
    """A shared drive with the service account and PeopleOps as members, a folder for the team
    spreadsheets, and the overview in it (PeopleOps made it and gave its key to the config)."""
    assert env.drive is not None
    env.drive.add_shared_drive(SHARED_DRIVE, "Team budgets", {SERVICE_ACCOUNT: "fileOrganizer",
                                                               PEOPLEOPS: "organizer"})  # fmt: skip
    env.drive.add_folder(TEAM_FOLDER, "Team event budgets", drive_id=SHARED_DRIVE)
    env.drive.add_spreadsheet("budgets-overview", "Budgets overview", TEAM_FOLDER)


def _seed_google(env: SandboxEnvironment) -> None:
    """Spreadsheets exist before a sync (people create and share them); opsheets only adds tabs."""
    assert env.sheets is not None
    if env.drive is not None:
        _seed_drive(env)
    rows = [[_as_typed(str(r.get(c, ""))) for c in LEDGER_COLUMNS] for r in env.dataset["ledger"]]
    grid: list[list[object]] = [list(LEDGER_COLUMNS), *([] for _ in rows)]  # room for every row
    env.sheets.create_spreadsheet("Spend ledger", tabs={"Ledger": grid}, spreadsheet_id="budgets-ledger")
    if rows:  # typed in by PeopleOps: Sheets turns dates and amounts into numbers with formats
        env.sheets.edit("budgets-ledger", f"Ledger!A2:E{len(rows) + 1}", rows, user_entered=True)
    env.sheets.create_spreadsheet("Resource availability", spreadsheet_id="resource-availability")
    env.sheets.create_spreadsheet("Budgets overview", spreadsheet_id="budgets-overview")
    for team, key in env.team_keys.items():
        env.sheets.create_spreadsheet(f"{team} event budget", spreadsheet_id=key)


def _as_typed(text: str) -> str:
    """What a person types for `text` to land as it reads: a leading apostrophe keeps "=…" text."""
    return "'" + text if text.startswith("=") else text


def write_ledger_workbook(rows: list[dict[str, str]], path: Path) -> None:
    """The PeopleOps ledger as a person would type it: numbers and dates typed, the rest as text."""
    book = Workbook()
    sheet = book.worksheets[0]  # the sheet a new workbook comes with
    sheet.title = "Ledger"
    sheet.append(list(LEDGER_COLUMNS))
    for row in rows:
        sheet.append([_typed(row.get(column, "")) for column in LEDGER_COLUMNS])
    save_private(path, book.save)


def _typed(text: str) -> object:
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return float(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    return text


@contextmanager
def _secrets_in_environment(jira_mode: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in SANDBOX_SECRETS}
    os.environ.update(SANDBOX_SECRETS)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
