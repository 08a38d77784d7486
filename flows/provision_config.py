"""`budgets.provision`: team spreadsheets created in a shared-drive folder and shared with leads."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
DEFAULT_MESSAGE = (
    "This is your team's event budget, kept up to date every day by opsheets from BambooHR and the "
    "PeopleOps spend ledger: budget, spend and who counts. Add notes in your own columns; ask PeopleOps "
    "about anything that looks wrong."
)


class ProvisionSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # The Drive folder (its id, from its URL) on a shared drive that the service account can add to.
    folder: str = Field(min_length=5)
    # A spreadsheet to copy for each new team (its id); none: an empty spreadsheet, laid out as usual.
    template: str | None = None
    # report: list every difference from the expected access; enforce: also add the new lead and
    # remove the former lead. Nobody else's access is ever changed.
    mode: Literal["report", "enforce"] = "report"
    lead_role: Literal["reader", "commenter", "writer"] = "reader"  # never owner
    admins: list[str] = Field(default_factory=list)  # PeopleOps: access to every team sheet and the overview
    admin_role: Literal["reader", "commenter", "writer"] = "writer"
    # team -> lead email, for a team whose lead BambooHR does not give.
    leads: dict[str, str] = Field(default_factory=dict)
    # A BambooHR employee field (yes/no) marking the team's lead; wins over the supervisor rule.
    lead_field: str | None = None
    message: str = Field(DEFAULT_MESSAGE, max_length=2000)  # in Drive's notification email
    teams_tab: str = "Teams"  # in the overview: team -> spreadsheet, which PeopleOps may edit
    access_tab: str = "Access"

    @field_validator("admins")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        return [_email(item) for item in value]

    @field_validator("leads")
    @classmethod
    def _lead_emails(cls, value: dict[str, str]) -> dict[str, str]:
        return {team: _email(email) for team, email in value.items()}


def _email(text: str) -> str:
    if not EMAIL.fullmatch(text.strip()):
        raise ValueError(f"{text!r} is not an email address")
    return text.strip().casefold()
