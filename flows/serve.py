"""`opsheets serve`: every deployment on its schedule in one process, the single-machine way.

The same names, crons and one-run-at-a-time limit as prefect.yaml (both come from
flows/deployments.py); the schedules run in the config's timezone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flows.config import Config, ConfigError, config_path, load_config
from flows.deployments import (
    CONCURRENCY,
    available_deployments,
    configured_deployments,
    cron_schedule,
    unconfigured_reason,
)


def build_deployments(config: Config, config_file: Path) -> list[Any]:
    """One RunnerDeployment per configured job (a job without its config sections is left out: it
    could only fail); a bad schedule fails here, before anything runs."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig

    parameters = {"config_path": str(config_file.resolve())}
    return [
        spec.load_flow().to_deployment(
            name=spec.name,
            description=spec.description,
            schedules=[cron_schedule(spec, config.timezone, config.schedules.get(spec.name))],
            concurrency_limit=ConcurrencyLimitConfig.model_validate(CONCURRENCY),
            parameters=parameters,
        )
        for spec in configured_deployments(config)
    ]


def serve_all(
    path: str | Path | None = None,
    *,
    before_serving: Callable[[], None] = lambda: None,
    say: Callable[[str], None] = print,
) -> None:
    """Validate the config, then serve the configured jobs until interrupted (Ctrl-C)."""
    from prefect import serve

    file = config_path(path)
    config = load_config(file)
    deployments = build_deployments(config, file)
    if not deployments:
        raise ConfigError(f"{file}: no job is configured, so there is nothing to serve; run `opsheets check`")
    for spec in available_deployments():
        if missing := spec.missing(config):
            say(f"not serving {unconfigured_reason(spec, missing, file)}")
    register_run_secrets(config)
    before_serving()
    serve(*deployments)


def register_run_secrets(config: Config) -> None:
    """The runs `serve` starts print through this process too: register the secrets they will use, so
    this process masks them as well. One that cannot be read yet is the run's problem, not serve's."""
    from flows.check import configured_secrets
    from flows.clients import google_credentials

    for system, ref in configured_secrets(config):
        try:
            if system == "Google Sheets":
                google_credentials(config)  # registers the key's secrets, not the file's path
            else:
                ref.resolve()
        except ConfigError:
            continue
