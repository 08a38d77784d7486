"""Keys as people type them, and the short ids opsheets records for the rows it wrote.

A person retypes `101` and Sheets or Excel stores the number 101; they type " ana@X.com " where the
source says "ana@x.com". Both are the same row. So keys compare in a canonical text form: numbers as
their shortest decimal text, dates as ISO text, text stripped of surrounding spaces and case-folded.

Which rows opsheets wrote is recorded as a 48-bit hash of each canonical key (8 characters of
URL-safe base64): a tab of 4,000 rows costs one 32,000-character cell, and the chance that a row a
person typed hashes like one of those 4,000 is about one in 7·10¹⁰.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from connectors.sheets.values import as_date, is_blank, normalise

Key = tuple[str, ...]
ROW_ID_CHARS = 8
_SEPARATOR = "\x1f"  # the ASCII unit separator: nobody types it into a key


def canonical(value: Any, kind: str = "text") -> str:
    """One key cell's comparable text; "" for a blank cell."""
    if is_blank(value):
        return ""
    if kind == "date":
        value = as_date(value)
    if isinstance(value, datetime):
        value = normalise(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(normalise(value))
    return str(value).strip().casefold()


def row_id(key: Key) -> str:
    digest = hashlib.blake2b(_SEPARATOR.join(key).encode(), digest_size=6).digest()
    return base64.urlsafe_b64encode(digest).decode()


def pack_ids(ids: Iterable[str], per_cell: int) -> list[str]:
    """Sorted ids joined into cells of at most `per_cell` ids each (none: no cell)."""
    ordered = sorted(set(ids))
    return ["".join(ordered[i : i + per_cell]) for i in range(0, len(ordered), per_cell)]


def unpack_ids(cells: Iterable[Any]) -> frozenset[str]:
    text = "".join(str(c) for c in cells if isinstance(c, str))
    return frozenset(text[i : i + ROW_ID_CHARS] for i in range(0, len(text), ROW_ID_CHARS))


IDS_PER_CELL = 4000  # 32,000 characters: under Excel's 32,767 per cell and Sheets' 50,000


@dataclass(frozen=True)
class TabMemory:
    columns: tuple[str, ...]
    key: tuple[str, ...] = ()
    rows: frozenset[str] | None = None  # ids of the rows opsheets wrote; None: not recorded
    formats: tuple[str, ...] | None = None  # layout.format_id of its conditional formats; None: not recorded

    def cells(self) -> list[Any]:
        if self.rows is None:
            return [json.dumps(list(self.columns))]
        ids = pack_ids(self.rows, IDS_PER_CELL)
        formats = json.dumps(None if self.formats is None else list(self.formats))
        return [json.dumps(list(self.columns)), json.dumps(list(self.key)), formats, *ids]

    @classmethod
    def from_cells(cls, cells: list[Any]) -> TabMemory | None:
        columns = _json_list(cells[0] if cells else None)
        if columns is None:
            return None  # a damaged line reads as "never synced", which only loses rename detection
        key = _json_list(cells[1]) if len(cells) > 1 else None
        if key is None:
            return cls(tuple(columns))
        formats = _json_list(cells[2]) if len(cells) > 2 else None
        rows = unpack_ids(cells[3:])
        return cls(tuple(columns), tuple(key), rows, None if formats is None else tuple(formats))


def _json_list(cell: Any) -> list[str] | None:
    try:
        names = json.loads(str(cell))
    except ValueError:
        return None
    return [str(n) for n in names] if isinstance(names, list) else None
