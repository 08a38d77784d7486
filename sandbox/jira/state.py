"""In-memory Jira site served by the stand-in: seeded from the demo dataset, inspectable by tests.

Beyond the data, the state holds what a test or the benchmark turns or reads: the page caps, the
site-specific custom field ids, one-shot faults on the Nth search request, the opaque page tokens
handed out, and the bytes sent per route.
"""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from sandbox.jira.access import can_see_issue, security_levels
from sandbox.jira.comments import CommentStore

Mode = Literal["cloud", "datacenter"]

# Field ids differ from site to site; these mimic a typical Cloud site and a typical DC install.
DEFAULT_FIELD_IDS: dict[str, tuple[str, str]] = {
    "cloud": ("customfield_10020", "customfield_10015"),
    "datacenter": ("customfield_10101", "customfield_10204"),
}


@dataclass(frozen=True)
class InjectedFault:
    status: int
    retry_after_s: int | None


@dataclass(frozen=True)
class PageToken:
    """Where the next page starts, in the result the first page saw: the query is run once per chain,
    not once per page (Jira keeps a search context behind its tokens too)."""

    jql: str
    offset: int
    matches: tuple[dict[str, Any], ...] = ()


@dataclass
class JiraState:
    mode: Mode
    email: str
    token: str
    hours_per_day: float
    projects: dict[str, dict[str, Any]]
    users: dict[str, dict[str, Any]]  # accountId -> {accountId, displayName, emailAddress, name, key}
    sprints: dict[int, dict[str, Any]]
    versions: dict[str, dict[str, Any]]
    issues: list[dict[str, Any]]  # dataset issues plus "id" and "created"
    sprint_field_id: str = "customfield_10020"
    start_date_field_id: str = "customfield_10015"
    days_per_week: float = 5.0
    cloud_page_cap: int = 100  # /search/jql when fields beyond id/key are asked for
    cloud_key_only_cap: int = 5000  # /search/jql when only id/key are asked for
    dc_page_cap: int = 1000  # jira.search.views.default.max on Data Center
    embedded_worklog_cap: int = 20
    worklog_page_cap: int = 5000
    bytes_sent: int = 0
    bytes_by_route: Counter[str] = field(default_factory=Counter)
    search_requests: int = 0
    search_faults: dict[int, InjectedFault] = field(default_factory=dict)
    page_tokens: dict[str, PageToken] = field(default_factory=dict)
    comments: CommentStore = field(init=False)  # issue comments and their properties
    security_levels: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> SecurityLevel
    # What the calling account belongs to (access.py); None: every role, group or level (an admin).
    caller_roles: frozenset[str] | None = None
    caller_groups: frozenset[str] | None = None
    caller_security_levels: frozenset[str] | None = None  # level names
    clock_offset_s: float = 0.0  # the site's clock minus the host's: timestamps it stamps are off by this
    denied_permissions: set[str] = field(default_factory=set)  # project permission keys the caller lacks

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.comments = CommentStore.seed(self.issues)
        self._by_key = {i["key"].upper(): i for i in self.issues} | {i["id"]: i for i in self.issues}

    @classmethod
    def from_dataset(
        cls,
        dataset: dict[str, Any],
        mode: Mode = "cloud",
        email: str = "sandbox-bot@example.com",
        token: str = "sandbox-jira-token",
        sprint_field_id: str | None = None,
        start_date_field_id: str | None = None,
    ) -> JiraState:
        """Build the site from a whole demo dataset (its "jira" part is used) or from that part alone."""
        if mode not in DEFAULT_FIELD_IDS:
            raise ValueError(f"mode must be 'cloud' or 'datacenter', not {mode!r}")
        jira = dataset.get("jira", dataset)
        today = date.fromisoformat(dataset.get("today", "2026-01-01"))
        default_sprint, default_start = DEFAULT_FIELD_IDS[mode]
        return cls(
            mode=mode,
            email=email,
            token=token,
            hours_per_day=float(jira.get("hours_per_day", 8)),
            projects={p["key"]: p for p in jira.get("projects", [])},
            users=_users(jira.get("users", [])),
            sprints={int(s["id"]): s for s in jira.get("sprints", [])},
            versions={str(v["id"]): v for v in jira.get("versions", [])},
            issues=_issues(jira.get("issues", []), today),
            security_levels=security_levels(jira),
            sprint_field_id=sprint_field_id or default_sprint,
            start_date_field_id=start_date_field_id or default_start,
        )

    def fail_search_request(self, nth: int, status: int = 429, retry_after_s: int | None = 1) -> None:
        """Answer the nth search request (1-based, counted from now on) with `status`, once."""
        with self._lock:
            self.search_faults[self.search_requests + nth] = InjectedFault(status, retry_after_s)

    def next_search_fault(self) -> InjectedFault | None:
        with self._lock:
            self.search_requests += 1
            return self.search_faults.pop(self.search_requests, None)

    def issue_token(self, jql: str, offset: int, matches: tuple[dict[str, Any], ...] = ()) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self.page_tokens[token] = PageToken(jql, offset, matches)
        return token

    def count_bytes(self, route: str, size: int) -> None:
        with self._lock:
            self.bytes_sent += size
            self.bytes_by_route[route] += size

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.clock_offset_s)

    def move_issue(self, key: str, new_key: str) -> dict[str, Any]:
        """Move an issue (to another project, or renamed): a new key, the same id and comments; the old
        key keeps finding it, as Jira redirects it."""
        issue = self._by_key[key.upper()]
        with self._lock:
            issue["key"] = new_key
            project = new_key.rsplit("-", 1)[0]
            if project in self.projects:
                issue["project"] = project
            self._by_key[new_key.upper()] = issue
        return issue

    def issue_by_key(self, key: str) -> dict[str, Any] | None:
        """The issue, if it exists and the caller may see it (its security level)."""
        issue = self._by_key.get(key.upper())
        return issue if issue is not None and can_see_issue(self, issue) else None

    def visible_issues(self) -> list[dict[str, Any]]:
        if self.caller_security_levels is None:
            return self.issues
        return [issue for issue in self.issues if can_see_issue(self, issue)]


def _users(users: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Keep the Cloud identity and add the Data Center one (username and JIRAUSER key) for each user."""
    result = {}
    for index, user in enumerate(users):
        email = user.get("emailAddress")
        username = email.split("@")[0] if email else f"user{index + 1}"
        result[user["accountId"]] = {**user, "name": username, "key": f"JIRAUSER{10000 + index}"}
    return result


def _issues(issues: list[dict[str, Any]], today: date) -> list[dict[str, Any]]:
    """Give every issue an id and a creation time; the dataset order is the creation order."""
    start = datetime.combine(today, datetime.min.time(), tzinfo=UTC) - timedelta(hours=len(issues))
    return [
        {**issue, "id": str(10000 + index), "created": start + timedelta(hours=index)}
        for index, issue in enumerate(issues)
    ]
