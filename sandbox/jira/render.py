"""Issue, user and worklog JSON as Jira Cloud (REST v3) and Data Center (REST v2) send them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sandbox.jira.render_other import other_fields
from sandbox.jira.state import JiraState

SYSTEM_FIELDS = (
    "summary", "status", "project", "assignee", "created", "resolution", "timeoriginalestimate",
    "timeestimate", "timespent", "duedate", "fixVersions", "worklog",
)  # fmt: skip
_CATEGORIES = {
    "new": {"id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"},
    "indeterminate": {"id": 4, "key": "indeterminate", "colorName": "yellow", "name": "In Progress"},
    "done": {"id": 3, "key": "done", "colorName": "green", "name": "Done"},
}
_AVATAR_SIZES = ("16x16", "24x24", "32x32", "48x48")


@dataclass(frozen=True)
class FieldSelection:
    """Jira's `fields` parameter: names, `*all`, `*navigable`, `-name` to exclude; comma lists allowed."""

    everything: bool
    include: frozenset[str]
    exclude: frozenset[str]

    @classmethod
    def parse(cls, values: list[str] | str | None, default: str) -> FieldSelection:
        if isinstance(values, str):
            values = [values]
        names = [n.strip() for v in (values or [default]) for n in v.split(",") if n.strip()]
        return cls(
            everything=any(n in ("*all", "*navigable") for n in names),
            include=frozenset(n for n in names if not n.startswith(("-", "*"))),
            exclude=frozenset(n[1:] for n in names if n.startswith("-")),
        )

    def wants(self, name: str) -> bool:
        return name not in self.exclude and (self.everything or name in self.include)

    @property
    def key_or_id_only(self) -> bool:
        return not self.everything and self.include <= {"id", "key"}


class Renderer:
    def __init__(self, state: JiraState, base_url: str) -> None:
        self.state = state
        self.base = base_url.rstrip("/")
        self.api = f"{self.base}/rest/api/{'3' if state.mode == 'cloud' else '2'}"

    def issue(self, issue: dict[str, Any], selection: FieldSelection) -> dict[str, Any]:
        if selection.include == {"id"} and not selection.everything:
            return {"id": issue["id"]}
        values = self._field_values(issue)
        if selection.everything or not selection.include <= values.keys():
            values = other_fields(self, issue) | values  # the fields above win over look-alike ids
        fields = {name: make() for name, make in values.items() if selection.wants(name)}
        body: dict[str, Any] = {
            "expand": "operations,versionedRepresentations,editmeta,changelog,renderedFields",
            "id": issue["id"],
            "self": f"{self.api}/issue/{issue['id']}",
            "key": issue["key"],
        }
        if fields or not selection.key_or_id_only:
            body["fields"] = fields
        return body

    def _field_values(self, issue: dict[str, Any]) -> dict[str, Any]:
        state = self.state
        return {
            "summary": lambda: issue["summary"],
            "status": lambda: self._status(issue),
            "project": lambda: self._project(issue["project"]),
            "assignee": lambda: self.user(issue["assignee"]) if issue.get("assignee") else None,
            "created": lambda: _jira_datetime(issue["created"]),
            "resolution": lambda: self._resolution(issue),
            "timeoriginalestimate": lambda: issue.get("timeoriginalestimate"),
            "timeestimate": lambda: issue.get("timeestimate"),
            "timespent": lambda: issue.get("timespent"),
            "duedate": lambda: issue.get("duedate"),
            "fixVersions": lambda: [self._version(v) for v in issue.get("fix_version_ids", [])],
            "worklog": lambda: self.embedded_worklogs(issue),
            state.sprint_field_id: lambda: self._sprints(issue),
            state.start_date_field_id: lambda: issue.get("startdate"),
        }

    def user(self, account_id: str) -> dict[str, Any]:
        user = self.state.users.get(
            account_id,
            {"accountId": account_id, "displayName": account_id, "name": account_id, "key": account_id},
        )
        avatars = {size: f"{self.base}/secure/useravatar?size={size}" for size in _AVATAR_SIZES}
        if self.state.mode == "cloud":
            body = {
                "self": f"{self.api}/user?accountId={account_id}",
                "accountId": account_id,
                "accountType": "atlassian",
            }
        else:
            body = {
                "self": f"{self.api}/user?username={user['name']}",
                "name": user["name"],
                "key": user["key"],
            }
        if user.get("emailAddress"):  # a hidden email is absent, not null
            body["emailAddress"] = user["emailAddress"]
        return body | {
            "avatarUrls": avatars,
            "displayName": user["displayName"],
            "active": True,
            "timeZone": "Europe/Berlin",
        }

    def embedded_worklogs(self, issue: dict[str, Any]) -> dict[str, Any]:
        worklogs = sorted(issue.get("worklogs", []), key=lambda w: w["started"])
        cap = self.state.embedded_worklog_cap
        return {
            "startAt": 0,
            "maxResults": cap,
            "total": len(worklogs),
            "worklogs": [self.worklog(issue, w) for w in worklogs[:cap]],
        }

    def worklog(self, issue: dict[str, Any], worklog: dict[str, Any]) -> dict[str, Any]:
        author = self.user(worklog["author"])
        return {
            "self": f"{self.api}/issue/{issue['id']}/worklog/{worklog['id']}",
            "author": author,
            "updateAuthor": author,
            "created": worklog["started"],
            "updated": worklog["started"],
            "started": worklog["started"],
            "timeSpent": pretty_duration(worklog["timeSpentSeconds"], self.state.hours_per_day),
            "timeSpentSeconds": worklog["timeSpentSeconds"],
            "id": str(worklog["id"]),
            "issueId": issue["id"],
        }

    def _status(self, issue: dict[str, Any]) -> dict[str, Any]:
        category = _CATEGORIES[issue["statusCategory"]]
        return {
            "self": f"{self.api}/status/1",
            "description": "",
            "name": issue["status"],
            "id": "1",
            "statusCategory": {"self": f"{self.api}/statuscategory/{category['id']}", **category},
        }

    def _resolution(self, issue: dict[str, Any]) -> dict[str, Any] | None:
        if issue["statusCategory"] != "done":
            return None
        return {"self": f"{self.api}/resolution/10000", "id": "10000", "name": "Done", "description": ""}

    def project(self, key: str) -> dict[str, Any]:
        """The project as `GET /project/{key}` returns it: the issue field's summary and a little more."""
        expand = "description,lead,issueTypes,url,projectKeys,permissions,insight"
        return {
            "expand": expand,
            **self._project(key),
            "simplified": False,
            "style": "classic",
            "isPrivate": False,
        }

    def _project(self, key: str) -> dict[str, Any]:
        project = self.state.projects.get(key, {"key": key, "name": key})
        return {
            "self": f"{self.api}/project/{key}",
            "id": str(10000 + sorted(self.state.projects).index(key)),
            "key": key,
            "name": project["name"],
            "projectTypeKey": "software",
        }

    def _version(self, version_id: str) -> dict[str, Any]:
        version = self.state.versions[str(version_id)]
        body = {
            "self": f"{self.api}/version/{version['id']}",
            "id": str(version["id"]),
            "description": "",
            "name": version["name"],
            "archived": False,
            "released": bool(version["released"]),
        }
        if version.get("releaseDate"):
            body["releaseDate"] = version["releaseDate"]
        return body

    def _sprints(self, issue: dict[str, Any]) -> list[dict[str, Any]] | None:
        ids = issue.get("sprint_ids") or []
        if not ids:
            return None
        return [
            {
                "id": s["id"],
                "name": s["name"],
                "state": s["state"],
                "boardId": 1,
                "goal": "",
                "startDate": s.get("startDate"),
                "endDate": s.get("endDate"),
            }
            for s in (self.state.sprints[int(i)] for i in ids)
        ]


def field_list(state: JiraState) -> list[dict[str, Any]]:
    """GET /field: system fields, the Sprint and Start date custom fields, and look-alikes of them."""
    system = [
        _field(name, name[0].upper() + name[1:], False, {"type": "string", "system": name})
        for name in SYSTEM_FIELDS
    ]
    custom = [
        _custom(state.sprint_field_id, "Sprint", "array", "com.pyxis.greenhopper.jira:gh-sprint", "json"),
        _custom(
            state.start_date_field_id,
            "Start date",
            "date",
            "com.atlassian.jira.plugin.system.customfieldtypes:datepicker",
        ),
        _custom(
            "customfield_10016",
            "Story point estimate",
            "number",
            "com.atlassian.jira.plugin.system.customfieldtypes:float",
        ),
        _custom("customfield_10019", "Rank", "any", "com.pyxis.greenhopper.jira:gh-lexo-rank"),
        _custom(
            "customfield_10300",
            "Target end",
            "date",
            "com.atlassian.jira.plugin.system.customfieldtypes:datepicker",
        ),
        _custom(
            "customfield_10301",
            "Sprint notes",
            "string",
            "com.atlassian.jira.plugin.system.customfieldtypes:textfield",
        ),
    ]
    return system + custom


def _field(field_id: str, name: str, custom: bool, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": field_id,
        "key": field_id,
        "name": name,
        "custom": custom,
        "orderable": True,
        "navigable": True,
        "searchable": True,
        "clauseNames": [field_id],
        "schema": schema,
    }


def _custom(
    field_id: str, name: str, kind: str, custom_type: str, items: str | None = None
) -> dict[str, Any]:
    custom_id = int(field_id.rsplit("_", 1)[1])
    schema: dict[str, Any] = {"type": kind, "custom": custom_type, "customId": custom_id}
    if items:
        schema["items"] = items
    body = _field(field_id, name, True, schema)
    body["clauseNames"] = [f"cf[{custom_id}]", name]
    body["untranslatedName"] = name
    return body


def pretty_duration(seconds: int, hours_per_day: float, days_per_week: float = 5.0) -> str:
    """Jira's "pretty" time format in working weeks/days: 37800 s at 8 h/day is "1d 2h 30m"."""
    minutes = seconds // 60
    units = (
        ("w", int(hours_per_day * days_per_week * 60)),
        ("d", int(hours_per_day * 60)),
        ("h", 60),
        ("m", 1),
    )
    parts = []
    for suffix, size in units:
        count, minutes = divmod(minutes, size)
        if count:
            parts.append(f"{count}{suffix}")
    return " ".join(parts) or "0m"


def _jira_datetime(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.000%z")
