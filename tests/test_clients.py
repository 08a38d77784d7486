"""Connectors built from config: a workbook's folder appears only when something is written to it;
Google credentials of each key type."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from google.oauth2.credentials import Credentials as UserCredentials

from connectors.sheets import Column, Table
from flows.clients import google_credentials, open_sheet
from flows.config import parse_config

TODAY = date(2026, 11, 26)


def test_workbook_folders_are_created_by_the_first_write_not_by_opening_or_a_dry_run(tmp_path: Path) -> None:
    out = tmp_path / "out" / "sheets"
    config = parse_config({"sheets": {"backend": "workbook", "workbook_dir": str(out)}}, "x.yaml")
    budget = Table("Budget", [Column("Period")], ("Period",), [{"Period": "2026-Q4"}])

    sheet = open_sheet(config, "teams/platform")
    preview = sheet.sync([budget], today=TODAY, dry_run=True)
    assert preview.cells_written > 0 and not (tmp_path / "out").exists()

    sheet.sync([budget], today=TODAY)
    assert (out / "teams" / "platform.xlsx").is_file()


def test_an_authorized_user_key_gives_user_credentials_limited_to_spreadsheets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Google's key for a user's OAuth credentials, as gcloud writes it: refreshed at its token URI."""
    key = {"type": "authorized_user", "client_id": "c", "client_secret": "s", "refresh_token": "r"}
    monkeypatch.setenv("OPSHEETS_TEST_USER_KEY", json.dumps(key))
    config = parse_config({"sheets": {"backend": "google", "credentials": {"env": "OPSHEETS_TEST_USER_KEY"}}})
    credentials = google_credentials(config)
    assert isinstance(credentials, UserCredentials)
    assert credentials.refresh_token == "r" and credentials.token is None and not credentials.valid
    assert credentials.token_uri == "https://oauth2.googleapis.com/token"
    assert credentials.scopes == ["https://www.googleapis.com/auth/spreadsheets"]


def test_an_access_token_without_refresh_fields_is_used_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPSHEETS_TEST_USER_KEY", json.dumps({"type": "authorized_user", "token": "tok-123"}))
    config = parse_config({"sheets": {"backend": "google", "credentials": {"env": "OPSHEETS_TEST_USER_KEY"}}})
    credentials = google_credentials(config)
    assert isinstance(credentials, UserCredentials)
    assert credentials.token == "tok-123" and credentials.valid and credentials.refresh_token is None
