"""A process writing to the Sheets stand-in through the shared quota, as one of several workers would.

    python -m tests.reliability.quota_worker SHEETS_URL REQUESTS PER_WINDOW WINDOW_S

Needs PREFECT_API_URL (the server every worker shares). Prints one status per request.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import requests

from connectors import http
from connectors.sheets.google import SYSTEM as SHEETS_SYSTEM
from flows.sheets_quota import QuotaShape, shared_quota
from sandbox.core import RunningService
from sandbox.sheets import SheetsState, create_app

USER_TOKEN = "Bearer one-service-account"  # one user: the stand-in keeps one quota for it


@contextmanager
def paced_sheets(per_window: int = 20, window_s: float = 4.0) -> Iterator[RunningService]:
    """The Sheets stand-in allowing each user `per_window` reads and as many writes per `window_s`,
    holding the spreadsheet 'paced' the workers use."""
    state = SheetsState(write_limit=per_window, read_limit=per_window, window_s=window_s)
    state.create_spreadsheet("Paced", spreadsheet_id="paced")
    with RunningService(create_app(state)) as service:
        yield service


def write_through_shared_quota(sheets_url: str, requests_to_send: int, shape: QuotaShape) -> list[int]:
    """Alternate writes and reads to spreadsheet 'paced', each through the shared limits; one attempt
    each, so a 429 is seen, never retried away."""
    session = requests.Session()
    session.headers["Authorization"] = USER_TOKEN
    http.mount_policy(session, SHEETS_SYSTEM, http.RetryPolicy(max_attempts=1))
    values = f"{sheets_url}/v4/spreadsheets/paced/values"
    statuses = []
    with shared_quota(shape):
        for n in range(requests_to_send):
            statuses.append(_one_request(session, values, n % 2 == 1))
    return statuses


def _one_request(session: requests.Session, values: str, read: bool) -> int:
    body = {"valueInputOption": "RAW", "data": [{"range": "Sheet1!A1", "values": [[1]]}]}
    try:
        if read:
            return session.get(f"{values}/Sheet1!A1").status_code
        return session.post(f"{values}:batchUpdate", json=body).status_code
    except http.ApiError as exc:
        return 429 if "429" in str(exc) else 0


if __name__ == "__main__":
    url, count, per_window, window_s = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    print(" ".join(map(str, write_through_shared_quota(url, count, QuotaShape(per_window, window_s)))))
