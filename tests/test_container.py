"""What runs the flows beyond one machine: the image's lock file agrees with pyproject.toml, the Dockerfile
is slim and unprivileged and carries the code where the Docker deployments run it from, those
deployments say what flows/deployments.py says, and the Docker work pool's job template is one that
Prefect's server and prefect-docker's worker both accept. (No Docker daemon is needed for any of this.)"""

from __future__ import annotations

import ast
import asyncio
import json
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
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


LOCKS = ("requirements.lock", "requirements-dev.lock")
PYPROJECT = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]
SHIPPED = ("connectors", "domain", "flows", "sandbox")  # what the image carries; the demo runs the sandbox
TESTS_ONLY = ("sandbox/contracts",)  # the stand-ins' contract checks, on only in tests (their imports: dev)


def pinned(lock: str) -> dict[str, str]:
    text = (PROJECT_DIR / lock).read_text(encoding="utf-8")
    return {canonicalize_name(m[1]): m[2] for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.M)}


def declared(*extras: str) -> list[Requirement]:
    lines = [
        *PYPROJECT["dependencies"],
        *(line for e in extras for line in PYPROJECT["optional-dependencies"][e]),
    ]
    return [Requirement(line) for line in lines]


@pytest.mark.parametrize(("lock", "extras"), [(LOCKS[0], ()), (LOCKS[1], ("dev", "bench"))])
def test_each_lock_pins_what_pyproject_declares_within_its_range(lock: str, extras: tuple[str, ...]) -> None:
    versions = pinned(lock)
    for requirement in declared(*extras):
        name = canonicalize_name(requirement.name)
        assert name in versions, f"{name} is not in {lock}: run `make lock`"
        assert requirement.specifier.contains(versions[name]), f"{name}=={versions[name]} vs {requirement}"


@pytest.mark.parametrize("lock", LOCKS)
def test_every_pin_carries_hashes_so_pip_can_require_them(lock: str) -> None:
    entries = re.split(r"\n(?=[A-Za-z0-9])", (PROJECT_DIR / lock).read_text(encoding="utf-8"))
    pins = [e for e in entries if re.match(r"[A-Za-z0-9_.\-]+==", e)]
    assert len(pins) == len(pinned(lock)) > 50
    unhashed = [p.split(" ", 1)[0] for p in pins if "--hash=sha256:" not in p]
    assert not unhashed, f"{lock}: no hash for {unhashed}: run `make lock`"


def test_the_two_locks_pin_each_shared_package_alike_and_the_runtime_lock_has_no_peers() -> None:
    runtime, dev = pinned(LOCKS[0]), pinned(LOCKS[1])
    assert {name: dev[name] for name in runtime} == runtime
    peers = {canonicalize_name(r.name) for r in declared("bench")} - {
        canonicalize_name(r.name) for r in declared()
    }
    assert peers and not peers & set(runtime), "the benchmark's peers are not runtime dependencies"


def test_prefect_yaml_names_the_locked_prefect() -> None:
    project = yaml.safe_load((PROJECT_DIR / "prefect.yaml").read_text(encoding="utf-8"))
    assert project["prefect-version"] == pinned(LOCKS[0])["prefect"]


def third_party_imports(folder: str) -> dict[str, str]:
    """Top-level modules imported by the code under `folder` that are neither its own nor the standard
    library's, each with one file importing it."""
    found: dict[str, str] = {}
    for path in sorted((PROJECT_DIR / folder).rglob("*.py")):
        if any(path.is_relative_to(PROJECT_DIR / skip) for skip in TESTS_ONLY):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in (*SHIPPED, "bench", "__future__"):
                    found.setdefault(top, str(path.relative_to(PROJECT_DIR)))
    return found


def test_runtime_dependencies_are_what_the_shipped_code_imports() -> None:
    distributions = packages_distributions()
    runtime = {canonicalize_name(r.name) for r in declared()}
    imported = {top: where for folder in SHIPPED for top, where in third_party_imports(folder).items()}
    used: set[str] = set()
    for top, where in imported.items():
        providers = {canonicalize_name(d) for d in distributions.get(top, [])} & runtime
        assert providers, f"{where} imports {top}, which no runtime dependency provides"
        used |= providers
    # Pillow is never imported by name: openpyxl loads it to keep a workbook's pictures
    assert runtime - used == {"pillow"}, f"declared but not imported: {runtime - used - {'pillow'}}"


def test_the_image_is_slim_unprivileged_and_installs_only_the_lock() -> None:
    assert re.search(r"^FROM python:3\.1[1-9]-slim\b", DOCKERFILE, re.M)
    users = re.findall(r"^USER (\S+)", DOCKERFILE, re.M)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert "pip install --require-hashes -r /tmp/requirements.lock" in DOCKERFILE
    assert "pip install --no-deps ." in DOCKERFILE  # the project itself adds nothing unpinned


def test_make_installs_the_hashed_dev_lock_and_then_the_project_alone() -> None:
    makefile = (PROJECT_DIR / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet --require-hashes -r requirements-dev.lock" in makefile
    assert "pip install --quiet --no-deps -e ." in makefile


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
