"""`opsheets check` for Jira: the run's own queries through Jira's parser (a zero-result search on
Data Center), and every configured project looked up, so a typo fails here and not in the next run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from connectors.errors import ApiError
from connectors.jira import JiraConnector
from connectors.jira_checks import missing_projects, validate_jql
from domain.availability_model import Calendar
from flows.check import Probe, failed, unexpected
from flows.clients import jira_connector, jira_queries, worklog_queries
from flows.config import Config, ConfigError, JiraSettings

JQL_CHECK, PROJECTS_CHECK = "jira: JQL", "jira: projects"


def run_queries(config: Config, today: date) -> list[tuple[str, str]]:
    """(config key, JQL) for every query a run of availability sends on `today`, worklogs' included."""
    settings = config.jira
    assert settings is not None
    planned = [("jira.jql" if settings.jql else "jira.projects", q) for q in jira_queries(settings)]
    since = Calendar.of(today, config.availability.weeks, config.availability.actuals_weeks).first_day
    logged_key = "jira.actuals_jql" if settings.actuals_jql else "jira.projects"
    return planned + [(logged_key, q) for q in worklog_queries(settings, since)]


def jira_probes(config: Config, today: date) -> list[Probe]:
    """The queries, then the projects (when any are configured)."""
    settings = config.jira
    assert settings is not None
    connector = jira_connector(config)
    try:
        probes = [_guarded(JQL_CHECK, lambda: _queries(connector, run_queries(config, today)))]
        if settings.projects:
            probes.append(_guarded(PROJECTS_CHECK, lambda: _projects(connector, settings)))
        return probes
    finally:
        connector.close()


def _guarded(check: str, probe: Callable[[], Probe]) -> Probe:
    try:
        return probe()
    except (ApiError, ConfigError, ValueError) as exc:
        return failed(check, exc, "check jira.url, the credentials and the queries in the config")
    except Exception as exc:  # check reports, it never crashes
        return unexpected(check, exc)


def _queries(connector: JiraConnector, queries: list[tuple[str, str]]) -> Probe:
    verdicts = validate_jql(connector, [q for _, q in queries])
    how = "Jira's JQL parser" if connector.api.deployment == "cloud" else "a zero-result search"
    bad = [(key, v) for (key, _), v in zip(queries, verdicts, strict=True) if not v.ok]
    if not bad:
        count = f"{len(verdicts)} JQL quer{'y' if len(verdicts) == 1 else 'ies'}"
        return Probe(JQL_CHECK, True, f"{count} of the run accepted by {how}")
    detail = "; ".join(f"{key}: {v.query!r}: {' '.join(v.problems)}" for key, v in bad)
    keys = ", ".join(sorted({key for key, _ in bad}))
    return Probe(
        JQL_CHECK, False, f"{how} rejects {detail}", f"fix {keys} in the config: the run would fail on it"
    )


def _projects(connector: JiraConnector, settings: JiraSettings) -> Probe:
    missing = missing_projects(connector, settings.projects)
    if not missing:
        return Probe(PROJECTS_CHECK, True, f"found: {', '.join(settings.projects)}")
    return Probe(
        PROJECTS_CHECK,
        False,
        f"jira.projects: {', '.join(missing)} not found, or not visible to the account",
        "check the keys (as Jira shows them, e.g. PLAT) and that the account has Browse projects on them",
    )
