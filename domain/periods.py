"""Budget periods: calendar months, quarters and years, with inclusive end dates."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
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


def period_label(day: date, periods: Sequence[Period]) -> str:
    """The label of the period `day` falls in, "" when it is in none of them."""
    return next((p.label for p in periods if p.start <= day <= p.end), "")


def overlap_days(period: Period, first: date, last: date) -> int:
    """Days of the inclusive range first..last that fall inside the period (0 when disjoint)."""
    start = max(first, period.start)
    end = min(last, period.end)
    return max(0, (end - start).days + 1)


@dataclass(frozen=True)
class BudgetHistory:
    """The periods a budget run computes: `kept` are shown in the Budget and Overview tabs, `archived`
    (whole years before them) in an Archive tab, so a year boundary never erases a line."""

    kept: list[Period]  # the `keep_years` years before today's, whole, then today's year up to today's period
    archived: list[
        Period
    ]  # up to `archive_years` whole years before the kept ones, from the first year with data

    @property
    def current(self) -> Period:
        return self.kept[-1]

    @property
    def kept_labels(self) -> frozenset[str]:
        return frozenset(p.label for p in self.kept)

    @property
    def all(self) -> list[Period]:
        return [*self.archived, *self.kept]


def budget_history(
    kind: PeriodKind, today: date, keep_years: int, archive_years: int = 0, first_year: int | None = None
) -> BudgetHistory:
    """Periods of `kind` to compute on `today`: the current year's up to today's period and every period of
    the `keep_years` previous years; archived, every period of the `archive_years` years before those,
    but none before `first_year` (the earliest year with data: nobody employed, nothing spent).

    Which years are kept or archived depends only on today's year, so every day of a year gives the same
    history, and a year leaving the kept ones moves to the archive instead of disappearing.
    """
    if keep_years < 0 or archive_years < 0:
        raise ValueError(f"years kept and archived must be 0 or more, got {keep_years} and {archive_years}")
    first_kept = today.year - keep_years
    kept = [
        p
        for year in range(first_kept, today.year + 1)
        for p in periods_in_year(kind, year)
        if p.start <= today
    ]
    oldest = first_kept - archive_years
    if first_year is not None:
        oldest = max(oldest, first_year)
    archived = [p for year in range(oldest, first_kept) for p in periods_in_year(kind, year)]
    return BudgetHistory(kept, archived)
