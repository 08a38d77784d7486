"""Hours a person can work per day: contract hours on working days, minus time off and holidays."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import MappingProxyType

import holidays

from domain.people import Person
from domain.records import CompanyHoliday, TimeOffDay
from domain.weeks import days_between, is_working_day, week_start


@dataclass(frozen=True)
class PersonCapacity:
    """Capacity per calendar day (weekends and holidays present as 0) and why some rules could not apply."""

    person_key: str
    per_day: dict[date, float]
    warnings: tuple[str, ...] = ()


def daily_capacity(
    person: Person,
    start: date,
    end: date,
    time_off: Iterable[TimeOffDay] = (),
    company_holidays: Iterable[CompanyHoliday] = (),
) -> PersonCapacity:
    """Capacity of `person` on every day from `start` to `end` inclusive.

    Time off and holidays are taken off the contract hours (hours/day × FTE) before the focus factor,
    so a half-day off leaves half a day's focused work; the result is never negative. Time off of other
    employees may be passed in: only the person's own rows count. Outside employment → 0.
    """
    if end < start:
        raise ValueError(f"capacity range ends ({end}) before it starts ({start})")
    public, warning = public_holidays(person.country, range(start.year, end.year + 1))
    closed = {h.day for h in company_holidays} | set(public)
    off = time_off_hours(person, time_off)
    per_day = {
        d: _day_capacity(person, d, closed, off.get(d, 0.0)) if _is_employed(person, d) else 0.0
        for d in days_between(start, end)
    }
    warnings = (f"{person.name}: {warning}",) if warning else ()
    return PersonCapacity(person.key, per_day, warnings)


def weekly(daily: Mapping[date, float]) -> dict[date, float]:
    """Sum per ISO week, keyed by the week's Monday, in date order."""
    sums: dict[date, float] = defaultdict(float)
    for day, hours in sorted(daily.items()):
        sums[week_start(day)] += hours
    return dict(sums)


def time_off_hours(person: Person, time_off: Iterable[TimeOffDay]) -> dict[date, float]:
    """Hours off per day for this person; a "days" amount is in the person's own contract days."""
    if person.employee_id is None:
        return {}
    contract_day = person.hours_per_day * person.fte
    hours: dict[date, float] = defaultdict(float)
    for row in _TIME_OFF_INDEX.rows_of(person.employee_id, time_off):
        if row.unit == "days":
            hours[row.day] += row.amount * contract_day
        elif row.unit == "hours":
            hours[row.day] += row.amount
        else:
            raise ValueError(
                f"time off for employee {row.employee_id} on {row.day}: unknown unit {row.unit!r}"
            )
    return dict(hours)


class _TimeOffIndex:
    """Time off grouped by employee, for the sequence seen last.

    A run asks for every person's capacity with the same list of everyone's time off; scanning it per
    person made capacity quadratic (people × time-off days). The grouping is reused only for the very
    same sequence object of the same length; anything else (a generator, another list) is grouped anew.
    """

    def __init__(self) -> None:
        self._source: Sequence[TimeOffDay] | None = None
        self._length = -1
        self._groups: dict[str, list[TimeOffDay]] = {}

    def rows_of(self, employee_id: str, time_off: Iterable[TimeOffDay]) -> list[TimeOffDay]:
        if not isinstance(time_off, Sequence):
            return [row for row in time_off if row.employee_id == employee_id]
        if time_off is not self._source or len(time_off) != self._length:
            groups: dict[str, list[TimeOffDay]] = defaultdict(list)
            for row in time_off:
                groups[row.employee_id].append(row)
            self._source, self._length, self._groups = time_off, len(time_off), dict(groups)
        return self._groups.get(employee_id, [])


_TIME_OFF_INDEX = _TimeOffIndex()


_SET_COUNTRY = "set it in BambooHR, or in the People tab's Country as an ISO code (GB, DE-BY)"


def public_holidays(country: str | None, years: Iterable[int]) -> tuple[Mapping[date, str], str | None]:
    """Public holidays for an ISO country code, optionally with a subdivision ("DE-BY").

    An unknown or missing country yields no holidays and a warning rather than stopping the sync; an
    unknown region of a known country (a typo in the People tab) its common holidays and a warning.
    """
    if not country or not country.strip():
        return MappingProxyType({}), f"no country known, so no public holidays are taken off: {_SET_COUNTRY}"
    code, _, subdiv = country.strip().partition("-")
    code = code.upper()  # subdivision codes keep their case: the holidays package has "NSW Western"
    span = tuple(sorted(set(years)))
    try:
        return _holidays_for(code, subdiv or None, span), None
    except NotImplementedError:
        pass
    try:
        common = _holidays_for(code, None, span)
    except NotImplementedError:
        unknown = (
            f"country {country!r} is unknown to the holidays package, so none are taken off: {_SET_COUNTRY}"
        )
        return MappingProxyType({}), unknown
    regions = ", ".join(holidays.country_holidays(code).subdivisions[:20])
    return common, (
        f"{subdiv!r} is not a region of {code} in the holidays package ({regions}), so only the holidays "
        f"common to all of {code} are taken off: write the country as {code}-<one of those>"
    )


@lru_cache(maxsize=256)
def _holidays_for(code: str, subdiv: str | None, years: tuple[int, ...]) -> Mapping[date, str]:
    calendar = holidays.country_holidays(code, subdiv=subdiv, years=years)
    return MappingProxyType(dict(calendar.items()))


def _day_capacity(person: Person, day: date, closed: set[date], hours_off: float) -> float:
    if not is_working_day(day) or day in closed:
        return 0.0
    return max(0.0, person.hours_per_day * person.fte - hours_off) * person.focus


def _is_employed(person: Person, day: date) -> bool:
    if person.hire_date and day < person.hire_date:
        return False
    return not (person.termination_date and day > person.termination_date)
