"""The BambooHR half of the demo organisation: teams, employees, job history, time off, holidays."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

_TEAM_BASES = (
    "Platform", "Payments", "Mobile", "Data", "Growth", "Search", "Identity", "Billing", "Checkout",
    "Onboarding", "Analytics", "Security", "Infrastructure", "Notifications", "Integrations",
    "Reporting", "Marketplace", "Web", "Design Systems", "Support Tools",
)  # fmt: skip
_FIRST = (
    "Ana", "Ben", "Chloé", "David", "Elena", "Felix", "Grace", "Hugo", "Ines", "Jonas", "Kate", "Lucas",
    "Maria", "Noah", "Olivia", "Pablo", "Quentin", "Rosa", "Sofia", "Tom", "Ursula", "Victor", "Wim",
    "Xenia", "Yusuf", "Zoe", "Amélie", "Lars", "Carmen", "Priya", "Sven", "Lotte", "Jack", "Emma",
)  # fmt: skip
_LAST = (
    "Müller", "Smith", "Dubois", "García", "de Vries", "Johnson", "Schmidt", "Taylor", "Martin", "López",
    "Jansen", "Brown", "Weber", "Evans", "Bernard", "Martínez", "Bakker", "Miller", "Fischer", "Wilson",
    "Petit", "Sánchez", "Visser", "Davis", "Wagner", "Moreau", "Romero", "Smit", "Clark", "Becker",
)  # fmt: skip
_CITIES = {
    "DE": "Berlin", "GB": "London", "FR": "Paris", "ES": "Madrid", "NL": "Amsterdam", "US": "New York",
    "IT": "Milan", "PL": "Warsaw", "PT": "Lisbon", "IE": "Dublin", "SE": "Stockholm", "CA": "Toronto",
}  # fmt: skip
_TITLES = ("Software Engineer", "Senior Software Engineer", "Product Manager", "QA Engineer", "Designer")
EMAIL_DOMAIN = "demo-org.example"


def generate_teams(count: int) -> list[str]:
    """Realistic team names; past the list, numbered squads ("Payments 2")."""
    names = []
    for i in range(count):
        base = _TEAM_BASES[i % len(_TEAM_BASES)]
        names.append(base if i < len(_TEAM_BASES) else f"{base} {i // len(_TEAM_BASES) + 1}")
    return names


def generate_bamboohr(
    rng: random.Random, teams: list[str], people: int, countries: tuple[str, ...], today: date, time_off: int
) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the `bamboohr` part of the dataset and each team's lead email."""
    employees = [_employee(rng, i, teams[i % len(teams)], countries, today) for i in range(people)]
    _make_emails_unique(employees)
    leads = {team: employees[i]["workEmail"] for i, team in enumerate(teams)}
    for i in range(len(teams)):  # a lead is a current full-timer, hired long ago
        employees[i].update(
            status="Active", employmentHistoryStatus="Full-Time", terminationDate="0000-00-00"
        )
        employees[i]["hireDate"] = min(employees[i]["hireDate"], date(today.year - 2, 3, 1).isoformat())
    for person in employees[len(teams) :]:  # everyone else reports to their team's lead
        person["supervisorEmail"] = leads[person["department"]]
    converted = _pin_shapes(rng, employees[len(teams) :], today)
    job_info = _job_info(rng, employees, teams, today)
    requests = _time_off(rng, [e for e in employees if e["status"] == "Active"], today, time_off)
    return {
        "employees": employees,
        "job_info": job_info,
        "employment_status": _employment_status(employees, converted, today),
        "time_off": requests,
        "holidays": _holidays(today),
    }, leads


def _employee(rng: random.Random, index: int, team: str, countries: tuple[str, ...], today: date) -> dict:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    kind = rng.random()
    status, employment = "Active", "Full-Time"
    hire = _old_hire_date(rng, today)
    termination = "0000-00-00"
    if kind < 0.10:  # joined this year, mid-month
        hire = _mid_month_this_year(rng, today)
    elif kind < 0.15:  # left this year
        status, termination = "Inactive", _mid_month_this_year(rng, today).isoformat()
    elif kind < 0.16:  # leaving soon: still active, termination date ahead
        termination = (today + timedelta(days=rng.randrange(20, 60))).isoformat()
    roll = rng.random()
    if roll < 0.08:
        employment = "Contractor"
    elif roll < 0.15:
        employment = "Part-Time"
    return {
        "id": str(100 + index),
        "firstName": first,
        "lastName": last,
        "workEmail": f"{_ascii(first)}.{_ascii(last)}@{EMAIL_DOMAIN}",
        "department": team,
        "country": countries[rng.randrange(len(countries))],
        "status": status,
        "employmentHistoryStatus": employment,
        "hireDate": hire.isoformat(),
        "terminationDate": termination,
        "payRate": f"{rng.randrange(45, 140) * 1000}.00 EUR",
        "dateOfBirth": date(
            rng.randrange(1965, 2002), rng.randrange(1, 13), rng.randrange(1, 29)
        ).isoformat(),
    }


def _pin_shapes(rng: random.Random, others: list[dict], today: date) -> dict[str, date]:
    """Whatever the seed, a small org still has a joiner, a leaver (a contractor, whom BambooHR shows
    as Terminated now), a contractor, a part-timer and a contractor converted to full-time this year.
    Returns the converted person's id → conversion day."""
    if len(others) < 4:
        return {}
    joiner, leaver, contractor, part_timer = others[:4]
    joiner.update(
        status="Active", terminationDate="0000-00-00", hireDate=_mid_month_this_year(rng, today).isoformat()
    )
    leaver.update(status="Inactive", hireDate=_old_hire_date(rng, today).isoformat())
    leaver["terminationDate"] = _mid_month_this_year(rng, today).isoformat()
    leaver["employmentHistoryStatus"] = "Contractor"  # what they were; the live API says Terminated
    contractor["employmentHistoryStatus"] = "Contractor"
    part_timer["employmentHistoryStatus"] = "Part-Time"
    if len(others) < 5 or others[4]["status"] != "Active":
        return {}
    convert = others[4]
    convert.update(employmentHistoryStatus="Full-Time", terminationDate="0000-00-00")
    convert["hireDate"] = min(convert["hireDate"], date(today.year - 1, 6, 1).isoformat())
    return {convert["id"]: _quarter_middle(today)}


def _employment_status(employees: list[dict], converted: dict[str, date], today: date) -> list[dict]:
    """BambooHR's employmentStatus table: the status from the hire date (a converted person was a
    contractor until the conversion), and Terminated from a termination date that has come."""
    rows: list[dict] = []
    for person in employees:
        status = person["employmentHistoryStatus"]
        if person["id"] in converted:
            rows.append(_status_row(rows, person, person["hireDate"], "Contractor"))
            rows.append(_status_row(rows, person, converted[person["id"]].isoformat(), status))
        else:
            rows.append(_status_row(rows, person, person["hireDate"], status))
        left = person["terminationDate"]
        if left != "0000-00-00" and date.fromisoformat(left) <= today:
            rows.append(_status_row(rows, person, left, "Terminated"))
    return rows


def _status_row(rows: list[dict], person: dict, effective: str, status: str) -> dict:
    row_id = str(len(rows) + 1)
    return {"id": row_id, "employeeId": person["id"], "date": effective, "employmentStatus": status}


def _ascii(name: str) -> str:
    table = str.maketrans("üéáíóñè", "ueaiono")
    return name.lower().translate(table).replace(" ", "")


def _make_emails_unique(employees: list[dict]) -> None:
    seen: set[str] = set()
    for person in employees:
        email = person["workEmail"]
        if email in seen:
            local, domain = email.split("@")
            email = f"{local}{person['id']}@{domain}"
            person["workEmail"] = email
        seen.add(email)


def _old_hire_date(rng: random.Random, today: date) -> date:
    start = date(today.year - 9, 1, 1)
    return start + timedelta(days=rng.randrange((date(today.year - 1, 12, 31) - start).days))


def _mid_month_this_year(rng: random.Random, today: date) -> date:
    month = rng.randrange(1, today.month + 1)
    day = 15 if month < today.month or today.day >= 15 else 1
    return date(today.year, month, day)


def _quarter_middle(today: date) -> date:
    """The 15th of the quarter's second month, or of an earlier month if that is still ahead."""
    first_month = 3 * ((today.month - 1) // 3) + 1
    candidate = date(today.year, first_month + 1, 15)
    while candidate > today:
        candidate = date(candidate.year - (candidate.month == 1), (candidate.month - 2) % 12 + 1, 15)
    return candidate


def _job_info(rng: random.Random, employees: list[dict], teams: list[str], today: date) -> list[dict]:
    """One row per hire; a few people (never leads) moved to their current team mid-quarter."""
    rows: list[dict] = []
    movers = max(2, len(employees) // 30) if len(teams) > 1 else 0
    candidates = [e for e in employees[len(teams) :] if e["status"] == "Active"]
    moved = {e["id"] for e in rng.sample(candidates, min(movers, len(candidates)))}
    transfer_day = _quarter_middle(today)
    for person in employees:
        title = rng.choice(_TITLES)
        location = _CITIES.get(person["country"], person["country"])
        hire = date.fromisoformat(person["hireDate"])
        first_team = person["department"]
        if person["id"] in moved and hire < transfer_day:
            first_team = teams[(teams.index(person["department"]) + 1) % len(teams)]
            rows.append(_job_row(len(rows), person, transfer_day, person["department"], title, location))
        rows.append(_job_row(len(rows), person, hire, first_team, title, location))
    return rows


def _job_row(index: int, person: dict, effective: date, team: str, title: str, location: str) -> dict:
    return {
        "id": str(index + 1),
        "employeeId": person["id"],
        "date": effective.isoformat(),
        "department": team,
        "jobTitle": title,
        "location": location,
    }


def _time_off(rng: random.Random, active: list[dict], today: date, count: int) -> list[dict]:
    """Requests around today (8 weeks back, 12 ahead); the first few pin every shape tests need."""
    pinned = (
        ("approved", "days", "half"),
        ("approved", "hours", "full"),
        ("requested", "days", "full"),
        ("denied", "days", "full"),
    )
    requests = []
    for i in range(count):
        status, unit, shape = pinned[i] if i < len(pinned) else _random_shape(rng)
        person = active[rng.randrange(len(active))]
        start = max(today + timedelta(days=rng.randrange(-56, 84)), date.fromisoformat(person["hireDate"]))
        start += timedelta(days=max(0, 7 - start.weekday()) if start.weekday() >= 5 else 0)
        end = start + timedelta(days=rng.randrange(0, 9))
        end -= timedelta(days=max(0, end.weekday() - 4))  # requests start and end on working days
        per_day = "8" if unit == "hours" else "1"
        dates = {d.isoformat(): ("0" if d.weekday() >= 5 else per_day) for d in _days(start, end)}
        if shape == "half":
            dates[end.isoformat()] = "4" if unit == "hours" else "0.5"
        requests.append(
            {
                "id": str(i + 1),
                "employeeId": person["id"],
                "status": status,
                "type": "Sick" if rng.random() < 0.2 else "Vacation",
                "start": start.isoformat(),
                "end": end.isoformat(),
                "unit": unit,
                "dates": dates,
            }
        )
    return requests


def _random_shape(rng: random.Random) -> tuple[str, str, str]:
    roll = rng.random()
    status = "approved" if roll < 0.8 else "requested" if roll < 0.92 else "denied"
    unit = "hours" if rng.random() < 0.1 else "days"
    return status, unit, "half" if rng.random() < 0.15 else "full"


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _holidays(today: date) -> list[dict]:
    """Company-wide days off: one behind us, two ahead (on weekdays)."""
    monday = today - timedelta(days=today.weekday())
    specs = (("Company day", -4 * 7 + 4, 0), ("Summer off-site", 3 * 7 + 4, 0), ("Founders' days", 7 * 7, 1))
    return [
        {
            "id": f"h{i + 1}",
            "name": name,
            "start": (monday + timedelta(days=offset)).isoformat(),
            "end": (monday + timedelta(days=offset + length)).isoformat(),
        }
        for i, (name, offset, length) in enumerate(specs)
    ]
