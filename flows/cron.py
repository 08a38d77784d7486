"""Cron overrides checked at config load, before anything is served.

Prefect's own `CronSchedule` validation decides the grammar (what `opsheets serve` will build), but it
accepts two kinds of expression that go wrong later: a sixth field, which croniter reads as seconds
(`0 9 * * 1-5 *` fires sixty times a minute), and a date that never comes (`0 0 30 2 *`), which Prefect
only trips over when it computes the next run. croniter (the library Prefect's schedules run on) finds
the next fire time; an expression must fire within a common, non-leap year, so the answer does not
depend on the day the config is loaded (`0 0 29 2 *` would fire only every fourth year).
"""

from __future__ import annotations

from datetime import UTC, datetime

from croniter import CroniterBadCronError, CroniterBadDateError, croniter
from pydantic import ValidationError

CRON_FIELDS = ("minute", "hour", "day of month", "month", "day of week")
# A common year that follows another: one year from its first instant contains no 29 February.
_COMMON_YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)


def check_cron(expression: str) -> str:
    """`expression` if it is a five-field cron that fires at least once a year, else ValueError saying why."""
    fields = expression.split()
    if len(fields) != len(CRON_FIELDS):
        raise ValueError(
            f"{expression!r} has {len(fields)} field(s); a schedule takes exactly 5 "
            f"({', '.join(CRON_FIELDS)}), e.g. '30 5 * * *' for 05:30 every day"
        )
    _prefect_accepts(expression)
    try:
        croniter(expression, _COMMON_YEAR_START, max_years_between_matches=1).get_next(datetime)
    except CroniterBadDateError:
        raise ValueError(
            f"{expression!r} never fires within a year (a day that does not exist in that month, such as "
            "30 February or 31 April, or only 29 February): pick a date every year has"
        ) from None
    except CroniterBadCronError as exc:
        raise ValueError(f"{expression!r} is not a valid cron expression ({exc})") from None
    return expression


def _prefect_accepts(expression: str) -> None:
    from prefect.client.schemas.schedules import CronSchedule  # imported only when a schedule is checked

    try:
        CronSchedule(cron=expression)
    except ValidationError as exc:
        problems = "; ".join(str(err.get("ctx", {}).get("error") or err["msg"]) for err in exc.errors())
        raise ValueError(f"{expression!r} is not a valid cron expression: {problems}") from None
