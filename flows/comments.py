"""Prefect flow `sync_comments`: the Jira ↔ Intercom comment bridge (logic in `flows.comments_bridge`).

The cursor (unix time the last complete run started) is kept in a Prefect Variable when a Prefect
API is configured, else in a JSON file next to the config. Its name carries a hash of the Intercom
and Jira URLs, so a bridge pointed elsewhere (another workspace, a sandbox) never reuses it. It only
saves requests: the markers on mirrored items decide what gets posted.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger

from connectors.http import register_secret
from connectors.intercom import IntercomConnector
from connectors.jira_comments import JiraComments
from flows.artifacts import publish_run_artifacts
from flows.clients import retry_policy
from flows.comments_bridge import TO_INTERCOM, TO_JIRA, Bridge, BridgeResult
from flows.config import Config, ConfigError, IntercomSettings, JiraSettings, load_config
from flows.config import config_path as resolve_config_path
from flows.report import RunReport

FLOW_NAME = "sync_comments"
CURSOR_PREFIX = "opsheets-comments-cursor"


def intercom_settings(config: Config) -> IntercomSettings:
    if config.intercom is None:
        raise ConfigError("the config has no 'intercom' section; add it (see opsheets.example.yaml)")
    return config.intercom


def jira_settings(config: Config) -> JiraSettings:
    if config.jira is None:
        raise ConfigError("the config has no 'jira' section; add it (see opsheets.example.yaml)")
    return config.jira


def intercom_connector(config: Config) -> IntercomConnector:
    settings = intercom_settings(config)
    token = settings.token.resolve().get_secret_value()
    register_secret(token)
    return IntercomConnector(
        token, base_url=settings.base_url, policy=retry_policy(config), admin_id=settings.admin_id
    )


def jira_comments(config: Config) -> JiraComments:
    settings = jira_settings(config)
    token = settings.token.resolve().get_secret_value()
    register_secret(token)
    auth = {"email": settings.email, "api_token": token} if settings.email else {"pat": token}
    return JiraComments(settings.url, **auth, policy=retry_policy(config))


def cursor_name(config: Config) -> str:
    intercom, jira = intercom_settings(config), jira_settings(config)
    target = f"{intercom.base_url}|{jira.url}|{intercom.link_attribute}"
    return f"{CURSOR_PREFIX}-{hashlib.sha256(target.encode()).hexdigest()[:12]}"


@dataclass
class FileCursor:
    path: Path

    def load(self) -> int | None:
        try:
            value = json.loads(self.path.read_text(encoding="utf-8")).get("updated_since")
        except (OSError, ValueError, AttributeError):
            return None
        return int(value) if isinstance(value, int) else None

    def save(self, updated_since: int) -> None:
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"updated_since": updated_since}), encoding="utf-8")
        temporary.replace(self.path)


@dataclass
class VariableCursor:
    name: str

    def load(self) -> int | None:
        from prefect.variables import Variable

        value = Variable.get(self.name, default=None)
        return int(value["updated_since"]) if isinstance(value, dict) and "updated_since" in value else None

    def save(self, updated_since: int) -> None:
        from prefect.variables import Variable

        Variable.set(self.name, {"updated_since": updated_since}, overwrite=True)


def cursor_store(config: Config, config_file: Path) -> FileCursor | VariableCursor:
    from prefect.settings import PREFECT_API_URL

    name = cursor_name(config)
    if PREFECT_API_URL.value():
        return VariableCursor(name)
    return FileCursor(config_file.resolve().parent / f".{name}.json")


@flow(name=FLOW_NAME)
def sync_comments(
    config_path: str | None = None, dry_run: bool = False, today: str | None = None
) -> RunReport:
    """Mirror Jira comments to Intercom notes and Intercom admin notes to Jira comments, once each."""
    config = load_config(config_path)
    settings = intercom_settings(config)
    log = get_run_logger()
    bridge = Bridge(
        intercom_connector(config),
        jira_comments(config),
        link_attribute=settings.link_attribute,
        note_tag=settings.note_tag,
        initial_lookback_s=settings.initial_lookback_days * 86400,
        dry_run=dry_run,
        log=log,  # type: ignore[arg-type]
    )
    result = bridge.run(cursor_store(config, resolve_config_path(config_path)))
    report = bridge_report(result, dry_run, date.fromisoformat(today) if today else date.today())
    publish_run_artifacts(FLOW_NAME, summary_md=comment_bridge_markdown(report), table=report.table, links={})
    return report


def bridge_report(result: BridgeResult, dry_run: bool, today: date) -> RunReport:
    verb = "would mirror" if dry_run else "mirrored"
    report = RunReport(flow=FLOW_NAME, dry_run=dry_run)
    report.summary = [
        f"{today.isoformat()}: {verb} {result.count(TO_INTERCOM)} Jira comment(s) as Intercom notes",
        f"{verb} {result.count(TO_JIRA)} Intercom note(s) as Jira comments",
        f"{result.examined} linked conversation(s) compared, {result.unchanged} unchanged since the last run",
    ]
    report.table = [m.row() for m in result.mirrored]
    report.warnings = list(result.warnings)
    report.failures = list(result.failures)
    return report


def comment_bridge_markdown(report: RunReport) -> str:
    """The run summary plus one line per mirrored item (also what `opsheets demo` writes)."""
    lines = [report.markdown().rstrip(), "", "## Mirrored", ""]
    if not report.table:
        lines.append("Nothing to mirror.")
    else:
        columns = list(report.table[0])
        lines += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(str(row[c]) for c in columns) + " |" for row in report.table]
    return "\n".join(lines) + "\n"
