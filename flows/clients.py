"""Builds the connectors a flow needs from the validated configuration.

The one place where secrets are resolved and handed to a connector; nothing here is a rule.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypedDict, TypeVar
from zoneinfo import ZoneInfo

from google.auth.credentials import Credentials

from connectors.bamboohr import BambooHRClient
from connectors.drive import DRIVE_HOST, DriveClient
from connectors.http import RetryPolicy, register_secret
from connectors.intercom import IntercomConnector
from connectors.jira import JiraConnector
from connectors.jira_comments import JiraComments
from connectors.sheets import Spreadsheet, open_google, open_workbook
from flows.config import BambooSettings, Config, ConfigError, JiraSettings, SecretRef
from flows.sheet_lock import spreadsheet_lock

T = TypeVar("T")

SHEETS_SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
# Creating team spreadsheets in a folder, copying a template and sharing need Drive itself.
DRIVE_SCOPES = (*SHEETS_SCOPES, "https://www.googleapis.com/auth/drive")
GOOGLE_SHEETS_HOST = "https://sheets.googleapis.com"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"


def retry_policy(config: Config) -> RetryPolicy:
    return RetryPolicy(**config.http.model_dump())


def _secret(ref: SecretRef) -> str:
    return ref.resolve().get_secret_value()


class JiraAuth(TypedDict, total=False):
    email: str
    api_token: str
    pat: str


def jira_auth(settings: JiraSettings) -> JiraAuth:
    """Email + API token when an email is configured, else the token is a personal access token."""
    token = _secret(settings.token)
    return JiraAuth(email=settings.email, api_token=token) if settings.email else JiraAuth(pat=token)


def jira_connector(config: Config) -> JiraConnector:
    settings = require(config.jira, "jira")
    return JiraConnector(
        settings.url,
        **jira_auth(settings),
        policy=retry_policy(config),
        hours_per_day=settings.hours_per_day,
        sprint_field=settings.sprint_field,
        start_date_field=settings.start_date_field,
        zone=ZoneInfo(config.timezone),
    )


def jira_comments(config: Config) -> JiraComments:
    settings = require(config.jira, "jira")
    return JiraComments(settings.url, **jira_auth(settings), policy=retry_policy(config))


def intercom_connector(config: Config) -> IntercomConnector:
    settings = require(config.intercom, "intercom")
    return IntercomConnector(
        _secret(settings.token),
        base_url=settings.base_url,
        policy=retry_policy(config),
        admin_id=settings.admin_id,
    )


def jira_queries(settings: JiraSettings) -> list[str]:
    """One page chain per project so chains can run in parallel; an explicit JQL is one chain."""
    from connectors.jira import jql_per_project

    if settings.jql:
        return [settings.jql]
    if not settings.projects:
        raise ConfigError("jira: give 'projects' (a list of project keys) or 'jql'")
    return jql_per_project(settings.projects)


def worklog_queries(settings: JiraSettings, since: date, projects: Iterable[str] = ()) -> list[str]:
    """JQL for the issues with work started since `since` that the planning queries do not already
    return. `worklogDate` is a day in the Jira user's time zone, so it asks from the day before and
    the exact start is filtered on each worklog; no query when there is no scope to ask in."""
    from connectors.jira import NOT_OPEN_CLAUSES

    logged = f'worklogDate >= "{since - timedelta(days=1):%Y-%m-%d}"'
    if settings.actuals_jql:
        return [f"({strip_order_by(settings.actuals_jql)}) AND {logged} ORDER BY key"]
    keys = settings.projects if not settings.jql else sorted(set(projects))
    if not keys:
        return []
    scope = f"project in ({', '.join(keys)}) AND {logged}"
    if settings.jql:
        return [f"{scope} ORDER BY key"]
    # Open, assigned issues come with their worklogs from the planning queries: ask for the rest only.
    return [f"{scope} AND {NOT_OPEN_CLAUSES} ORDER BY key"]


def strip_order_by(jql: str) -> str:
    return re.split(r"\s+ORDER\s+BY\s+", jql, flags=re.IGNORECASE)[0].strip()


def bamboohr_client(config: Config) -> BambooHRClient:
    settings: BambooSettings = require(config.bamboohr, "bamboohr")
    return BambooHRClient(
        settings.company,
        _secret(settings.api_key),
        base_url=settings.base_url,
        policy=retry_policy(config),
    )


def uses_google(config: Config) -> bool:
    if config.sheets.backend != "auto":
        return config.sheets.backend == "google"
    ref = config.sheets.credentials
    return bool(ref.env and os.environ.get(ref.env)) or bool(ref.prefect_secret)


def open_sheet(config: Config, key: str) -> Spreadsheet:
    """A spreadsheet by its Google key, or by name as a workbook under `sheets.workbook_dir`.

    Opening creates nothing: the workbook backend makes its folder when it first saves, so a dry
    run or a check leaves no empty folders behind.
    """
    if not uses_google(config):
        return open_workbook(Path(config.sheets.workbook_dir) / f"{key}.xlsx")
    credentials = google_credentials(config)
    sheet = open_google(
        key, credentials=credentials, policy=retry_policy(config), rewrite=google_rewrite(config)
    )
    sheet.lock = spreadsheet_lock(key)  # one writer per spreadsheet, across every process
    return sheet


def google_rewrite(config: Config) -> dict[str, str] | None:
    """Sandbox/testing: where Sheets and Drive calls (gspread's own Drive calls too) are sent instead."""
    rewrite = {GOOGLE_SHEETS_HOST: config.sheets.api_base} if config.sheets.api_base else {}
    if config.sheets.drive_api_base:
        rewrite[DRIVE_HOST] = config.sheets.drive_api_base
    return rewrite or None


def drive_client(config: Config) -> DriveClient:
    """Drive, for provisioning team spreadsheets: the same Google key, with the Drive scope."""
    credentials = google_credentials(config, DRIVE_SCOPES)
    return DriveClient(credentials, policy=retry_policy(config), rewrite=google_rewrite(config))


def service_account_email(config: Config) -> str | None:
    """The service account's address (a service-account key's `client_email`); None for a user's key."""
    return getattr(google_credentials(config), "service_account_email", None)


def google_credentials(config: Config, scopes: tuple[str, ...] = SHEETS_SCOPES) -> Credentials:
    """Credentials limited to the spreadsheets scope, unless Drive is needed too (`scopes`): a
    service-account key, or a user's OAuth credentials (Google's `authorized_user` key, as gcloud
    writes it)."""
    from google.oauth2 import service_account

    # The variable holds a file path (not a secret: left readable in messages) or the key's JSON.
    raw = config.sheets.credentials.resolve(register=False).get_secret_value()
    try:
        text = raw if raw.startswith("{") else Path(raw).read_text(encoding="utf-8")
        info = json.loads(text)
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"Google Sheets: cannot read the service-account key from "
            f"{config.sheets.credentials.describe()}: {type(exc).__name__}; "
            f"point it at the JSON key file downloaded from Google Cloud"
        ) from None
    if not isinstance(info, dict):
        raise ConfigError(
            f"Google Sheets: the service-account key in {config.sheets.credentials.describe()} is not a "
            "JSON object; point it at the JSON key file downloaded from Google Cloud"
        )
    register_key_secrets(text, info)
    if info.get("type") == "authorized_user":
        return user_credentials(info, scopes)
    return service_account.Credentials.from_service_account_info(info, scopes=list(scopes))


def user_credentials(info: dict[str, Any], scopes: tuple[str, ...] = SHEETS_SCOPES) -> Credentials:
    """An `authorized_user` key. Its access token, when it holds one, is used until Google refuses it;
    without the refresh fields (a token issued elsewhere) a refusal then names the key to fix."""
    from google.oauth2.credentials import Credentials as UserCredentials

    return UserCredentials(
        token=info.get("token"),
        refresh_token=info.get("refresh_token"),
        client_id=info.get("client_id"),
        client_secret=info.get("client_secret"),
        token_uri=info.get("token_uri") or GOOGLE_TOKEN_URI,
        scopes=list(scopes),
    )


def register_key_secrets(text: str, info: dict[str, object]) -> None:
    """The key's JSON and the secrets inside it (the private key, line by line too, and its id)."""
    register_secret(text)
    for name in ("private_key", "private_key_id", "token", "refresh_token", "client_secret"):
        value = info.get(name)
        if isinstance(value, str):
            register_secret(value)


def require(section: T | None, name: str) -> T:
    """The config section a connector needs; refused, naming the fix, when the config has none."""
    if section is None:
        raise ConfigError(f"the config has no '{name}' section; add it (see opsheets.example.yaml)")
    return section
