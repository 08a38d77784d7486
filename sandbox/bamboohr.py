"""BambooHR stand-in: the endpoints opsheets reads, wire-compatible with the public API.

Written from ../shared/api-specs/bamboohr.public.openapi.yaml (server
`https://{companyDomain}.bamboohr.com`, paths under `/api/v1`) and its README's notes on what the
live service really sends: ids and amounts as strings, `0000-00-00` for an empty date, unknown or
forbidden report fields dropped silently (still 200), Active and Inactive employees in reports,
`whos_out` missing some approved requests, 403 when a feature or directory sharing is off.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from holidays.registry import COUNTRIES

from sandbox.bamboohr_lists import list_fields
from sandbox.core import Knobs, RunningService

EMPTY_DATE = "0000-00-00"
MAX_REPORT_FIELDS = 400
# id -> (type, label) for the standard fields; any other key found on an employee is a custom field.
FIELD_TYPES: dict[str, tuple[str, str]] = {
    "firstName": ("text", "First Name"),
    "lastName": ("text", "Last Name"),
    "displayName": ("text", "Display name"),
    "workEmail": ("email", "Work Email"),
    "department": ("list", "Department"),
    "division": ("list", "Division"),
    "location": ("list", "Location"),
    "jobTitle": ("list", "Job Title"),
    "country": ("country", "Country"),
    "state": ("state", "State"),
    "status": ("status", "Status"),
    "employmentHistoryStatus": ("list", "Employment Status"),
    "hireDate": ("date", "Hire Date"),
    "terminationDate": ("date", "Termination Date"),
    "supervisorEmail": ("email", "Supervisor email"),
    "payRate": ("currency", "Pay rate"),
    "dateOfBirth": ("date", "Birth Date"),
}
_COUNTRY_NAMES = {entry[1]: re.sub(r"(?<=[a-z])(?=[A-Z])", " ", entry[0]) for entry in COUNTRIES.values()}
_TYPE_IDS = {"Vacation": "78", "Sick": "79"}
TERMINATED = "Terminated"
_STATUS_COLUMNS = (
    "id",
    "employeeId",
    "date",
    "employmentStatus",
    "terminationReasonId",
    "terminationTypeId",
    "terminationRehireId",
    "terminationRegrettableId",
)
_JOB_INFO_COLUMNS = (
    "id",
    "employeeId",
    "date",
    "location",
    "department",
    "division",
    "jobTitle",
    "reportsTo",
)


@dataclass
class BambooState:
    """What the stand-in serves, its switches, and what it was asked for."""

    employees: list[dict[str, Any]]
    job_info: list[dict[str, Any]]
    time_off: list[dict[str, Any]]
    holidays: list[dict[str, Any]]
    today: date
    employment_status: list[dict[str, Any]] = field(default_factory=list)
    api_key: str = "demo-bamboohr-key"
    company: str = "demo"
    time_off_enabled: bool = True
    whos_out_enabled: bool = True
    directory_shared: bool = True
    ids_as_numbers: bool = False  # some accounts send numeric ids; the connector must cope
    forbidden_fields: set[str] = field(default_factory=set)  # fields this key may not see
    requested_fields: list[str] = field(default_factory=list)  # every field id named in a report
    requested_tables: list[str] = field(default_factory=list)
    list_options: dict[str, dict[str, int]] = field(default_factory=dict)  # see bamboohr_lists.py

    @classmethod
    def from_dataset(
        cls, dataset: dict[str, Any], api_key: str = "demo-bamboohr-key", company: str = "demo"
    ) -> BambooState:
        bamboo = dataset["bamboohr"]
        today = date.fromisoformat(dataset["today"])
        return cls(
            employees=bamboo["employees"],
            job_info=bamboo.get("job_info", []),
            time_off=bamboo.get("time_off", []),
            holidays=bamboo.get("holidays", []),
            today=today,
            employment_status=bamboo.get("employment_status") or _status_history(bamboo["employees"], today),
            api_key=api_key,
            company=company,
        )

    def departed(self, employee: dict[str, Any]) -> bool:
        """Left by today (and not rehired since): BambooHR then reports the status as Terminated."""
        left = employee.get("terminationDate") or EMPTY_DATE
        hired = employee.get("hireDate") or EMPTY_DATE
        return left != EMPTY_DATE and date.fromisoformat(left) <= self.today and left >= hired

    def employee(self, employee_id: str) -> dict[str, Any] | None:
        return next((e for e in self.employees if str(e["id"]) == employee_id), None)


def _error(status: int, message: str) -> JSONResponse:
    # BambooHR names the problem in a header; the body repeats it for humans reading logs.
    return JSONResponse(
        {"error": {"code": status, "message": message}},
        status_code=status,
        headers={"X-BambooHR-Error-Message": _header_safe(message)},
    )


def _header_safe(text: str) -> str:
    """A message quoting the request (a table name, say) as a header can carry it: ASCII, one line."""
    return " ".join(text.encode("ascii", "backslashreplace").decode("ascii").split())


def _authorised(request: Request, state: BambooState) -> bool:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        user, _, _password = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return user == state.api_key


def _id(value: Any, state: BambooState) -> Any:
    if value is None:
        return None
    text = str(value)
    return int(text) if state.ids_as_numbers and text.isdigit() else text


def create_app(state: BambooState) -> FastAPI:
    app = FastAPI(title="BambooHR stand-in")

    @app.middleware("http")
    async def basic_auth(request: Request, call_next: Any) -> Response:
        if not _authorised(request, state):
            return Response(status_code=401, headers={"WWW-Authenticate": 'Basic realm="BambooHR API"'})
        return await call_next(request)

    @app.post("/api/v1/reports/custom")
    async def custom_report(request: Request) -> Response:
        problem = _report_format_problem(request)
        if problem:
            return problem
        try:
            body = await request.json()
            fields = [str(f) for f in body["fields"]]
        except (ValueError, KeyError, TypeError):
            return _error(400, "Malformed XML")  # what BambooHR says when the body is not its JSON
        if len(fields) > MAX_REPORT_FIELDS:
            return _error(400, f"At most {MAX_REPORT_FIELDS} fields per report")
        state.requested_fields.extend(fields)
        return JSONResponse(_report(state, fields, body.get("title") or "Report"))

    @app.get("/api/v1/time_off/requests")
    def time_off_requests(request: Request) -> Response:
        if not state.time_off_enabled:
            return _error(403, "Time Off is not enabled for this company or API user")
        window = _window(request, required=True, today=state.today)
        if window is None:
            return _error(400, "Invalid or missing start/end date")
        return JSONResponse(_requests(state, window, request.query_params))

    @app.get("/api/v1/time_off/whos_out")
    def whos_out(request: Request) -> Response:
        if not state.time_off_enabled or not state.whos_out_enabled:
            return _error(403, "The Who's Out feature is disabled for this account")
        window = _window(request, required=False, today=state.today)
        if window is None:
            return _error(400, "Invalid start/end date")
        return JSONResponse(_whos_out(state, window))

    @app.get("/api/v1/meta/lists")
    def meta_lists() -> Response:
        return JSONResponse(list_fields(state))

    @app.get("/api/v1/employees/directory")
    def directory() -> Response:
        if not state.directory_shared:
            return _error(403, "The company directory is not shared")
        return JSONResponse(_directory(state))

    @app.get("/api/v1/employees/{employee_id}/tables/{table}")
    def table(employee_id: str, table: str) -> Response:
        state.requested_tables.append(table)
        tables = {
            "jobInfo": (state.job_info, _JOB_INFO_COLUMNS),
            "employmentStatus": (state.employment_status, _STATUS_COLUMNS),
        }
        if table not in tables:
            return _error(404, f"Table {table} does not exist")
        if employee_id != "all" and state.employee(employee_id) is None:
            return _error(404, f"Employee {employee_id} does not exist")
        rows, columns = tables[table]
        chosen = [r for r in rows if employee_id in ("all", str(r["employeeId"]))]
        return JSONResponse([_table_row(row, columns, state) for row in chosen])

    return app


def _report_format_problem(request: Request) -> Response | None:
    wanted = request.query_params.get("format")
    if wanted is None and request.headers.get("accept") != "application/json":
        return _error(404, "Report format not found")
    if wanted is not None and wanted.lower() != "json":
        return _error(404, "Report format not found")  # the stand-in speaks JSON only
    if request.headers.get("content-type") != "application/json":
        return _error(400, "Malformed XML")  # any other content type is parsed as XML
    return None


def _visible_fields(state: BambooState, fields: list[str]) -> list[str]:
    known = set(FIELD_TYPES) | {key for e in state.employees for key in e}
    seen: list[str] = []
    for name in fields:
        if name in known and name not in state.forbidden_fields and name not in seen and name != "id":
            seen.append(name)
    return seen


def _report(state: BambooState, fields: list[str], title: str) -> dict[str, Any]:
    visible = _visible_fields(state, fields)
    latest_job = _latest_job_rows(state)
    return {
        "title": title,
        "fields": [_field_meta(f) for f in visible],
        "employees": [_employee_row(e, visible, latest_job, state) for e in state.employees],
    }


def _field_meta(name: str) -> dict[str, str]:
    kind, label = FIELD_TYPES.get(name, ("text", name))
    return {"id": name, "type": kind, "name": label}


def _employee_row(
    employee: dict[str, Any], fields: tuple[str, ...] | list[str], jobs: dict[str, dict], state: BambooState
) -> dict[str, Any]:
    job = jobs.get(str(employee["id"]), {})
    return {"id": _id(employee["id"], state), **{f: _value(employee, f, job, state) for f in fields}}


def _latest_job_rows(state: BambooState) -> dict[str, dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for row in state.job_info:
        current = latest.get(str(row["employeeId"]))
        if current is None or row["date"] >= current["date"]:
            latest[str(row["employeeId"])] = row
    return latest


def _value(employee: dict[str, Any], name: str, job: dict[str, Any], state: BambooState) -> str | None:
    if name == "employmentHistoryStatus" and state.departed(employee):
        return TERMINATED  # the status held before lives only in the employmentStatus table
    if name == "displayName":
        return f"{employee.get('firstName', '')} {employee.get('lastName', '')}".strip()
    value = employee.get(name, job.get(name))
    if FIELD_TYPES.get(name, ("",))[0] == "date":
        return value or EMPTY_DATE
    if name == "country" and value:
        return _COUNTRY_NAMES.get(value, value)  # reports carry the country's name, not its code
    return None if value is None else str(value)


def _window(request: Request, *, required: bool, today: date) -> tuple[date, date] | None:
    start, end = request.query_params.get("start"), request.query_params.get("end")
    if required and (not start or not end):
        return None
    try:
        first = date.fromisoformat(start) if start else today
        last = date.fromisoformat(end) if end else first + timedelta(days=14)
    except ValueError:
        return None
    return first, last


def _overlaps(item: dict[str, Any], window: tuple[date, date]) -> bool:
    return item["start"] <= window[1].isoformat() and item["end"] >= window[0].isoformat()


def _requests(state: BambooState, window: tuple[date, date], params: Any) -> list[dict[str, Any]]:
    statuses = set(filter(None, params.get("status", "").split(",")))
    employee = params.get("employeeId")
    types = set(filter(None, params.get("type", "").split(",")))
    names = {
        str(e["id"]): f"{e.get('firstName', '')} {e.get('lastName', '')}".strip() for e in state.employees
    }
    chosen = [
        r
        for r in state.time_off
        if _overlaps(r, window)
        and (not statuses or r["status"] in statuses)
        and (employee is None or str(r["employeeId"]) == employee)
        and (not types or _TYPE_IDS.get(r["type"], "99") in types)
    ]
    return [_request_json(r, names.get(str(r["employeeId"]), ""), state) for r in chosen]


def _request_json(r: dict[str, Any], name: str, state: BambooState) -> dict[str, Any]:
    total = sum(float(v) for v in r["dates"].values())
    return {
        "id": _id(r["id"], state),
        "employeeId": _id(r["employeeId"], state),
        "name": name,
        "start": r["start"],
        "end": r["end"],
        "created": r["start"],
        "status": {"lastChanged": r["start"], "lastChangedByUserId": "1", "status": r["status"]},
        "type": {"id": _TYPE_IDS.get(r["type"], "99"), "name": r["type"], "icon": "palm-trees"},
        "amount": {"unit": r["unit"], "amount": f"{total:g}"},
        "actions": dict.fromkeys(("view", "edit", "cancel", "approve", "deny", "bypass"), False),
        "dates": {day: str(amount) for day, amount in r["dates"].items()},
        "notes": {},
    }


def _whos_out(state: BambooState, window: tuple[date, date]) -> list[dict[str, Any]]:
    entries = [
        {
            "id": h["id"],
            "type": "holiday",
            "employeeId": None,
            "name": h["name"],
            "start": h["start"],
            "end": h["end"],
        }
        for h in state.holidays
        if _overlaps(h, window)
    ]
    names = {
        str(e["id"]): f"{e.get('firstName', '')} {e.get('lastName', '')}".strip() for e in state.employees
    }
    approved = [r for r in state.time_off if r["status"] == "approved" and _overlaps(r, window)]
    # The live feed applies a visibility filter and misses requests; drop every third on purpose.
    approved = [r for i, r in enumerate(approved) if i % 3 != 1]
    entries += [
        {"id": _id(r["id"], state), "type": "timeOff", "employeeId": _id(r["employeeId"], state),
         "name": names.get(str(r["employeeId"]), ""), "start": r["start"], "end": r["end"]}
        for r in approved
    ]  # fmt: skip
    return sorted(entries, key=lambda entry: entry["start"])


def _table_row(row: dict[str, Any], columns: tuple[str, ...], state: BambooState) -> dict[str, Any]:
    out: dict[str, Any] = dict.fromkeys(columns)
    out.update(row)
    out["id"], out["employeeId"] = _id(row["id"], state), _id(row["employeeId"], state)
    return out


def _status_history(employees: list[dict[str, Any]], today: date) -> list[dict[str, Any]]:
    """For a dataset without an employment_status table: the status from the hire date on, and
    Terminated from a termination date that has come."""
    rows: list[dict[str, Any]] = []
    for employee in employees:
        hired = employee.get("hireDate") or EMPTY_DATE
        if hired != EMPTY_DATE and employee.get("employmentHistoryStatus"):
            rows.append({"employeeId": employee["id"], "date": hired,
                         "employmentStatus": employee["employmentHistoryStatus"]})  # fmt: skip
        left = employee.get("terminationDate") or EMPTY_DATE
        if left != EMPTY_DATE and date.fromisoformat(left) <= today and left >= hired:
            rows.append({"employeeId": employee["id"], "date": left, "employmentStatus": TERMINATED})
    return [{"id": str(n + 1), **row} for n, row in enumerate(rows)]


def _directory(state: BambooState) -> dict[str, Any]:
    shown = ("displayName", "firstName", "lastName", "jobTitle", "workEmail", "department", "location")
    latest_job = _latest_job_rows(state)
    active = [e for e in state.employees if e.get("status") == "Active"]
    return {
        "fields": [_field_meta(f) for f in shown],
        "employees": [{**_employee_row(e, shown, latest_job, state), "canUploadPhoto": 0} for e in active],
    }


def start_bamboohr_sandbox(
    dataset: dict[str, Any], knobs: Knobs | None = None, *, api_key: str = "demo-bamboohr-key"
) -> tuple[RunningService, BambooState]:
    """Serve the dataset's BambooHR part on 127.0.0.1; the caller stops the service."""
    state = BambooState.from_dataset(dataset, api_key=api_key)
    return RunningService(create_app(state), knobs, contract="bamboohr"), state
