"""The PeopleOps spend ledger: raw sheet rows → accepted spend and rejected rows with reasons.

Columns are found by header name, ignoring case and surrounding spaces: Date, Team, Amount are
required, Currency (empty = the budget currency) and Description are optional, other columns are
ignored. A row whose ledger columns are all empty is skipped without a rejection (blank lines and
rows holding only a note in an extra column carry no spend). Every other row is either accepted or
rejected with every problem it has, each as a sentence naming the value, row and column and what to
type instead. Cell formats are in `domain.ledger_values`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TypeVar

from domain.ledger_ids import LedgerIds, ledger_id_column
from domain.ledger_values import CellError, is_blank, parse_amount, parse_currency, parse_date
from domain.records import LedgerRow, Spend
from domain.teams import team_key

DATE, TEAM, AMOUNT, CURRENCY, DESCRIPTION = "Date", "Team", "Amount", "Currency", "Description"
LEDGER_COLUMNS = (DATE, TEAM, AMOUNT, CURRENCY, DESCRIPTION)
REQUIRED_COLUMNS = (DATE, TEAM, AMOUNT)
REQUIRED_HINT = "every spend needs a date, a team and an amount"
MAX_TEAMS_LISTED = 12
T = TypeVar("T")


@dataclass(frozen=True)
class Rejection:
    row_number: int
    reason: str
    cells: dict[str, object] = field(default_factory=dict)  # the row as typed, for the Rejected tab


def parse_ledger(
    rows: list[LedgerRow], known_teams: Collection[str], currency: str, id_column: str | None = None
) -> tuple[list[Spend], list[Rejection]]:
    """Accepted spend (team spelled as in `known_teams`, amount in cents) and rejected rows, in row order.

    When the ledger has a column headed `id_column` (any case), each entry carries its ID: the team
    Spend tabs are keyed by it. An entry without an ID, or with one an earlier row already has, is
    rejected: a key that is not unique cannot keep a note beside its expense."""
    teams = {team_key(t): t for t in known_teams}
    budget_currency = currency.strip().upper()
    ids = LedgerIds(ledger_id_column(rows, id_column))
    spends: list[Spend] = []
    rejections: list[Rejection] = []
    for row in rows:
        values, absent = _ledger_values(row.cells)
        amount_format = str(_ledger_values(row.formats)[0][AMOUNT] or "")
        if all(is_blank(v) for v in values.values()):
            continue
        problems: list[str] = []
        spend = _read_row(row.row_number, values, amount_format, absent, teams, budget_currency, problems)
        entry_id = ids.read(row, problems)
        if spend is None or problems:
            rejections.append(Rejection(row.row_number, "; ".join(problems), dict(row.cells)))
        else:
            spends.append(replace(spend, entry_id=entry_id))
    return spends, rejections


def _ledger_values(cells: Mapping[str, object]) -> tuple[dict[str, object], list[str]]:
    """Ledger column → cell value (headers matched case-insensitively, first match wins), and the
    required columns the header lacks altogether."""
    by_key: dict[str, object] = {}
    for header, value in cells.items():
        by_key.setdefault(str(header).strip().casefold(), value)
    values = {column: by_key.get(column.casefold()) for column in LEDGER_COLUMNS}
    return values, [c for c in REQUIRED_COLUMNS if c.casefold() not in by_key]


def _missing(column: str, absent: list[str], row_number: int) -> str:
    if column in absent:
        return f"the ledger has no {column} column (row {row_number}): add a column headed {column}"
    return f"{column} is empty (row {row_number}, column {column}): {REQUIRED_HINT}"


def _read_row(
    row_number: int,
    values: dict[str, object],
    amount_format: str,
    absent: list[str],
    teams: dict[str, str],
    currency: str,
    problems: list[str],
) -> Spend | None:
    """The row as Spend, or None after appending every problem found to `problems`."""
    problems.extend(_missing(c, absent, row_number) for c in REQUIRED_COLUMNS if is_blank(values[c]))
    day = _cell(DATE, values[DATE], row_number, parse_date, problems)
    team = _team(values[TEAM], row_number, teams, problems)
    read_amount = partial(parse_amount, number_format=amount_format)
    amount, written_currency = _cell(AMOUNT, values[AMOUNT], row_number, read_amount, problems) or (
        None,
        None,
    )
    _check_currency(values[CURRENCY], values[AMOUNT], written_currency, row_number, currency, problems)
    if problems or day is None or team is None or amount is None:
        return None
    description = "" if is_blank(values[DESCRIPTION]) else str(values[DESCRIPTION]).strip()
    return Spend(row_number, day, team, amount, currency, description)


def _shown(value: object) -> str:
    return f"'{value}'" if isinstance(value, str) else str(value)


def _cell(
    column: str, value: object, row_number: int, parse: Callable[[object], T], problems: list[str]
) -> T | None:
    if is_blank(value):
        return None
    try:
        return parse(value)
    except CellError as error:
        where = f"(row {row_number}, column {column})"
        problems.append(f"{column.lower()} {_shown(value)} {error.problem} {where}: {error.hint}")
        return None


def _team(value: object, row_number: int, teams: dict[str, str], problems: list[str]) -> str | None:
    if is_blank(value):
        return None
    team = teams.get(team_key(str(value)))
    if team is None:
        problems.append(
            f"team {_shown(value)} is not a known team (row {row_number}, column {TEAM}): {_team_hint(teams)}"
        )
    return team


def _team_hint(teams: dict[str, str]) -> str:
    names = sorted(teams.values(), key=str.casefold)
    if not names:
        return "no teams are known; check the team field in BambooHR"
    if len(names) > MAX_TEAMS_LISTED:
        return "use the team name exactly as BambooHR spells it"
    return "use one of " + ", ".join(names)


def _check_currency(
    cell: object,
    amount_cell: object,
    written: str | None,
    row_number: int,
    currency: str,
    problems: list[str],
) -> None:
    """Currency column or the currency written in the amount must be the budget currency."""
    stated = parse_currency(cell)
    convert = f"enter the amount converted to {currency}"
    if stated is not None and stated != currency:
        where = f"(row {row_number}, column {CURRENCY})"
        problems.append(f"currency {_shown(cell)} is not the budget currency {currency} {where}: {convert}")
    elif written is not None and written != currency:
        where = f"(row {row_number}, column {AMOUNT})"
        written_in = f"is in {written}, not the budget currency {currency}"
        problems.append(f"amount {_shown(amount_cell)} {written_in} {where}: {convert}")
