"""`opsheets check`: is this installation ready to run? Config, credentials, reachability, sheet access
and header layout, each a Probe that says OK or FAIL and, on FAIL, what to do.

Every probe is cheap: one authenticated request per system, one read per spreadsheet, nothing written.
A later probe that depends on an earlier one (reach Jira needs its token) is skipped when that failed,
so each problem is reported once, where it is caused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from connectors.errors import ApiError, RetriesExhaustedError, UnreachableError
from connectors.redaction import redact
from connectors.sheets import SheetError, Spreadsheet
from connectors.sheets.google_auth import fetch_token
from flows.check_bridge import bridge_probes
from flows.clients import (
    bamboohr_client,
    google_credentials,
    jira_connector,
    open_sheet,
    retry_policy,
    uses_google,
)
from flows.config import Config, ConfigError, SecretRef, config_path, load_config
from flows.layouts import SheetLayout, expected_layouts


@dataclass(frozen=True)
class Probe:
    check: str
    ok: bool
    detail: str
    fix: str = ""
    unreachable: bool = False  # the system could not be reached at all: later probes of it are skipped


def split_fix(message: str) -> tuple[str, str]:
    """Our errors carry their fix after "Fix:" or an em dash; the table shows it in its own column."""
    for marker in (" Fix: ", ". Fix: ", " — "):
        if marker in message:
            detail, fix = message.split(marker, 1)
            return detail.strip(), re.sub(r"\s*\(server said: .*\)$", "", fix).strip()
    return message, ""


def failed(check: str, error: Exception, default_fix: str) -> Probe:
    detail, fix = split_fix(str(error))
    unreachable = isinstance(error, UnreachableError | RetriesExhaustedError)
    return Probe(check, False, detail, fix or default_fix, unreachable)


def unexpected(check: str, error: Exception) -> Probe:
    """A probe never ends `check`: an error nobody foresaw is a FAIL row too, with its type."""
    return Probe(
        check,
        False,
        redact(f"{type(error).__name__}: {error}"),  # not one of ours: not redacted when raised
        "an error opsheets does not know yet: report it with this line",
    )


def run_checks(path: str | None = None, today: date | None = None) -> list[Probe]:
    file = config_path(path)
    try:
        config = load_config(file)
    except ConfigError as exc:
        return [failed("config", exc, "edit the file (opsheets.example.yaml shows every key)")]
    probes = [Probe("config", True, f"{file} is valid")]
    secrets_ok = {}
    for system, ref in configured_secrets(config):
        probe = secret_probe(system, ref)
        secrets_ok[system] = probe.ok
        probes.append(probe)
    day = today or config.now().date()
    for system, reach in reachability_probes(config):
        if secrets_ok.get(system):
            probes.append(reach())
            if system == "Jira" and probes[-1].ok:
                from flows.check_jira import jira_probes  # it builds on this module's Probe

                probes += jira_probes(config, day)
    if _reached(probes, "Intercom") and (config.jira is None or _reached(probes, "Jira")):
        probes += safely("bridge", lambda: bridge_probes(config, Probe))
    sheets_ok = secrets_ok.get("Google Sheets", True)
    if sheets_ok and uses_google(config):
        probes += google_key_probes(config)
        sheets_ok = probes[-1].ok
    if sheets_ok:
        probes += layout_probes(config, day)
    return probes


def _reached(probes: list[Probe], system: str) -> bool:
    return any(p.check == f"reach: {system}" and p.ok for p in probes)


def safely(check: str, make: Callable[[], list[Probe]]) -> list[Probe]:
    try:
        return make()
    except Exception as exc:  # check reports, it never crashes
        return [unexpected(check, exc)]


def layout_probes(config: Config, today: date) -> list[Probe]:
    """Every expected spreadsheet, until one cannot be reached at all: the others share its host."""
    probes: list[Probe] = []
    for layout in expected_layouts(config, today):
        probes += list(sheet_probes(config, layout))
        if any(p.unreachable for p in probes):
            break
    return probes


def configured_secrets(config: Config) -> list[tuple[str, SecretRef]]:
    secrets = []
    if config.jira:
        secrets.append(("Jira", config.jira.token))
    if config.bamboohr:
        secrets.append(("BambooHR", config.bamboohr.api_key))
    if config.intercom:
        secrets.append(("Intercom", config.intercom.token))
    if uses_google(config):
        secrets.append(("Google Sheets", config.sheets.credentials))
    return secrets


def secret_probe(system: str, ref: SecretRef) -> Probe:
    check = f"credential: {system}"
    try:
        ref.resolve(register=system != "Google Sheets")  # that one holds a key file's path
    except ConfigError as exc:
        return failed(check, exc, f"set {ref.describe()}")
    return Probe(check, True, f"found in {ref.describe()}")


def reachability_probes(config: Config) -> list[tuple[str, Callable[[], Probe]]]:
    probes: list[tuple[str, Callable[[], Probe]]] = []
    if config.jira:
        probes.append(("Jira", lambda: reach("Jira", lambda: jira_whoami(config))))
    if config.bamboohr:
        probes.append(("BambooHR", lambda: reach("BambooHR", lambda: bamboohr_ping(config))))
    if config.intercom:
        probes.append(("Intercom", lambda: reach("Intercom", lambda: intercom_whoami(config))))
    return probes


def reach(system: str, call: Callable[[], str]) -> Probe:
    check = f"reach: {system}"
    try:
        return Probe(check, True, call())
    except (ApiError, ConfigError, ValueError) as exc:
        return failed(check, exc, f"check the {system} URL and credentials in the config")
    except Exception as exc:  # check reports, it never crashes
        return unexpected(check, exc)


def jira_whoami(config: Config) -> str:
    connector = jira_connector(config)
    try:
        user = connector.myself()
    finally:
        connector.close()
    return f"authenticated as {user.name} (Jira {connector.api.deployment})"


def bamboohr_ping(config: Config) -> str:
    client = bamboohr_client(config)
    today = config.now().date()
    try:
        client.company_holidays(today, today)
    finally:
        client.api.session.close()
    return f"API key accepted by {client.api.base_url}"


def intercom_whoami(config: Config) -> str:
    from flows.comments import intercom_connector

    connector = intercom_connector(config)
    try:
        admin = connector.client.get_json("/me") or {}
    finally:
        connector.client.session.close()
    return f"authenticated as {admin.get('name') or admin.get('email') or 'an admin'}"


def google_key_probes(config: Config) -> list[Probe]:
    """The key file, then (for a service account) one token request: Google's token endpoint is a
    host of its own, and a sheet cannot be read without it."""
    try:
        credentials = google_credentials(config)
    except ConfigError as exc:
        return [failed("credential: Google key", exc, "download a JSON key for the service account")]
    email = getattr(credentials, "service_account_email", None)
    probes = [Probe("credential: Google key", True, f"service account {email}" if email else "key accepted")]
    if email:
        probes.append(reach("Google Sheets", lambda: google_token(credentials, config)))
    return probes


def google_token(credentials: object, config: Config) -> str:
    fetch_token(credentials, retry_policy(config))  # type: ignore[arg-type]
    return f"access token issued for {getattr(credentials, 'service_account_email', 'the key')}"


def sheet_probes(config: Config, layout: SheetLayout) -> Iterator[Probe]:
    """Access first (the read says whether it is shared), then the headers opsheets needs there."""
    try:
        sheet = open_sheet(config, layout.key)
        if layout.read_tab:
            sheet.read_rows(layout.read_tab, required=layout.read_columns)
            yield Probe(f"sheet: {layout.name}", True, f"'{layout.key}' tab '{layout.read_tab}' readable")
            return
        problems = sheet.check_layout(layout.tables)
    except (SheetError, ApiError, ConfigError) as exc:
        yield failed(f"sheet: {layout.name}", exc, f"check the spreadsheet key '{layout.key}' in the config")
        return
    except Exception as exc:  # check reports, it never crashes
        yield unexpected(f"sheet: {layout.name}", exc)
        return
    yield Probe(f"sheet: {layout.name}", True, access_detail(sheet, layout))
    for problem in problems:
        yield failed(f"layout: {layout.name}", ValueError(problem), "restore the header")
    if not problems:
        tabs = ", ".join(t.tab for t in layout.tables)
        yield Probe(f"layout: {layout.name}", True, f"headers as expected ({tabs})")


def access_detail(sheet: Spreadsheet, layout: SheetLayout) -> str:
    workbook = getattr(sheet.backend, "path", None)  # local backend: absent until the first run
    if workbook is not None and not workbook.exists():
        return f"{workbook} does not exist yet: the first run creates it"
    return f"'{sheet.title}' ({layout.key}) readable"


def any_failed(probes: list[Probe]) -> bool:
    return any(not p.ok for p in probes)
