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


def test_a_writer_that_cannot_get_the_lock_refuses_clearly(prefect_harness: None, waiting: Waiting) -> None:
    sheet = key()
    with spreadsheet_lock(sheet)(), pytest.raises(WriterBusy) as refused, spreadsheet_lock(sheet, wait_s=0)():
        pytest.fail("two writers held one spreadsheet's lock")
    message = str(refused.value)
    assert sheet in message and limit_name(sheet) in message and "nothing was written" in message
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
