"""Typed records that cross the boundary between connectors and domain rules.

Connectors turn wire payloads into these; domain rules compute on them; flows lay them out.
Only the fields the rules need are kept, so nothing else (salary, personal data) travels on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class Employee:
    """A BambooHR employee, reduced to what capacity and budgets need."""

    id: str
    name: str
    email: str | None
    team: str | None
    country: str | None  # as BambooHR sends it: "United Kingdom", "Deutschland", "GB" (see domain.regions)
    status: str  # "Active" / "Inactive"
    # Today's: "Full-Time", "Contractor"… and "Terminated" once someone has left, which is why the
    # budget rules read the status a person had in a period from the StatusEntry history instead.
    employment_status: str | None
    hire_date: date | None
    termination_date: date | None  # None when BambooHR sends 0000-00-00 or nothing
    # Where public holidays differ by region, these say which: the address state ("Scotland", "QC",
    # "Bayern") and the job location ("Edinburgh office"), as BambooHR sends them.
    state: str | None = None
    location: str | None = None
    # Asked for only when team spreadsheets are provisioned: whom the person reports to, and whether a
    # configured BambooHR field marks them as their team's lead (domain.provisioning picks the lead).
    supervisor_email: str | None = None
    marked_lead: bool = False


@dataclass(frozen=True)
class JobInfoEntry:
    """One row of BambooHR's jobInfo table: from `effective` on, the employee is in `team`."""

    employee_id: str
    effective: date
    team: str | None


@dataclass(frozen=True)
class StatusEntry:
    """One row of BambooHR's employmentStatus table: from `effective` on, the employee's status is
    `status` ("Full-Time", "Contractor", …; "Terminated" from the day a person left)."""

    employee_id: str
    effective: date
    status: str | None


@dataclass(frozen=True)
class TimeOffDay:
    """Approved time off on one day, in the unit BambooHR reports (days or hours)."""

    employee_id: str
    day: date
    amount: float
    unit: str  # "days" or "hours"


@dataclass(frozen=True)
class CompanyHoliday:
    day: date
    name: str


@dataclass(frozen=True)
class Worklog:
    issue_key: str
    author_account_id: str | None
    author_email: str | None
    started: datetime
    seconds: int


@dataclass(frozen=True)
class Sprint:
    id: int
    name: str
    state: str  # "active" / "future" / "closed"
    start: date | None
    end: date | None


@dataclass(frozen=True)
class JiraIssue:
    key: str
    summary: str
    status: str
    project: str
    assignee_account_id: str | None
    assignee_name: str | None
    assignee_email: str | None
    original_seconds: int | None
    remaining_seconds: int | None
    spent_seconds: int | None
    due: date | None = None
    start: date | None = None  # the site's start-date custom field, if any
    sprints: tuple[Sprint, ...] = ()
    fix_version_dates: tuple[date, ...] = ()  # release dates of unreleased fix versions
    worklogs: tuple[Worklog, ...] = ()
    # Data problems found while reading the issue (e.g. an absurd estimate treated as missing).
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class JiraUser:
    account_id: str
    name: str
    email: str | None


@dataclass(frozen=True)
class LedgerRow:
    """One row of the PeopleOps spend ledger exactly as typed (cells are raw sheet values)."""

    row_number: int  # 1-based sheet row, so a rejection can point at the cell
    cells: dict[str, object] = field(default_factory=dict)
    # Number format of a number cell, by column: a cell typed "$45" holds 45 and a dollar format.
    formats: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Spend:
    """A ledger row that passed validation."""

    row_number: int
    day: date
    team: str
    amount: Decimal
    currency: str
    description: str
    entry_id: str = ""  # the ledger's own ID for the entry; "" when the ledger has no ID column


# ---- Jira ↔ Intercom comment bridge --------------------------------------------------------------


@dataclass(frozen=True)
class JiraComment:
    """A comment on a Jira issue. `body` is an ADF document (dict) on REST v3, wiki markup (str) on v2."""

    id: str
    issue_key: str
    author_account_id: str | None
    author_name: str | None
    created: datetime | None
    body: object
    properties: dict[str, object] = field(default_factory=dict)  # comment property key -> value
    visibility: str | None = None  # "role" or "group" when restricted to one (Jira `visibility.type`)
    updated: datetime | None = None  # Jira's own clock; moves when the comment is edited


@dataclass(frozen=True)
class JiraIssueRef:
    """What the bridge needs of an issue: its immutable id, its key today, its security level."""

    id: str
    key: str
    security_level: str | None = None


@dataclass(frozen=True)
class IntercomPart:
    """One part of an Intercom conversation: a customer message, an admin reply, a note, an event."""

    id: str
    part_type: str  # "note", "comment", "assignment", "conversation_attribute_updated_by_admin", ...
    author_type: str | None  # "admin", "user", "lead", "bot", "team"
    author_id: str | None
    author_name: str | None
    body: str | None  # HTML
    created_at: int  # unix seconds
    redacted: bool = False
    updated_at: int = 0  # Intercom's own clock; moves when the part is edited
    app_package_code: str | None = None  # set only on parts created through the API (by an app)
    attachments: tuple[tuple[str, str], ...] = ()  # (name, url) of each file attached to the part


@dataclass(frozen=True)
class IntercomConversation:
    """A conversation; `parts` only when fetched one by one (search results carry none).

    Intercom returns at most the 500 most recent parts: `parts_total` above `len(parts)` means the
    oldest ones were left out.
    """

    id: str
    updated_at: int
    custom_attributes: dict[str, object] = field(default_factory=dict)
    parts: tuple[IntercomPart, ...] = ()
    parts_total: int = 0

    @property
    def truncated(self) -> bool:
        return self.parts_total > len(self.parts)
