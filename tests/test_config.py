from pathlib import Path

import pytest
import yaml

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
    expected = "'schedules.budgets': Value error, 'every morning' has 2 field(s); a schedule takes exactly 5"
    assert expected in str(info.value)
    with pytest.raises(ConfigError, match=r"schedules\.nightly\.\[key\]': Input should be"):
        parse_config({"schedules": {"nightly": "0 1 * * *"}}, "x.yaml")


# --- secrets written into the file, and secrets as the environment gives them ---------------------
INLINE = "ATATT3xFfGF0-inline-secret=42"


@pytest.mark.parametrize(
    ("section", "key", "env"),
    [
        ({"jira": {"url": "https://x"}}, "jira.token", "JIRA_API_TOKEN"),
        ({"bamboohr": {"company": "acme"}}, "bamboohr.api_key", "BAMBOOHR_API_KEY"),
        ({"intercom": {}}, "intercom.token", "INTERCOM_ACCESS_TOKEN"),
        ({"sheets": {}}, "sheets.credentials", "GOOGLE_APPLICATION_CREDENTIALS"),
    ],
)
@pytest.mark.parametrize("value", [INLINE, 12345678, [INLINE]])
def test_an_inline_secret_is_refused_naming_the_key_never_the_value(
    section: dict, key: str, env: str, value: object, tmp_path: Path
) -> None:
    name, leaf = key.split(".")
    section[name][leaf] = value
    file = tmp_path / "opsheets.yaml"
    file.write_text(yaml.safe_dump(section))
    with pytest.raises(ConfigError) as info:
        load_config(file)
    message = str(info.value)
    assert message.startswith(f"{file}: '{key}': a secret cannot be written in the config file")
    assert INLINE not in message and "12345678" not in message and "SecretRef" not in message
    assert f"{leaf}: {{env: {env}}}" in message  # the two accepted forms, each with an example
    assert f"{leaf}: {{prefect_secret: {key.replace('.', '-').replace('_', '-')}}}" in message


def test_nothing_under_a_secret_key_is_ever_quoted() -> None:
    """A token pasted as the variable's name, or under a key of its own: named, never shown."""
    for token in ({"env": "ATATT3x-Ff/GF0="}, {"env": "JIRA_API_TOKEN", "value": INLINE}, {"env": 123456789}):
        with pytest.raises(ConfigError) as info:
            parse_config({"jira": {"url": "https://x", "token": token}}, "x.yaml")
        message = str(info.value)
        assert "'jira.token" in message
        assert "ATATT3x" not in message and INLINE not in message and "123456789" not in message


def test_a_secret_is_stripped_before_use_and_masked_in_every_form(monkeypatch: pytest.MonkeyPatch) -> None:
    from connectors.redaction import redact

    monkeypatch.setenv("JIRA_API_TOKEN", "  tok-mounted-file-77\n")
    assert SecretRef(env="JIRA_API_TOKEN").resolve().get_secret_value() == "tok-mounted-file-77"
    assert redact("'Bearer   tok-mounted-file-77\\n'") == "'Bearer   ***\\n'"


@pytest.mark.parametrize("value", ["abc", " ab\n", "x"])
def test_a_short_secret_is_refused_when_read(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ref = SecretRef(env="BAMBOOHR_API_KEY")  # loaded before the variable was set (or changed)
    monkeypatch.setenv("BAMBOOHR_API_KEY", value)
    with pytest.raises(ConfigError) as info:
        ref.resolve()
    assert "environment variable BAMBOOHR_API_KEY holds only" in str(info.value)
    assert "under 4 characters" in str(info.value)


def test_a_short_secret_already_in_the_environment_fails_config_load_naming_the_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("JIRA_API_TOKEN", "ab\n")
    file = tmp_path / "opsheets.yaml"
    file.write_text("jira:\n  url: https://x\n  token: {env: JIRA_API_TOKEN}\n")
    with pytest.raises(ConfigError) as info:
        load_config(file)
    assert str(info.value).startswith(f"{file}: 'jira.token': secret refused: environment variable")
    assert "holds only 2 character(s)" in str(info.value) and "'ab" not in str(info.value)


def test_a_blank_secret_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAMBOOHR_API_KEY", " \n")
    with pytest.raises(ConfigError, match="secret missing: environment variable BAMBOOHR_API_KEY is empty"):
        SecretRef(env="BAMBOOHR_API_KEY").resolve()


@pytest.mark.parametrize(
    ("cron", "why"),
    [
        ("0 0 30 2 *", "never fires within a year"),  # 30 February
        ("0 0 31 4,6,9,11 *", "never fires within a year"),  # 31st of 30-day months only
        ("0 0 29 2 *", "never fires within a year"),  # every fourth year only: refused whatever today is
        ("0 9 * * 1-5 *", "has 6 field(s)"),  # a sixth field is read as seconds: 60 runs a minute
        ("0 9 * *", "has 4 field(s)"),
        ("@daily", "has 1 field(s)"),
        ("61 * * * *", "is not a valid cron expression"),
        ("H 0 * * *", "is not a valid cron expression"),  # croniter's hashed form, which Prefect refuses
    ],
)
def test_a_cron_override_that_would_misfire_is_refused_naming_its_key(cron: str, why: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"schedules": {"comments": "*/5 * * * *", "availability": cron}}, "x.yaml")
    message = str(info.value)
    assert message.startswith("x.yaml: 'schedules.availability': ")
    assert why in message and "comments" not in message


@pytest.mark.parametrize("cron", ["0 0 31 * *", "0 0 28 2 *", "0 9 * * 1-5", "*/5 * * * *", "30 2 * * 0"])
def test_crons_that_fire_every_year_are_kept(cron: str) -> None:
    assert parse_config({"schedules": {"budgets": cron}}).schedules == {"budgets": cron}
