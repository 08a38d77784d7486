from datetime import date, datetime
from decimal import Decimal

import pytest

from domain.ledger import Rejection, parse_ledger
from domain.ledger_values import CellError, parse_amount, parse_date
from domain.records import LedgerRow

TEAMS = {"Platform", "Data", "Web"}
NOV_3 = date(2026, 11, 3)


def row(
    number: int, day: object = "2026-11-03", team: object = "Web", amount: object = "10", **extra: object
) -> LedgerRow:
    cells = {"Date": day, "Team": team, "Amount": amount, "Currency": "", "Description": f"row {number}"}
    cells.update(extra)
    return LedgerRow(number, cells)


def reason_for(ledger_row: LedgerRow) -> str:
    spends, rejections = parse_ledger([ledger_row], TEAMS, "EUR")
    assert spends == []
    (rejection,) = rejections
    assert rejection.row_number == ledger_row.row_number
    assert rejection.cells == ledger_row.cells
    return rejection.reason


@pytest.mark.parametrize(
    ("typed", "amount", "currency"),
    [
        ("120", "120.00", None),
        ("120.50", "120.50", None),
        ("1,234.50", "1234.50", None),
        ("1.234,50", "1234.50", None),
        ("120,50", "120.50", None),
        ("120,5", "120.50", None),
        ("1 234,50", "1234.50", None),
        ("1'234.50", "1234.50", None),
        ("1,234,567", "1234567.00", None),
        ("0,125", "0.13", None),  # a leading 0 cannot be a thousands group; half up to cents
        ("€120", "120.00", "EUR"),
        ("120 EUR", "120.00", "EUR"),
        ("-30", "-30.00", None),
        ("-€30", "-30.00", "EUR"),
        ("$ 12", "12.00", "USD"),
        (120, "120.00", None),
        (120.505, "120.51", None),
        (0.1 + 0.2, "0.30", None),  # the float's decimal text, not its binary expansion
        (Decimal("7.5"), "7.50", None),
    ],
)
def test_accepted_amounts(typed: object, amount: str, currency: str | None) -> None:
    assert parse_amount(typed) == (Decimal(amount), currency)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("twelve", "is not a number"),
        ("1,234", "is ambiguous"),
        ("1.234", "is ambiguous"),
        ("12,34,567", "is not a number"),  # groups must be of three
        ("1.234.5,6", "is not a number"),
        ("120.", "is not a number"),
        ("--5", "is not a number"),
        ("€5$", "is not a number"),
        (True, "is not a number"),
        (float("nan"), "is not a number"),
    ],
)
def test_refused_amounts(typed: object, problem: str) -> None:
    with pytest.raises(CellError, match=problem):
        parse_amount(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "2026-11-03",
        "2026-11-03 14:30:00",
        "2026-11-03T14:30:00+01:00",
        "2026/11/03",
        "3 Nov 2026",
        "3 November 2026",
        "03-Nov-2026",
        "Nov 3, 2026",
        "November 3 2026",
        "  nov  3,  2026 ",
        "03.11.2026",
        "3.11.2026",
        46329,  # Sheets serial: 1899-12-30 + 46329 days
        46329.6,  # a date-time serial: the time of day is dropped
        NOV_3,
        datetime(2026, 11, 3, 23, 59),
    ],
)
def test_accepted_dates(typed: object) -> None:
    assert parse_date(typed) == NOV_3


def test_serial_numbers_follow_the_sheets_epoch_across_a_leap_day() -> None:
    assert parse_date(1) == date(1899, 12, 31)
    assert parse_date(46812) == date(2028, 2, 29)
    assert parse_date(46813) == date(2028, 3, 1)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("03/11/2026", "is ambiguous"),
        ("25/11/2026", "is ambiguous"),  # refused like its ambiguous neighbours, see ledger_values
        ("11/25/26", "is ambiguous"),
        ("2026-02-29", "is not a real calendar date"),
        ("31 Nov 2026", "is not a real calendar date"),
        ("next friday", "is not a date"),
        ("Foo 3, 2026", "is not a date"),
        ("20261103", "is not a date"),
        (0, "is not a date serial number"),
        (-5.0, "is not a date serial number"),
        (True, "is not a date"),
    ],
)
def test_refused_dates(typed: object, problem: str) -> None:
    with pytest.raises(CellError, match=problem) as raised:
        parse_date(typed)
    assert "2026-11-03" in raised.value.hint  # the hint shows an accepted format


def test_accepted_rows_are_normalised() -> None:
    rows = [
        LedgerRow(
            2,
            {
                " date ": "3 Nov 2026",
                "TEAM": "  platform ",
                "amount": "1.234,50",
                "currency": "eur",
                "Description": "Offsite dinner",
                "Receipt": "drive link",
            },
        ),
        LedgerRow(3, {"Date": 46329, "Team": "Web", "Amount": -30, "Currency": None, "Description": None}),
    ]
    spends, rejections = parse_ledger(rows, TEAMS, "eur")
    assert rejections == []
    assert [(s.row_number, s.day, s.team, s.amount, s.currency, s.description) for s in spends] == [
        (2, NOV_3, "Platform", Decimal("1234.50"), "EUR", "Offsite dinner"),
        (3, NOV_3, "Web", Decimal("-30.00"), "EUR", ""),
    ]


def test_empty_rows_are_skipped_without_rejection() -> None:
    rows = [
        LedgerRow(4, {"Date": None, "Team": "", "Amount": "  ", "Currency": "", "Description": None}),
        LedgerRow(5, {}),
        LedgerRow(6, {"Date": "", "Team": "", "Amount": "", "Notes": "only a note beside the ledger"}),
    ]
    assert parse_ledger(rows, TEAMS, "EUR") == ([], [])


def test_bad_amount() -> None:
    assert reason_for(row(14, amount="twelve")) == (
        "amount 'twelve' is not a number (row 14, column Amount): type a number like 120.50"
    )


def test_ambiguous_amount() -> None:
    assert reason_for(row(9, amount="1,234")).startswith(
        "amount '1,234' is ambiguous (thousands or decimals?)"
    )


def test_unknown_team_names_the_team_and_the_known_ones() -> None:
    assert reason_for(row(4, team="Platfrom")) == (
        "team 'Platfrom' is not a known team (row 4, column Team): use one of Data, Platform, Web"
    )


def test_unknown_team_among_many_does_not_list_them_all() -> None:
    many = {f"Team {i}" for i in range(30)}
    _, (rejection,) = parse_ledger([row(4, team="Platfrom")], many, "EUR")
    assert rejection.reason.endswith("use the team name exactly as BambooHR spells it")


def test_other_currency_names_both_currencies() -> None:
    assert reason_for(row(7, Currency="usd")) == (
        "currency 'usd' is not the budget currency EUR (row 7, column Currency): "
        "enter the amount converted to EUR"
    )


def test_currency_written_in_the_amount_counts_too() -> None:
    reason = reason_for(row(8, amount="$120"))
    assert reason.startswith("amount '$120' is in USD, not the budget currency EUR (row 8, column Amount)")


def test_unparseable_date_lists_the_accepted_formats() -> None:
    reason = reason_for(row(15, day="next friday"))
    assert reason.startswith("date 'next friday' is not a date (row 15, column Date): write it as 2026-11-03")
    assert "03.11.2026 (day first)" in reason


def test_ambiguous_slash_date() -> None:
    assert reason_for(row(16, day="03/11/2026")).startswith("date '03/11/2026' is ambiguous")


@pytest.mark.parametrize("column", ["Date", "Team", "Amount"])
def test_missing_required_field(column: str) -> None:
    ledger_row = row(17)
    ledger_row.cells[column] = "  "
    assert reason_for(ledger_row) == (
        f"{column} is empty (row 17, column {column}): every spend needs a date, a team and an amount"
    )


def test_missing_column_in_the_header_is_named() -> None:
    reason = reason_for(LedgerRow(3, {"Date": "2026-11-03", "Amount": "10"}))
    assert reason == "the ledger has no Team column (row 3): add a column headed Team"


def test_every_problem_of_a_row_is_reported() -> None:
    reason = reason_for(row(19, day="soon", team="Nobody", amount="lots", Currency="GBP"))
    assert [part.split(" (")[0] for part in reason.split("; ")] == [
        "date 'soon' is not a date",
        "team 'Nobody' is not a known team",
        "amount 'lots' is not a number",
        "currency 'GBP' is not the budget currency EUR",
    ]


def test_rejections_do_not_stop_the_other_rows() -> None:
    rows = [
        row(2),
        row(3, amount="twelve"),
        row(4, team="Nope"),
        row(5, Currency="USD"),
        row(6, day="?"),
        row(7),
    ]
    spends, rejections = parse_ledger(rows, TEAMS, "EUR")
    assert [s.row_number for s in spends] == [2, 7]
    assert [r.row_number for r in rejections] == [3, 4, 5, 6]
    assert all(isinstance(r, Rejection) and r.reason for r in rejections)


def test_the_dataset_doc_and_the_parser_agree_on_what_is_rejected_and_what_is_read() -> None:
    """docs/dataset.md lists the generated ledger's rejected and accepted variants; the parser agrees."""
    import re
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "dataset.md").read_text(encoding="utf-8")
    section = doc.split("## `ledger`", 1)[1].split("\n## ", 1)[0]
    rejected_part = section.split("- rejected", 1)[1].split("- read all the same", 1)[0]
    accepted_part = section.split("- read all the same", 1)[1]
    quoted = re.compile(r'`"([^"`]*)"`')
    amounts, dates = ["TBD", "about 200", "see receipt"], ["sometime in March", "last Friday", "31/02/2026"]
    assert quoted.findall(rejected_part) == [*amounts, *dates]
    for text in amounts:
        with pytest.raises(CellError):
            parse_amount(text)
    for text in dates:
        with pytest.raises(CellError):
            parse_date(text)
    assert quoted.findall(accepted_part) == ["120,50"]
    assert parse_amount("120,50") == (Decimal("120.50"), None) and "120.50" in accepted_part
