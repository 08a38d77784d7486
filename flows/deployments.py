"""The deployments opsheets runs, defined once: `opsheets serve`, `opsheets run` and the test that
keeps `prefect.yaml` in agreement all read this table.

A flow module is listed only once it exists in the tree, so adding a flow is one line here (and its
block in prefect.yaml, which a test compares against this table).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.config import Config, ConfigError, JobName
from flows.cron import check_cron

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_TIMEZONE = "Europe/Berlin"  # the example config's timezone; `serve` uses the config's own
WORK_POOL = "opsheets"
# The same deployments for a Docker work pool (prefect-docker.yaml), running the image the Dockerfile builds.
DOCKER_WORK_POOL = "opsheets-docker"
DOCKER_IMAGE = "opsheets:latest"
IMAGE_CONFIG_PATH = "/etc/opsheets/opsheets.yaml"  # the Docker pool's job template mounts /etc/opsheets
# One run at a time per deployment: a run triggered while another is active waits for it.
CONCURRENCY = {"limit": 1, "collision_strategy": "ENQUEUE"}


@dataclass(frozen=True)
class DeploymentSpec:
    name: JobName  # also the `opsheets run NAME` command
    entrypoint: str  # "flows/file.py:function", relative to the project directory
    cron: str
    description: str
    needs: tuple[str, ...]  # the config sections the job cannot run without

    def missing(self, config: Config) -> list[str]:
        """The sections this job needs that the config leaves out: none means it is configured."""
        return [section for section in self.needs if getattr(config, section) is None]

    @property
    def module(self) -> str:
        return self.entrypoint.split(":")[0].removesuffix(".py").replace("/", ".")

    @property
    def function(self) -> str:
        return self.entrypoint.split(":")[1]

    def exists(self) -> bool:
        return (PROJECT_DIR / self.entrypoint.split(":")[0]).is_file()

    def load_flow(self) -> Any:
        return getattr(importlib.import_module(self.module), self.function)


DEPLOYMENTS: tuple[DeploymentSpec, ...] = (
    DeploymentSpec(
        "availability",
        "flows/availability.py:sync_resource_availability",
        "0 * * * 1-5",
        "Resource availability: Jira estimates + BambooHR time off + holidays, hourly on weekdays",
        ("jira", "bamboohr"),
    ),
    DeploymentSpec(
        "budgets",
        "flows/budgets.py:sync_team_budgets",
        "30 5 * * *",
        "Team event budgets: headcount x allowance - ledger spend, daily early morning",
        ("bamboohr", "budgets"),
    ),
    DeploymentSpec(
        "comments",
        "flows/comments.py:sync_comments",
        "*/5 * * * *",
        "Jira <-> Intercom comment bridge, every 5 minutes",
        ("jira", "intercom"),
    ),
)


def available_deployments() -> list[DeploymentSpec]:
    """The deployments whose flow module is in the tree."""
    return [spec for spec in DEPLOYMENTS if spec.exists()]


def deployment(name: str) -> DeploymentSpec:
    for spec in available_deployments():
        if spec.name == name:
            return spec
    names = ", ".join(spec.name for spec in available_deployments())
    raise ConfigError(f"unknown job '{name}': choose one of {names}")


def configured_deployments(config: Config) -> list[DeploymentSpec]:
    return [spec for spec in available_deployments() if not spec.missing(config)]


def unconfigured_reason(spec: DeploymentSpec, missing: list[str], file: str | Path) -> str:
    sections = " or ".join(f"'{section}'" for section in missing)
    return f"{spec.name} is not configured: {file} has no {sections} section"


def not_configured(spec: DeploymentSpec, missing: list[str], file: str | Path) -> str:
    plural = "s" if len(missing) > 1 else ""
    return (
        f"{unconfigured_reason(spec, missing, file)}. Fix: add the section{plural} (opsheets.example.yaml "
        f"shows each key) to run this job; until then `opsheets serve` leaves it out and a deployed run "
        f"of it ends at once as 'Not configured'"
    )


def not_configured_state(name: str, config: Config, file: str | Path | None) -> Any | None:
    """For a flow run whose job has no section in the config: a Completed state named "Not configured"
    that ends the run at once, with a warning saying what to add. A schedule deployed from prefect.yaml
    for a job this installation does not use then costs one short run, not a failure every few minutes."""
    from prefect import get_run_logger
    from prefect.states import Completed

    from flows.config import config_path

    spec = deployment(name)
    missing = spec.missing(config)
    if not missing:
        return None
    message = not_configured(spec, missing, config_path(file))
    get_run_logger().warning(message)
    return Completed(name="Not configured", message=message)


def cron_schedule(spec: DeploymentSpec, timezone: str, cron: str | None = None) -> Any:
    """The Prefect schedule (`cron` overrides the spec's); a bad cron or timezone is a ConfigError."""
    from prefect.client.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    try:
        return CronSchedule(cron=check_cron(cron or spec.cron), timezone=timezone)
    except ValueError as exc:
        raise ConfigError(f"schedule of '{spec.name}': {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(err["msg"] for err in exc.errors())
        raise ConfigError(
            f"schedule of '{spec.name}' ({cron or spec.cron!r}, {timezone}): {problems}"
        ) from None


def prefect_yaml_deployment(spec: DeploymentSpec, timezone: str = DEFAULT_TIMEZONE) -> dict[str, Any]:
    """What the deployment's block in prefect.yaml must say (the test compares the two)."""
    return {
        "name": spec.name,
        "description": spec.description,
        "entrypoint": spec.entrypoint,
        "parameters": {"config_path": "opsheets.yaml"},
        "schedules": [{"cron": spec.cron, "timezone": timezone, "active": True}],
        "concurrency_limit": dict(CONCURRENCY),
        "work_pool": {"name": WORK_POOL},
    }


def docker_yaml_deployment(spec: DeploymentSpec, timezone: str = DEFAULT_TIMEZONE) -> dict[str, Any]:
    """What the deployment's block in prefect-docker.yaml must say: the same job, run in the image."""
    return prefect_yaml_deployment(spec, timezone) | {
        "parameters": {"config_path": IMAGE_CONFIG_PATH},
        "work_pool": {"name": DOCKER_WORK_POOL, "job_variables": {"image": DOCKER_IMAGE}},
    }
