"""What Google Sheets stores for text typed into a cell (valueInputOption USER_ENTERED), per locale.

Sheets parses what a person types the way its UI does, with the spreadsheet's locale: a date becomes
a serial number (days since 1899-12-30) with a date format, a time a fraction of a day with a time
format, "12%" the number 0.12 with a percent format, "€12" or "12 €" the number 12 with a currency
format, "1,234.5" (en_US) or "1.234,5" (de_DE) a number. What it cannot read, including a date that
does not exist ("31/02/2026"), stays text. Formats go to userEnteredFormat.numberFormat, only where the
cell has none yet: a cell a person formatted keeps its format.

The locales below are the ones the stand-in knows; any other is read as en_US.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

EPOCH = datetime(1899, 12, 30)
NumberFormat = dict[str, str]


@dataclass(frozen=True)
class Locale:
    decimal: str
    group: str
    day_first: bool  # 3/11/2026 is 3 November (else March 11)
    date_pattern: str  # the format Sheets gives a date typed in the local order


LOCALES = {
    "en_US": Locale(".", ",", False, "M/d/yyyy"),
    "en_GB": Locale(".", ",", True, "dd/MM/yyyy"),
    "de_DE": Locale(",", ".", True, "dd.MM.yyyy"),
    "fr_FR": Locale(",", "\u202f", True, "dd/MM/yyyy"),
    "nl_NL": Locale(",", ".", True, "d-M-yyyy"),
    "es_ES": Locale(",", ".", True, "d/M/yyyy"),
}
CURRENCY_SIGNS = "$€£¥₹₣"
_MONTHS = {m: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
     ("nov", "november"), ("dec", "december")], start=1) for m in names}  # fmt: skip
_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_LOCAL = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")
_DAY_MONTH_NAME = re.compile(r"(\d{1,2}) ([A-Za-z]+)\.? (\d{4})")
_MONTH_NAME_DAY = re.compile(r"([A-Za-z]+)\.? (\d{1,2}),? (\d{4})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp][Mm]))?")
_DATE_TIME = re.compile(r"(.+?)[ T](\d{1,2}:\d{2}(?::\d{2})?(?: ?[AaPp][Mm])?)")


def typed_value(text: str, locale: str) -> tuple[dict[str, Any], NumberFormat | None]:
    """The ExtendedValue Sheets stores for `text`, and the number format it gives the cell, if any."""
    conventions = LOCALES.get(locale, LOCALES["en_US"])
    stripped = text.strip()
    if text.startswith("=") and len(text) > 1:
        return {"formulaValue": text}, None
    if text.startswith("'"):
        return {"stringValue": text[1:]}, None
    if stripped.upper() in ("TRUE", "FALSE"):
        return {"boolValue": stripped.upper() == "TRUE"}, None
    for parse in (_number, _percent, _currency, _date_time, _date, _time_of_day):
        parsed = parse(stripped, conventions)
        if parsed is not None:
            return {"numberValue": parsed[0]}, parsed[1]
    return {"stringValue": text}, None


def _plain_number(text: str, locale: Locale) -> float | None:
    """A number as the locale writes it: optional sign, groups of three, the local decimal mark."""
    group, decimal = re.escape(locale.group), re.escape(locale.decimal)
    spaces = "[ \u00a0\u202f]" if locale.group.isspace() else group
    match = re.fullmatch(rf"([-+]?)(\d{{1,3}}(?:{spaces}\d{{3}})+|\d+)(?:{decimal}(\d+))?", text)
    if match is None:
        return None
    whole = re.sub(r"\D", "", match[2])
    number = float(f"{match[1]}{whole}.{match[3] or 0}")
    return int(number) if match[3] is None and number.is_integer() and abs(number) < 2**53 else number


def _number(text: str, locale: Locale) -> tuple[float, NumberFormat | None] | None:
    number = _plain_number(text, locale)
    if number is None:
        return None
    grouped = any(not c.isdigit() and c not in "+-" and c != locale.decimal for c in text)
    return number, ({"type": "NUMBER", "pattern": "#,##0.00"} if grouped else None)


def _percent(text: str, locale: Locale) -> tuple[float, NumberFormat] | None:
    if not text.endswith("%"):
        return None
    number = _plain_number(text[:-1].strip(), locale)
    if number is None:
        return None
    decimals = len(text[:-1].strip().rpartition(locale.decimal)[2]) if locale.decimal in text else 0
    pattern = "0%" if not decimals else "0." + "0" * decimals + "%"
    return round(number / 100, 15), {"type": "PERCENT", "pattern": pattern}


def _currency(text: str, locale: Locale) -> tuple[float, NumberFormat] | None:
    match = re.fullmatch(rf"([-+]?)\s*([{CURRENCY_SIGNS}])\s*(.+)|(.+?)\s*([{CURRENCY_SIGNS}])", text)
    if match is None:
        return None
    sign, symbol, amount = (match[1] or "", match[2], match[3]) if match[2] else ("", match[5], match[4])
    number = _plain_number(sign + amount.strip(), locale)
    if number is None:
        return None
    body = "#,##0.00"
    pattern = f'"{symbol}"{body}' if match[2] else f'{body} "{symbol}"'
    return number, {"type": "CURRENCY", "pattern": pattern}


def _serial(moment: datetime) -> float:
    days = (moment - EPOCH).total_seconds() / 86400
    return int(days) if days.is_integer() else round(days, 10)


def _calendar_day(text: str, locale: Locale) -> tuple[date, str] | None:
    """A date typed alone, and the pattern Sheets gives it; None when it is no (real) date."""
    try:
        if match := _ISO.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3])), "yyyy-mm-dd"
        if match := _LOCAL.fullmatch(text):
            first, second, year = int(match[1]), int(match[3]), int(match[4])
            year += 2000 if year < 100 else 0
            day, month = (first, second) if locale.day_first else (second, first)
            return date(year, month, day), locale.date_pattern
        if (match := _DAY_MONTH_NAME.fullmatch(text)) and match[2].lower() in _MONTHS:
            return date(int(match[3]), _MONTHS[match[2].lower()], int(match[1])), "d mmm yyyy"
        if (match := _MONTH_NAME_DAY.fullmatch(text)) and match[1].lower() in _MONTHS:
            return date(int(match[3]), _MONTHS[match[1].lower()], int(match[2])), "mmm d, yyyy"
    except ValueError:  # 31/02/2026: no such day, so Sheets keeps the text
        return None
    return None


def _date(text: str, locale: Locale) -> tuple[float, NumberFormat] | None:
    found = _calendar_day(text, locale)
    if found is None:
        return None
    day, pattern = found
    return _serial(datetime.combine(day, time())), {"type": "DATE", "pattern": pattern}


def _clock(text: str) -> time | None:
    match = _TIME.fullmatch(text)
    if match is None:
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match[4].lower() == "pm" else 0)
    try:
        return time(hour, minute, second)
    except ValueError:
        return None


def _time_of_day(text: str, _: Locale) -> tuple[float, NumberFormat] | None:
    clock = _clock(text)
    if clock is None:
        return None
    return _serial(datetime.combine(EPOCH.date(), clock)), {"type": "TIME", "pattern": "h:mm:ss am/pm"}


def _date_time(text: str, locale: Locale) -> tuple[float, NumberFormat] | None:
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        return None
    found, clock = _calendar_day(match[1], locale), _clock(match[2])
    if found is None or clock is None:
        return None
    return _serial(datetime.combine(found[0], clock)), {"type": "DATE_TIME", "pattern": f"{found[1]} H:mm:ss"}
