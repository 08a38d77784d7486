"""ISO weeks (Monday first) and working days: the calendar every availability figure is laid out on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache

DEFAULT_HORIZON_WEEKS = 12
_FRIDAY = 4


def local_date(instant: datetime, zone: tzinfo) -> date:
    """The calendar day of `instant` in `zone` (the configured timezone), whatever offset it was written
    with; a time without an offset is taken as already local."""
    return instant.astimezone(zone).date() if instant.tzinfo is not None else instant.date()


@lru_cache(maxsize=4096)  # called per day per person and per allocated day: a few thousand distinct dates
def week_start(d: date) -> date:
    """The Monday of the ISO week containing `d`."""
    return d - timedelta(days=d.weekday())


def week_friday(d: date) -> date:
    """The Friday of the ISO week containing `d` (the last working day of that week)."""
    return week_start(d) + timedelta(days=_FRIDAY)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def week_label(day: date) -> str:
    """The ISO week number and its Monday, e.g. "W49 · 30 Nov" (a planner reads the date, not the number).

    English month abbreviations whatever the machine's locale: a header must not change with the host.
    Within any horizon of at most a year no two weeks share a label, so columns stay keyed by it.
    """
    monday = week_start(day)
    return f"W{monday.isocalendar().week:02d} · {monday.day} {_MONTHS[monday.month - 1]}"


def horizon(today: date, weeks: int = DEFAULT_HORIZON_WEEKS) -> list[date]:
    """Mondays of `weeks` weeks, starting with the week that contains `today`."""
    if weeks < 1:
        raise ValueError(f"horizon weeks must be at least 1, got {weeks}")
    first = week_start(today)
    return [first + timedelta(weeks=i) for i in range(weeks)]


def past_weeks(today: date, weeks: int, *, include_current: bool = False) -> list[date]:
    """Mondays of the `weeks` weeks before the current one (oldest first), optionally plus this week."""
    if weeks < 1:
        raise ValueError(f"past weeks must be at least 1, got {weeks}")
    last = week_start(today) if include_current else week_start(today) - timedelta(weeks=1)
    return [last - timedelta(weeks=i) for i in reversed(range(weeks))]


def is_working_day(d: date) -> bool:
    """Monday to Friday; holidays are handled by capacity, not here."""
    return d.weekday() <= _FRIDAY


def next_working_day(d: date) -> date:
    """`d` itself on Monday to Friday, else the Monday after: the first day work can happen from `d` on."""
    return d if is_working_day(d) else week_start(d) + timedelta(weeks=1)


def days_between(start: date, end: date) -> Iterator[date]:
    """Every calendar day from `start` to `end`, both included (nothing when end < start)."""
    fromordinal = date.fromordinal  # ordinals: far cheaper than adding a timedelta per day
    for ordinal in range(start.toordinal(), end.toordinal() + 1):
        yield fromordinal(ordinal)


def working_days(start: date, end: date) -> list[date]:
    return [d for d in days_between(start, end) if is_working_day(d)]
