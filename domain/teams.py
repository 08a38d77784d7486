"""Team names as people type them: one team, one name, whatever the case or spacing.

BambooHR history may say `platform`, the current record `Platform`, the ledger ` Platform ` and the
config `PLATFORM`: all one team. Names compare by `team_key` (case folded, runs of spaces made one,
ends trimmed); each team keeps one canonical spelling, the first met in the order the sources are
given (current records, then history, then what people typed), so every sheet and warning names it
the same way, and the config accepts it as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from domain.records import Employee, JobInfoEntry


def team_key(name: str | None) -> str:
    """What two spellings of one team have in common ("" for no team)."""
    return " ".join((name or "").split()).casefold()


class TeamNames:
    def __init__(self, *sources: Iterable[str | None]) -> None:
        self._spelling: dict[str, str] = {}
        for source in sources:
            for name in source:
                self.add(name)

    def add(self, name: str | None) -> None:
        key = team_key(name)
        if key:
            self._spelling.setdefault(key, " ".join((name or "").split()))

    def canonical(self, name: str | None) -> str | None:
        """The team's one spelling; a name never met is returned tidied; None for no team."""
        key = team_key(name)
        if not key:
            return None
        return self._spelling.get(key, " ".join((name or "").split()))

    def names(self) -> list[str]:
        return sorted(self._spelling.values(), key=str.casefold)


def canonical_people(
    employees: Iterable[Employee], job_history: Iterable[JobInfoEntry], configured: Iterable[str] = ()
) -> tuple[list[Employee], list[JobInfoEntry], TeamNames]:
    """The records with every team in its one spelling: current records first, then history, then the
    configured names (a team only the config knows keeps the config's spelling)."""
    employees, job_history = list(employees), list(job_history)
    names = TeamNames((e.team for e in employees), (j.team for j in job_history), configured)
    return (
        [replace(e, team=names.canonical(e.team)) for e in employees],
        [replace(j, team=names.canonical(j.team)) for j in job_history],
        names,
    )


def spreadsheet_keys(teams: Iterable[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """team (canonical spelling) → spreadsheet key, team names compared as `team_key` does."""
    by_name = {team_key(name): key for name, key in mapping.items()}
    return {team: by_name[team_key(team)] for team in teams if team_key(team) in by_name}
