"""Reading amounts, dates and currencies out of cells typed by people in a spreadsheet.

Amounts: numbers, or text with an optional sign, currency symbol or ISO code, thousands separators
(",", ".", space or apostrophe, in groups of three) and a decimal point or comma: "120", "120.50",
"1,234.50", "1.234,50", "120,50", "€120", "-30", "1 234,50 EUR". A single "," or "." followed by
exactly three digits ("1,234", "1.234") is refused as ambiguous: it is 1234 in one locale and
1.234 in another, and guessing wrong moves money by a factor of a thousand. Amounts are rounded to
cents (half up).

Dates: date cells, Sheets/Excel serial numbers (days since 1899-12-30), "2026-11-03" (a time after
it is ignored), "2026/11/03", "03.11.2026" (day first, as written where dots are used), "3 Nov 2026",
"Nov 3, 2026" (English month names, full or abbreviated). Slash dates with the year last
("03/11/2026") are refused even when the day is above 12: whether a sheet means day or month first
cannot be told row by row, and accepting only some of its rows would hide the mistake.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
SHEETS_EPOCH = date(1899, 12, 30)
MAX_SERIAL = (date(9999, 12, 31) - SHEETS_EPOCH).days
SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR", "₣": "CHF"}
SPACE_GROUPERS = " \u00a0\u202f'"
ACCEPTED_DATES = (
    "write it as 2026-11-03, 2026/11/03, 3 Nov 2026, Nov 3 2026 or 03.11.2026 (day first), or use a date cell"
)
NUMBER_HINT = "type a number like 120.50"

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_AMOUNT = re.compile(
    r"(?P<sign1>[-−+]?)\s*(?P<pre>[€$£¥₹₣]|[A-Za-z]{3})?\s*(?P<sign2>[-−+]?)\s*"
    r"(?P<num>[0-9](?:[0-9.,' \u00a0\u202f]*[0-9])?)\s*(?P<post>[€$£¥₹₣]|[A-Za-z]{3})?"
)
_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_YEAR_FIRST_SLASH = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ -]([A-Za-z]+)\.?,?[ -](\d{4})", re.IGNORECASE)
_MONTH_NAME_DAY = re.compile(r"([A-Za-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})", re.IGNORECASE)
_YEAR_LAST_SLASH = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}")


class CellError(ValueError):
    """A cell that cannot be read: `problem` completes "amount '…' …", `hint` says what to type."""

    def __init__(self, problem: str, hint: str) -> None:
        super().__init__(f"{problem}: {hint}")
        self.problem = problem
        self.hint = hint


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_currency(value: object) -> str | None:
    """ISO code upper-cased ("eur" → "EUR", "€" → "EUR"); None for an empty cell."""
    if is_blank(value):
        return None
    text = str(value).strip()
    return SYMBOLS.get(text, text.upper())


def parse_amount(value: object) -> tuple[Decimal, str | None]:
    """The amount in cents and the currency written with it ("€120" → EUR), if any."""
    if isinstance(value, bool):
        raise CellError("is not a number", NUMBER_HINT)
    if isinstance(value, int | float | Decimal):
        return _to_cents(_finite(Decimal(str(value)) if isinstance(value, float) else Decimal(value))), None
    if not isinstance(value, str):
        raise CellError("is not a number", NUMBER_HINT)
    match = _AMOUNT.fullmatch(value.strip())
    if match is None or (match["sign1"] and match["sign2"]) or (match["pre"] and match["post"]):
        raise CellError("is not a number", NUMBER_HINT)
    number = _read_number(match["num"])
    if "-" in match["sign1"] + match["sign2"] or "−" in match["sign1"] + match["sign2"]:
        number = -number
    return _to_cents(number), parse_currency(match["pre"] or match["post"])


def _finite(number: Decimal) -> Decimal:
    if not number.is_finite():
        raise CellError("is not a number", NUMBER_HINT)
    return number


def _to_cents(number: Decimal) -> Decimal:
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def _read_number(num: str) -> Decimal:
    whole, fraction = _split_decimal(num)
    digits = _ungroup(whole)
    try:
        return Decimal(f"{digits}.{fraction}" if fraction else digits)
    except InvalidOperation:
        raise CellError("is not a number", NUMBER_HINT) from None


def _split_decimal(num: str) -> tuple[str, str]:
    """(whole part with its grouping, decimal digits) — deciding which mark is the decimal one."""
    last_dot, last_comma = num.rfind("."), num.rfind(",")
    if last_dot < 0 and last_comma < 0:
        return num, ""
    mark = "." if last_dot > last_comma else ","
    other = "," if mark == "." else "."
    if other in num:  # both marks: the later one is the decimal mark, and it may occur only once
        if num.count(mark) > 1:
            raise CellError("is not a number", NUMBER_HINT)
        whole, fraction = num.rsplit(mark, 1)
        return whole, fraction
    if num.count(mark) > 1:  # "1,234,567": the mark can only be grouping
        return num, ""
    whole, fraction = num.split(mark)
    spaced = any(c in SPACE_GROUPERS for c in whole)
    if len(fraction) == 3 and not spaced and whole != "0":
        raise CellError(
            "is ambiguous (thousands or decimals?)",
            "write it without a thousands separator (1234) or with two decimals (1234.00)",
        )
    return whole, fraction


def _ungroup(whole: str) -> str:
    """Digits of the whole part; grouping must be one kind of mark in groups of three."""
    marks = {c for c in whole if not c.isdigit()}
    if not marks:
        return whole
    if len(marks) > 1:
        raise CellError("is not a number", NUMBER_HINT)
    groups = whole.split(marks.pop())
    if not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:]):
        raise CellError("is not a number", NUMBER_HINT)
    return "".join(groups)


def parse_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(value)
    if not isinstance(value, str):
        raise CellError("is not a date", ACCEPTED_DATES)
    return _from_text(" ".join(value.split()))


def _from_serial(serial: float) -> date:
    if not math.isfinite(serial) or not 1 <= serial <= MAX_SERIAL:
        raise CellError("is not a date serial number", ACCEPTED_DATES)
    return SHEETS_EPOCH + timedelta(days=math.floor(serial))


def _from_text(text: str) -> date:
    if match := _ISO.fullmatch(text) or _YEAR_FIRST_SLASH.fullmatch(text):
        return _real_date(int(match[1]), int(match[2]), int(match[3]))
    if match := _DOTTED.fullmatch(text):
        return _real_date(int(match[3]), int(match[2]), int(match[1]))
    if (match := _DAY_MONTH_NAME.fullmatch(text)) and match[2].casefold() in _MONTHS:
        return _real_date(int(match[3]), _MONTHS[match[2].casefold()], int(match[1]))
    if (match := _MONTH_NAME_DAY.fullmatch(text)) and match[1].casefold() in _MONTHS:
        return _real_date(int(match[3]), _MONTHS[match[1].casefold()], int(match[2]))
    if _YEAR_LAST_SLASH.fullmatch(text):
        raise CellError(
            "is ambiguous (slash dates are day-first in some countries, month-first in others)",
            ACCEPTED_DATES,
        )
    raise CellError("is not a date", ACCEPTED_DATES)


def _real_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError("is not a real calendar date", ACCEPTED_DATES) from None
