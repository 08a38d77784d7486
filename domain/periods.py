"""Budget periods: calendar months, quarters and years, with inclusive end dates."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Literal

PeriodKind = Literal["month", "quarter", "year"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("month", "quarter", "year")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period; periods of one kind sort chronologically."""

    kind: PeriodKind
    start: date
    end: date  # inclusive
    label: str  # "2026-11", "2026-Q4", "2026"


def _check_kind(kind: str) -> None:
    if kind not in PERIOD_KINDS:
        raise ValueError(f"period kind {kind!r} is not one of {', '.join(PERIOD_KINDS)}")


def _month(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period("month", date(year, month, 1), date(year, month, last), f"{year}-{month:02d}")


def _quarter(year: int, quarter: int) -> Period:
    first_month = 3 * (quarter - 1) + 1
    last_month = first_month + 2
    end = date(year, last_month, calendar.monthrange(year, last_month)[1])
    return Period("quarter", date(year, first_month, 1), end, f"{year}-Q{quarter}")


def _year(year: int) -> Period:
    return Period("year", date(year, 1, 1), date(year, 12, 31), str(year))


def periods_in_year(kind: PeriodKind, year: int) -> list[Period]:
    """All periods of `kind` in `year`, in order."""
    _check_kind(kind)
    if kind == "month":
        return [_month(year, m) for m in range(1, 13)]
    if kind == "quarter":
        return [_quarter(year, q) for q in range(1, 5)]
    return [_year(year)]


def period_containing(kind: PeriodKind, day: date) -> Period:
    _check_kind(kind)
    if kind == "month":
        return _month(day.year, day.month)
    if kind == "quarter":
        return _quarter(day.year, (day.month - 1) // 3 + 1)
    return _year(day.year)


def days(period: Period) -> int:
    """Number of calendar days in the period, both ends included."""
    return (period.end - period.start).days + 1


def overlap_days(period: Period, first: date, last: date) -> int:
    """Days of the inclusive range first..last that fall inside the period (0 when disjoint)."""
    start = max(first, period.start)
    end = min(last, period.end)
    return max(0, (end - start).days + 1)
