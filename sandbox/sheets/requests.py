"""spreadsheets:batchUpdate — all or nothing: requests are applied to a copy that replaces the original."""

from __future__ import annotations

import copy
from typing import Any

from sandbox.sheets.errors import SheetsError, invalid
from sandbox.sheets.model import Spreadsheet


def apply_batch(
    book: Spreadsheet, requests: list[dict[str, Any]]
) -> tuple[Spreadsheet, list[dict[str, Any]]]:
    trial = copy.deepcopy(book)
    replies: list[dict[str, Any]] = []
    for i, request in enumerate(requests):
        if not isinstance(request, dict) or len(request) != 1:
            raise invalid(f"Invalid requests[{i}]: exactly one kind of request must be set")
        kind, body = next(iter(request.items()))
        raise SheetsError(
            400,
            f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': Cannot find field.",
        )
    return trial, replies
