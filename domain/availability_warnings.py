"""The availability run's warnings: people nobody could match or matched by name only, issues the plan
cannot use, and logged hours that count for nobody. Each names the person or issue and the fix."""

from __future__ import annotations

from domain.actuals import Actuals
from domain.allocation import Allocation
from domain.people import MATCHED_BY_NAME, NO_BAMBOOHR_MATCH, NO_JIRA_USER, Person
from domain.records import JiraIssue

MAX_LISTED_KEYS = 10


def people_warnings(people: list[Person]) -> list[str]:
    warnings = []
    for person in people:
        if person.excluded:
            continue
        others = [flag for flag in person.flags if flag not in (NO_BAMBOOHR_MATCH, NO_JIRA_USER)]
        if NO_BAMBOOHR_MATCH in person.flags and not person.capacity_known:
            why = "".join(f"; {flag}" for flag in others)
            warnings.append(
                f"Jira user {person.name} ({person.key}) has no BambooHR match, so their capacity is "
                f"unknown (left blank) and their issues are not planned{why}; map the account to an "
                f"Employee id in the People tab (or give Weekly hours), or set Exclude"
            )
        elif MATCHED_BY_NAME in person.flags:
            warnings.append(
                f"Jira user {person.name} ({person.jira_account_id}) was matched to BambooHR employee "
                f"{person.employee_id} by display name, since Jira hides the email: check it, or set "
                f"Employee id in the People tab"
            )
        else:
            warnings += [f"{person.name}: {flag}" for flag in others if flag != MATCHED_BY_NAME]
    return warnings


def issue_warnings(issues: list[JiraIssue], allocations: dict[str, Allocation]) -> list[str]:
    warnings = [f"{issue.key}: {warning}" for issue in issues for warning in issue.warnings]
    unestimated = [key for key, a in allocations.items() if a.unestimated]
    if unestimated:
        listed = ", ".join(unestimated[:MAX_LISTED_KEYS])
        more = f" (+{len(unestimated) - MAX_LISTED_KEYS} more)" if len(unestimated) > MAX_LISTED_KEYS else ""
        warnings.append(
            f"{len(unestimated)} issue(s) have no estimate and are allocated nothing: {listed}{more}"
        )
    return warnings


def actuals_warnings(actuals: Actuals, people: list[Person]) -> list[str]:
    names = {p.key: f"{p.name} ({p.key})" for p in people}
    return [
        f"{hours:.1f} h logged by {names.get(author, author)} count for nobody: the author is not matched "
        f"to a BambooHR employee; map the account in the People tab"
        for author, hours in sorted(actuals.unmatched.items())
    ]
