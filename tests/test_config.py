from pathlib import Path

import pytest

from flows.config import ConfigError, SecretRef, load_config, parse_config

EXAMPLE = Path(__file__).resolve().parents[1] / "opsheets.example.yaml"


def test_example_config_is_valid() -> None:
    config = load_config(EXAMPLE)
    assert config.jira is not None and config.jira.projects == ["PLAT", "WEB"]
    assert config.budgets is not None and config.budgets.period == "quarter"


def test_unknown_key_names_key_and_file(tmp_path: Path) -> None:
    file = tmp_path / "opsheets.yaml"
    file.write_text("availability:\n  wekks: 3\n")
    with pytest.raises(ConfigError) as info:
        load_config(file)
    assert str(info.value) == f"{file}: unknown key 'availability.wekks': remove it or check its spelling"


def test_bad_value_names_key() -> None:
    with pytest.raises(ConfigError, match=r"'availability.weeks': Input should be less than or equal to 52"):
        parse_config({"availability": {"weeks": 99}}, "x.yaml")


def test_missing_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"copy opsheets\.example\.yaml"):
        load_config(tmp_path / "nope.yaml")


def test_secret_from_env_is_secretstr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIRA_API_TOKEN", "tok-SECRET-123")
    secret = SecretRef(env="JIRA_API_TOKEN").resolve()
    assert secret.get_secret_value() == "tok-SECRET-123"
    assert "tok-SECRET-123" not in repr(secret) and "tok-SECRET-123" not in str(secret)


def test_missing_secret_names_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BAMBOOHR_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="set the environment variable BAMBOOHR_API_KEY"):
        SecretRef(env="BAMBOOHR_API_KEY").resolve()


def test_secret_ref_needs_exactly_one_source() -> None:
    with pytest.raises(ConfigError, match="exactly one"):
        parse_config({"jira": {"url": "https://x", "token": {"env": "A", "prefect_secret": "b"}}})


def test_unknown_timezone_names_key() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"timezone": "Mars/Olympus"}, "x.yaml")
    assert str(info.value) == (
        "x.yaml: 'timezone': Value error, unknown timezone: use an IANA name like Europe/Berlin or UTC "
        "(got 'Mars/Olympus')"
    )


def test_schedule_override_must_be_valid_cron() -> None:
    assert parse_config({"schedules": {"budgets": "0 6 * * 1-5"}}).schedules == {"budgets": "0 6 * * 1-5"}
    with pytest.raises(ConfigError) as info:
        parse_config({"schedules": {"budgets": "every morning"}}, "x.yaml")
    assert "'schedules': Value error, 'every morning' for budgets is not a valid cron expression" in str(
        info.value
    )
    with pytest.raises(ConfigError, match=r"schedules\.nightly\.\[key\]': Input should be"):
        parse_config({"schedules": {"nightly": "0 1 * * *"}}, "x.yaml")
