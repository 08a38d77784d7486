"""The availability run's summary: what a planner should read first, each person told apart.

Pure (no Prefect): the model in, a `RunReport` with its summary lines, artifact table and warnings out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from domain.availability_model import AvailabilityModel
from domain.people import Person
from flows.report import RunReport

FLOW_NAME = "sync_resource_availability"
MAX_NAMED = 10  # people or issues named in one summary line; the rest are counted


def person_labels(people: Iterable[Person]) -> dict[str, str]:
    """person key → "Name (Team)"; people who would still read the same get their id appended."""
    people = list(people)
    base = {p.key: f"{p.name} ({p.team or 'no team'})" for p in people}
    repeated = {label for label, n in Counter(base.values()).items() if n > 1}
    return {
        p.key: f"{base[p.key]} #{p.employee_id or p.key}" if base[p.key] in repeated else base[p.key]
        for p in people
    }


def count(number: int, noun: str, plural: str | None = None) -> str:
    """ "1 issue", "2 issues"."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def named(items: list[str], limit: int = MAX_NAMED) -> str:
    """ "a, b, c" — or the first `limit` and "and N more", so nobody is silently left out."""
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


def build_report(model: AvailabilityModel, extra_warnings: list[str], dry_run: bool) -> RunReport:
    labels = person_labels(model.people)
    overbooked = sorted(model.overbooked, key=lambda r: (-(r.overbooked_weeks or 0), labels[r.person.key]))
    report = RunReport(flow=FLOW_NAME, dry_run=dry_run)
    report.warnings = [*extra_warnings, *model.warnings]
    overbooked_names = named([labels[row.person.key] for row in overbooked])
    report.summary = [
        f"{count(len(model.planned), 'person', 'people')} planned "
        f"({len(model.people) - len(model.planned)} excluded)",
        count(len(model.issues), "open issue"),
        count(len(overbooked), "overbooked person", "overbooked people")
        + (f": {overbooked_names}" if overbooked else ""),
        _at_risk_line(model, labels),
        count(len(model.unestimated), "unestimated issue"),
        *_unknown_capacity_lines(model, labels),
        count(len(report.warnings), "warning"),
    ]
    rows = sorted(model.planned, key=lambda r: (-(r.overbooked_weeks or 0), -r.unscheduled, r.person.name))
    report.table = [
        {
            "Person": labels[row.person.key],
            "Team": row.person.team or "",
            "Overbooked weeks": "" if row.overbooked_weeks is None else row.overbooked_weeks,
            "Unscheduled hours": round(row.unscheduled, 1),
            "At risk": ", ".join(row.at_risk),
        }
        for row in rows
    ]
    return report


def _at_risk_line(model: AvailabilityModel, labels: dict[str, str]) -> str:
    risky = sorted(model.at_risk, key=lambda a: (a.end or a.start or model.calendar.today, a.issue_key))
    if not risky:
        return "0 issues at risk"
    shown = [f"{a.issue_key} ({labels.get(a.person_key or '', a.person_key)}, due {a.end})" for a in risky]
    return f"{count(len(risky), 'issue')} at risk (due before any free day of the assignee): {named(shown)}"


def _unknown_capacity_lines(model: AvailabilityModel, labels: dict[str, str]) -> list[str]:
    rows = model.unknown_capacity
    if not rows:
        return []
    hours = sum(row.unscheduled for row in rows)
    names = named([labels[row.person.key] for row in rows])
    return [
        f"{count(len(rows), 'Jira user')} matched to nobody in BambooHR (capacity unknown, {hours:.1f} h "
        f"of their work not planned): {names}"
    ]
