"""What saving a workbook through openpyxl would lose, found before anything is written.

openpyxl rewrites the whole file from its own model, and whatever that model lacks is gone from
the saved file without a word: shapes and text boxes, form controls, slicers, threaded comments,
sparklines, Excel-2010 extensions of conditional formats and validation, dynamic-array metadata,
pictures it cannot decode… opsheets therefore looks at the package before it writes:

- every part of the file must be of a kind openpyxl writes back (or one whose loss changes nothing
  a person sees: the calculation chain Excel rebuilds, chart style galleries, printer-driver blobs,
  the file-preview thumbnail);
- every element of each tab must be one openpyxl writes back;
- each drawing may hold pictures and charts only; each legacy drawing comments only;
- openpyxl's own load warnings (a picture it cannot decode, a rule it discards) count as losses.

Anything else is named, per tab, and the sync refuses to save that workbook (kept as it was).
The lists are checked by tests that round-trip a workbook through openpyxl.
"""

from __future__ import annotations

import posixpath
import re
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from zipfile import BadZipFile, ZipFile

from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.workbook.workbook import Workbook
from openpyxl.xml.functions import fromstring

_OOXML = "application/vnd.openxmlformats-officedocument."
KEPT_TYPES = {
    f"{_OOXML}spreadsheetml.{kind}+xml"
    for kind in (
        "sheet.main", "worksheet", "chartsheet", "sharedStrings", "styles", "comments", "table",
        "pivotTable", "pivotCacheDefinition", "pivotCacheRecords", "externalLink",
    )
} | {
    f"{_OOXML}{kind}"
    for kind in ("theme+xml", "extended-properties+xml", "custom-properties+xml", "drawing+xml",
                 "drawingml.chart+xml", "vmlDrawing")
} | {
    "application/vnd.openxmlformats-package.core-properties+xml",
    "application/vnd.openxmlformats-package.relationships+xml",
    "application/xml",  # the default for .xml: custom XML items are named by their itemProps part
    "image/png", "image/jpeg", "image/gif", "image/bmp", "image/tiff", "image/x-emf", "image/x-wmf",
}  # fmt: skip
HARMLESS_TYPES = {
    f"{_OOXML}spreadsheetml.calcChain+xml",  # Excel rebuilds it
    f"{_OOXML}spreadsheetml.printerSettings",  # driver blobs; paper, margins and orientation stay
    "application/vnd.ms-office.chartstyle+xml",  # the chart-style gallery; the chart keeps its look
    "application/vnd.ms-office.chartcolorstyle+xml",
}
HARMLESS_PARTS = {"docProps/thumbnail.jpeg", "docProps/thumbnail.wmf", "docProps/thumbnail.emf"}
LOST_TYPES = {
    "application/vnd.ms-excel.threadedcomments+xml": "threaded comments (replies)",
    "application/vnd.ms-excel.person+xml": "the people of threaded comments",
    "application/vnd.ms-excel.slicer+xml": "slicers",
    "application/vnd.ms-excel.slicerCache+xml": "slicers",
    "application/vnd.ms-excel.timeline+xml": "timelines",
    "application/vnd.ms-excel.timelineCache+xml": "timelines",
    "application/vnd.ms-excel.controlproperties+xml": "form controls",
    "application/vnd.ms-office.vbaProject": "macros",
    f"{_OOXML}spreadsheetml.sheetMetadata+xml": "dynamic-array formulas (they would become legacy ones)",
    f"{_OOXML}spreadsheetml.connections+xml": "data connections",
    f"{_OOXML}spreadsheetml.queryTable+xml": "query tables",
    f"{_OOXML}drawingml.chartshapes+xml": "shapes drawn inside a chart",
    f"{_OOXML}oleObject": "embedded objects",
    "application/vnd.ms-excel.rdrichvalue+xml": "pictures placed in cells",
    "image/svg+xml": "the SVG form of a picture",
    f"{_OOXML}customXmlProperties+xml": "custom XML data (such as SharePoint document properties)",
}
KEPT_SHEET = {
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetProtection",
    "scenarios", "autoFilter", "mergeCells", "conditionalFormatting", "dataValidations", "hyperlinks",
    "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "drawing",
    "legacyDrawing", "tableParts",
    "phoneticPr", "sheetCalcPr",  # dropped, but they change nothing a person sees
}  # fmt: skip
LOST_SHEET = {
    "protectedRanges": "ranges people may edit on the protected tab",
    "customSheetViews": "custom views",
    "ignoredErrors": "error checks a person dismissed (the green triangles would come back)",
    "oleObjects": "embedded objects",
    "controls": "form controls",
    "picture": "its background picture",
    "drawingHF": "pictures in the header or footer",
    "legacyDrawingHF": "pictures in the header or footer",
    "AlternateContent": "objects stored for newer Excel versions (form controls or embedded objects)",
    "dataConsolidate": "data-consolidation settings",
    "cellWatches": "watch-window cells",
    "smartTags": "smart tags",
    "webPublishItems": "web-publishing settings",
    "customProperties": "custom tab properties",
}
LOST_EXTENSIONS = {
    "{78C0D931-6437-407D-A8EE-F0AAD7539E65}": "conditional-format details (data bars, icon sets)",
    "{CCE6A557-97BC-4B89-ADB6-D9C93CAAB3DF}": "validation lists that read another tab",
    "{05C60535-1F16-4FD2-B633-F4F36F0B64E0}": "sparklines",
    "{A8765BA9-456A-4DAB-B4F3-ACF838C121DE}": "slicers",
    "{3A4CF648-6AED-40F4-86FF-DC5316D8AED3}": "slicers",
    "{FC87AEE6-9EDD-4A0A-B7FB-166176984837}": "ranges people may edit on the protected tab",
    "{01252117-D84E-4E92-8308-4BE1C098FCBB}": "error checks a person dismissed",
    "{7E03D99C-DC04-49D9-9315-930204A7B6E9}": "timelines",
}
DRAWING_CONTENT = {
    "sp": "shapes or text boxes",
    "grpSp": "grouped shapes",
    "cxnSp": "connector lines",
    "contentPart": "ink drawings",
    "AlternateContent": "objects stored for newer Excel versions (new chart types, slicers, controls)",
}
CHART_URI = "http://schemas.openxmlformats.org/drawingml/2006/chart"
# openpyxl load warnings that lose nothing, or whose loss the package scan already names
_DATE_OUT_OF_RANGE = re.compile(r"Cell (\w+) is marked as a date but the serial value (\S+) is outside")
QUIET_WARNINGS = ("no default style", "no stylesheet", "extension is not supported", "DrawingML support")


def load_keeping(path: Path) -> tuple[Workbook, list[str]]:
    """The workbook (formatted text runs kept) and what saving it through openpyxl would lose."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wb = load_workbook(path, rich_text=True)
    said = [str(w.message) for w in caught if not any(q in str(w.message) for q in QUIET_WARNINGS)]
    said = [message for message in said if not _restored_date_serial(wb, message)]
    _keep_escaped_text(wb, path)
    return wb, [*package_losses(path), *said]


def _restored_date_serial(wb: Workbook, message: str) -> bool:
    """openpyxl reads a number in a date format that is no date (a person typed 4500012345 into a
    date column) as the error #VALUE!, and would save that. The warning names the cell and the
    number, not the tab: the number is put back where exactly one tab has that error there."""
    said = _DATE_OUT_OF_RANGE.match(message)
    if not said:
        return False
    coordinate, serial = said[1], said[2]
    at = coordinate_to_tuple(coordinate)
    cells = [ws._cells[at] for ws in wb.worksheets if at in ws._cells]
    errors = [c for c in cells if c.data_type == "e" and c.value == "#VALUE!"]
    if len(errors) != 1:
        return False
    number = float(serial)
    errors[0].value = int(number) if number.is_integer() else number  # a number again: data type "n"
    return True


def _keep_escaped_text(wb: Workbook, path: Path) -> None:
    """openpyxl's rich-text reader decodes `_x005F_` (a literal "_" before "xHHHH_") but no other
    `_xHHHH_`, so "_x0041_" typed as text would be saved as an escape of "A". Plain text that
    looks like an escape is therefore taken from a plain read, which keeps the file's text as it is
    (rare: only then is the file read twice)."""
    suspects = [
        (ws.title, cell.coordinate)
        for ws in wb.worksheets
        for cell in ws._cells.values()
        if isinstance(cell.value, str) and cell.data_type == "s" and "_x" in cell.value
    ]
    if not suspects:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # said once already
        plain = load_workbook(path)
    for title, coordinate in suspects:
        wb[title][coordinate]._value = plain[title][coordinate].value  # still text, even from "="


def package_losses(path: Path) -> list[str]:
    try:
        with ZipFile(path) as package:
            return _counted(_losses(package))
    except (BadZipFile, KeyError, SyntaxError) as exc:  # openpyxl read it, so this is only a guard
        return [f"parts opsheets could not inspect ({type(exc).__name__})"]


def _losses(package: ZipFile) -> list[str]:
    content_type = _content_types(package)
    found = []
    for part in package.namelist():
        kind = content_type(part)
        if part.endswith("/") or part == "[Content_Types].xml" or part in HARMLESS_PARTS:
            continue
        if kind not in KEPT_TYPES and kind not in HARMLESS_TYPES:
            found.append(LOST_TYPES.get(kind, f"the part '{part}' ({kind or 'of no known type'})"))
    for part, tab in _tabs(package).items():
        found += [f"tab '{tab}': {what}" for what in _sheet_losses(package, part)]
    return found


def _sheet_losses(package: ZipFile, part: str) -> list[str]:
    found = []
    for child in fromstring(package.read(part)):
        name = _local(child.tag)
        if name == "extLst":
            found += [LOST_EXTENSIONS.get(ext.get("uri", "").upper(), "Excel extensions") for ext in child]
        elif name not in KEPT_SHEET:
            found.append(LOST_SHEET.get(name, f"'{name}' settings"))
    for kind, target in _related(package, part):
        if kind.endswith("/drawing"):
            found += _drawing_losses(package.read(target))
        elif kind.endswith("/vmlDrawing"):
            found += _vml_losses(package.read(target))
    return found


def _drawing_losses(xml: bytes) -> list[str]:
    found = []
    for anchor in fromstring(xml):
        if _local(anchor.tag) == "AlternateContent":
            found.append(DRAWING_CONTENT["AlternateContent"])
        for content in anchor:
            name = _local(content.tag)
            if name == "graphicFrame" and not any(e.get("uri") == CHART_URI for e in content.iter()):
                found.append("diagrams (SmartArt) or other non-chart frames")
            elif name in DRAWING_CONTENT:
                found.append(DRAWING_CONTENT[name])
    return found


def _vml_losses(xml: bytes) -> list[str]:
    # Legacy drawings hold comment boxes (ObjectType "Note"), which openpyxl rewrites; buttons,
    # check boxes and other form controls live here too and would be dropped.
    kinds = [e.get("ObjectType") for e in fromstring(xml).iter() if _local(e.tag) == "ClientData"]
    return [f"form controls ({kind.lower()})" for kind in kinds if kind and kind != "Note"]


def _content_types(package: ZipFile) -> Callable[[str], str]:
    root = fromstring(package.read("[Content_Types].xml"))
    defaults = {
        e.get("Extension", "").lower(): e.get("ContentType") for e in root if _local(e.tag) == "Default"
    }
    overrides = {
        e.get("PartName", "").lstrip("/"): e.get("ContentType") for e in root if _local(e.tag) == "Override"
    }

    def kind(part: str) -> str:
        return overrides.get(part) or defaults.get(part.rsplit(".", 1)[-1].lower(), "") or ""

    return kind


def _tabs(package: ZipFile) -> dict[str, str]:
    """Worksheet part → tab title."""
    book = "xl/workbook.xml"
    targets = {rel_id: target for rel_id, (_, target) in _rels(package, book).items()}
    tabs = {}
    for element in fromstring(package.read(book)).iter():
        if _local(element.tag) == "sheet":
            rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            if rel_id in targets and targets[rel_id].startswith("xl/worksheets/"):
                tabs[targets[rel_id]] = element.get("name", "")
    return tabs


def _related(package: ZipFile, part: str) -> list[tuple[str, str]]:
    return [(kind, target) for kind, target in _rels(package, part).values() if target in package.namelist()]


def _rels(package: ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, target part) of `part`."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in package.namelist():
        return {}
    found = {}
    for rel in fromstring(package.read(rels)):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        resolved = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        found[rel.get("Id", "")] = (rel.get("Type", ""), resolved)
    return found


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _counted(found: list[str]) -> list[str]:
    return [what if n == 1 else f"{what} (×{n})" for what, n in Counter(found).items()]
