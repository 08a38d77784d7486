"""Bad-input catalogue, configuration and sheets: config errors, a missing or renamed tab or
header, duplicate keys, and ledger garbage. Each message is checked in full."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from connectors.sheets import Column, SheetLayoutError, Table, open_workbook
from domain.ledger import parse_ledger
from domain.records import LedgerRow
from flows.clients import google_credentials
from flows.config import ConfigError, SecretRef, load_config, parse_config

TODAY = date(2026, 11, 26)


# --- configuration -------------------------------------------------------------------------------
def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "opsheets.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def config_error(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return str(caught.value)


def test_config_unknown_key(tmp_path: Path) -> None:
    path = write(tmp_path, "availability:\n  weeks: 8\n  wekes: 9\n")
    assert config_error(path) == f"{path}: unknown key 'availability.wekes': remove it or check its spelling"


def test_config_bad_value(tmp_path: Path) -> None:
    path = write(tmp_path, "availability:\n  weeks: 80\n")
    assert (
        config_error(path)
        == f"{path}: 'availability.weeks': Input should be less than or equal to 52 (got 80)"
    )


def test_config_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    assert config_error(path) == (
        f"{path}: config file not found; copy opsheets.example.yaml to {path} "
        "or pass --config / set OPSHEETS_CONFIG"
    )


def test_config_not_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "jira: [unclosed\n")
    assert config_error(path).startswith(f"{path}: not valid YAML: ")


def test_config_secret_env_var_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPSHEETS_TEST_MISSING", raising=False)
    with pytest.raises(ConfigError) as caught:
        SecretRef(env="OPSHEETS_TEST_MISSING").resolve()
    assert str(caught.value) == "secret missing: set the environment variable OPSHEETS_TEST_MISSING"


def test_config_secret_in_two_places() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"jira": {"url": "https://x", "token": {"env": "A", "prefect_secret": "b"}}}, "c.yaml")
    # nothing under a secret key is quoted back: it may be the secret itself
    message = "c.yaml: 'jira.token': Value error, give exactly one of 'env' or 'prefect_secret'"
    assert str(caught.value) == message


def test_google_key_file_unreadable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing-key.json"))
    config = parse_config({"sheets": {"backend": "google"}})
    with pytest.raises(ConfigError) as caught:
        google_credentials(config)
    assert str(caught.value) == (
        "Google Sheets: cannot read the service-account key from environment variable "
        "GOOGLE_APPLICATION_CREDENTIALS: FileNotFoundError; point it at the JSON key file downloaded from "
        "Google Cloud"
    )


def test_google_key_not_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", json.dumps({"x": 1})[:-1])  # "{"x": 1" cut short
    config = parse_config({"sheets": {"backend": "google"}})
    with pytest.raises(ConfigError) as caught:
        google_credentials(config)
    assert "JSONDecodeError; point it at the JSON key file downloaded from Google Cloud" in str(caught.value)
    assert '{"x": 1' not in str(caught.value)  # the key's content is a secret: never echoed


# --- sheet layout --------------------------------------------------------------------------------
def budget(rows: list[dict[str, object]]) -> Table:
    return Table("Budget", [Column("Team"), Column("Spent", "money")], key=("Team",), rows=rows)


ROWS = [{"Team": "Platform", "Spent": Decimal("10")}, {"Team": "Data", "Spent": Decimal("5")}]


def layout_error(sheet: object, table: Table) -> str:
    with pytest.raises(SheetLayoutError) as caught:
        sheet.sync([table], today=TODAY)  # type: ignore[attr-defined]
    return str(caught.value)


def test_missing_tab_on_read(tmp_path: Path) -> None:
    sheet = open_workbook(tmp_path / "ledger.xlsx")
    sheet.sync([budget(ROWS)], today=TODAY)
    with pytest.raises(SheetLayoutError) as caught:
        sheet.read_rows("Ledger", required=("Date", "Team", "Amount"))
    assert str(caught.value) == "Spreadsheet 'ledger.xlsx': tab 'Ledger' not found. Fix: create or rename it"


def test_renamed_owned_header_refuses_to_write(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "b.xlsx"
    sheet = open_workbook(path)
    sheet.sync([budget(ROWS)], today=TODAY)
    book = openpyxl.load_workbook(path)
    book["Budget"]["B1"] = "Spent (EUR)"
    book.save(path)
    before = path.read_bytes()
    assert layout_error(sheet, budget(ROWS)) == (
        "Spreadsheet 'b.xlsx', tab 'Budget', column 'Spent': the owned header is missing from row 1 (renamed "
        "or deleted). Fix: rename the header back to 'Spent' or undo the column delete; to let opsheets add "
        "the column afresh, remove 'Spent' from this tab's line in the hidden '_opsheets' tab"
    )
    assert path.read_bytes() == before


def test_key_header_gone_refuses_to_write(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "b.xlsx"
    sheet = open_workbook(path)
    sheet.sync([budget(ROWS)], today=TODAY)
    book = openpyxl.load_workbook(path)
    book["Budget"]["A1"] = "Squad"
    book.save(path)
    assert layout_error(sheet, budget(ROWS)) == (
        "Spreadsheet 'b.xlsx', tab 'Budget', column 'Team': no row among the first 20 holds the key "
        "header(s) Team. Fix: restore the header row, or clear the tab to let opsheets rebuild it"
    )


def test_duplicate_source_keys_refuse_to_write(tmp_path: Path) -> None:
    path = tmp_path / "b.xlsx"
    rows = [*ROWS, {"Team": "Data", "Spent": Decimal("7")}]
    assert layout_error(open_workbook(path), budget(rows)) == (
        "Spreadsheet 'b.xlsx', tab 'Budget', column 'Team': key 'Data' appears more than once in the source. "
        "Fix: make the source keys unique (the sheet was not touched)"
    )
    assert not path.exists()


def test_a_copied_key_in_the_sheet_is_a_persons_row_left_alone_with_a_warning(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "b.xlsx"
    sheet = open_workbook(path)
    sheet.sync([budget(ROWS)], today=TODAY)
    book = openpyxl.load_workbook(path)
    book["Budget"]["A4"] = "Platform"  # a human copied a key over another row's
    book.save(path)
    copied = [c.value for c in book["Budget"][4]]
    result = sheet.sync([budget(ROWS)], today=TODAY)
    assert result.warnings == [
        "Spreadsheet 'b.xlsx', tab 'Budget': row 4: holds the key of an earlier row of opsheets': "
        "left alone as a person's copy"
    ]
    assert [c.value for c in openpyxl.load_workbook(path)["Budget"][4]] == copied


# --- ledger garbage ------------------------------------------------------------------------------
DATE_HINT = (
    "write it as 2026-11-03, 2026/11/03, 3 Nov 2026, Nov 3 2026 or 03.11.2026 (day first), or use a date cell"
)
LEDGER = [  # (Date, Amount, Currency) → None when accepted, else the exact reason
    (
        "2026-11-02",
        "TBD",
        "EUR",
        "amount 'TBD' is not a number (row {r}, column Amount): type a number like 120.50",
    ),
    ("2026-11-02", "12,50", "EUR", None),
    ("2026-11-02", "1.234,50", "EUR", None),
    ("2026-11-02", "1 234,50", "EUR", None),
    ("2026-11-02", "€12", "EUR", None),
    (
        "2026-11-02",
        "1,234",
        "EUR",
        "amount '1,234' is ambiguous (thousands or decimals?) (row {r}, column Amount): write it without a "
        "thousands separator (1234) or with two decimals (1234.00)",
    ),
    (
        "2026-11-02",
        "NaN",
        "EUR",
        "amount 'NaN' is not a number (row {r}, column Amount): type a number like 120.50",
    ),
    ("2 Nov 2026", "10", "EUR", None),
    ("Nov 2 2026", "10", "EUR", None),
    ("02.11.2026", "10", "EUR", None),
    ("2026/11/02", "10", "EUR", None),
    (46328, "10", "EUR", None),  # a date cell read as a serial day
    (
        "02/11/2026",
        "10",
        "EUR",
        "date '02/11/2026' is ambiguous (slash dates are day-first in some countries, month-first in others) "
        "(row {r}, column Date): " + DATE_HINT,
    ),
    ("sometime", "10", "EUR", "date 'sometime' is not a date (row {r}, column Date): " + DATE_HINT),
    (
        "2026-13-45",
        "10",
        "EUR",
        "date '2026-13-45' is not a real calendar date (row {r}, column Date): " + DATE_HINT,
    ),
    (
        "2026-11-02",
        "20",
        "USD",
        "currency 'USD' is not the budget currency EUR (row {r}, column Currency): enter the amount "
        "converted to EUR",
    ),
    (
        "2026-11-02",
        "  ",
        "EUR",
        "Amount is empty (row {r}, column Amount): every spend needs a date, a team and an amount",
    ),
]


def test_ledger_garbage_rejected_with_reason_and_empty_rows_skipped() -> None:
    rows = [
        LedgerRow(i + 2, {"Date": d, "Team": "Platform", "Amount": a, "Currency": c, "Description": f"r{i}"})
        for i, (d, a, c, _) in enumerate(LEDGER)
    ]
    rows.append(
        LedgerRow(len(rows) + 2, {"Date": "", "Team": "", "Amount": "", "Currency": "", "Description": ""})
    )
    rows.append(LedgerRow(len(rows) + 2, {"Date": "2026-11-02", "Team": "Marketing", "Amount": "5",
                                          "Currency": "EUR", "Description": "x"}))  # fmt: skip
    spends, rejections = parse_ledger(rows, ["Platform", "Data"], "EUR")
    expected = {i + 2: reason.format(r=i + 2) for i, (*_, reason) in enumerate(LEDGER) if reason}
    expected[len(rows) + 1] = (
        f"team 'Marketing' is not a known team (row {len(rows) + 1}, column Team): use one of Data, Platform"
    )
    assert {r.row_number: r.reason for r in rejections} == expected
    accepted = {s.row_number: s.amount for s in spends}
    assert accepted == {
        3: Decimal("12.50"), 4: Decimal("1234.50"), 5: Decimal("1234.50"), 6: Decimal("12.00"),
        **{r: Decimal("10.00") for r in range(9, 14)},
    }  # fmt: skip
    assert {s.day for s in spends} == {date(2026, 11, 2)}
    assert len(spends) + len(rejections) == len(rows) - 1  # only the empty row is neither
