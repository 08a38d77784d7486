"""`opsheets check` for the spreadsheets: each one the configured jobs read or write is opened, read
once, and compared with the tabs and headers the job expects. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from connectors.errors import ApiError
from connectors.sheets import SheetError, Spreadsheet
from flows.clients import open_sheet
from flows.config import Config, ConfigError
from flows.layouts import SheetLayout, expected_layouts
from flows.probes import Probe, failed, split_fix, unexpected


def layout_probes(config: Config, today: date) -> list[Probe]:
    """Every expected spreadsheet, until one cannot be reached at all: the others share its host."""
    probes: list[Probe] = []
    for layout in expected_layouts(config, today):
        probes += list(sheet_probes(config, layout))
        if any(p.unreachable for p in probes):
            break
    return probes


def sheet_probes(config: Config, layout: SheetLayout) -> Iterator[Probe]:
    """Access first (the read says whether it is shared), then the headers opsheets needs there."""
    try:
        sheet = open_sheet(config, layout.key)
        if layout.read_tab:
            yield read_probe(sheet, layout)
            return
        problems = sheet.check_layout(layout.tables)
    except (ApiError, ConfigError) as exc:  # a SheetError is an ApiError
        yield failed(f"sheet: {layout.name}", exc, key_fix(layout))
        return
    except Exception as exc:  # check reports, it never crashes
        yield unexpected(f"sheet: {layout.name}", exc)
        return
    yield Probe(f"sheet: {layout.name}", True, access_detail(sheet, layout))
    for problem in problems:
        yield failed(f"layout: {layout.name}", ValueError(problem), "restore the header")
    if not problems:
        tabs = ", ".join(t.tab for t in layout.tables)
        yield Probe(f"layout: {layout.name}", True, f"headers as expected ({tabs})")


def key_fix(layout: SheetLayout) -> str:
    return f"check the spreadsheet key '{layout.key}' in {layout.setting or 'the config'}"


def read_probe(sheet: Spreadsheet, layout: SheetLayout) -> Probe:
    """A sheet opsheets only reads (the ledger): it must exist, with its tab and columns. The fix says
    which is missing: another person's file is not a tab to rename."""
    check, tab = f"sheet: {layout.name}", str(layout.read_tab)
    workbook = getattr(sheet.backend, "path", None)
    if workbook is not None and not workbook.exists():
        return Probe(
            check,
            False,
            f"the workbook {workbook} does not exist (the local backend reads '{layout.key}' from there)",
            f"put the .xlsx there with a '{tab}' tab ({', '.join(layout.read_columns)}), or set "
            f"{layout.setting} to the name of the one you have; for Google Sheets, set the credentials",
        )
    try:
        sheet.read_rows(tab, required=layout.read_columns)
    except SheetError as exc:
        if sheet.read_grid(tab) is None:
            tab_setting = layout.setting.rsplit(".", 1)[0] + ".tab"
            tab_fix = f"rename the tab back to '{tab}', or set {tab_setting} to the name it has"
            return Probe(check, False, split_fix(str(exc))[0], tab_fix)
        raise
    return Probe(check, True, f"'{layout.key}' tab '{tab}' readable")


def access_detail(sheet: Spreadsheet, layout: SheetLayout) -> str:
    workbook = getattr(sheet.backend, "path", None)  # local backend: absent until the first run
    if workbook is not None and not workbook.exists():
        return f"{workbook} does not exist yet: the first run creates it"
    return f"'{sheet.title}' ({layout.key}) readable"
