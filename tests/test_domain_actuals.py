"""Actuals for today = Mon 2026-12-21 over the 2 past weeks: W50 (Mon 7 Dec) and W51 (Mon 14 Dec).

Anna (DE, 100 %): no holidays in either week → capacity 40 | 40.
Ben  (GB,  50 %): 20 | 20; hired Wed 16 Dec → W50 0, W51 Wed–Fri 3 × 4 = 12.
"""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.jira_parse import parse_worklog
from domain.actuals import logged_hours, percent_of_capacity
from domain.availability import on_weeks
from domain.capacity import daily_capacity, weekly
from domain.people import Person
from domain.records import Worklog
from domain.weeks import past_weeks

TODAY = date(2026, 12, 21)
W50, W51 = date(2026, 12, 7), date(2026, 12, 14)
ANNA = Person("acc-anna", "Anna", "anna@example.com", "Platform", "DE", jira_account_id="acc-anna")
BEN = Person(
    "acc-ben",
    "Ben",
    "ben@example.com",
    "Mobile",
    "GB",
    fte=0.5,
    jira_account_id="acc-ben",
    hire_date=date(2026, 12, 16),
)


def log(author: str | None, email: str | None, day: date, hours: float) -> Worklog:
    return Worklog(
        "PLAT-1", author, email, datetime(day.year, day.month, day.day, 9, tzinfo=UTC), int(hours * 3600)
    )


WORKLOGS = [
    log("acc-anna", None, date(2026, 12, 15), 3),  # W51 by account id
    log("acc-anna", None, date(2026, 12, 16), 5),  # W51 → Anna 8
    log(None, "BEN@example.com", date(2026, 12, 17), 3),  # W51 by email, case-insensitive → Ben 3
    log("acc-anna", None, date(2026, 12, 11), 1.5),  # W50 → Anna 1.5
    log("acc-anna", None, date(2026, 12, 21), 4),  # this week: not a past week, ignored
    log("acc-gone", None, date(2026, 12, 14), 2),  # nobody we know → reported as unmatched
]


def test_logged_hours_per_person_and_past_week() -> None:
    weeks = past_weeks(TODAY, 2)
    assert weeks == [W50, W51]
    actuals = logged_hours(WORKLOGS, [ANNA, BEN], weeks, zone=UTC)
    assert actuals.hours == {"acc-anna": {W50: 1.5, W51: 8}, "acc-ben": {W50: 0, W51: 3}}
    assert actuals.unmatched == {"acc-gone": 2}


def test_percent_of_that_weeks_capacity() -> None:
    # Anna 1.5 / 40 = 3.75 %, 8 / 40 = 20 %; Ben W50 no capacity (not hired) → None, 3 / 12 = 25 %
    weeks = past_weeks(TODAY, 2)
    actuals = logged_hours(WORKLOGS, [ANNA, BEN], weeks, zone=UTC)
    percent = {
        p.key: percent_of_capacity(
            actuals.hours[p.key], on_weeks(weekly(daily_capacity(p, W50, date(2026, 12, 20)).per_day), weeks)
        )
        for p in (ANNA, BEN)
    }
    assert percent == {
        "acc-anna": {W50: pytest.approx(3.75), W51: pytest.approx(20)},
        "acc-ben": {W50: None, W51: pytest.approx(25)},
    }


def test_account_id_wins_over_email_and_unknown_authors_are_named() -> None:
    # the account id is Anna's, the email Ben's: the account id decides
    mixed = log("acc-anna", "ben@example.com", date(2026, 12, 14), 1)
    anonymous = log(None, None, date(2026, 12, 14), 0.5)
    actuals = logged_hours([mixed, anonymous], [ANNA, BEN], [W51], zone=UTC)
    assert actuals.hours == {"acc-anna": {W51: 1}, "acc-ben": {W51: 0}}
    assert actuals.unmatched == {"(unknown author)": 0.5}


# Sunday 22 Nov 2026, 23:30 UTC is already Monday 23 Nov, 00:30 in Berlin (CET, UTC+1): by the calendar,
# W47 (Mon 16 Nov) in UTC and W48 (Mon 23 Nov) in Berlin, however Jira writes the offset.
W47, W48 = date(2026, 11, 16), date(2026, 11, 23)
SAME_INSTANT = [
    "2026-11-22T23:30:00.000+0000",
    "2026-11-23T00:30:00.000+0100",
    "2026-11-22T18:30:00.000-0500",
]


@pytest.mark.parametrize("rendered", SAME_INSTANT)
@pytest.mark.parametrize(("zone", "week"), [("Europe/Berlin", W48), ("UTC", W47), ("America/New_York", W47)])
def test_a_worklogs_week_is_its_instants_week_in_the_configured_zone(
    rendered: str, zone: str, week: date
) -> None:
    raw = {"started": rendered, "timeSpentSeconds": 7200, "author": {"accountId": "acc-anna"}}
    actuals = logged_hours([parse_worklog(raw, "PLAT-1")], [ANNA], [W47, W48], zone=ZoneInfo(zone))
    assert actuals.hours["acc-anna"] == {W47: 0, W48: 0} | {week: 2}


OFFSETS = st.integers(min_value=-12 * 4, max_value=14 * 4).map(lambda q: timezone(timedelta(minutes=15 * q)))
ZONES = st.sampled_from(
    ["Europe/Berlin", "Europe/London", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Auckland"]
)


@settings(max_examples=300, deadline=None)
@given(
    minutes=st.integers(min_value=0, max_value=366 * 24 * 60),
    offsets=st.lists(OFFSETS, min_size=2, max_size=4),
    zone=ZONES,
)
def test_every_rendering_of_one_instant_counts_in_one_week(
    minutes: int, offsets: list[timezone], zone: str
) -> None:
    instant = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    # The week by the calendar: the Monday on or before the instant's local date in the zone.
    local = instant.astimezone(ZoneInfo(zone)).date()
    monday = local - timedelta(days=local.weekday())
    weeks = [monday - timedelta(weeks=1), monday, monday + timedelta(weeks=1)]
    for offset in offsets:
        logs = [Worklog("PLAT-1", "acc-anna", None, instant.astimezone(offset), 3600)]
        hours = logged_hours(logs, [ANNA], weeks, zone=ZoneInfo(zone)).hours["acc-anna"]
        assert hours == {weeks[0]: 0, monday: 1, weeks[2]: 0}
