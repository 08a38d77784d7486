"""`opsheets check` when the network fails, offline and deterministic: a name under `.invalid` (never
resolves), a closed loopback port (refused), a plain-HTTP stand-in reached with https (TLS fails), a
stalled stand-in with a tiny read timeout, and Google's token endpoint behind each of the first two.

Each is one FAIL row naming the system, the host and the fix; the detail is whole (never cut
mid-word); a host that does not resolve and a TLS failure are asked once, the others as often as the
retry policy says; and nothing crashes.
"""

from __future__ import annotations

import json
import random
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from fastapi import FastAPI
from typer.testing import CliRunner

from connectors import http
from connectors.http import request_counts, reset_request_counts
from connectors.transport import shorten
from flows import cli
from flows.check import run_checks
from flows.cli import app
from flows.probes import Probe
from sandbox.core import Knobs, RunningService
from tests.reliability.test_security import service_account_key

ATTEMPTS = 3


@dataclass(frozen=True)
class Case:
    system: str  # what the FAIL row is about
    host: str
    reason: str  # in the detail
    fix: str  # in the fix
    attempts: int


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "sleep", lambda seconds: None)
    monkeypatch.setenv("JIRA_API_TOKEN", "tok-check-network-1")
    reset_request_counts()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on: bound to learn a free number, then closed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def plain_http() -> Iterator[RunningService]:
    with RunningService(FastAPI()) as service:
        yield service


@pytest.fixture
def stalled() -> Iterator[RunningService]:
    with RunningService(FastAPI(), Knobs(fault_rates={"stall": 1.0}, stall_s=60)) as service:
        yield service


def jira_config(tmp_path: Path, url: str, **http_settings: float) -> Path:
    return write_config(tmp_path, {"jira": {"url": url, "email": "ops@example.com", "projects": ["PLAT"]}},
                        **http_settings)  # fmt: skip


def google_config(tmp_path: Path, token_uri: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    key = service_account_key(tmp_path) | {"token_uri": token_uri}
    monkeypatch.setenv("OPSHEETS_TEST_KEY", json.dumps(key))
    return write_config(
        tmp_path, {"sheets": {"backend": "google", "credentials": {"env": "OPSHEETS_TEST_KEY"}}}
    )


def write_config(tmp_path: Path, data: dict, **http_settings: float) -> Path:
    data = {**data, "http": {"max_attempts": ATTEMPTS, **http_settings}}
    data.setdefault("sheets", {"backend": "workbook", "workbook_dir": str(tmp_path / "sheets")})
    path = tmp_path / "opsheets.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def dns_jira(tmp_path: Path, **_: object) -> tuple[Path, Case]:
    host = "jira.opsheets-check.invalid"
    return jira_config(tmp_path, f"https://{host}"), Case(
        "Jira",
        host,
        f"cannot resolve host {host} (DNS: no such name)",
        "check the host name in the Jira URL",
        1,
    )


def refused_jira(tmp_path: Path, closed_port: int, **_: object) -> tuple[Path, Case]:
    return jira_config(tmp_path, f"http://127.0.0.1:{closed_port}"), Case(
        "Jira", f"127.0.0.1:{closed_port}", f"connection to 127.0.0.1:{closed_port} refused",
        "check the host and port in the Jira URL", ATTEMPTS,
    )  # fmt: skip


def tls_jira(tmp_path: Path, plain_http: RunningService, **_: object) -> tuple[Path, Case]:
    host = f"127.0.0.1:{plain_http.port}"
    return jira_config(tmp_path, f"https://{host}"), Case(
        "Jira", host, f"TLS handshake with {host} failed", "uses https only where the server speaks TLS", 1
    )


def timeout_jira(tmp_path: Path, stalled: RunningService, **_: object) -> tuple[Path, Case]:
    host = f"127.0.0.1:{stalled.port}"
    return jira_config(tmp_path, stalled.url, read_timeout_s=0.2), Case(
        "Jira",
        host,
        f"{host} did not answer within 0.2 s (read timeout)",
        "raise http.read_timeout_s",
        ATTEMPTS,
    )


def dns_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **_: object) -> tuple[Path, Case]:
    host = "oauth2.opsheets-check.invalid"
    return google_config(tmp_path, f"https://{host}/token", monkeypatch), Case(
        "Google Sheets", host, f"cannot resolve host {host}", "the key's token_uri", 1
    )


def refused_token(
    tmp_path: Path, closed_port: int, monkeypatch: pytest.MonkeyPatch, **_: object
) -> tuple[Path, Case]:
    host = f"127.0.0.1:{closed_port}"
    return google_config(tmp_path, f"http://{host}/token", monkeypatch), Case(
        "Google Sheets", host, f"connection to {host} refused", "the key's token_uri", ATTEMPTS
    )


SCENARIOS: dict[str, Callable[..., tuple[Path, Case]]] = {
    "DNS failure": dns_jira,
    "refused connection": refused_jira,
    "TLS error": tls_jira,
    "timeout": timeout_jira,
    "token endpoint: DNS failure": dns_token,
    "token endpoint: refused": refused_token,
}
NEEDS = {"refused connection": "closed_port", "TLS error": "plain_http", "timeout": "stalled",
         "token endpoint: refused": "closed_port"}  # fmt: skip


@pytest.fixture(params=list(SCENARIOS))
def scenario(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Case]:
    name = request.param
    extra = {NEEDS[name]: request.getfixturevalue(NEEDS[name])} if name in NEEDS else {}
    return SCENARIOS[name](tmp_path, monkeypatch=monkeypatch, **extra)


def test_each_network_failure_is_one_fail_row_naming_system_host_and_fix(scenario: tuple[Path, Case]) -> None:
    path, case = scenario
    probes = run_checks(str(path))
    failed = [p for p in probes if not p.ok]
    assert len(failed) == 1, failed
    (probe,) = failed
    assert probe.check == f"reach: {case.system}"
    assert probe.detail.startswith(f"{case.system}: ") and case.host in probe.detail
    assert case.reason in probe.detail, probe.detail
    assert case.fix in probe.fix, probe.fix
    assert_whole(probe)
    assert sum(request_counts().values()) == case.attempts, request_counts()


def test_check_prints_the_fail_row_and_exits_1_without_a_traceback(
    scenario: tuple[Path, Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, case = scenario
    monkeypatch.setattr(cli.console, "width", 400)  # one line per row, to find the row
    result = CliRunner().invoke(app, ["check", "--config", str(path)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # typer.Exit, not a crash
    assert "Traceback" not in result.output
    (row,) = [line for line in result.output.splitlines() if "FAIL" in line]
    assert f"reach: {case.system}" in row and case.host in row and case.fix in row


def assert_whole(probe: Probe) -> None:
    """Nothing was cut: no ellipsis, and the detail ends where a sentence or a bracket ends."""
    assert "…" not in probe.detail and "…" not in probe.fix
    assert probe.detail[-1].isalnum() or probe.detail[-1] in ").", probe.detail


@pytest.mark.parametrize("seed", range(20))
def test_shorten_cuts_only_between_words(seed: int) -> None:
    rng = random.Random(seed)
    words = ["".join(rng.choices("abcdefghij", k=rng.randint(1, 30))) for _ in range(rng.randint(1, 40))]
    text = " \n ".join(" ".join(words[i : i + 3]) for i in range(0, len(words), 3))
    width = rng.randint(5, 120)
    short = shorten(text, width)
    kept = short.removesuffix(" …").split()
    assert kept == words[: len(kept)]
    assert short.endswith(" …") == (len(kept) < len(words))
    assert len(" ".join(kept)) <= width or len(kept) == 1


def test_an_error_nobody_foresaw_is_a_fail_row_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flows import check

    def broken(config: object) -> str:
        raise KeyError("tok-check-network-1 was in a library's message")

    monkeypatch.setattr(check, "jira_whoami", broken)
    probes = run_checks(str(jira_config(tmp_path, "https://jira.example.com")))
    (failed,) = [p for p in probes if not p.ok]
    assert failed.check == "reach: Jira" and failed.detail.startswith("KeyError: ")
    assert "tok-check-network-1" not in failed.detail and "***" in failed.detail
    assert "report it" in failed.fix
