"""Which teams get a spreadsheet, which keep one, and who leads each team.

- A team with people in the period and no spreadsheet gets one, unless it is a renamed team: every
  one of its people moved into it on the same day from one team that has nobody left, and that team
  has a spreadsheet. Then it takes that spreadsheet over (BambooHR's job history says so).
- A team with a spreadsheet and nobody in the period keeps it (never deleted) and is marked.
- The lead: the person a configured BambooHR field marks, else the supervisor most of the team
  reports to (by work email), else the config's `budgets.provision.leads`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from domain.records import Employee, JobInfoEntry
from domain.teams import team_key

VANISHED = "no people in {period}: spreadsheet kept"


@dataclass(frozen=True)
class Lead:
    email: str
    source: str  # how it was found, for the Teams tab and the run summary


@dataclass(frozen=True)
class SheetPlan:
    keys: dict[str, str]  # team -> spreadsheet key: every team that has one, after renames
    to_create: list[str]  # teams with people and no spreadsheet
    renamed: dict[str, str] = field(default_factory=dict)  # team -> the former team whose sheet it takes
    vanished: list[str] = field(default_factory=list)  # teams with a spreadsheet and nobody in the period


def merged_mapping(registered: Mapping[str, str], configured: Mapping[str, str]) -> dict[str, str]:
    """The Teams tab's team -> spreadsheet map with the config's entries winning, names compared as
    domain.teams compares them."""
    by_key = {team_key(team): (team, key) for team, key in registered.items() if key}
    by_key |= {team_key(team): (team, key) for team, key in configured.items() if key}
    return dict(by_key.values())


def plan_sheets(
    active: Iterable[str], mapping: Mapping[str, str], successors: Mapping[str, str] = {}
) -> SheetPlan:
    """`active`: teams with people in the period; `mapping`: team -> spreadsheet known so far;
    `successors`: team -> the team it was renamed from (see `renamed_teams`), which gets no new
    spreadsheet even if it had people earlier in the period."""
    keys = {team_key(team): (team, key) for team, key in mapping.items()}
    active_keys = {team_key(team): team for team in active}
    renamed: dict[str, str] = {}
    for new, old in successors.items():
        if team_key(new) not in keys and team_key(old) in keys:
            old_name, key = keys.pop(team_key(old))
            keys[team_key(new)] = (new, key)
            renamed[new] = old_name
    gone = {team_key(old) for old in successors.values()}
    to_create = sorted(
        (t for k, t in active_keys.items() if k not in keys and k not in gone), key=str.casefold
    )
    vanished = sorted((t for k, (t, _) in keys.items() if k not in active_keys), key=str.casefold)
    return SheetPlan(dict(keys.values()), to_create, renamed, vanished)


def renamed_teams(
    members: Mapping[str, list[Employee]], history: Iterable[JobInfoEntry], staffed: Iterable[str]
) -> dict[str, str]:
    """team -> the team it replaced: all of its people (`members`, today) entered it on one day, coming
    from one team that is not among the `staffed` (those with people today)."""
    rows: dict[str, list[JobInfoEntry]] = defaultdict(list)
    for row in sorted(history, key=lambda r: r.effective):
        rows[row.employee_id].append(row)
    still = {team_key(t) for t in staffed}
    found: dict[str, str] = {}
    for team, people in members.items():
        moves = {_entry(rows[p.id], team) for p in people}
        if len(moves) != 1:
            continue
        origin = next(iter(moves))
        if origin is not None and team_key(origin[0]) not in still:
            found[team] = origin[0]
    return found


def _entry(rows: list[JobInfoEntry], team: str) -> tuple[str, date] | None:
    """(team before, day) of the person's last move into `team`; None if they did not move into it."""
    for before, after in zip(reversed(rows[:-1]), reversed(rows[1:]), strict=True):
        if team_key(after.team) == team_key(team) and team_key(before.team) != team_key(team):
            return (before.team or "", after.effective) if before.team else None
    return None


def members_on(employees: Iterable[Employee], day: date) -> dict[str, list[Employee]]:
    """team -> its people on `day` (hired, not yet gone)."""
    teams: dict[str, list[Employee]] = defaultdict(list)
    for e in employees:
        hired = e.hire_date is None or e.hire_date <= day
        gone = e.termination_date is not None and e.termination_date < day
        if e.team and hired and not gone:
            teams[e.team].append(e)
    return dict(teams)


def team_leads(
    members: Mapping[str, list[Employee]], configured: Mapping[str, str], lead_field: str | None = None
) -> dict[str, Lead]:
    """Each team's lead, by the order of preference in the module docstring."""
    leads: dict[str, Lead] = {}
    by_key = {team_key(team): email for team, email in configured.items()}
    for team in sorted(set(members) | set(configured), key=str.casefold):
        people = members.get(team, [])
        marked = sorted((p.email for p in people if p.marked_lead and p.email), key=str.casefold)
        if marked:
            leads[team] = Lead(marked[0].casefold(), f"BambooHR field {lead_field or 'lead'}")
            continue
        own = {(p.email or "").casefold() for p in people}
        votes = Counter((p.supervisor_email or "").casefold() for p in people)
        votes.pop("", None)
        if votes:
            # Most people report to them; on a tie, someone in the team, then by address.
            best = min(votes, key=lambda email: (-votes[email], email not in own, email))
            leads[team] = Lead(best, f"BambooHR: supervisor of {votes[best]} of {len(people)}")
        elif team_key(team) in by_key:
            leads[team] = Lead(by_key[team_key(team)].strip().casefold(), "config budgets.provision.leads")
    return leads
