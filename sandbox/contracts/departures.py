"""Where the live services depart from their own published documents, and the stand-ins follow them.

Each entry is one known, sourced difference, narrowed to the operation, the direction, the JSON path
and the message it excuses: never a blanket skip. A violation is dropped only when an entry matches
all four. Sources are ../shared/api-specs/README.md ("README") unless said otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase

from sandbox.contracts.model import Violation


@dataclass(frozen=True)
class Departure:
    api: str
    operation: str  # fnmatch pattern over "METHOD /path"
    direction: str
    json_path: str  # regex, full match
    message: str  # regex, searched
    reason: str
    source: str
    status: str = "*"  # fnmatch pattern over the answered status

    def excuses(self, violation: Violation) -> bool:
        return (
            violation.api == self.api
            and violation.direction == self.direction
            and fnmatchcase(violation.operation, self.operation)
            and fnmatchcase(str(violation.status), self.status)
            and re.fullmatch(self.json_path, violation.json_path) is not None
            and re.search(self.message, violation.message) is not None
        )


_ID = r".*\.(id|employeeId|lastChangedByUserId)"
_NUMBER = r".*\.(amount\.amount|dates\.\d{4}-\d\d-\d\d)"

DEPARTURES: tuple[Departure, ...] = (
    Departure(
        "intercom", "GET /data_attributes", "response", r"\$\.data\[\d+\]\.model",
        r"'conversation' is not one of",
        "the document lets a client ask for `model=conversation` attributes and describes data attributes "
        "as those of contact, company and conversation models, but its data_attribute.model enum lists "
        "only contact and company: the answer to the documented conversation query cannot satisfy it",
        "intercom-2.14.openapi.yaml itself: GET /data_attributes `model` parameter enum and the "
        "data_attribute schema's description",
    ),
    Departure(
        "jira", "GET /rest/api/3/field", "response", r"\$\[\d+\]",
        r"Additional properties are not allowed \('untranslatedName' was unexpected\)",
        "Jira Cloud names a custom field twice, `name` and `untranslatedName`; the document closes "
        "FieldDetails (additionalProperties: false) without the latter",
        "Jira Cloud answers as the stand-in reproduces them (sandbox/jira/render.py); not in README",
    ),
    Departure(
        "jira", "GET /rest/api/3/serverInfo", "response", r"\$",
        r"Additional properties are not allowed \('defaultLocale' was unexpected\)",
        "Jira's serverInfo carries `defaultLocale`; the document closes ServerInformation without it",
        "Jira Cloud answers as the stand-in reproduces them (sandbox/jira/app.py); not in README",
    ),
    Departure(
        "jira", "PUT /rest/api/3/comment/{commentId}/properties/{propertyKey}", "response", r"\$",
        "Missing response data",
        "setting an entity property answers 200/201 with no body; the document gives these answers "
        "neither an example nor a shape (`schema: {}`), which openapi-core reads as a body required",
        "the document itself (no example, empty schema); the stand-in's empty answer", status="20?",
    ),
    Departure(
        "bamboohr", "*", "response", _ID, r"is not of type '(integer|number|string)'",
        "BambooHR ids arrive as strings where the document says number; some accounts send numbers "
        "(the stand-in's `ids_as_numbers`); a client reads both",
        "README (BambooHR: ids and amounts as strings); tests/test_bamboohr_connector.py",
    ),
    Departure(
        "bamboohr", "*", "response", _NUMBER, r"is not of type '(integer|number)'",
        "BambooHR amounts (time-off amounts and per-day `dates`) arrive as strings",
        "README (BambooHR: ids and amounts as strings)",
    ),
    Departure(
        "bamboohr", "POST /api/v1/reports/custom", "response", r"\$\.employees\[\d+\]\.\w+",
        r"None is not of type",
        "a custom report gives an empty field as null (workEmail is the case seen in real exports)",
        "README (BambooHR: some employees have no workEmail (null))",
    ),
    Departure(
        "bamboohr", "GET /api/v1/time_off/whos_out", "response", r"\$\[\d+\]\.employeeId",
        r"None is not of type",
        "a company holiday in who's out has `employeeId: null`",
        "README (BambooHR: whos_out company holidays are type holiday, employeeId null)",
    ),
    Departure(
        "drive", "*", "request", r"query\.(supportsAllDrives|includeItemsFromAllDrives)",
        r"^'True' is not true or false$",
        "gspread's own Drive calls send booleans as Python writes them (`supportsAllDrives=True`); the "
        "discovery document types them boolean, and Google's front end reads `True` as true",
        "gspread http_client.py / client.py (list_permissions, create, copy), used against shared drives "
        "in production (burnash/gspread#646, #756)",
    ),
)  # fmt: skip


def excused(violation: Violation) -> bool:
    return any(departure.excuses(violation) for departure in DEPARTURES)
