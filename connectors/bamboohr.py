"""BambooHR: employees, job and employment-status history, approved time off and company holidays.

Paths follow BambooHR's public OpenAPI document: server `https://{company}.bamboohr.com`, paths
under `/api/v1`. The key is the basic-auth user name ("x" as password). What the live API does
beyond the document (README of the specs): ids and amounts arrive as strings or numbers,
`0000-00-00` means "no date", unknown or forbidden report fields are dropped without an error.

Only the fields the rules need are requested: name, work email, team, country, state and location
(the region public holidays follow), status, employment status, hire and termination dates. Never
salary, birth date or anything else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any, TypeVar

from connectors.http import ApiClient, ApiError, AuthError, RetryPolicy
from domain.records import CompanyHoliday, Employee, JobInfoEntry, StatusEntry, TimeOffDay

SYSTEM = "BambooHR"
EMPTY_DATES = ("", "0000-00-00")
REPORT_PATH = "/api/v1/reports/custom"
TIME_OFF_PATH = "/api/v1/time_off/requests"
WHOS_OUT_PATH = "/api/v1/time_off/whos_out"
TABLE_PATH = "/api/v1/employees/all/tables/{table}"
LISTS_PATH = (
    "/api/v1/meta/lists"  # list fields and their options, with ids  # a history table, every employee's rows
)
# Fields the report must return for headcount and capacity to be right; the others may be withheld.
REQUIRED_FIELDS = ("status", "hireDate", "terminationDate")
SUPERVISOR_FIELD = "supervisorEmail"  # the work email of the person's supervisor
YES = frozenset({"yes", "true", "1", "x", "y", "lead"})  # how a yes/no or checkbox field reads
HINTS = {
    401: "check the API key in bamboohr.api_key (BAMBOOHR_API_KEY by default) and bamboohr.company",
    404: "check bamboohr.company (the subdomain in https://<company>.bamboohr.com) and bamboohr.base_url",
}
_T = TypeVar("_T")
_Entry = TypeVar("_Entry", JobInfoEntry, StatusEntry)


class FeatureDisabledError(AuthError):
    """403 on an endpoint whose feature is off for this company, or not granted to this key."""


def report_fields(team_field: str, places: bool = True, leads: tuple[str, ...] = ()) -> list[str]:
    """The employee fields opsheets asks BambooHR for: nothing beyond name, dates, team and status, and
    with `places` the country, state and location that decide public holidays (budgets need none);
    `leads`: the fields a team's lead is found by (the supervisor's email, a field marking leads)."""
    fields = ["firstName", "lastName", "workEmail", team_field, "status", *leads]
    fields += ["country", "state", "location"] if places else []
    fields += ["employmentHistoryStatus", "hireDate", "terminationDate"]
    return list(dict.fromkeys(fields))


class BambooHRClient:
    def __init__(
        self,
        company: str,
        api_key: str,
        *,
        base_url: str | None = None,
        policy: RetryPolicy = RetryPolicy(),
        rewrite: Mapping[str, str] | None = None,
    ) -> None:
        self.api = ApiClient(
            SYSTEM,
            base_url or f"https://{company}.bamboohr.com",
            auth=(api_key, "x"),
            headers={"Accept": "application/json"},
            policy=policy,
            hints=HINTS,
            rewrite=rewrite,
        )

    def employees(
        self, team_field: str = "department", *, places: bool = True, leads: bool = False,
        lead_field: str | None = None,
    ) -> list[Employee]:  # fmt: skip
        """Active and inactive employees (leavers matter for pro-rated headcount); `places`: with the
        fields public holidays follow; `leads`: with whom each reports to and `lead_field`, a field
        (yes/no) marking team leads."""
        wanted = (SUPERVISOR_FIELD, *([lead_field] if lead_field else [])) if leads else ()
        body = {"title": "opsheets", "fields": report_fields(team_field, places, wanted)}
        report = _feature_call(
            "custom reports",
            REPORT_PATH,
            "give the API key's user permission to run reports",
            lambda: self.api.post_json(REPORT_PATH, body, params={"format": "json"}),
        )
        _check_report_fields(report, team_field)
        return [_employee(row, team_field, lead_field) for row in report.get("employees") or []]

    def job_history(self, team_field: str = "department") -> list[JobInfoEntry]:
        """Every jobInfo row with an effective date, oldest first: transfers between teams."""
        return self._history(
            "jobInfo",
            "job information",
            "give the API key's user access to the Job tab",
            lambda row, day: JobInfoEntry(_id(row.get("employeeId")), day, _text(row.get(team_field))),
        )

    def employment_statuses(self) -> list[StatusEntry]:
        """Every employmentStatus row with a date, oldest first: the status each person had when.

        The report's employmentHistoryStatus is today's only, and reads "Terminated" for anyone who
        has left; what they were before (a contractor, say) is only here."""
        return self._history(
            "employmentStatus",
            "employment status history",
            "give the API key's user access to the Job tab (employment status)",
            lambda row, day: StatusEntry(_id(row.get("employeeId")), day, _text(row.get("employmentStatus"))),
        )

    def _history(
        self, table: str, feature: str, fix: str, make: Callable[[Mapping[str, Any], date], _Entry]
    ) -> list[_Entry]:
        """One history table for all employees: rows without a date are skipped; oldest first."""
        path = TABLE_PATH.format(table=table)
        rows = _feature_call(feature, path, fix, lambda: self.api.get_json(path))
        entries = [
            make(row, effective)
            for row in rows or []
            if (effective := _date(row.get("date"), f"{table} date")) is not None
        ]
        return sorted(entries, key=lambda entry: (entry.effective, entry.employee_id))

    def list_option_ids(self, field: str) -> dict[str, str]:
        """name -> option id of a list field (`department`, `division`…): an id stays when BambooHR
        renames the option. Empty for a field that is not a list (a custom text field, say) or when the
        key may not read field metadata: then only job history can tell a rename."""
        try:
            lists = self.api.get_json(LISTS_PATH)
        except AuthError:
            return {}
        for entry in lists or []:
            if isinstance(entry, Mapping) and field in (entry.get("alias"), str(entry.get("fieldId"))):
                return {
                    str(option["name"]): _id(option.get("id"))
                    for option in entry.get("options") or []
                    if isinstance(option, Mapping) and option.get("name") and option.get("archived") != "yes"
                }
        return {}

    def time_off(self, start: date, end: date) -> list[TimeOffDay]:
        """Approved time off per day between start and end (inclusive), from each request's `dates`."""
        params = {"start": start.isoformat(), "end": end.isoformat(), "status": "approved"}
        requests = _feature_call(
            "time off",
            TIME_OFF_PATH,
            "ask a BambooHR admin to enable Time Off or give the key access",
            lambda: self.api.get_json(TIME_OFF_PATH, params=params),
        )
        days = [day for request in requests or [] if _approved(request) for day in _request_days(request)]
        return [day for day in days if start <= day.day <= end and day.amount]

    def company_holidays(self, start: date, end: date) -> list[CompanyHoliday]:
        """Company holidays between start and end, one record per day."""
        params = {"start": start.isoformat(), "end": end.isoformat()}
        entries = _feature_call(
            "Who's Out (company holidays)",
            WHOS_OUT_PATH,
            "ask a BambooHR admin to enable Time Off / Who's Out or give the key access",
            lambda: self.api.get_json(WHOS_OUT_PATH, params=params),
        )
        holidays = []
        for entry in entries or []:
            if entry.get("type") != "holiday":
                continue
            first = max(start, _date(entry.get("start"), "holiday start") or start)
            last = min(end, _date(entry.get("end"), "holiday end") or first)
            name = _text(entry.get("name")) or "Company holiday"
            holidays += [
                CompanyHoliday(day=first + timedelta(days=n), name=name)
                for n in range((last - first).days + 1)
            ]
        return holidays


def _feature_call(feature: str, path: str, fix: str, call: Callable[[], _T]) -> _T:
    """Run `call`; a 403 becomes an error that names the feature instead of a bare "Forbidden"."""
    try:
        return call()
    except AuthError as error:
        if error.status != 403:
            raise
        message = f"{feature} is not enabled for this API key/company (403 on {path}): {fix}"
        raise FeatureDisabledError(SYSTEM, message, status=403) from error


def _check_report_fields(report: Any, team_field: str) -> None:
    if not isinstance(report, dict):
        raise ApiError(
            SYSTEM, f"POST {REPORT_PATH} answered something that is not a report: {str(report)[:120]}"
        )
    returned = {str(f.get("id")) for f in report.get("fields") or [] if isinstance(f, dict)}
    missing = [name for name in (team_field, *REQUIRED_FIELDS) if name not in returned]
    if missing:
        raise ApiError(
            SYSTEM,
            f"the employee report left out {', '.join(missing)}: BambooHR drops fields it does not know "
            "or this key may not read — check bamboohr.team_field and the key's field permissions",
        )


def _employee(row: Mapping[str, Any], team_field: str, lead_field: str | None = None) -> Employee:
    employee_id = _id(row.get("id"))
    name = " ".join(part for part in (_text(row.get("firstName")), _text(row.get("lastName"))) if part)
    return Employee(
        id=employee_id,
        name=name or f"Employee {employee_id}",
        email=_text(row.get("workEmail")),
        team=_text(row.get(team_field)),
        country=_text(row.get("country")),
        status=_text(row.get("status")) or "Active",
        employment_status=_text(row.get("employmentHistoryStatus")),
        hire_date=_date(row.get("hireDate"), f"hireDate of employee {employee_id}"),
        termination_date=_date(row.get("terminationDate"), f"terminationDate of employee {employee_id}"),
        state=_text(row.get("state")),
        location=_text(row.get("location")),
        supervisor_email=_text(row.get(SUPERVISOR_FIELD)),
        marked_lead=marked(row, lead_field),
    )


def _approved(request: Mapping[str, Any]) -> bool:
    status = request.get("status")
    value = status.get("status") if isinstance(status, Mapping) else status
    return value in (None, "approved")  # the query asked for approved; check in case a filter was ignored


def _request_days(request: Mapping[str, Any]) -> list[TimeOffDay]:
    employee_id = _id(request.get("employeeId"))
    amount = request.get("amount") or {}
    unit = _text(amount.get("unit")) or "days"
    dates = request.get("dates") or {}
    if not dates and request.get("start") == request.get("end") and request.get("start"):
        dates = {request["start"]: amount.get("amount", 0)}  # a one-day request without its per-day map
    return [
        TimeOffDay(employee_id=employee_id, day=day, amount=_amount(value, employee_id), unit=unit)
        for text, value in dates.items()
        if (day := _date(text, f"time off date of employee {employee_id}")) is not None
    ]


def _id(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def marked(row: Mapping[str, Any], field_name: str | None) -> bool:
    """A yes/no field (the configured lead marker) set to yes; False when no field is configured."""
    if not field_name:
        return False
    return str(row.get(field_name) or "").strip().casefold() in YES


def _text(value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def _date(value: Any, what: str) -> date | None:
    text = _text(value)
    if text is None or text in EMPTY_DATES:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ApiError(SYSTEM, f"{what} is {text!r}, not a YYYY-MM-DD date") from None


def _amount(value: Any, employee_id: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ApiError(
            SYSTEM, f"time off amount {value!r} of employee {employee_id} is not a number"
        ) from None
