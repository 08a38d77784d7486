"""Jira issue, user, sprint and worklog payloads → domain records (no I/O here).

Cloud identifies people by `accountId`; Data Center by `name` (the username people see and type,
so a human can map it in the People tab). Cloud hides an email by leaving `emailAddress` out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from domain.records import JiraIssue, JiraUser, Sprint, Worklog

SPRINT_FIELD_TYPE = "com.pyxis.greenhopper.jira:gh-sprint"
DATEPICKER_TYPE = "com.atlassian.jira.plugin.system.customfieldtypes:datepicker"
START_DATE_NAMES = ("start date",)
MAX_PLAUSIBLE_SECONDS = 10 * 365 * 24 * 3600  # an estimate beyond ten years is a typo, not a plan
TIME_FIELDS = (
    ("timeoriginalestimate", "original estimate"),
    ("timeestimate", "remaining estimate"),
    ("timespent", "time spent"),
)
SYSTEM_FIELDS = (
    "summary", "status", "project", "assignee", "timeoriginalestimate", "timeestimate", "timespent",
    "duedate", "fixVersions", "worklog",
)  # fmt: skip


@dataclass(frozen=True)
class CustomFieldIds:
    """Site-specific ids of the Sprint and Start date custom fields; None when the site has none."""

    sprint: str | None
    start_date: str | None


def find_custom_fields(fields: Iterable[Mapping[str, Any]]) -> CustomFieldIds:
    """Sprint by its Jira Software schema type; Start date: a date picker named "Start date"."""
    sprint = start = None
    for field in fields:
        custom_type = (field.get("schema") or {}).get("custom")
        if custom_type == SPRINT_FIELD_TYPE and sprint is None:
            sprint = field["id"]
        elif custom_type == DATEPICKER_TYPE and str(field.get("name", "")).lower() in START_DATE_NAMES:
            start = start or field["id"]
    return CustomFieldIds(sprint, start)


def requested_fields(custom: CustomFieldIds) -> list[str]:
    return [*SYSTEM_FIELDS, *(f for f in (custom.sprint, custom.start_date) if f)]


def parse_user(raw: Mapping[str, Any] | None) -> JiraUser | None:
    if not raw:
        return None
    account = raw.get("accountId") or raw.get("name") or raw.get("key")
    if not account:
        return None
    name = raw.get("displayName") or str(account)
    return JiraUser(account_id=str(account), name=name, email=raw.get("emailAddress") or None)


def parse_worklog(raw: Mapping[str, Any], issue_key: str) -> Worklog:
    author = parse_user(raw.get("author"))
    return Worklog(
        issue_key=issue_key,
        author_account_id=author.account_id if author else None,
        author_email=author.email if author else None,
        started=datetime.fromisoformat(raw["started"]),
        seconds=int(raw.get("timeSpentSeconds") or 0),
    )


def parse_sprint(raw: Mapping[str, Any], zone: tzinfo = UTC) -> Sprint:
    return Sprint(
        id=int(raw["id"]),
        name=str(raw.get("name", "")),
        state=str(raw.get("state", "")).lower(),
        start=_date_of(raw.get("startDate"), zone),
        end=_date_of(raw.get("endDate"), zone),
    )


def parse_issue(
    raw: Mapping[str, Any],
    custom: CustomFieldIds,
    worklogs: Iterable[Worklog] | None = None,
    zone: tzinfo = UTC,
) -> JiraIssue:
    """One search result. `worklogs` replaces the embedded (≤ 20) list when the caller fetched them all.
    A sprint's start and end are instants: their day is taken in `zone`, the configured timezone."""
    key = str(raw["key"])
    fields = raw.get("fields") or {}
    seconds, warnings = _time_fields(fields)
    raw_sprints = (fields.get(custom.sprint) if custom.sprint else None) or []
    sprints = [s for s in raw_sprints if isinstance(s, Mapping)]
    if len(sprints) < len(raw_sprints):  # e.g. old Data Center "…Sprint@1a2b[id=1,…]" strings
        warnings.append("sprint field holds values that are not sprint objects; those were ignored")
    assignee = parse_user(fields.get("assignee"))
    if worklogs is None:
        worklogs = [parse_worklog(w, key) for w in (fields.get("worklog") or {}).get("worklogs", [])]
    return JiraIssue(
        key=key,
        summary=str(fields.get("summary") or ""),
        status=str((fields.get("status") or {}).get("name", "")),
        project=str((fields.get("project") or {}).get("key", key.rsplit("-", 1)[0])),
        assignee_account_id=assignee.account_id if assignee else None,
        assignee_name=assignee.name if assignee else None,
        assignee_email=assignee.email if assignee else None,
        original_seconds=seconds["timeoriginalestimate"],
        remaining_seconds=seconds["timeestimate"],
        spent_seconds=seconds["timespent"],
        due=_date_of(fields.get("duedate")),
        start=_date_of(fields.get(custom.start_date)) if custom.start_date else None,
        sprints=tuple(parse_sprint(s, zone) for s in sprints),
        fix_version_dates=_unreleased_dates(fields.get("fixVersions") or []),
        worklogs=tuple(worklogs),
        warnings=tuple(warnings),
    )


def worklogs_truncated(raw: Mapping[str, Any]) -> bool:
    """True when the embedded worklog field holds fewer entries than the issue has."""
    embedded = (raw.get("fields") or {}).get("worklog") or {}
    return int(embedded.get("total", 0)) > int(embedded.get("maxResults", 20))


def _time_fields(fields: Mapping[str, Any]) -> tuple[dict[str, int | None], list[str]]:
    values: dict[str, int | None] = {}
    warnings = []
    for name, label in TIME_FIELDS:
        value, warning = _plausible_seconds(fields.get(name), label)
        values[name] = value
        if warning:
            warnings.append(warning)
    return values, warnings


def _plausible_seconds(value: Any, label: str) -> tuple[int | None, str | None]:
    if value is None:
        return None, None
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        return None, f"{label} {value!r} is not a number of seconds; treated as missing"
    if seconds < 0 or seconds > MAX_PLAUSIBLE_SECONDS:
        return None, f"{label} of {seconds} s is implausible (negative or over 10 years); treated as missing"
    return seconds, None


def _unreleased_dates(versions: Iterable[Mapping[str, Any]]) -> tuple[date, ...]:
    dates = (_date_of(v.get("releaseDate")) for v in versions if not v.get("released"))
    return tuple(sorted(d for d in dates if d))


def _date_of(value: Any, zone: tzinfo = UTC) -> date | None:
    """A Jira date ("2026-12-01") as it is, or an instant ("2026-11-22T23:00:00.000Z") as its day in
    `zone`: a sprint starting Monday 00:00 in Berlin is sent as Sunday 23:00 UTC."""
    if not value:
        return None
    text = str(value)
    if len(text) == 10:
        return date.fromisoformat(text)
    instant = datetime.fromisoformat(text)
    return instant.astimezone(zone).date() if instant.tzinfo is not None else instant.date()
