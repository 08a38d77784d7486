"""The spend ledger as PeopleOps types it into Google Sheets (USER_ENTERED, per the spreadsheet's locale),
read back through the sheet connector and parsed: the known answers below follow from the rules by hand.

The Sheets stand-in stores typed text as Sheets does: "2026-11-03" is the date serial 46329 in a date
format, "€120.50" is 120.5 in a euro format, "12%" is 0.12; "31/02/2026" is no date, so it stays text.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from connectors.sheets import Column, Table
from domain.ledger import REQUIRED_COLUMNS, parse_ledger
from domain.records import LedgerRow
from sandbox.sheets import SheetsState
from sandbox.sheets.user_entered import typed_value
from tests.sheets_fixtures import GoogleHarness, WorkbookHarness, running_sandbox

HEADER = ["Date", "Team", "Amount", "Currency", "Description"]


@pytest.fixture
def sandbox() -> Iterator:
    yield from running_sandbox()


def ledger(sandbox: tuple, rows: list[list[str]], locale: str = "en_US") -> tuple[list, list]:
    """Type `rows` under the header as a person would, then read and parse them as the budgets flow does."""
    service, state = sandbox
    assert isinstance(state, SheetsState)
    harness = GoogleHarness(service, state, title="Spend ledger")
    book = state.book(harness.key)
    book.properties["locale"] = locale
    state.edit(harness.key, "Sheet1!A1:E1", [HEADER], user_entered=True)
    state.edit(harness.key, f"Sheet1!A2:E{len(rows) + 1}", rows, user_entered=True)
    read = harness.sheet.read_formatted_rows("Sheet1", required=REQUIRED_COLUMNS, dates=("Date",))
    return parse_ledger([LedgerRow(n, cells, formats) for n, cells, formats in read], ["Platform"], "EUR")


def test_sheets_stores_typed_text_as_numbers_with_formats() -> None:
    assert typed_value("2026-11-03", "en_US") == (
        {"numberValue": 46329},
        {"type": "DATE", "pattern": "yyyy-mm-dd"},
    )
    assert typed_value("11/3/2026", "en_US")[0] == {"numberValue": 46329}  # month first in the US
    assert typed_value("3/11/2026", "en_GB")[0] == {"numberValue": 46329}  # day first in the UK
    assert typed_value("31/02/2026", "en_GB") == ({"stringValue": "31/02/2026"}, None)  # no such day
    assert typed_value("12%", "en_US") == ({"numberValue": 0.12}, {"type": "PERCENT", "pattern": "0%"})
    assert typed_value("€120.50", "en_US")[0] == {"numberValue": 120.5}
    assert typed_value("€120.50", "en_US")[1]["type"] == "CURRENCY"  # type: ignore[index]
    assert typed_value("120,50 €", "de_DE")[0] == {"numberValue": 120.5}
    assert typed_value("1.234,50", "de_DE")[0] == {"numberValue": 1234.5}
    assert typed_value("120,50", "en_US") == ({"stringValue": "120,50"}, None)  # no decimal comma in the US
    assert typed_value("10:30", "en_US") == (
        {"numberValue": 0.4375},
        {"type": "TIME", "pattern": "h:mm:ss am/pm"},
    )
    assert typed_value("=SUM(A1:A2)", "en_US") == ({"formulaValue": "=SUM(A1:A2)"}, None)


def test_typed_rows_are_accepted_or_rejected_each_with_its_reason(sandbox: tuple) -> None:
    spends, rejected = ledger(
        sandbox,
        [
            ["2026-11-03", "Platform", "€120.50", "", "Lunch"],  # 2: accepted, 120.50
            ["4500012345", "Platform", "50", "EUR", "An invoice number one column left"],  # 3
            ["31/02/2026", "Platform", "10", "EUR", "No such day"],  # 4
            ["2026-11-05", "Platform", "$45", "", "Dollars"],  # 5
            ["2026-11-06", "Platform", "₣120", "", "Old francs"],  # 6
            ["2026-11-07", "Platform", "12%", "", "A percentage"],  # 7
            ["Nov 9, 2026", "platform", "1,234.50", "EUR", "Offsite"],  # 8: accepted, 1234.50
            ["2026-11-10", "Platform", "120,50", "EUR", "Comma decimal"],  # 9: text in en_US, read as 120.50
        ],
    )
    assert [(s.row_number, s.day, s.team, s.amount) for s in spends] == [
        (2, date(2026, 11, 3), "Platform", Decimal("120.50")),
        (8, date(2026, 11, 9), "Platform", Decimal("1234.50")),
        (9, date(2026, 11, 10), "Platform", Decimal("120.50")),
    ]
    reasons = {r.row_number: r.reason for r in rejected}
    assert reasons.keys() == {3, 4, 5, 6, 7}
    assert reasons[3].startswith("date 4500012345 is not a date serial number (row 3, column Date)")
    assert reasons[4].startswith("date '31/02/2026' is not a real calendar date")
    assert reasons[5].startswith("amount 45 is in USD, not the budget currency EUR (row 5, column Amount)")
    assert reasons[6].startswith("amount 120 has the currency sign ₣, which names no one currency")
    assert "ISO currency code" in reasons[6]
    assert reasons[7].startswith("amount 0.12 is a percentage")


def test_an_excel_ledger_keeps_the_currency_of_a_formatted_amount(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Ledger"
    sheet.append(HEADER)
    sheet.append([date(2026, 11, 5), "Platform", 45, None, "Dollars typed as $45"])
    sheet.append([date(2026, 11, 6), "Platform", 30, None, "Euros typed as 30 €"])
    sheet["C2"].number_format = "[$$-409]#,##0.00"
    sheet["C3"].number_format = '#,##0.00\\ "€"'
    book.save(tmp_path / "ledger.xlsx")
    read = WorkbookHarness(tmp_path / "ledger.xlsx").sheet.read_formatted_rows(
        "Ledger", required=REQUIRED_COLUMNS
    )
    spends, rejected = parse_ledger([LedgerRow(n, c, f) for n, c, f in read], ["Platform"], "EUR")
    assert [(s.row_number, s.amount) for s in spends] == [(3, Decimal("30.00"))]
    assert [r.row_number for r in rejected] == [2] and "is in USD" in rejected[0].reason


def test_a_german_ledger_reads_comma_decimals_and_dotted_dates(sandbox: tuple) -> None:
    spends, rejected = ledger(sandbox, [["03.11.2026", "Platform", "1.234,50 €", "", "Offsite"]], "de_DE")
    assert not rejected
    assert [(s.day, s.amount, s.currency) for s in spends] == [(date(2026, 11, 3), Decimal("1234.50"), "EUR")]


# ---- a number a person typed over a date cell opsheets owns -----------------------------------------

DATED = Table("Spend", [Column("Ledger row", "int"), Column("Date", "date")], ("Ledger row",))


def _dated(day: date) -> Table:
    return Table(DATED.tab, list(DATED.columns), DATED.key, rows=[{"Ledger row": 2, "Date": day}])


@pytest.mark.filterwarnings("ignore:Cell B2 is marked as a date")  # openpyxl's word for it: "#VALUE!"
@pytest.mark.parametrize("backend", ["workbook", "google"])
def test_a_number_typed_over_an_owned_date_cell_is_overwritten_not_a_crash(
    backend: str, tmp_path: Path, sandbox: tuple
) -> None:
    harness: Any = WorkbookHarness(tmp_path / "b.xlsx") if backend == "workbook" else GoogleHarness(*sandbox)
    harness.sheet.sync([_dated(date(2026, 11, 3))], today=date(2026, 11, 26))
    harness.set_cells("Spend", "B2", [[4500012345]])  # out of every date range
    result = harness.sheet.sync([_dated(date(2026, 11, 3))], today=date(2026, 11, 26))
    assert result.cells_written == 1  # opsheets writes its own value back
    assert harness.sheet.sync([_dated(date(2026, 11, 3))], today=date(2026, 11, 26)).cells_written == 0
    if backend == "workbook":
        assert openpyxl.load_workbook(harness.path)["Spend"]["B2"].value.date() == date(2026, 11, 3)
    else:
        assert harness.grid("Spend")[1][1] == 46329
