"""The People tab's human overrides: what a person typed to correct the sources, read cell by cell.

Cells come back as people type them ("50 %", "0,5", "32,5 h", "yes", 123.0 for an id); each is read into
one value or refused with a ValueError naming the field and what was typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.regions import holiday_calendar

WORKING_DAYS_PER_WEEK = 5

_TRUE = {"yes", "y", "true", "x", "1", "exclude", "excluded"}
_FALSE = {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class PersonOverride:
    """The human-edited fields of one People tab row; None means "leave as the sources say"."""

    key: str
    employee_id: str | None = None
    team: str | None = None
    fte: float | None = None
    weekly_hours: float | None = None
    country: str | None = None
    exclude: bool | None = None

    @classmethod
    def parse(
        cls,
        key: str,
        *,
        employee_id: object = None,
        team: object = None,
        fte: object = None,
        weekly_hours: object = None,
        country: object = None,
        exclude: object = None,
    ) -> PersonOverride:
        """Build an override from raw sheet cells; a bad cell raises ValueError naming field, value, key."""
        try:
            return cls(
                key=key,
                employee_id=_identifier(employee_id),
                team=_text(team),
                fte=parse_fte(fte),
                weekly_hours=parse_weekly_hours(weekly_hours),
                country=_country(country),
                exclude=parse_flag(exclude),
            )
        except ValueError as exc:
            raise ValueError(f"People row {key!r}: {exc}") from exc


def parse_fte(value: object, field: str = "FTE %") -> float | None:
    """FTE as a fraction 0..1 from "50 %", "50%", 50, "0,5" or 0.5; empty → None.

    Numbers above 1 are read as percentages (a 2 % FTE is not a real contract, 0.5 % is rarer still).
    """
    if _is_empty(value):
        return None
    text = _number_text(value, field)
    is_percent = text.endswith("%")
    number = _to_float(text.rstrip("%").strip(), field, value)
    fraction = number / 100 if is_percent or number > 1 else number
    if not 0 <= fraction <= 1:
        raise ValueError(f"{field} must be between 0 % and 100 %, got {value!r}")
    return fraction


def parse_weekly_hours(value: object, field: str = "weekly hours") -> float | None:
    """Weekly hours from 40, "32,5" or "20 h"; empty → None. At most 24 h on each of 5 days."""
    if _is_empty(value):
        return None
    text = _number_text(value, field).removesuffix("h").strip()
    hours = _to_float(text, field, value)
    if not 0 <= hours <= 24 * WORKING_DAYS_PER_WEEK:
        raise ValueError(f"{field} must be between 0 and {24 * WORKING_DAYS_PER_WEEK}, got {value!r}")
    return hours


def parse_flag(value: object, field: str = "exclude") -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return None if text == "" else False
    raise ValueError(f"{field} must be yes/no (or empty), got {value!r}")


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number_text(value: object, field: str) -> str:
    if isinstance(value, bool):
        raise ValueError(f"{field} must be a number, got {value!r}")
    return str(value).strip().lower().replace(",", ".")


def _to_float(text: str, field: str, original: object) -> float:
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise ValueError(f"{field} must be a number, got {original!r}")
    return float(text)


def _identifier(value: object) -> str | None:
    # A sheet may hand back an employee id typed as a number: 123.0 must still find employee "123".
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _text(value)


def _text(value: object) -> str | None:
    return None if _is_empty(value) else str(value).strip()


def _country(value: object) -> str | None:
    """A country typed in the People tab: "GB-SCT", "Scotland", "Deutschland", "DE-BY" all work."""
    return None if _is_empty(value) else holiday_calendar(str(value))
