"""One writer at a time per Google spreadsheet: a Prefect global concurrency limit per spreadsheet."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator

import pytest
from prefect import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitUpdate

from connectors.sheets.writer_lock import WriterBusy
from flows import sheet_lock
from flows.sheet_lock import ensure_limit, limit_name, spreadsheet_lock

pytestmark = pytest.mark.prefect


class Waiting(logging.Handler):
    """Sets an event when a writer logs that it waits: the test knows without watching a clock."""

    def __init__(self) -> None:
        super().__init__()
        self.said = threading.Event()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
        if "waiting" in record.getMessage():
            self.said.set()


@pytest.fixture
def waiting() -> Iterator[Waiting]:
    handler = Waiting()
    logger = logging.getLogger("opsheets.sheets")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)


def key() -> str:
    return f"sheet-{uuid.uuid4().hex[:12]}"


def test_a_second_writer_waits_with_a_log_line_then_writes(prefect_harness: None, waiting: Waiting) -> None:
    sheet = key()
    order: list[str] = []
    with spreadsheet_lock(sheet)():

        def second() -> None:
            with spreadsheet_lock(sheet)():
                order.append("second writes")

        thread = threading.Thread(target=second)
        thread.start()
        assert waiting.said.wait(timeout=300), "the second writer never said it waits"
        order.append("first writes")
    thread.join(timeout=300)
    assert order == ["first writes", "second writes"]
    assert any(sheet in m and limit_name(sheet) in m for m in waiting.messages)
    assert any("the other writer finished" in m for m in waiting.messages)


def test_a_writer_that_cannot_get_the_lock_refuses_clearly(
    prefect_harness: None, waiting: Waiting, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = key()
    monkeypatch.setattr(sheet_lock, "ACQUIRE_GRACE_S", 0.0)  # the slot stays taken: refusing is certain
    with spreadsheet_lock(sheet)(), pytest.raises(WriterBusy) as refused, spreadsheet_lock(sheet, wait_s=0)():
        pytest.fail("two writers held one spreadsheet's lock")
    message = str(refused.value)
    assert sheet in message and limit_name(sheet) in message and "nothing was written" in message
    monkeypatch.undo()
    with spreadsheet_lock(sheet, wait_s=0)():  # given back when the first writer ended
        pass


def test_a_limit_switched_off_or_widened_is_set_back(prefect_harness: None, waiting: Waiting) -> None:
    name = limit_name(key())
    ensure_limit(name)
    with get_client(sync_client=True) as client:
        client.update_global_concurrency_limit(name, GlobalConcurrencyLimitUpdate(limit=3, active=False))
        ensure_limit(name)
        found = client.read_global_concurrency_limit_by_name(name)
    assert (found.limit, found.active) == (1, True)
    assert any(name in m and "set back" in m for m in waiting.messages)


def test_a_google_sync_waits_for_the_writer_before_it_and_then_writes(
    prefect_harness: None, waiting: Waiting
) -> None:
    from datetime import date

    from connectors.sheets import Column, Table
    from tests.sheets_fixtures import GoogleHarness, running_sandbox

    sandbox = running_sandbox()
    service, state = next(sandbox)
    try:
        harness = GoogleHarness(service, state)
        harness.sheet.lock = spreadsheet_lock(harness.key)
        table = Table("Budget", [Column("Key"), Column("Value", "int")], ("Key",), [{"Key": "a", "Value": 1}])
        results = []
        with spreadsheet_lock(harness.key)():  # another process's run, between its read and its write
            thread = threading.Thread(
                target=lambda: results.append(harness.sheet.sync([table], today=date(2026, 11, 26)))
            )
            thread.start()
            assert waiting.said.wait(timeout=300), "the second writer never said it waits"
            assert state.write_requests == harness.base_writes  # nothing written while it waits
        thread.join(timeout=300)
        assert [r.cells_written for r in results] == [5]  # headers Key, Value, Sync status + a's row
    finally:
        next(sandbox, None)
