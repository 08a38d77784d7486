"""Reading amounts, dates and currencies out of cells typed by people in a spreadsheet.

Amounts: numbers, or text with an optional sign, currency symbol or ISO code, thousands separators
(",", ".", space or apostrophe, in groups of three) and a decimal point or comma: "120", "120.50",
"1,234.50", "1.234,50", "120,50" (a comma decimal: 120.50), "€120", "-30", "1 234,50 EUR". A single
"," or "." followed by exactly three digits ("1,234", "1.234") is refused as ambiguous: it is 1234 in
one locale and 1.234 in another, and guessing wrong moves money by a factor of a thousand. Amounts are
rounded to cents (half up). A number cell's currency is in its number format: what a person types as
"$45" in Sheets or Excel is stored as 45 in a dollar format. Currency signs are read only where they
name one currency (€ EUR, £ GBP, ¥ JPY, ₹ INR, $ USD); any other sign (₣, the old franc) is refused
with the fix (the ISO code), never guessed.

Dates: date cells, Sheets/Excel serial numbers (days since 1899-12-30), "2026-11-03" (a time after
it is ignored), "2026/11/03", "03.11.2026" (day first, as written where dots are used), "3 Nov 2026",
"Nov 3, 2026" (English month names, full or abbreviated). Slash dates with the year last
("03/11/2026") are refused even when the day is above 12: whether a sheet means day or month first
cannot be told row by row, and accepting only some of its rows would hide the mistake. One that is no
date either way ("31/02/2026") is refused as a date that does not exist.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
SHEETS_EPOCH = date(1899, 12, 30)
MAX_SERIAL = (date(9999, 12, 31) - SHEETS_EPOCH).days
SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR"}
ISO_HINT = "write the amount as a number and its ISO currency code (e.g. CHF) in the Currency column"
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
_SIGN = r"[^\w\s.,'+\-−]"  # one character that may be a currency sign; checked in _currency_sign
_AMOUNT = re.compile(
    rf"(?P<sign1>[-−+]?)\s*(?P<pre>{_SIGN}|[A-Za-z]{{3}})?\s*(?P<sign2>[-−+]?)\s*"
    rf"(?P<num>[0-9](?:[0-9.,' \u00a0\u202f]*[0-9])?)\s*(?P<post>{_SIGN}|[A-Za-z]{{3}})?"
)
_QUOTED = re.compile(r'"([^"]*)"')
_BRACKET_CURRENCY = re.compile(r"\[\$([^\]-]*)[^\]]*\]")
_BRACKETS = re.compile(r"\[[^\]]*\]")
_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_YEAR_FIRST_SLASH = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ -]([A-Za-z]+)\.?,?[ -](\d{4})", re.IGNORECASE)
_MONTH_NAME_DAY = re.compile(r"([A-Za-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})", re.IGNORECASE)
_YEAR_LAST_SLASH = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})")


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


def parse_amount(value: object, number_format: str | None = None) -> tuple[Decimal, str | None]:
    """The amount in cents and the currency written with it ("€120" → EUR, or a number cell in a
    "$"#,##0.00 format → USD), if any."""
    if isinstance(value, bool):
        raise CellError("is not a number", NUMBER_HINT)
    if isinstance(value, int | float | Decimal):
        amount = _to_cents(_finite(Decimal(str(value)) if isinstance(value, float) else Decimal(value)))
        return amount, format_currency(number_format or "")
    if not isinstance(value, str):
        raise CellError("is not a number", NUMBER_HINT)
    match = _AMOUNT.fullmatch(value.strip())
    if match is None or (match["sign1"] and match["sign2"]) or (match["pre"] and match["post"]):
        raise CellError("is not a number", NUMBER_HINT)
    number = _read_number(match["num"])
    if "-" in match["sign1"] + match["sign2"] or "−" in match["sign1"] + match["sign2"]:
        number = -number
    return _to_cents(number), _currency_sign(match["pre"] or match["post"])


def format_currency(pattern: str) -> str | None:
    """The currency a number format shows: `[$€-407]`, `"$"#,##0.00`, `#,##0.00 "EUR"`, `£#,##0`.

    None for a format without one; a percent or date format in an amount is refused (the cell holds
    0.12 for "12%" or a day count for a date, neither of them money)."""
    if not pattern:
        return None
    bracketed = [m for m in _BRACKET_CURRENCY.findall(pattern) if m]
    quoted = [q.strip() for q in _QUOTED.findall(pattern) if q.strip()]
    bare = _BRACKETS.sub("", _QUOTED.sub("", pattern))  # colours like [Red] and locales are no text
    for text in (*bracketed, *quoted, *(c for c in bare if unicodedata.category(c) == "Sc")):
        currency = _currency_sign(text)
        if currency:
            return currency
    if "%" in bare:
        raise CellError("is a percentage", NUMBER_HINT)
    if re.search(r"[dmyhsDMYHS]", bare.split(";")[0].replace("General", "")):
        raise CellError("is a date or a time, not an amount", NUMBER_HINT)
    return None


def _currency_sign(text: str | None) -> str | None:
    """A currency sign or ISO code as an ISO code; a sign naming no one currency is refused."""
    if text is None:
        return None
    text = text.strip()
    if text in SYMBOLS:
        return SYMBOLS[text]
    if re.fullmatch(r"[A-Za-z]{3}", text):
        return text.upper()
    if len(text) == 1 and unicodedata.category(text) == "Sc":
        raise CellError(f"has the currency sign {text}, which names no one currency", ISO_HINT)
    if len(text) == 1:
        raise CellError("is not a number", NUMBER_HINT)
    return None


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
    if match := _YEAR_LAST_SLASH.fullmatch(text):
        if not (_exists(match[1], match[2], match[3]) or _exists(match[2], match[1], match[3])):
            raise CellError("is not a real calendar date (no such day, day or month first)", ACCEPTED_DATES)
        raise CellError(
            "is ambiguous (slash dates are day-first in some countries, month-first in others)",
            ACCEPTED_DATES,
        )
    raise CellError("is not a date", ACCEPTED_DATES)


def _exists(day: str, month: str, year: str) -> bool:
    try:
        date(int(year) + (2000 if len(year) == 2 else 0), int(month), int(day))
    except ValueError:
        return False
    return True


def _real_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError("is not a real calendar date", ACCEPTED_DATES) from None
