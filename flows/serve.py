"""`opsheets serve`: every deployment on its schedule in one process, the single-machine way.

The same names, crons and one-run-at-a-time limit as prefect.yaml (both come from
flows/deployments.py); the schedules run in the config's timezone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flows.config import Config, ConfigError, config_path, load_config
from flows.deployments import CONCURRENCY, available_deployments, cron_schedule


def build_deployments(config: Config, config_file: Path) -> list[Any]:
    """One RunnerDeployment per flow in the tree; a bad schedule fails here, before anything runs."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig

    parameters = {"config_path": str(config_file.resolve())}
    return [
        spec.load_flow().to_deployment(
            name=spec.name,
            description=spec.description,
            schedules=[cron_schedule(spec, config.timezone, config.schedules.get(spec.name))],
            concurrency_limit=ConcurrencyLimitConfig(**CONCURRENCY),
            parameters=parameters,
        )
        for spec in available_deployments()
    ]


def serve_all(path: str | Path | None = None) -> None:
    """Validate the config, then serve until interrupted (Ctrl-C)."""
    from prefect import serve

    file = config_path(path)
    config = load_config(file)
    register_run_secrets(config)
    serve(*build_deployments(config, file))


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
