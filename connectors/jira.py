"""Jira connector: open issues with estimates, sprints, fix versions and worklogs; Cloud or Data Center.

Built on `connectors.http.ApiClient`, not on the `jira` package. The package would bring auth
header construction and little else this connector needs, at a cost: it cannot take our session
(the shared policy must be bolted onto its private `_session`); its Cloud search pages by GET only
and loops internally, so pages cannot be yielded, retried or run as parallel chains under our
control; it turns every issue into a Resource object we would turn back into dicts; its `worklogs()`
has neither `startedAfter` nor paging; and on Data Center its JSON search returns a single page.
With ApiClient, retries, Retry-After, error hints and redaction come from the one HTTP layer, and
the two page loops below are the only pagination code.

Flow of one run: serverInfo picks the API (`deploymentType` Cloud → REST v3 enhanced search with
`nextPageToken`; Server/DataCenter → REST v2 search with `startAt`); configuration gives hours per
day and /field the Sprint and Start date custom field ids (both once per connector, overridable);
each JQL is a page chain (several chains may run in parallel threads); only the fields needed are
requested; worklogs come embedded (≤ 20) and `/issue/{key}/worklog?startedAfter=` is asked only for
issues whose embedded `total` exceeds its `maxResults`.

Worklogs on issues the planning JQL does not return (done, unassigned) are found with JQL
`worklogDate >= …` chains asking for the worklog field only: a search bounded by the configured scope,
the same on Cloud and Data Center (Jira has had `worklogDate` since 6.4), which selects by the day the
work *started*. Cloud's `/worklog/updated` + `/worklog/list` was weighed and not taken: it lists every
worklog of the whole site changed since a time (not only the configured projects, two requests per 1,000
of them), by when it was last edited rather than when the work was done, and it skips the last minute.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import cached_property, partial
from typing import Any, Literal

from connectors.http import ApiClient, AuthError, FatalAPIError, RetryPolicy
from connectors.jira_pages import (
    SYSTEM,
    WorklogFetches,
    raw_users,
    raw_worklogs,
    unique_by_key,
    within,
)
from connectors.jira_parse import (
    CustomFieldIds,
    find_custom_fields,
    parse_issue,
    parse_user,
    parse_worklog,
    requested_fields,
)
from connectors.paging import offset_pages, token_pages
from domain.records import JiraIssue, JiraUser, Worklog

SERVER_INFO = "/rest/api/2/serverInfo"  # the same path on Cloud and Data Center
DEFAULT_OPEN_CLAUSES = "assignee is not EMPTY AND statusCategory != Done"
# The rest of a project: what the worklog query adds to the default planning query, never overlapping it.
NOT_OPEN_CLAUSES = "(statusCategory = Done OR assignee is EMPTY)"


@dataclass(frozen=True)
class JiraApi:
    """Where each resource lives and how search pages, per deployment."""

    deployment: Literal["cloud", "datacenter"]
    rest: str  # the REST API's root: v3 (ADF bodies) on Cloud, v2 (wiki markup) on Data Center
    search: str
    paging: Literal["token", "offset"]
    page_size: int  # the server's cap when fields beyond id/key are requested
    configuration: str
    fields: str
    myself: str
    worklog: str  # format with key=
    project: str  # format with key=


CLOUD = JiraApi(
    deployment="cloud",
    rest="/rest/api/3",
    search="/rest/api/3/search/jql",
    paging="token",
    page_size=100,
    configuration="/rest/api/3/configuration",
    fields="/rest/api/3/field",
    myself="/rest/api/3/myself",
    worklog="/rest/api/3/issue/{key}/worklog",
    project="/rest/api/3/project/{key}",
)
DATACENTER = JiraApi(
    deployment="datacenter",
    rest="/rest/api/2",
    search="/rest/api/2/search",
    paging="offset",
    page_size=1000,
    configuration="/rest/api/2/configuration",
    fields="/rest/api/2/field",
    myself="/rest/api/2/myself",
    worklog="/rest/api/2/issue/{key}/worklog",
    project="/rest/api/2/project/{key}",
)
APIS_BY_DEPLOYMENT_TYPE = {"Cloud": CLOUD, "Server": DATACENTER, "DataCenter": DATACENTER}
WORKLOG_PAGE_SIZE = 5000
WORKLOG_FIELDS = ["worklog"]  # what a worklog chain needs of each issue it finds


@dataclass(frozen=True)
class JiraFetch:
    issues: list[JiraIssue]
    worklogs: list[Worklog]  # of issues found only by the worklog queries: they count in Actuals only


API_TOKEN_HINTS = {
    401: "check jira.email and the API token in jira.token (JIRA_API_TOKEN by default): the token must "
    "belong to that email's Atlassian account and not be revoked "
    "(create one at https://id.atlassian.com/manage-profile/security/api-tokens)",
    403: "the account of jira.email lacks a permission this request needs (e.g. Browse projects on the "
    "searched projects): grant it, or use the email and API token of an account that has it",
}
PAT_HINTS = {
    401: "check the personal access token in jira.token (JIRA_API_TOKEN by default): it is wrong, "
    "expired or revoked (create one in Jira under your profile → Personal Access Tokens)",
    403: "the user who owns the personal access token lacks a permission this request needs "
    "(e.g. Browse projects on the searched projects): grant it, or use another user's token",
}
MISSING_CREDENTIALS = (
    "Jira needs jira.email and an API token (Cloud) or a personal access token (Data Center) in jira.token"
)


def open_assigned_jql(projects: Sequence[str], clauses: str = DEFAULT_OPEN_CLAUSES) -> str:
    """The default query: open, assigned issues in the configured projects, in a stable order."""
    return f"project in ({', '.join(projects)}) AND {clauses} ORDER BY key"


def jql_per_project(projects: Sequence[str], clauses: str = DEFAULT_OPEN_CLAUSES) -> list[str]:
    """One query per project, to run as parallel chains (each chain's latency is paid in parallel)."""
    return [f"project = {project} AND {clauses} ORDER BY key" for project in projects]


def uses_pat(api_token: str | None, pat: str | None) -> bool:
    return pat is not None and not api_token


def jira_api_client(
    base_url: str,
    *,
    email: str | None,
    api_token: str | None,
    pat: str | None,
    policy: RetryPolicy,
    rewrite: Mapping[str, str] | None,
) -> ApiClient:
    """The one place Jira auth and pinned headers are set up: email + API token (basic auth, Cloud or
    Data Center) or a personal access token (bearer, Data Center)."""
    if pat is None and not (email and api_token):
        raise ValueError(MISSING_CREDENTIALS)
    bearer = uses_pat(api_token, pat)
    headers = {"Accept": "application/json", "Accept-Language": "en"}
    if bearer:
        headers["Authorization"] = f"Bearer {pat}"
    return ApiClient(
        SYSTEM, base_url, auth=None if bearer else (str(email), str(api_token)), headers=headers,
        policy=policy, hints=PAT_HINTS if bearer else API_TOKEN_HINTS, rewrite=rewrite,
    )  # fmt: skip


def detect_api(client: ApiClient, with_pat: bool) -> JiraApi:
    """The one flavour check: serverInfo's deploymentType picks Cloud (REST v3) or Data Center (v2)."""
    deployment_type = str(client.get_json(SERVER_INFO).get("deploymentType", ""))
    api = APIS_BY_DEPLOYMENT_TYPE.get(deployment_type)
    if api is None:
        raise FatalAPIError(SYSTEM, f"unknown serverInfo.deploymentType {deployment_type!r}; "
                                    "expected Cloud, Server or DataCenter")  # fmt: skip
    if api is CLOUD and with_pat:
        raise AuthError(
            SYSTEM,
            "this is Jira Cloud, which does not accept a personal access token: "
            "set jira.email to the account that created the API token in jira.token",
        )
    return api


class JiraConnector:
    def __init__(
        self,
        base_url: str,
        *,
        email: str | None = None,
        api_token: str | None = None,
        pat: str | None = None,
        policy: RetryPolicy = RetryPolicy(),
        rewrite: Mapping[str, str] | None = None,
        hours_per_day: float | None = None,
        sprint_field: str | None = None,
        start_date_field: str | None = None,
        page_size: int | None = None,
        zone: tzinfo = UTC,
    ) -> None:
        """Cloud: `email` + `api_token` (basic auth). Data Center: `pat` (bearer), or `email` + `api_token`
        as username and password. `page_size` defaults to the deployment's cap. `zone`: the configured
        timezone, in which a sprint's start and end instants fall on their days."""
        self.client = jira_api_client(
            base_url, email=email, api_token=api_token, pat=pat, policy=policy, rewrite=rewrite
        )
        self._uses_pat = uses_pat(api_token, pat)
        self._hours_override = hours_per_day
        self._field_overrides = (sprint_field, start_date_field)
        self._page_size = page_size
        self._zone = zone
        self._users: dict[str, JiraUser] = {}
        self._users_lock = threading.Lock()

    @cached_property
    def api(self) -> JiraApi:
        return detect_api(self.client, self._uses_pat)

    def hours_per_day(self) -> float:
        if self._hours_override is not None:
            return self._hours_override
        return self._configured_hours

    @cached_property
    def _configured_hours(self) -> float:
        config = self.client.get_json(self.api.configuration)
        return float(config["timeTrackingConfiguration"]["workingHoursPerDay"])

    @cached_property
    def custom_fields(self) -> CustomFieldIds:
        sprint, start = self._field_overrides
        if sprint and start:
            return CustomFieldIds(sprint, start)
        found = find_custom_fields(self.client.get_json(self.api.fields))
        return CustomFieldIds(sprint or found.sprint, start or found.start_date)

    def myself(self) -> JiraUser:
        user = parse_user(self.client.get_json(self.api.myself))
        if user is None:
            raise FatalAPIError(SYSTEM, f"{self.api.myself} returned no account id")
        return user

    def search_issues(
        self,
        jql: str | Sequence[str],
        *,
        max_parallel_chains: int = 1,
        worklogs_since: datetime | None = None,
    ) -> list[JiraIssue]:
        """Issues matching `jql` (or any of several JQLs, each its own page chain, up to
        `max_parallel_chains` at once), in chain order, each key once. Worklogs are limited to those
        started at or after `worklogs_since` when given."""
        return self.fetch(jql, max_parallel_chains=max_parallel_chains, worklogs_since=worklogs_since).issues

    def fetch(
        self,
        jql: str | Sequence[str],
        *,
        worklog_jql: str | Sequence[str] = (),
        max_parallel_chains: int = 1,
        worklogs_since: datetime | None = None,
    ) -> JiraFetch:
        """`search_issues`, plus the worklogs of the issues `worklog_jql` finds beyond those (done or
        unassigned work in scope). Worklog chains ask for the worklog field only and run in the same
        pool as the issue chains; an issue both find is read once, as a planned issue."""
        plan = [jql] if isinstance(jql, str) else list(jql)
        logged = [worklog_jql] if isinstance(worklog_jql, str) else list(worklog_jql)
        custom = self._prepare()
        # The worklog chains go first: one query over the whole scope is the longest chain, and started
        # last it would run on alone after the per-project chains are done.
        chains = [(q, WORKLOG_FIELDS) for q in logged] + [(q, requested_fields(custom)) for q in plan]
        pages, fetched = self._run_chains(chains, max_parallel_chains, worklogs_since)
        planned = unique_by_key(issue for chain in pages[len(logged) :] for issue in chain)
        keys = {raw["key"] for raw in planned}
        extra = [r for r in unique_by_key(i for c in pages[: len(logged)] for i in c) if r["key"] not in keys]
        for raw in [*planned, *extra]:
            self._remember(raw_users(raw))
        issues = [parse_issue(raw, custom, fetched.get(raw["key"]), self._zone) for raw in planned]
        return JiraFetch(
            [within(issue, worklogs_since) for issue in issues],
            [w for raw in extra for w in raw_worklogs(raw, fetched.get(raw["key"]), worklogs_since)],
        )

    def _run_chains(
        self, chains: list[tuple[str, list[str]]], max_parallel_chains: int, since: datetime | None
    ) -> tuple[list[list[dict[str, Any]]], dict[str, list[Worklog]]]:
        """Every chain's raw issues (in chain order) and the worklogs fetched for truncated issues."""
        workers = max(1, max_parallel_chains)
        # A truncated issue's worklogs are fetched as soon as its page arrives, beside the search
        # chains, rather than after the last page (at M that phase was ~2 s of wall time on its own).
        with ThreadPoolExecutor(min(workers, len(chains) or 1)) as pool, ThreadPoolExecutor(workers) as side:
            worklogs = WorklogFetches(side, partial(self.issue_worklogs, since=since))
            try:
                run = partial(self._run_chain, on_page=worklogs.start_for)
                pages = list(pool.map(lambda chain: run(*chain), chains))
                return pages, worklogs.results()
            except BaseException:
                side.shutdown(cancel_futures=True)
                raise

    def issue_worklogs(self, key: str, since: datetime | None = None) -> list[Worklog]:
        """Every worklog of one issue started at or after `since` (all when None), page by page."""
        path = self.api.worklog.format(key=key)
        params: dict[str, Any] = {"maxResults": WORKLOG_PAGE_SIZE}
        if since is not None:
            # One millisecond early, whether the server reads startedAfter as > or ≥; filtered exactly below.
            params["startedAfter"] = int(since.timestamp() * 1000) - 1
        pages = offset_pages(
            SYSTEM,
            f"GET {path}",
            lambda start: self.client.get_json(path, params=params | {"startAt": start}),
            "worklogs",
        )
        raw = [worklog for page in pages for worklog in page]
        self._remember(w.get("author") for w in raw)
        return [w for w in (parse_worklog(item, key) for item in raw) if since is None or w.started >= since]

    def seen_users(self) -> list[JiraUser]:
        """Assignees and worklog authors met so far, by account id."""
        with self._users_lock:
            return sorted(self._users.values(), key=lambda u: u.account_id)

    def close(self) -> None:
        self.client.session.close()

    def _prepare(self) -> CustomFieldIds:
        """Resolve the API and the custom fields before threads start: cached_property takes no lock."""
        _ = self.api
        return self.custom_fields

    def _run_chain(
        self, jql: str, fields: list[str], on_page: Callable[[list[dict[str, Any]]], None] | None = None
    ) -> list[dict[str, Any]]:
        api = self.api
        body: dict[str, Any] = {"jql": jql, "fields": fields, "maxResults": self._page_size or api.page_size}
        post = self._search_post(jql)
        endpoint = f"POST {api.search}"
        if api.paging == "token":
            pages = token_pages(SYSTEM, endpoint, post, body)
        else:
            pages = offset_pages(SYSTEM, endpoint, lambda start: post(body | {"startAt": start}), "issues")
        issues = []
        for page in pages:
            if on_page:
                on_page(page)
            issues += page
        return issues

    def _search_post(self, jql: str) -> Callable[[dict[str, Any]], Mapping[str, Any]]:
        def post(body: dict[str, Any]) -> Mapping[str, Any]:
            try:
                return self.client.post_json(self.api.search, json=body)
            except FatalAPIError as exc:
                if exc.status != 400:
                    raise
                message = (
                    f"Jira rejected the JQL {jql!r}; fix jira.jql or jira.projects in the config ({exc})"
                )
                raise FatalAPIError(SYSTEM, message, status=400) from exc

        return post

    def _remember(self, raw_users: Iterable[Mapping[str, Any] | None]) -> None:
        users = [u for u in (parse_user(raw) for raw in raw_users) if u]
        with self._users_lock:
            for user in users:
                self._users[user.account_id] = user
