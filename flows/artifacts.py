"""Prefect artifacts every run leaves behind: a markdown summary, a table, a link per sheet.

Keys are stable per flow so the Prefect UI shows one artifact history per deployment; every text
goes through the secret redaction first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact

from connectors.http import redact
from flows.clients import uses_google
from flows.config import Config


def artifact_key(*parts: str) -> str:
    """Prefect keys allow lowercase letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")


def sheet_url(config: Config, key: str) -> str:
    if uses_google(config):
        return f"https://docs.google.com/spreadsheets/d/{key}"
    return (Path(config.sheets.workbook_dir) / f"{key}.xlsx").resolve().as_uri()


def publish_run_artifacts(
    flow: str,
    *,
    summary_md: str,
    table: Sequence[Mapping[str, Any]],
    links: Mapping[str, str],
) -> None:
    create_markdown_artifact(key=artifact_key(flow, "summary"), markdown=redact(summary_md))
    rows = [{k: redact(str(v)) for k, v in row.items()} for row in table]
    create_table_artifact(key=artifact_key(flow, "table"), table=rows)
    for name, url in links.items():
        create_link_artifact(key=artifact_key(flow, "sheet", name), link=url, link_text=name)
