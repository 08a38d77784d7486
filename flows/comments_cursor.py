"""Where the comment bridge keeps its cursor, and the connectors it is built from.

The cursor (unix time the last complete run started) is kept in a Prefect Variable when a Prefect
API is configured, else in a JSON file next to the config. Its name carries a hash of the Intercom
and Jira URLs, so a bridge pointed elsewhere (another workspace, a sandbox) never reuses it. It only
saves requests: the markers on mirrored items decide what gets posted. Prefect is imported only
when a Variable is used, so the bridge runs (and is tested) without it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from connectors.http import RetryPolicy
from connectors.intercom import IntercomConnector
from connectors.jira_comments import JiraComments
from connectors.local_files import write_private
from flows.config import Config, ConfigError, IntercomSettings, JiraSettings

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
    return IntercomConnector(
        token,
        base_url=settings.base_url,
        policy=RetryPolicy(**config.http.model_dump()),
        admin_id=settings.admin_id,
    )


def jira_comments(config: Config) -> JiraComments:
    settings = jira_settings(config)
    token = settings.token.resolve().get_secret_value()
    auth = {"email": settings.email, "api_token": token} if settings.email else {"pat": token}
    return JiraComments(settings.url, **auth, policy=RetryPolicy(**config.http.model_dump()))


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
        write_private(self.path, json.dumps({"updated_since": updated_since}))


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
