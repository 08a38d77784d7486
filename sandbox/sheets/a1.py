"""A1 notation: parse what clients send, print what Google answers ("'Sheet 1'!A1:C3")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sandbox.sheets.errors import unparsable_range

_ENDPOINT = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d*)$")
_BARE_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CELL_LIKE = re.compile(r"^([A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*)$")


@dataclass(frozen=True)
class Bounds:
    """Zero-based, end-exclusive; an end of None is unbounded (open range such as A:C or 2:5)."""

    row0: int
    col0: int
    row1: int | None
    col1: int | None


WHOLE_SHEET = Bounds(0, 0, None, None)


def split_sheet(text: str) -> tuple[str | None, str | None]:
    """('Tab', 'A1:C3') from "'Tab'!A1:C3"; (None, text) when no sheet is named; ('Tab', None) for a tab."""
    if text.startswith("'"):
        title, rest = _read_quoted(text)
        if rest == "":
            return title, None
        if not rest.startswith("!"):
            raise unparsable_range(text)
        return title, rest[1:]
    if "!" in text:
        title, _, cells = text.rpartition("!")
        return title, cells
    return None, text


def _read_quoted(text: str) -> tuple[str, str]:
    chars: list[str] = []
    i = 1
    while i < len(text):
        if text[i] == "'":
            if text[i + 1 : i + 2] == "'":
                chars.append("'")
                i += 2
                continue
            return "".join(chars), text[i + 1 :]
        chars.append(text[i])
        i += 1
    raise unparsable_range(text)


def parse_cells(cells: str, original: str) -> Bounds:
    parts = cells.split(":")
    if len(parts) == 1:
        col, row = _endpoint(parts[0], original)
        if col is None or row is None:
            raise unparsable_range(original)
        return Bounds(row, col, row + 1, col + 1)
    if len(parts) != 2:
        raise unparsable_range(original)
    (c0, r0), (c1, r1) = _endpoint(parts[0], original), _endpoint(parts[1], original)
    if c0 is None and r0 is None:
        raise unparsable_range(original)
    row0, col0 = r0 or 0, c0 or 0
    row1 = None if r1 is None else r1 + 1
    col1 = None if c1 is None else c1 + 1
    if row1 is not None and row1 <= row0:
        row0, row1 = row1 - 1, row0 + 1
    if col1 is not None and col1 <= col0:
        col0, col1 = col1 - 1, col0 + 1
    return Bounds(row0, col0, row1, col1)


def _endpoint(text: str, original: str) -> tuple[int | None, int | None]:
    match = _ENDPOINT.match(text)
    if not match or not text:
        raise unparsable_range(original)
    letters, digits = match.groups()
    if digits and int(digits) == 0:
        raise unparsable_range(original)
    col = column_index(letters) if letters else None
    row = int(digits) - 1 if digits else None
    return col, row


def column_index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ord(ch) - ord("A") + 1)
    return index - 1


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def quote_title(title: str) -> str:
    if _BARE_TITLE.match(title) and not _CELL_LIKE.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def format_cells(row0: int, col0: int, row1: int, col1: int) -> str:
    """End-exclusive box to "A1:C3" (or "A1" for a single cell)."""
    start = f"{column_letters(col0)}{row0 + 1}"
    if row1 - row0 <= 1 and col1 - col0 <= 1:
        return start
    return f"{start}:{column_letters(col1 - 1)}{row1}"


def format_range(title: str, row0: int, col0: int, row1: int, col1: int) -> str:
    return f"{quote_title(title)}!{format_cells(row0, col0, row1, col1)}"
