"""Pictures of the sheets opsheets writes, as LibreOffice Calc draws them: docs/sheets/*.png.

Regenerate them (a development step; `make test` and CI need none of this):

    sudo apt-get install --no-install-recommends libreoffice-calc poppler-utils   # Debian/Ubuntu
    make pictures                     # or: .venv/bin/python docs/render_sheets.py

The script runs the demo as of Tuesday 2026-12-01 into out/pictures/, then for each tab shown below
saves a copy of its workbook holding that tab alone (fitted to one page wide, landscape), has
LibreOffice (headless) print it to PDF and pdftoppm turn the first page into a PNG. What LibreOffice
draws is what a person opening the .xlsx sees: the conditional formats as written, not as we think.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.properties import PageSetupProperties

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "out" / "pictures"
PICTURES = ROOT / "docs" / "sheets"
DAY = date(2026, 12, 1)  # a Tuesday: the current week's Monday is already gone
TABS = {
    "resource-availability.xlsx": ("Availability", "Capacity", "Teams", "Actuals", "Issues"),
    "budgets/overview.xlsx": ("Current period", "Overview", "Rejected"),
    "budgets/platform.xlsx": ("Budget", "How it's computed", "Roster", "Spend"),
}
RESOLUTION = 110  # dots per inch: a landscape A4 page ~1,290 px wide, cropped to what is drawn
MARGIN_PX = 12


def main() -> int:
    missing = [tool for tool in ("soffice", "pdftoppm") if shutil.which(tool) is None]
    if missing:
        print(f"missing {', '.join(missing)}: install libreoffice-calc and poppler-utils", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    from flows.demo import run_demo

    shutil.rmtree(OUT, ignore_errors=True)
    run_demo(OUT, today=DAY)
    PICTURES.mkdir(parents=True, exist_ok=True)
    for workbook, tabs in TABS.items():
        for tab in tabs:
            picture = PICTURES / f"{Path(workbook).stem}-{slug(tab)}.png"
            render(OUT / workbook, tab, picture)
            print(f"wrote {picture.relative_to(ROOT)}")
    return 0


def slug(tab: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in tab.lower()).strip("-").replace("--", "-")


def render(workbook: Path, tab: str, picture: Path) -> None:
    """One tab of `workbook` as a PNG of its first printed page."""
    with tempfile.TemporaryDirectory() as work:
        single = Path(work) / "sheet.xlsx"
        book = load_workbook(workbook)
        for name in book.sheetnames:
            if name != tab:
                del book[name]
        sheet = book[tab]
        sheet.sheet_state = "visible"
        sheet.page_setup.orientation = "landscape"
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.page_margins.left = sheet.page_margins.right = sheet.page_margins.top = 0.3
        book.save(single)
        profile = f"-env:UserInstallation=file://{work}/profile"  # no clash with a running LibreOffice
        subprocess.run(
            ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", work, str(single)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        pdf, stem = Path(work) / "sheet.pdf", Path(work) / "page"
        first_page = ["-r", str(RESOLUTION), "-f", "1", "-l", "1", "-singlefile"]
        subprocess.run(["pdftoppm", "-gray", *first_page, str(pdf), str(stem)], check=True, timeout=120)
        width, height = drawn_extent(stem.with_suffix(".pgm"))
        crop = ["-x", "0", "-y", "0", "-W", str(width), "-H", str(height)]
        subprocess.run(["pdftoppm", "-png", *first_page, *crop, str(pdf), str(stem)], check=True, timeout=120)
        shutil.copyfile(stem.with_suffix(".png"), picture)


def drawn_extent(pgm: Path) -> tuple[int, int]:
    """Width and height up to the last non-white pixel (plus a margin) of a binary greyscale PGM."""
    data = pgm.read_bytes()
    fields = data.split(maxsplit=4)  # P5, width, height, maxval, pixels
    width, height, pixels = int(fields[1]), int(fields[2]), fields[4]
    right = bottom = 0
    for y in range(height):
        row = pixels[y * width : (y + 1) * width]
        ink = [x for x, value in enumerate(row) if value < 250]
        if ink:
            bottom, right = y, max(right, ink[-1])
    return min(width, right + MARGIN_PX), min(height, bottom + MARGIN_PX)


if __name__ == "__main__":
    raise SystemExit(main())
