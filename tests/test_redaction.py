"""The one redaction: every form of a registered secret, every logger, exceptions, streams, files."""

from __future__ import annotations

import base64
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from connectors.local_files import write_report
from connectors.redaction import (
    MASK,
    RedactingStream,
    install_log_redaction,
    masking_errors,
    redact,
    register_auth,
    register_basic_credentials,
    register_headers,
    register_secret,
)

TOKEN = "ATATT-unit/redaction+42="
RAW = f"{TOKEN}\n"  # as a mounted secret file gives it
EMAIL = "ops-bot@example.com"
KEY = "bamboo-unit-key-0042"


@pytest.fixture(autouse=True, scope="module")
def registered() -> None:
    register_secret(RAW)
    register_basic_credentials(EMAIL, TOKEN)
    register_basic_credentials(KEY, "x")
    install_log_redaction()


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


FORMS = {
    "as given": RAW,
    "as given, escaped in a repr": repr(RAW)[1:-1],
    "stripped": TOKEN,
    "url-encoded": quote(TOKEN, safe=""),
    "url-encoded (form)": quote_plus(TOKEN),
    "json-escaped": json.dumps(TOKEN)[1:-1].replace("/", "\\/"),
    "base64 of email:token": b64(f"{EMAIL}:{TOKEN}"),
    "base64 of key:x": b64(f"{KEY}:x"),
    "base64, url-encoded": quote(b64(f"{EMAIL}:{TOKEN}"), safe=""),
    "after Bearer": f"Bearer {TOKEN}",
    "after Basic": f"Basic {b64(f'{KEY}:x')}",
}


@pytest.mark.parametrize("form", list(FORMS))
def test_every_form_of_a_secret_is_masked(form: str) -> None:
    text = f"header value: '{FORMS[form]}' in a sentence"
    masked = redact(text)
    assert FORMS[form] not in masked and MASK in masked
    assert masked.startswith("header value: '") and masked.endswith("' in a sentence")


def test_a_credential_after_an_auth_scheme_is_masked_even_unregistered() -> None:
    """A token nobody configured (Google's access token, one a gateway echoes) after Bearer/Basic."""
    for line in ("Authorization: Bearer ya29.a0AfB_byC8x", "authorization: basic dXNlcjpwYXNzd29yZA=="):
        assert redact(line).endswith(f" {MASK}"), line
    for prose in ("Basic configuration is fine", 'WWW-Authenticate: Basic realm="protected-area"'):
        assert redact(prose) == prose


def test_a_multi_line_key_is_masked_line_by_line() -> None:
    body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + "\n" + "BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj"
    register_secret(f"-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n")
    assert redact("line: MIIEvQIBADANBgkqhkiG9w0BAQEFAASC") == f"line: {MASK}"
    assert redact("-----BEGIN PRIVATE KEY-----") == "-----BEGIN PRIVATE KEY-----"


def test_short_values_are_never_registered() -> None:
    register_secret("abc\n")
    assert redact("abc abc") == "abc abc"


def test_credentials_sent_in_headers_are_registered_with_their_parts() -> None:
    """What the HTTP layer does for every request: a Basic header registers the pair's parts too."""
    pair = b64("someone@example.com:tok-from-a-header-77")
    register_headers({"Authorization": f"Basic {pair}", "X-Api-Key": "key-from-a-header-88"})
    assert redact("tok-from-a-header-77 key-from-a-header-88 " + pair) == f"{MASK} {MASK} {MASK}"
    register_auth(("user@example.com", "tok-from-auth-99"))
    assert redact("tok-from-auth-99") == MASK


LOGGERS = ["prefect.flow_runs", "prefect.task_runs", "gspread.http_client", "google.auth.transport",
           "urllib3.connectionpool", "requests", "opsheets.flows", "some.library"]  # fmt: skip


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """A handler of our own on each logger (not propagating): only the factory and filter can help."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    saved = []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level, logger.propagate))
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
    yield stream
    for logger, level, propagate in saved:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


@pytest.mark.parametrize("name", LOGGERS)
def test_every_logger_is_masked_in_message_args_and_traceback(name: str, captured: io.StringIO) -> None:
    logger = logging.getLogger(name)
    logger.debug("sent %s with %r", f"Bearer {TOKEN}", {"auth": b64(f"{KEY}:x")})
    try:
        raise ValueError(f"Invalid header value b'Bearer {RAW}'")
    except ValueError:
        logger.exception("failed: %s", RAW)
    text = captured.getvalue()
    assert name in text and "Traceback" in text and "ValueError" in text  # the records did arrive
    for form, value in FORMS.items():
        assert value not in text, form


def test_a_record_made_without_the_factory_is_masked_by_the_handler_filter() -> None:
    """Records rebuilt from a dict (as log forwarding does) skip the factory; handlers still mask."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("opsheets.forwarded")
    logger.addHandler(handler)
    try:
        install_log_redaction()  # gives the new handler the filter, as every flow's config load does
        record = logging.makeLogRecord(
            {"name": logger.name, "msg": "token %s", "args": (TOKEN,), "levelno": 40}
        )
        logger.handle(record)
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue().strip() == f"token {MASK}"


def test_an_exception_leaving_a_masked_function_is_masked_in_place() -> None:
    class LibraryError(Exception):
        pass

    @masking_errors
    def call() -> None:
        try:
            raise OSError(f"cause with {TOKEN}")
        except OSError as cause:
            raise LibraryError(f"header {FORMS['after Basic']}", 401) from cause

    with pytest.raises(LibraryError) as caught:
        call()
    assert caught.value.args == (f"header Basic {MASK}", 401)
    assert TOKEN not in str(caught.value.__cause__)


def test_a_redacting_stream_masks_what_is_written_to_the_current_target(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = io.StringIO(), io.StringIO()
    target = [first]
    stream = RedactingStream(lambda: target[0])
    stream.write(f"a {TOKEN}\n")
    target[0] = second
    stream.write(f"b {b64(f'{EMAIL}:{TOKEN}')}\n")
    assert (first.getvalue(), second.getvalue()) == (f"a {MASK}\n", f"b {MASK}\n")
    assert stream.getvalue() == f"b {MASK}\n"  # anything else is the real stream's


def test_text_files_are_written_masked(tmp_path: Path) -> None:
    write_report(tmp_path / "report.md", f"- failed with {FORMS['after Bearer']}\n")
    assert (tmp_path / "report.md").read_text() == f"- failed with Bearer {MASK}\n"
