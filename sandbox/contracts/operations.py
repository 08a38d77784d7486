"""Every API operation opsheets calls, by the path its published contract gives it.

The one list that the vendored contract subsets (`vendor.py`), the wire checks, the property-based
runs and docs/api-coverage.md are built from: an operation added to a connector or a stand-in goes
here first. `flows` names the flows (or commands) that call it in production.
"""

from __future__ import annotations

from dataclasses import dataclass

AVAILABILITY = "availability"
BUDGETS = "budgets"
COMMENTS = "comments"
CHECK = "check"


@dataclass(frozen=True)
class Operation:
    api: str  # jira | bamboohr | intercom | sheets | drive
    method: str  # upper case
    path: str  # as the contract spells it (OpenAPI path, or discovery flatPath)
    flows: tuple[str, ...]
    note: str = ""

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


J = "/rest/api/3"
_JIRA = (
    Operation("jira", "GET", f"{J}/serverInfo", (AVAILABILITY, COMMENTS, CHECK), "Cloud or Data Center"),
    Operation("jira", "GET", f"{J}/configuration", (AVAILABILITY,), "working hours per day"),
    Operation("jira", "GET", f"{J}/field", (AVAILABILITY,), "sprint and start-date field ids"),
    Operation("jira", "GET", f"{J}/myself", (CHECK,), "who the token is"),
    Operation("jira", "GET", f"{J}/search/jql", (), "stand-in only; opsheets POSTs"),
    Operation("jira", "POST", f"{J}/search/jql", (AVAILABILITY,), "Cloud search"),
    Operation("jira", "GET", f"{J}/search", (), "stand-in only (410 on Cloud)"),
    Operation("jira", "POST", f"{J}/search", (AVAILABILITY,), "Data Center search, as /rest/api/2"),
    Operation("jira", "GET", f"{J}/issue/{{issueIdOrKey}}", (COMMENTS,), "security level of an issue"),
    Operation("jira", "GET", f"{J}/issue/{{issueIdOrKey}}/worklog", (AVAILABILITY,), "worklogs past 20"),
    Operation("jira", "GET", f"{J}/issue/{{issueIdOrKey}}/comment", (COMMENTS,)),
    Operation("jira", "POST", f"{J}/issue/{{issueIdOrKey}}/comment", (COMMENTS,), "ADF body on v3"),
    Operation("jira", "GET", f"{J}/issue/{{issueIdOrKey}}/comment/{{id}}", (), "stand-in only"),
    Operation("jira", "DELETE", f"{J}/issue/{{issueIdOrKey}}/comment/{{id}}", (COMMENTS,)),
    Operation("jira", "PUT", f"{J}/issue/{{issueIdOrKey}}/comment/{{id}}", (COMMENTS,), "edits travel"),
    Operation("jira", "GET", f"{J}/mypermissions", (CHECK,), "may comment and edit own"),
    Operation("jira", "GET", f"{J}/project/{{projectIdOrKey}}", (CHECK,), "configured projects exist"),
    Operation("jira", "POST", f"{J}/jql/parse", (CHECK,), "Cloud only; Data Center answers 404"),
    Operation("jira", "GET", f"{J}/comment/{{commentId}}/properties", (), "stand-in only"),
    Operation("jira", "GET", f"{J}/comment/{{commentId}}/properties/{{propertyKey}}", (COMMENTS,)),
    Operation("jira", "PUT", f"{J}/comment/{{commentId}}/properties/{{propertyKey}}", (COMMENTS,), "marker"),
    Operation("jira", "DELETE", f"{J}/comment/{{commentId}}/properties/{{propertyKey}}", (), "stand-in only"),
)

_BAMBOOHR = (
    Operation("bamboohr", "POST", "/api/v1/reports/custom", (AVAILABILITY, BUDGETS, CHECK), "employees"),
    Operation("bamboohr", "GET", "/api/v1/time_off/requests", (AVAILABILITY,), "approved time off"),
    Operation("bamboohr", "GET", "/api/v1/time_off/whos_out", (AVAILABILITY,), "company holidays"),
    Operation("bamboohr", "GET", "/api/v1/employees/{id}/tables/{table}", (BUDGETS,), "status history"),
    Operation("bamboohr", "GET", "/api/v1/employees/directory", (), "stand-in only; not called"),
    Operation("bamboohr", "GET", "/api/v1/meta/lists", (BUDGETS,), "team ids (provisioning: renames)"),
)

_INTERCOM = (
    Operation("intercom", "GET", "/me", (COMMENTS, CHECK), "the admin notes are written as"),
    Operation("intercom", "GET", "/admins", (), "stand-in only"),
    Operation("intercom", "GET", "/admins/{admin_id}", (CHECK,), "the configured admin exists"),
    Operation("intercom", "GET", "/data_attributes", (CHECK,), "the link attribute exists"),
    Operation("intercom", "POST", "/conversations/redact", (), "stand-in only; a person redacts"),
    Operation("intercom", "POST", "/conversations/search", (COMMENTS,), "linked conversations"),
    Operation("intercom", "GET", "/conversations/{conversation_id}", (COMMENTS,), "notes"),
    Operation("intercom", "POST", "/conversations/{conversation_id}/reply", (COMMENTS,), "admin note"),
)

S = "v4/spreadsheets"
_SHEETS = (
    Operation("sheets", "GET", f"{S}/{{spreadsheetId}}", (AVAILABILITY, BUDGETS, CHECK), "field mask"),
    Operation("sheets", "POST", f"{S}/{{spreadsheetId}}:batchUpdate", (AVAILABILITY, BUDGETS), "layout"),
    Operation("sheets", "GET", f"{S}/{{spreadsheetId}}/values:batchGet", (AVAILABILITY, BUDGETS)),
    Operation("sheets", "POST", f"{S}/{{spreadsheetId}}/values:batchUpdate", (AVAILABILITY, BUDGETS), "RAW"),
    Operation("sheets", "POST", f"{S}/{{spreadsheetId}}/values:batchClear", (), "stand-in only"),
    Operation("sheets", "GET", f"{S}/{{spreadsheetId}}/values/{{range}}", (), "stand-in only"),
    Operation("sheets", "PUT", f"{S}/{{spreadsheetId}}/values/{{range}}", (), "stand-in only"),
    Operation("sheets", "POST", f"{S}/{{spreadsheetId}}/values/{{range}}:clear", (), "stand-in only"),
    Operation(
        "sheets", "GET", f"{S}/{{spreadsheetId}}/developerMetadata/{{metadataId}}", (), "stand-in only"
    ),
    Operation("sheets", "POST", f"{S}/{{spreadsheetId}}/developerMetadata:search", (), "stand-in only"),
)

D = "files"
_DRIVE = (
    Operation("drive", "POST", D, (BUDGETS,), "a team spreadsheet in the shared-drive folder"),
    Operation("drive", "POST", f"{D}/{{fileId}}/copy", (BUDGETS,), "a copy of the template"),
    Operation("drive", "GET", f"{D}/{{fileId}}", (BUDGETS, CHECK), "folder on a shared drive, template"),
    Operation("drive", "GET", D, (BUDGETS,), "spreadsheets already in the folder"),
    Operation("drive", "GET", f"{D}/{{fileId}}/permissions", (BUDGETS,), "who has access"),
    Operation("drive", "POST", f"{D}/{{fileId}}/permissions", (BUDGETS,), "share with lead, admins"),
    Operation("drive", "DELETE", f"{D}/{{fileId}}/permissions/{{permissionId}}", (BUDGETS,), "enforce"),
)

OPERATIONS: tuple[Operation, ...] = _JIRA + _BAMBOOHR + _INTERCOM + _SHEETS + _DRIVE


def of(api: str) -> tuple[Operation, ...]:
    return tuple(op for op in OPERATIONS if op.api == api)
