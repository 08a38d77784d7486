"""opsheets.yaml: one file, validated with pydantic, secrets referenced but never stored in it.

An unknown key or a bad value is an error that names the key and the file. Secrets come from
environment variables or Prefect Secret blocks named here, and are held as SecretStr. A secret
written straight into the file is refused, and no error ever quotes what was written where a
secret reference belongs.
"""

from __future__ import annotations

import os
import re
import types
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from connectors.redaction import MIN_SECRET_LEN, install_log_redaction, register_secret
from flows.cron import check_cron
from flows.provision_config import ProvisionSettings

DEFAULT_CONFIG_ENV = "OPSHEETS_CONFIG"
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
INLINE_SECRET = "inline_secret"


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file, the key and the fix."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SecretRef(Strict):
    """Where a secret lives: an environment variable or a Prefect Secret block, never the YAML."""

    env: str | None = None
    prefect_secret: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _a_reference_not_the_secret(cls, data: Any) -> Any:
        if isinstance(data, dict | SecretRef):
            return data
        raise PydanticCustomError(INLINE_SECRET, "a secret cannot be written in the config file")

    @field_validator("env")
    @classmethod
    def _an_environment_variable_name(cls, value: str | None) -> str | None:
        if value is not None and not ENV_NAME.fullmatch(value):
            raise ValueError(
                "not an environment variable name (letters, digits and _): the secret itself goes in "
                "the environment, only its variable's name here"
            )
        return value

    @model_validator(mode="after")
    def _one_source(self) -> SecretRef:
        if bool(self.env) == bool(self.prefect_secret):
            raise ValueError("give exactly one of 'env' or 'prefect_secret'")
        return self

    @model_validator(mode="after")
    def _not_too_short(self) -> SecretRef:
        """Refused at load when the variable is already set (a block is checked when it is read)."""
        value = os.environ.get(self.env, "").strip() if self.env else ""
        if 0 < len(value) < MIN_SECRET_LEN:
            raise PydanticCustomError("short_secret", self._too_short(len(value)))
        return self

    def _too_short(self, length: int) -> str:
        return (
            f"secret refused: {self.describe()} holds only {length} character(s); secrets under "
            f"{MIN_SECRET_LEN} characters cannot be told apart from ordinary text to mask them in logs. "
            "Check that it holds the whole token"
        )

    def describe(self) -> str:
        if self.env:
            return f"environment variable {self.env}"
        return f"Prefect Secret block '{self.prefect_secret}'"

    def resolve(self, *, register: bool = True) -> SecretStr:
        """The secret, stripped of surrounding whitespace (a mounted secret file ends with a newline),
        and registered for redaction in every form unless `register` is False (a file path)."""
        raw = self._raw()
        value = raw.strip()
        if not value:
            raise ConfigError(f"secret missing: {self.describe()} is empty; put the secret in it")
        if len(value) < MIN_SECRET_LEN:
            raise ConfigError(self._too_short(len(value)))
        if register:
            register_secret(raw)
        return SecretStr(value)

    def _raw(self) -> str:
        if self.env:
            value = os.environ.get(self.env)
            if not value:
                raise ConfigError(f"secret missing: set the environment variable {self.env}")
            return value
        from prefect.blocks.system import Secret  # only needed when a block is named

        assert self.prefect_secret is not None  # the validator above: exactly one of the two is set
        try:
            secret = Secret.load(self.prefect_secret)
            assert isinstance(secret, Secret)  # called outside an event loop: Prefect loads it synchronously
            return str(secret.get())
        except ValueError as exc:
            raise ConfigError(
                f"secret missing: create the Prefect Secret block '{self.prefect_secret}' "
                f"(prefect block create secret) or use an environment variable"
            ) from exc


class HttpSettings(Strict):
    max_attempts: int = Field(6, ge=1, le=20)
    backoff_base_s: float = Field(0.5, gt=0)
    backoff_cap_s: float = Field(30.0, gt=0)
    max_retry_after_s: float = Field(300.0, gt=0)
    connect_timeout_s: float = Field(5.0, gt=0)
    read_timeout_s: float = Field(60.0, gt=0)


class SheetsSettings(Strict):
    backend: Literal["auto", "google", "workbook"] = "auto"
    workbook_dir: Path = Path("out/sheets")
    credentials: SecretRef = SecretRef(env="GOOGLE_APPLICATION_CREDENTIALS")
    # Google's per-user quota (reads and writes each), shared by every worker through the Prefect server.
    requests_per_minute: int = Field(60, ge=10, le=100_000)
    # Sandbox/testing only: send Google Sheets (and Drive) calls to this base URL instead of Google.
    api_base: str | None = None
    drive_api_base: str | None = None


class JiraSettings(Strict):
    url: str
    email: str | None = None  # Cloud: the account the API token belongs to
    token: SecretRef = SecretRef(env="JIRA_API_TOKEN")
    projects: list[str] = Field(default_factory=list)
    jql: str | None = None
    # The issues whose worklogs count in Actuals, whatever their status or assignee. Default: the
    # configured projects; with only `jql` set, the projects of the issues it returns.
    actuals_jql: str | None = None
    hours_per_day: float | None = Field(None, gt=0, le=24)
    sprint_field: str | None = None
    start_date_field: str | None = None
    # Search chains (one per project) and worklog fetches in flight at once, each. A page takes
    # Jira a few hundred ms to build, so 8 keeps a large site's fetch short while staying far below
    # the burst limits; a 429 is still waited out as its Retry-After says.
    max_parallel_chains: int = Field(8, ge=1, le=16)


class BambooSettings(Strict):
    company: str
    api_key: SecretRef = SecretRef(env="BAMBOOHR_API_KEY")
    base_url: str | None = None
    team_field: str = "department"


class IntercomSettings(Strict):
    base_url: str = "https://api.intercom.io"
    token: SecretRef = SecretRef(env="INTERCOM_ACCESS_TOKEN")
    link_attribute: str = "jira_issue_key"
    note_tag: str | None = None  # e.g. "#jira": only notes starting with it go to Jira (tag removed)
    admin_id: str | None = None  # who writes the notes; default: the admin the access token belongs to
    initial_lookback_days: int = Field(30, ge=0, le=3650)  # first run: how far back to look for changes
    # Jira issue security levels (names) whose comments may still go to Intercom; comments on issues
    # with any other level are withheld, as are comments restricted to a role or group.
    mirror_security_levels: list[str] = Field(default_factory=list)


class AvailabilitySettings(Strict):
    spreadsheet: str = "resource-availability"
    weeks: int = Field(12, ge=1, le=52)
    actuals_weeks: int = Field(8, ge=0, le=52)
    focus_factor: float = Field(1.0, gt=0, le=1)
    # Public holidays by region (domain.regions): a default region per country, {GB: ENG, CA: ON}, used
    # when BambooHR's state and location fields name none; and BambooHR locations mapped to a region,
    # {"Edinburgh office": GB-SCT}. Both checked at load against the holidays package.
    regions: dict[str, str] = Field(default_factory=dict)
    locations: dict[str, str] = Field(default_factory=dict)

    @field_validator("regions")
    @classmethod
    def _known_regions(cls, value: dict[str, str]) -> dict[str, str]:
        from flows.regions_config import default_regions

        return default_regions(value)

    @field_validator("locations")
    @classmethod
    def _known_locations(cls, value: dict[str, str]) -> dict[str, str]:
        from flows.regions_config import location_regions

        return location_regions(value)


class LedgerSettings(Strict):
    spreadsheet: str
    tab: str = "Ledger"
    # The ledger's column of entry IDs (any case); with it, each team's Spend tab is keyed by ID, so a
    # note stays beside its expense whatever happens to the ledger. Without it: by the entry's content.
    id_column: str = Field("ID", min_length=1)


class BudgetSettings(Strict):
    period: Literal["month", "quarter", "year"] = "quarter"
    allowance_per_head: Decimal = Field(Decimal("50"), ge=0)
    currency: str = Field("EUR", min_length=3, max_length=3)
    overrides: dict[str, Decimal] = Field(default_factory=dict)
    excluded_statuses: list[str] = Field(default_factory=lambda: ["Contractor"])
    carry_over: bool = False
    # Past years whose lines stay in the Budget and Overview tabs; the `archive_years` years before them
    # are in an Archive tab instead (from the first year anyone was employed or anything was spent).
    keep_years: int = Field(1, ge=0, le=10)
    archive_years: int = Field(5, ge=0, le=20)
    roster: bool = True
    ledger: LedgerSettings
    overview_spreadsheet: str = "budgets-overview"
    teams: dict[str, str] = Field(default_factory=dict)  # team name -> spreadsheet key
    provision: ProvisionSettings | None = None  # create and share team spreadsheets on a shared drive

    @model_validator(mode="after")
    def _one_team_per_spreadsheet(self) -> BudgetSettings:
        """Two teams in one spreadsheet would overwrite each other on every run: refuse at load."""
        problems = _spreadsheet_clashes(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _spreadsheet_clashes(settings: BudgetSettings) -> list[str]:
    from domain.teams import team_key

    taken = {
        settings.overview_spreadsheet: "the overview (budgets.overview_spreadsheet)",
        settings.ledger.spreadsheet: "the ledger (budgets.ledger.spreadsheet)",
    }
    named: dict[str, str] = {}
    problems = []
    for team, key in settings.teams.items():
        if team_key(team) in named:
            first = named[team_key(team)]
            problems.append(
                f"budgets.teams names one team twice, '{first}' and '{team}' (team names compare whatever "
                f"their case and spacing): keep one"
            )
        named.setdefault(team_key(team), team)
        if key in taken:
            problems.append(
                f"budgets.teams maps '{team}' to spreadsheet '{key}', already used by {taken[key]}: "
                f"give each team its own spreadsheet"
            )
        taken.setdefault(key, f"team '{team}'")
    return problems


JobName = Literal["availability", "budgets", "comments"]


class Config(Strict):
    timezone: str = "UTC"
    # Cron overrides for `opsheets serve`, e.g. {budgets: "0 6 * * 1-5"}; prefect.yaml keeps its own.
    # Each one checked at load (flows.cron): five fields, fires at least once a year.
    schedules: dict[JobName, Annotated[str, AfterValidator(check_cron)]] = Field(default_factory=dict)
    http: HttpSettings = HttpSettings()
    sheets: SheetsSettings = SheetsSettings()
    jira: JiraSettings | None = None
    bamboohr: BambooSettings | None = None
    intercom: IntercomSettings | None = None
    availability: AvailabilitySettings = AvailabilitySettings()
    budgets: BudgetSettings | None = None

    def now(self) -> datetime:
        """The current time in the configured timezone: "today", and every date derived from it, is
        taken here and never from the host's clock zone (a 23:30 UTC run is already tomorrow in Berlin)."""
        return datetime.now(ZoneInfo(self.timezone))

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown timezone: use an IANA name like Europe/Berlin or UTC") from None
        return value


def _error_lines(exc: ValidationError) -> list[str]:
    lines = []
    for err in exc.errors():
        key = ".".join(str(part) for part in err["loc"]) or "(top level)"
        secret = _secret_field(err["loc"])
        if err["type"] == "extra_forbidden":
            lines.append(f"unknown key '{key}': remove it or check its spelling")
        elif err["type"] == INLINE_SECRET:
            lines.append(_inline_secret_line(key, secret))
        elif secret is not None:  # whatever was written there may be the secret: never quote it
            lines.append(f"'{key}': {err['msg']}")
        else:
            lines.append(f"'{key}': {err['msg']} (got {err.get('input')!r})")
    return lines


def _inline_secret_line(key: str, field: FieldInfo | None) -> str:
    default = field.default if field is not None and isinstance(field.default, SecretRef) else None
    env = default.env if default is not None and default.env else "NAME"
    leaf, block = key.rsplit(".", 1)[-1], key.replace(".", "-").replace("_", "-")
    return (
        f"'{key}': a secret cannot be written in the config file (the value is not shown). Name where it "
        f"lives instead: an environment variable, {leaf}: {{env: {env}}}, or a Prefect Secret block, "
        f"{leaf}: {{prefect_secret: {block}}}; then set {env} or create that block"
    )


def _secret_field(loc: tuple[int | str, ...]) -> FieldInfo | None:
    """The SecretRef field that `loc` is in or under, if any (walks the Config model by key)."""
    model: type[BaseModel] = Config
    for part in loc:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        if field is None:
            return None
        inner = _model_of(field.annotation)
        if inner is SecretRef:
            return field
        if inner is None:
            return None
        model = inner
    return None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model class in `annotation`, also inside `X | None`."""
    if get_origin(annotation) in (Union, types.UnionType):
        found = [m for a in get_args(annotation) if (m := _model_of(a)) is not None]
        return found[0] if found else None
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def parse_config(data: object, source: str = "<config>") -> Config:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the top level must be a mapping of keys to values")
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{source}: " + "; ".join(_error_lines(exc))) from None


def config_path(explicit: str | Path | None) -> Path:
    if explicit:
        return Path(explicit)
    return Path(os.environ.get(DEFAULT_CONFIG_ENV, "opsheets.yaml"))


def load_config(path: str | Path | None = None) -> Config:
    """Read and validate the YAML file; every problem is reported with the file name and key."""
    file = config_path(path)
    if not file.is_file():
        raise ConfigError(
            f"{file}: config file not found; copy opsheets.example.yaml to {file} "
            f"or pass --config / set {DEFAULT_CONFIG_ENV}"
        )
    # Every entry point (CLI command, flow run) loads the config first: the place to give handlers
    # that Prefect's logging setup created since the last call the redaction filter too.
    install_log_redaction()
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}: not valid YAML: {exc}") from None
    return parse_config(data, str(file))
