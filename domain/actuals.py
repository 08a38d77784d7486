"""Hours actually logged in Jira per person and past week, and how much of that week's capacity they are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo

from domain.allocation import SECONDS_PER_HOUR
from domain.people import Person
from domain.records import Worklog
from domain.weeks import local_date, week_start


@dataclass(frozen=True)
class Actuals:
    hours: dict[str, dict[date, float]]  # person key → Monday → hours logged, every requested week present
    unmatched: dict[str, float]  # author (account id or email) → hours logged by no known person


def logged_hours(
    worklogs: Iterable[Worklog], people: Iterable[Person], weeks: Sequence[date], *, zone: tzinfo
) -> Actuals:
    """Sum worklogs into person × week, matching the author by Jira account id, else by email.

    Only the given weeks count, by the day the work started in `zone` (the configured timezone): Jira
    renders an instant with whatever offset the account or site prefers, and the same instant must
    land in the same week however it was written. A worklog nobody matches is reported, since hours
    silently vanishing would make a team look idle.
    """
    roster = list(people)
    by_account = {p.jira_account_id: p.key for p in roster if p.jira_account_id}
    by_email = {p.email.lower(): p.key for p in roster if p.email}
    wanted = set(weeks)
    hours = {p.key: dict.fromkeys(weeks, 0.0) for p in roster}
    unmatched: dict[str, float] = defaultdict(float)
    for log in worklogs:
        monday = week_start(local_date(log.started, zone))
        if monday not in wanted:
            continue
        logged = log.seconds / SECONDS_PER_HOUR
        key = _author_key(log, by_account, by_email)
        if key is None:
            unmatched[log.author_account_id or log.author_email or "(unknown author)"] += logged
        else:
            hours[key][monday] += logged
    return Actuals(hours, dict(unmatched))


def percent_of_capacity(
    logged: Mapping[date, float], capacity: Mapping[date, float]
) -> dict[date, float | None]:
    """Logged ÷ capacity × 100 per week; None where the person had no capacity (nothing to compare with)."""
    return {
        monday: (hours / capacity[monday] * 100 if capacity.get(monday, 0.0) > 0 else None)
        for monday, hours in logged.items()
    }


def _author_key(log: Worklog, by_account: Mapping[str, str], by_email: Mapping[str, str]) -> str | None:
    if log.author_account_id and log.author_account_id in by_account:
        return by_account[log.author_account_id]
    if log.author_email:
        return by_email.get(log.author_email.lower())
    return None
