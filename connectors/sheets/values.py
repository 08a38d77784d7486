"""One comparison rule for sheet cells, so a value read back equals the value written.

Backends read different things for the same cell (Google: serial numbers and floats; openpyxl:
datetimes and ints); comparing both sides through `normalise` is what makes an unchanged sync
write nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

SERIAL_EPOCH = date(1899, 12, 30)  # day 0 of the Sheets/Excel serial date system
MIN_SERIAL = (date.min - SERIAL_EPOCH).days
MAX_SERIAL = (date.max - SERIAL_EPOCH).days
_FLOAT_DIGITS = 6


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value == "")


def normalise(value: Any, kind: str = "text") -> Any:
    """A canonical form: blank "" / date / bool / int / float rounded / str."""
    kind_of_value = type(value)  # exact types first: a first sync normalises every cell it writes
    if kind != "date" and kind_of_value is str:
        return value
    if kind != "date" and (kind_of_value is float or kind_of_value is int):
        return _number(value)
    if is_blank(value):
        return ""
    if kind == "date":
        return as_date(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, int | float | Decimal):
        return _number(value)
    return value


def _number(value: int | float | Decimal) -> int | float:
    rounded = round(float(value), _FLOAT_DIGITS)
    return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded


def as_date(value: Any) -> Any:
    """Dates arrive as date, datetime, serial number or ISO text; anything else stays as it is — also a
    number no date can be (an invoice number typed into a date column), which must not stop a sync."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not MIN_SERIAL <= value <= MAX_SERIAL:  # also NaN and infinities
            return value
        return SERIAL_EPOCH + timedelta(days=int(value))
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


def to_serial(day: date) -> int:
    return (day - SERIAL_EPOCH).days


def header_name(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def a1(row: int, col: int) -> str:
    """0-based row/column → A1 notation."""
    letters = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def column_letter(col: int) -> str:
    return a1(0, col)[:-1]
