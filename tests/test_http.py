"""The shared HTTP layer against a real loopback server: retries, waits, errors, redaction, counting."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate

import pytest
import requests
from fastapi import FastAPI, Request, Response
from google.auth.credentials import AnonymousCredentials
from google.auth.transport.requests import AuthorizedSession
from jira.resilientsession import ResilientSession

from connectors import http
from connectors.http import (
    ApiClient,
    ApiError,
    AuthError,
    FatalAPIError,
    NotFoundError,
    RetriesExhaustedError,
    RetryPolicy,
    mount_policy,
    parse_retry_after,
    request_counts,
    reset_request_counts,
)
from sandbox.core import Knobs, LoggedRequest, RunningService

TOKEN = "tok-SECRET-123"
FAST = RetryPolicy(max_attempts=4, backoff_base_s=0.01, backoff_cap_s=0.05, read_timeout_s=5.0)
OK_BODY = '{"ok": true, "items": ["' + "x" * 500 + '"]}'


@dataclass
class Script:
    """Answers to give, in order; once used up every request gets 200 OK_BODY."""

    answers: list[tuple[int, dict[str, str], str]] = field(default_factory=list)


def scripted_app(script: Script) -> FastAPI:
    app = FastAPI()

    @app.get("/echo-auth")
    async def echo_auth(request: Request) -> Response:
        # A careless server that quotes the credentials it rejected.
        body = f'{{"errorMessages": ["bad credentials: {request.headers.get("authorization")}"]}}'
        return Response(body, status_code=400, media_type="application/json")

    @app.api_route("/{path:path}", methods=["GET", "POST"])
    async def answer(path: str) -> Response:
        status, headers, body = script.answers.pop(0) if script.answers else (200, {}, OK_BODY)
        return Response(body, status_code=status, headers=headers, media_type="application/json")

    return app


@dataclass
class SleepRecorder:
    """Stands in for the real sleep; `then` lets a test change the server between attempts."""

    waits: list[float] = field(default_factory=list)
    then: Callable[[], None] | None = None

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.then:
            self.then()


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[RunningService, Script]]:
    script = Script()
    with RunningService(scripted_app(script)) as svc:
        yield svc, script


@pytest.fixture
def svc(server: tuple[RunningService, Script]) -> RunningService:
    service, script = server
    script.answers.clear()
    service.log.clear()
    service.knobs.fault_rates = {}
    service.knobs.retry_after_s = 1
    reset_request_counts()
    return service


@pytest.fixture
def script(server: tuple[RunningService, Script], svc: RunningService) -> Script:
    return server[1]


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> SleepRecorder:
    recorder = SleepRecorder()
    monkeypatch.setattr(http, "sleep", recorder)
    return recorder


def heal_after_first_attempt(svc: RunningService, slept: SleepRecorder) -> None:
    slept.then = lambda: svc.knobs.fault_rates.clear()


def logged(svc: RunningService) -> list[LoggedRequest]:
    """Every request the server answered, in order."""
    return svc.log.entries


def client(svc: RunningService, policy: RetryPolicy = FAST, **kw: object) -> ApiClient:
    return ApiClient("Jira", svc.url, policy=policy, **kw)  # type: ignore[arg-type]


# ---- Retry-After and backoff ------------------------------------------------------------------


def test_429_retry_after_seconds_is_waited_out(svc: RunningService, slept: SleepRecorder) -> None:
    svc.knobs.retry_after_s = 2
    svc.knobs.fault_rates = {"429": 1.0}
    heal_after_first_attempt(svc, slept)
    assert client(svc).get_json("/rest/api/3/myself")["ok"] is True
    assert len(slept.waits) == 1 and slept.waits[0] >= 2.0
    assert [e.status for e in logged(svc)] == [429, 200]


def test_429_retry_after_http_date_is_waited_out(
    script: Script, svc: RunningService, slept: SleepRecorder
) -> None:
    at = int(time.time()) + 30  # an HTTP date has whole-second resolution
    script.answers.append((429, {"Retry-After": formatdate(at, usegmt=True)}, "{}"))
    before = time.time()
    assert client(svc).get_json("/x")["ok"] is True
    after = time.time()
    # The header was read between `before` and `after`, however long the call took on a busy
    # machine; the wait is what was left until `at`, plus at most the policy's jitter.
    assert len(slept.waits) == 1
    assert at - after <= slept.waits[0] <= at - before + FAST.backoff_base_s


def test_retry_after_is_capped_by_policy(script: Script, svc: RunningService, slept: SleepRecorder) -> None:
    script.answers.append((503, {"Retry-After": "3600"}, "{}"))
    client(svc, RetryPolicy(max_retry_after_s=5, backoff_base_s=0.01)).get_json("/x")
    assert 5.0 <= slept.waits[0] <= 5.01


def test_without_retry_after_backoff_is_capped_full_jitter(svc: RunningService, slept: SleepRecorder) -> None:
    svc.knobs.fault_rates = {"500": 1.0}
    policy = RetryPolicy(max_attempts=6, backoff_base_s=0.2, backoff_cap_s=0.5)
    with pytest.raises(RetriesExhaustedError):
        client(svc, policy).get_json("/x")
    ceilings = [0.2, 0.4, 0.5, 0.5, 0.5]  # base * 2^(n-1), capped
    assert len(slept.waits) == 5
    assert all(0 <= wait <= ceiling for wait, ceiling in zip(slept.waits, ceilings, strict=True))


def test_real_sleep_waits_out_retry_after(script: Script, svc: RunningService) -> None:
    script.answers.append((429, {"Retry-After": "1"}, "{}"))
    started = time.monotonic()
    assert client(svc).get_json("/x")["ok"] is True
    # At least the second asked for; the ceiling only catches a wait of another order (a misread
    # header taken as minutes), never a slow machine.
    assert 1.0 <= time.monotonic() - started < 30.0


@pytest.mark.parametrize(
    ("value", "expected"), [("2", 2.0), ("0.5", 0.5), ("-3", 0.0), ("soon", None), ("", None), (None, None)]
)
def test_parse_retry_after_delta_seconds(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_parse_retry_after_dates() -> None:
    assert parse_retry_after(formatdate(time.time() - 60, usegmt=True)) == 0.0
    at = int(time.time()) + 60
    before = time.time()
    seconds = parse_retry_after(formatdate(at, usegmt=True))
    after = time.time()
    assert seconds is not None and at - after <= seconds <= at - before


# ---- which answers are retried ----------------------------------------------------------------


def test_503_then_200_succeeds(script: Script, svc: RunningService, slept: SleepRecorder) -> None:
    script.answers.append((503, {}, '{"error": "busy"}'))
    assert client(svc).post_json("/rest/api/3/search/jql", {"jql": "project = PLAT"})["ok"] is True
    assert [e.status for e in logged(svc)] == [503, 200]
    assert logged(svc)[1].body == {"jql": "project = PLAT"}  # the retry re-sent the body


def test_400_is_not_retried(script: Script, svc: RunningService, slept: SleepRecorder) -> None:
    script.answers.append((400, {}, '{"errorMessages": ["Field \'x\' does not exist"]}'))
    with pytest.raises(FatalAPIError) as caught:
        client(svc).get_json("/rest/api/3/search/jql", params={"jql": "x = 1"})
    assert not isinstance(caught.value, AuthError)
    assert caught.value.status == 400
    assert "400 Bad Request on GET /rest/api/3/search/jql" in str(caught.value)
    assert "Field 'x' does not exist" in str(caught.value)
    assert len(logged(svc)) == 1 and slept.waits == []


def test_attempts_stop_at_the_bound(svc: RunningService, slept: SleepRecorder) -> None:
    svc.knobs.fault_rates = {"503": 1.0}
    with pytest.raises(RetriesExhaustedError) as caught:
        client(svc, RetryPolicy(max_attempts=3, backoff_base_s=0.01)).get_json("/rest/api/3/myself")
    assert str(caught.value).startswith("Jira: gave up after 3 attempts; last: 503 Service Unavailable")
    assert caught.value.status == 503 and caught.value.attempts == 3
    assert len(logged(svc)) == 3 and len(slept.waits) == 2


@pytest.mark.parametrize("fault", ["reset", "truncate"])
def test_broken_connection_or_body_is_retried(fault: str, svc: RunningService, slept: SleepRecorder) -> None:
    svc.knobs.fault_rates = {fault: 1.0}
    heal_after_first_attempt(svc, slept)
    assert client(svc).get_json("/x")["items"] == ["x" * 500]  # the whole body, not half of it
    assert [e.fault for e in logged(svc)] == [fault, None]


def test_broken_body_exhaustion_names_the_error(svc: RunningService, slept: SleepRecorder) -> None:
    svc.knobs.fault_rates = {"truncate": 1.0}
    with pytest.raises(RetriesExhaustedError) as caught:
        client(svc, RetryPolicy(max_attempts=2, backoff_base_s=0.01)).get_json("/x")
    broken = f"connection to 127.0.0.1:{svc.port} broken (ChunkedEncodingError:"
    assert f"gave up after 2 attempts; last: {broken}" in str(caught.value)
    assert caught.value.status is None


def test_stalled_response_past_read_timeout_is_retried(slept: SleepRecorder) -> None:
    stall_s = 60.0
    knobs = Knobs(fault_rates={"stall": 1.0}, stall_s=stall_s)
    with RunningService(scripted_app(Script()), knobs) as stalling:
        slept.then = knobs.fault_rates.clear
        session = requests.Session()  # no timeout given by the caller: the policy's default applies
        mount_policy(session, "Sheets", RetryPolicy(read_timeout_s=0.3, backoff_base_s=0.01))
        started = time.monotonic()
        assert session.get(f"{stalling.url}/x").json()["ok"] is True
        assert time.monotonic() - started < stall_s  # it did not wait for the stalled answer
        assert len(slept.waits) == 1
        # Only the retry has been answered; the stalled request is still held by the server.
        assert [(e.fault, e.status) for e in logged(stalling)] == [(None, 200)]


# ---- named errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind", "hint"),
    [
        (401, AuthError, "check JIRA_API_TOKEN and JIRA_EMAIL"),
        (403, AuthError, "ask a Jira admin for Browse Projects"),
        (404, NotFoundError, "check the issue key and jira.url"),
    ],
)
def test_auth_and_not_found_name_system_status_and_hint(
    status: int,
    kind: type[FatalAPIError],
    hint: str,
    script: Script,
    svc: RunningService,
    slept: SleepRecorder,
) -> None:
    script.answers.append((status, {}, '{"errorMessages": ["nope"]}'))
    hints = {401: "check JIRA_API_TOKEN and JIRA_EMAIL", 403: "ask a Jira admin for Browse Projects",
             404: "check the issue key and jira.url"}  # fmt: skip
    with pytest.raises(kind) as caught:
        client(svc, hints=hints).get_json("/rest/api/3/issue/PLAT-1", params={"fields": "summary"})
    text = str(caught.value)
    assert text.startswith(f"Jira: {status} ")
    assert f"on GET /rest/api/3/issue/PLAT-1 — {hint}" in text
    assert "fields=summary" not in text and "nope" in text
    assert caught.value.system == "Jira" and caught.value.status == status
    assert len(logged(svc)) == 1


def test_non_json_success_body_is_a_clear_error(script: Script, svc: RunningService) -> None:
    script.answers.append((200, {}, "<html>login page</html>"))
    with pytest.raises(ApiError, match=r"^Jira: GET /x answered 200 with a body that is not JSON: <html>"):
        client(svc).get_json("/x")


# ---- secrets ----------------------------------------------------------------------------------


def test_token_never_reaches_logs_or_errors(
    svc: RunningService, slept: SleepRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    svc.knobs.fault_rates = {"503": 1.0}
    heal_after_first_attempt(svc, slept)
    api = client(svc, headers={"Authorization": f"Bearer {TOKEN}"})
    with pytest.raises(FatalAPIError) as caught:
        api.get_json("/echo-auth", params={"api_key": TOKEN})  # urllib3 logs the query at DEBUG
    try:
        raise RuntimeError(f"wrapped {TOKEN}")
    except RuntimeError:
        logging.getLogger("opsheets.flows.demo").exception("token %s in args", TOKEN)
    error_text = str(caught.value)
    assert "bad credentials: ***" in error_text and TOKEN not in error_text
    assert "retrying" in caplog.text and "api_key=***" in caplog.text  # the records we check do exist
    assert TOKEN not in caplog.text
    assert all(TOKEN not in record.getMessage() for record in caplog.records)
    assert "Bearer" not in caplog.text  # headers are never logged


def test_basic_auth_credentials_are_registered(script: Script, svc: RunningService) -> None:
    script.answers.append((401, {}, '{"message": "key tok-SECRET-456 is revoked"}'))
    with pytest.raises(AuthError) as caught:
        ApiClient("BambooHR", svc.url, auth=("tok-SECRET-456", "x"), policy=FAST).get_json("/v1/employees")
    assert "tok-SECRET-456" not in str(caught.value) and "key *** is revoked" in str(caught.value)


def test_retry_is_logged_with_system_status_wait_and_attempt(
    svc: RunningService, slept: SleepRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="opsheets.http")
    svc.knobs.fault_rates = {"429": 1.0}
    heal_after_first_attempt(svc, slept)
    client(svc).get_json("/rest/api/3/myself")
    [record] = [r for r in caplog.records if r.name == "opsheets.http"]
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith(
        "Jira: 429 Too Many Requests on GET /rest/api/3/myself; retrying in 1."
    )
    assert record.getMessage().endswith("(attempt 1/4)")


# ---- counting, rewriting, foreign sessions ----------------------------------------------------


def test_counter_counts_every_attempt(script: Script, svc: RunningService, slept: SleepRecorder) -> None:
    script.answers += [(503, {}, "{}"), (502, {}, "{}")]
    client(svc).get_json("/x")
    assert request_counts() == {f"127.0.0.1:{svc.port}": 3} == {f"127.0.0.1:{svc.port}": len(logged(svc))}
    reset_request_counts()
    assert request_counts() == {}


def test_counter_is_thread_safe(svc: RunningService) -> None:
    api = client(svc)

    def work() -> None:
        for _ in range(10):
            api.get_json("/x")

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert request_counts() == {f"127.0.0.1:{svc.port}": 80}


def test_rewrite_lets_a_google_url_reach_the_local_app(svc: RunningService) -> None:
    session = requests.Session()
    mount_policy(session, "Sheets", FAST, rewrite={"https://sheets.googleapis.com": svc.url})
    response = session.get("https://sheets.googleapis.com/v4/spreadsheets/abc", params={"alt": "json"})
    assert response.json()["ok"] is True
    [entry] = logged(svc)
    assert (entry.path, entry.query) == ("/v4/spreadsheets/abc", "alt=json")
    assert request_counts() == {f"127.0.0.1:{svc.port}": 1}


def test_mount_policy_on_a_session_created_elsewhere(
    script: Script, svc: RunningService, slept: SleepRecorder
) -> None:
    session = requests.Session()
    session.mount(f"{svc.url}/", requests.adapters.HTTPAdapter())  # a narrower adapter must not win
    mount_policy(session, "Sheets", FAST)
    script.answers.append((503, {}, "{}"))
    assert session.get(f"{svc.url}/x").status_code == 200
    assert len(logged(svc)) == 2 and len(slept.waits) == 1


def jira_session() -> requests.Session:
    return ResilientSession()


def google_session() -> requests.Session:
    return AuthorizedSession(AnonymousCredentials())


@pytest.mark.parametrize("make_session", [jira_session, google_session])
def test_client_library_sessions_retry_only_in_our_adapter(
    make_session: Callable[[], requests.Session], svc: RunningService, slept: SleepRecorder
) -> None:
    svc.knobs.fault_rates = {"503": 1.0}
    session = make_session()
    mount_policy(session, "Jira", RetryPolicy(max_attempts=2, backoff_base_s=0.01),
                 rewrite={"https://example.atlassian.net": svc.url})  # fmt: skip
    with pytest.raises(RetriesExhaustedError, match="gave up after 2 attempts"):
        session.get("https://example.atlassian.net/rest/api/3/serverInfo")
    assert len(logged(svc)) == 2  # the library's own retry loop never saw a 503 to retry
