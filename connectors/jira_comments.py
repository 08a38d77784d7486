"""Jira issue comments for the comment bridge: list (with properties and visibility), add (with
properties), update, delete; an issue's id, key and security level; the comment permissions.

Cloud speaks REST v3 (bodies are ADF documents); Data Center speaks REST v2 (bodies are wiki
markup). The deployment comes from `connectors.jira.detect_api`, as for the issue search;
`body_format` tells the caller which body to build.

Built on `connectors.http.ApiClient`, not on the `jira` package, although the product owner
prescribes the package where it serves. Here it does not: its `add_comment(issue, body, visibility,
is_internal)` builds the request itself and can only attach the `sd.public.comment` property, so
the bridge's own marker property (`opsheets.mirror`) would need a second request — and a crash or
a broken connection between the two leaves an unmarked mirror that is then mirrored back or posted
again. The marker has to be inside the create call (`properties` in the comment body), which the
package cannot express. Its `comments()` also returns one page only (no startAt loop) and talks v2
(wiki text) unless reconfigured, while Cloud comments are ADF on v3. Bare requests under the shared
policy give both in a few lines, with the same retries, error hints and redaction as every connector.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from functools import cached_property
from typing import Any, Literal

from connectors.http import RetryPolicy
from connectors.jira import SYSTEM, JiraApi, detect_api, jira_api_client, uses_pat
from connectors.paging import offset_pages
from connectors.post_once import post_once, writer_for
from domain.records import JiraComment, JiraIssueRef

PAGE_SIZE = 100
COMMENT_PERMISSIONS = ("ADD_COMMENTS", "EDIT_OWN_COMMENTS")
BodyFormat = Literal["adf", "wiki"]


class JiraComments:
    def __init__(
        self,
        base_url: str,
        *,
        email: str | None = None,
        api_token: str | None = None,
        pat: str | None = None,
        policy: RetryPolicy = RetryPolicy(),
        rewrite: Mapping[str, str] | None = None,
    ) -> None:
        """Same credentials as `connectors.jira.JiraConnector`: email + API token, or a PAT."""
        self.policy = policy
        self.client = jira_api_client(
            base_url, email=email, api_token=api_token, pat=pat, policy=policy, rewrite=rewrite
        )
        self.writer = writer_for(self.client, policy, rewrite=rewrite)
        self._uses_pat = uses_pat(api_token, pat)

    @cached_property
    def api(self) -> JiraApi:
        return detect_api(self.client, self._uses_pat)

    @property
    def body_format(self) -> BodyFormat:
        return "adf" if self.api.deployment == "cloud" else "wiki"

    def _path(self, suffix: str) -> str:
        return f"{self.api.rest}/{suffix.lstrip('/')}"

    def comments(self, issue_key: str) -> list[JiraComment]:
        """Every comment of the issue, oldest first, with its properties. NotFoundError: no such issue."""
        return [parse_comment(issue_key, c) for page in self._comment_pages(issue_key) for c in page]

    def _comment_pages(self, issue_key: str) -> Iterator[list[Any]]:
        path = self._path(f"issue/{issue_key}/comment")

        def fetch(start: int) -> Mapping[str, Any]:
            params = {"startAt": start, "maxResults": PAGE_SIZE, "orderBy": "created", "expand": "properties"}
            return self.client.get_json(path, params=params)

        return offset_pages(SYSTEM, f"GET {path}", fetch, "comments")

    def add_comment(
        self, issue_key: str, body: object, properties: Mapping[str, object], marker: tuple[str, object]
    ) -> str:
        """Create a comment with its properties in one request, once; returns the new comment id.

        `body` is an ADF document on v3 and wiki markup on v2 (see `body_format`). `marker` is one
        of `properties` (key, value): after a failed attempt the issue's comments are read back and
        one carrying it counts as posted.
        """
        key, value = marker
        if properties.get(key) != value:
            raise ValueError("the marker must be one of the comment's properties")
        payload = {"body": body, "properties": [{"key": k, "value": v} for k, v in properties.items()]}
        path = self._path(f"issue/{issue_key}/comment")

        def post() -> str:
            return str(self.writer.post_json(path, payload)["id"])

        def find_existing() -> str | None:
            return next((c.id for c in self.comments(issue_key) if c.properties.get(key) == value), None)

        return post_once(self.policy, post, find_existing)

    def update_comment(
        self, issue_key: str, comment_id: str, body: object, properties: Mapping[str, object]
    ) -> None:
        """Replace a comment's body and properties in one request (PUT is idempotent: a retry is safe)."""
        payload = {"body": body, "properties": [{"key": k, "value": v} for k, v in properties.items()]}
        self.client.request("PUT", self._path(f"issue/{issue_key}/comment/{comment_id}"), json=payload)

    def issue(self, issue_key: str) -> JiraIssueRef:
        """The issue's id, current key (an old key of a moved issue still finds it) and security level
        name (None when it has none). NotFoundError: no such issue."""
        issue = self.client.get_json(self._path(f"issue/{issue_key}"), params={"fields": "security"})
        level = (issue.get("fields") or {}).get("security")
        name = str(level.get("name") or level.get("id")) if isinstance(level, dict) else None
        return JiraIssueRef(str(issue["id"]), str(issue.get("key") or issue_key), name)

    def can_comment(self, project_key: str | None) -> dict[str, bool]:
        """Whether the account may add comments and edit its own in the project (mypermissions); with
        no project, in any project (Jira's global context)."""
        params = {"permissions": ",".join(COMMENT_PERMISSIONS)} | (
            {"projectKey": project_key} if project_key else {}
        )
        granted = self.client.get_json(self._path("mypermissions"), params=params).get("permissions") or {}
        return {key: bool((granted.get(key) or {}).get("havePermission")) for key in COMMENT_PERMISSIONS}

    def delete_comment(self, issue_key: str, comment_id: str) -> None:
        self.client.request("DELETE", self._path(f"issue/{issue_key}/comment/{comment_id}"))

    def comment_property(self, comment_id: str, key: str) -> object:
        return self.client.get_json(self._path(f"comment/{comment_id}/properties/{key}"))["value"]

    def set_comment_property(self, comment_id: str, key: str, value: object) -> None:
        self.client.request("PUT", self._path(f"comment/{comment_id}/properties/{key}"), json=value)


def parse_comment(issue_key: str, data: Mapping[str, Any]) -> JiraComment:
    author = data.get("author") or {}
    properties = {str(p["key"]): p.get("value") for p in data.get("properties") or [] if "key" in p}
    return JiraComment(
        id=str(data["id"]),
        issue_key=issue_key,
        author_account_id=author.get("accountId") or author.get("name"),
        author_name=author.get("displayName"),
        created=_parse_time(data.get("created")),
        body=data.get("body"),
        properties=properties,
        visibility=_restriction(data.get("visibility")),
        updated=_parse_time(data.get("updated")),
    )


def _restriction(visibility: object) -> str | None:
    """Any visibility Jira sends restricts the comment; its type when it names one."""
    if not visibility:
        return None
    kind = visibility.get("type") if isinstance(visibility, dict) else None
    return kind if kind in ("role", "group") else "restricted"


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        return None
