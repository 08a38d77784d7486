"""`opsheets check`: is this installation ready to run? Config, credentials, reachability, sheet access
and header layout, each a Probe that says OK or FAIL and, on FAIL, what to do.

Every probe is cheap: one authenticated request per system, one read per spreadsheet, nothing written.
A later probe that depends on an earlier one (reach Jira needs its token) is skipped when that failed,
so each problem is reported once, where it is caused.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from google.auth.credentials import Credentials

from connectors.errors import ApiError
from connectors.sheets.google_auth import fetch_token
from flows.check_bridge import bridge_probes
from flows.check_sheets import layout_probes
from flows.clients import (
    bamboohr_client,
    google_credentials,
    intercom_connector,
    jira_connector,
    retry_policy,
    uses_google,
)
from flows.config import Config, ConfigError, SecretRef, config_path, load_config
from flows.deployments import available_deployments, configured_deployments, unconfigured_reason
from flows.probes import Probe, failed, unexpected


def run_checks(path: str | None = None, today: date | None = None) -> list[Probe]:
    file = config_path(path)
    try:
        config = load_config(file)
    except ConfigError as exc:
        return [failed("config", exc, config_fix(file, str(exc)))]
    probes = [Probe("config", True, f"{file} is valid"), *job_probes(config, file), *backend_probes(config)]
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
    if sheets_ok and secrets_ok.get("BambooHR") and config.budgets and config.budgets.provision:
        from flows.check_provision import provision_probes  # only with provisioning configured

        probes += safely("provision", lambda: provision_probes(config, day))
    return probes


def _reached(probes: list[Probe], system: str) -> bool:
    return any(p.check == f"reach: {system}" and p.ok for p in probes)


def safely(check: str, make: Callable[[], list[Probe]]) -> list[Probe]:
    try:
        return make()
    except Exception as exc:  # check reports, it never crashes
        return [unexpected(check, exc)]


def config_fix(file: Path, message: str) -> str:
    if not file.is_file():
        return (
            f"copy opsheets.example.yaml to {file} and fill it in, or pass --config / set OPSHEETS_CONFIG "
            "(`opsheets sandbox` writes one that points at local stand-ins)"
        )
    if ": not valid YAML:" in message:
        return "fix the YAML syntax at the line and column shown"
    if "secret refused:" in message:
        return "put the whole secret in the variable or block named (not a part or a placeholder)"
    return "correct each key named (opsheets.example.yaml shows every key and its values)"


def job_probes(config: Config, file: Path) -> list[Probe]:
    """Which jobs this config runs: a job without its sections is left out of `serve`, and a deployed
    run of it ends at once as 'Not configured'."""
    probes = []
    for spec in available_deployments():
        missing = spec.missing(config)
        if not missing:
            probes.append(Probe(f"job: {spec.name}", True, f"configured ({', '.join(spec.needs)})"))
            continue
        reason = unconfigured_reason(spec, missing, file)
        fix = f"add {' and '.join(missing)} to run it"
        probes.append(Probe(f"job: {spec.name}", True, reason, fix, note="OFF"))
    if not configured_deployments(config):
        fix = "add jira + bamboohr (availability), bamboohr + budgets (budgets) or jira + intercom (comments)"
        probes.append(Probe("jobs", True, "no job is configured: nothing would run", fix, note="WARN"))
    return probes


def backend_probes(config: Config) -> list[Probe]:
    """Where the sheets go. `backend: auto` without credentials quietly means local files, which is
    not what someone who set up Google Sheets expects: said as a WARN, with both ways out."""
    if not writes_sheets(config):
        return []
    folder = Path(config.sheets.workbook_dir).resolve()
    ref = config.sheets.credentials
    if uses_google(config):
        return [Probe("sheets: backend", True, f"Google Sheets, credentials from {ref.describe()}")]
    if config.sheets.backend == "workbook":
        detail = f"local .xlsx workbooks under {folder} (sheets.backend: workbook)"
        return [Probe("sheets: backend", True, detail)]
    detail = (
        f"no Google credentials ({ref.describe()} is not set): sheets.backend auto writes local .xlsx "
        f"workbooks under {folder}, not Google Sheets"
    )
    fix = (
        f"for Google Sheets, set {ref.describe()} to the service-account key file; to keep local workbooks "
        "and silence this, set sheets.backend: workbook"
    )
    return [Probe("sheets: backend", True, detail, fix, note="WARN")]


def writes_sheets(config: Config) -> bool:
    return any(spec.name in ("availability", "budgets") for spec in configured_deployments(config))


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


def google_token(credentials: Credentials, config: Config) -> str:
    fetch_token(credentials, retry_policy(config))
    return f"access token issued for {getattr(credentials, 'service_account_email', 'the key')}"


def any_failed(probes: list[Probe]) -> bool:
    return any(not p.ok for p in probes)
