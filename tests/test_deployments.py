"""prefect.yaml and `opsheets serve` describe the same deployments: the table in flows/deployments.py."""

from __future__ import annotations

import inspect
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from flows.config import ConfigError, parse_config
from flows.deployments import (
    DEFAULT_TIMEZONE,
    DEPLOYMENTS,
    PROJECT_DIR,
    DeploymentSpec,
    available_deployments,
    cron_schedule,
    deployment,
    prefect_yaml_deployment,
)
from flows.serve import build_deployments

SECTIONS = {
    "jira": {"url": "https://jira.example.test"},
    "bamboohr": {"company": "acme"},
    "intercom": {},
    "budgets": {"ledger": {"spreadsheet": "ledger-key"}},
}
PREFECT_YAML = yaml.safe_load((PROJECT_DIR / "prefect.yaml").read_text(encoding="utf-8"))


def test_prefect_yaml_lists_exactly_the_flows_in_the_tree_as_defined_in_python() -> None:
    expected = [prefect_yaml_deployment(spec) for spec in available_deployments()]
    assert PREFECT_YAML["deployments"] == expected


def test_availability_and_budgets_are_deployed() -> None:
    assert {"availability", "budgets"} <= {spec.name for spec in available_deployments()}


def test_pull_step_runs_the_code_from_the_directory_deploy_ran_in() -> None:
    (build,) = PREFECT_YAML["build"]
    step = build["prefect.deployments.steps.run_shell_script"]
    assert step["script"] == "pwd"
    (pull,) = PREFECT_YAML["pull"]
    directory = pull["prefect.deployments.steps.set_working_directory"]["directory"]
    assert directory == "{{ " + step["id"] + ".stdout }}"


def test_schedule_timezone_is_the_example_configs() -> None:
    example = yaml.safe_load((PROJECT_DIR / "opsheets.example.yaml").read_text(encoding="utf-8"))
    assert example["timezone"] == DEFAULT_TIMEZONE


@pytest.mark.parametrize("spec", available_deployments(), ids=lambda s: s.name)
def test_each_entrypoint_is_a_flow_taking_config_path_and_dry_run(spec: object) -> None:
    flow = spec.load_flow()  # type: ignore[attr-defined]
    parameters = inspect.signature(flow.fn).parameters
    assert {"config_path", "dry_run"} <= set(parameters)


def test_a_malformed_cron_is_a_config_error_naming_the_deployment() -> None:
    bad = replace(DEPLOYMENTS[0], cron="61 * * * *")
    with pytest.raises(ConfigError, match="schedule of 'availability'"):
        cron_schedule(bad, "UTC")


def test_a_cron_that_never_fires_is_refused_before_serving() -> None:
    bad = replace(DEPLOYMENTS[1], cron="0 0 30 2 *")
    with pytest.raises(ConfigError, match="schedule of 'budgets': '0 0 30 2 \\*' never fires"):
        cron_schedule(bad, "UTC")


def test_an_unknown_timezone_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        cron_schedule(DEPLOYMENTS[0], "Mars/Olympus")


def test_an_unknown_job_names_the_choices() -> None:
    with pytest.raises(ConfigError, match="availability, budgets"):
        deployment("payroll")


def test_serve_builds_every_deployment_in_the_configs_timezone_one_run_at_a_time(tmp_path: Path) -> None:
    config = parse_config({"timezone": "America/New_York", **SECTIONS})
    built = build_deployments(config, tmp_path / "opsheets.yaml")
    assert [d.name for d in built] == [spec.name for spec in available_deployments()]
    for runner, spec in zip(built, available_deployments(), strict=True):
        (schedule,) = runner.schedules
        assert (schedule.schedule.cron, schedule.schedule.timezone) == (spec.cron, "America/New_York")
        assert runner.concurrency_limit == 1
        assert runner.concurrency_options.collision_strategy == "ENQUEUE"
        assert runner.parameters == {"config_path": str((tmp_path / "opsheets.yaml").resolve())}


@pytest.mark.parametrize(
    ("left_out", "not_served"),
    [("intercom", {"comments"}), ("budgets", {"budgets"}), ("jira", {"availability", "comments"})],
)
def test_serve_leaves_out_each_job_whose_sections_are_missing(
    left_out: str, not_served: set[str], tmp_path: Path
) -> None:
    config = parse_config({k: v for k, v in SECTIONS.items() if k != left_out})
    built = {d.name for d in build_deployments(config, tmp_path / "opsheets.yaml")}
    assert built == {spec.name for spec in available_deployments()} - not_served
    for name in not_served:
        assert deployment(name).missing(config) == [left_out]


def test_serve_with_no_job_configured_refuses_naming_the_file(tmp_path: Path) -> None:
    from flows.serve import serve_all

    file = tmp_path / "opsheets.yaml"
    file.write_text("timezone: UTC\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"no job is configured.*opsheets check"):
        serve_all(file, before_serving=lambda: pytest.fail("nothing is served without a job"))


def test_serve_refuses_a_bad_timezone_before_serving(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        build_deployments(parse_config({"timezone": "Mars/Olympus"}), tmp_path / "opsheets.yaml")


def test_serve_masks_the_secrets_its_runs_will_use_and_skips_those_not_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from connectors.redaction import redact
    from flows.serve import register_run_secrets

    monkeypatch.setenv("OPSHEETS_TEST_SERVE_TOKEN", "tok-serve-registers-31\n")
    monkeypatch.delenv("OPSHEETS_TEST_SERVE_MISSING", raising=False)
    config = parse_config({
        "jira": {"url": "https://x", "token": {"env": "OPSHEETS_TEST_SERVE_TOKEN"}},
        "bamboohr": {"company": "acme", "api_key": {"env": "OPSHEETS_TEST_SERVE_MISSING"}},
    })  # fmt: skip
    register_run_secrets(config)  # the missing one is for its run to report, not for serve
    assert redact("child printed tok-serve-registers-31") == "child printed ***"


@pytest.mark.prefect
@pytest.mark.parametrize("spec", DEPLOYMENTS, ids=lambda spec: spec.name)
def test_a_deployed_run_of_a_job_the_config_leaves_out_ends_at_once_as_not_configured(
    spec: DeploymentSpec, prefect_harness: None, tmp_path: Path
) -> None:
    """prefect.yaml deploys every job; one this installation does not configure must not fail on
    every schedule tick: its run completes at once, named 'Not configured', saying what to add."""
    file = tmp_path / "opsheets.yaml"
    file.write_text("timezone: UTC\n", encoding="utf-8")
    state = spec.load_flow()(config_path=str(file), return_state=True)
    assert (state.type.value, state.name) == ("COMPLETED", "Not configured")
    assert f"{spec.name} is not configured: {file} has no" in state.message
    assert all(f"'{section}'" in state.message for section in spec.needs)
