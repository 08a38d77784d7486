"""What runs the flows beyond one machine: the image's lock file agrees with pyproject.toml, the Dockerfile
is slim and unprivileged and carries the code where the Docker deployments run it from, those
deployments say what flows/deployments.py says, and the Docker work pool's job template is one that
Prefect's server and prefect-docker's worker both accept. (No Docker daemon is needed for any of this.)"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from flows.deployments import (
    DEPLOYMENTS,
    DOCKER_IMAGE,
    DOCKER_WORK_POOL,
    IMAGE_CONFIG_PATH,
    PROJECT_DIR,
    docker_yaml_deployment,
)

DOCKERFILE = (PROJECT_DIR / "Dockerfile").read_text(encoding="utf-8")
DOCKER_YAML = yaml.safe_load((PROJECT_DIR / "prefect-docker.yaml").read_text(encoding="utf-8"))
TEMPLATE = json.loads((PROJECT_DIR / "deploy" / "docker-job-template.json").read_text(encoding="utf-8"))


def pinned() -> dict[str, str]:
    text = (PROJECT_DIR / "requirements.lock").read_text(encoding="utf-8")
    return {canonicalize_name(m[1]): m[2] for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.M)}


def test_the_lock_pins_every_dependency_of_pyproject_within_its_range() -> None:
    import tomllib

    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    versions = pinned()
    for line in project["dependencies"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in versions, f"{name} is not in requirements.lock: run `make lock`"
        assert requirement.specifier.contains(versions[name]), f"{name}=={versions[name]} vs {requirement}"


def test_the_image_is_slim_unprivileged_and_installs_only_the_lock() -> None:
    assert re.search(r"^FROM python:3\.1[1-9]-slim\b", DOCKERFILE, re.M)
    users = re.findall(r"^USER (\S+)", DOCKERFILE, re.M)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert "pip install --no-deps -r /tmp/requirements.lock" in DOCKERFILE
    assert "pip install --no-deps ." in DOCKERFILE  # the project itself adds nothing unpinned


def test_the_image_holds_the_code_where_the_docker_deployments_run_it() -> None:
    (pull,) = DOCKER_YAML["pull"]
    workdir = pull["prefect.deployments.steps.set_working_directory"]["directory"]
    assert re.search(rf"^WORKDIR {re.escape(workdir)}$", DOCKERFILE, re.M)
    for spec in DEPLOYMENTS:
        package = spec.entrypoint.split("/")[0]
        assert re.search(rf"^COPY {package} \./{package}$", DOCKERFILE, re.M), package
    assert DOCKER_YAML["build"] is None and DOCKER_YAML["push"] is None


def test_the_docker_deployments_are_the_process_ones_run_in_the_image() -> None:
    assert DOCKER_YAML["deployments"] == [docker_yaml_deployment(spec) for spec in DEPLOYMENTS]
    for block in DOCKER_YAML["deployments"]:
        assert block["work_pool"] == {"name": DOCKER_WORK_POOL, "job_variables": {"image": DOCKER_IMAGE}}
        assert block["parameters"] == {"config_path": IMAGE_CONFIG_PATH}


def test_the_job_template_is_prefect_dockers_own_with_opsheets_defaults() -> None:
    from prefect_docker.worker import DockerWorker

    default = DockerWorker.get_default_base_job_template()
    assert TEMPLATE["job_configuration"] == default["job_configuration"]
    ours, theirs = TEMPLATE["variables"]["properties"], default["variables"]["properties"]
    assert set(ours) == set(theirs)
    for name in ours:  # only defaults differ: every type, enum and description is the worker's
        assert {k: v for k, v in ours[name].items() if k != "default"} == {
            k: v for k, v in theirs[name].items() if k != "default"
        }, name


def test_prefects_server_accepts_the_job_template_for_a_docker_pool() -> None:
    from prefect.server.schemas.actions import WorkPoolCreate

    pool = WorkPoolCreate(name=DOCKER_WORK_POOL, type="docker", base_job_template=TEMPLATE)
    assert pool.base_job_template == TEMPLATE


def test_a_template_with_an_undeclared_placeholder_is_refused() -> None:
    """The check above can fail: the server refuses a job configuration naming an unknown variable."""
    from prefect.server.schemas.actions import WorkPoolCreate

    broken: dict[str, Any] = json.loads(json.dumps(TEMPLATE))
    broken["job_configuration"]["image"] = "{{ imagee }}"
    with pytest.raises(ValueError, match="imagee"):
        WorkPoolCreate(name=DOCKER_WORK_POOL, type="docker", base_job_template=broken)


@pytest.mark.parametrize("block", DOCKER_YAML["deployments"], ids=lambda block: block["name"])
def test_each_deployments_job_variables_make_a_container_the_worker_can_start(block: dict[str, Any]) -> None:
    from prefect.utilities.schema_tools import validate
    from prefect_docker.worker import DockerWorkerJobConfiguration

    job_variables = block["work_pool"]["job_variables"]
    validate(job_variables, TEMPLATE["variables"], raise_on_error=True)
    job = asyncio.run(DockerWorkerJobConfiguration.from_template_and_values(TEMPLATE, job_variables))
    assert job.image == DOCKER_IMAGE
    config_dir = IMAGE_CONFIG_PATH.rsplit("/", 1)[0]
    assert f"{config_dir}:{config_dir}:ro" in job.volumes  # the config the deployment names is there
    assert job.env["OPSHEETS_CONFIG"] == IMAGE_CONFIG_PATH
