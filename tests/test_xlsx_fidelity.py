"""Nothing a human put in a workbook is silently dropped by a sync: it survives, or the save is refused."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.chart import LineChart, Reference
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from PIL import Image as PILImage

from connectors.sheets import Column, ConditionalRule, SheetLayoutError, Table, open_workbook
from connectors.sheets.xlsx_fidelity import package_losses

TODAY = date(2026, 11, 26)
BLUE = PatternFill(start_color="0000FF", end_color="0000FF", fill_type="solid")


def budget(keys: str, extra: bool = False, value: int = 0) -> Table:
    columns = [Column("Key"), *([Column("Extra")] if extra else []), Column("Value", "int")]
    rows = [{"Key": k, "Value": i + value, "Extra": f"x{k}"} for i, k in enumerate(keys, 1)]
    rules = [ConditionalRule("negative", ("Value",))]
    return Table("Budget", columns, key=("Key",), rows=rows, rules=rules)


def png() -> BytesIO:
    data = BytesIO()
    PILImage.new("RGB", (4, 4), "blue").save(data, format="PNG")
    data.seek(0)
    return data


def humanise(path: Path) -> None:
    """What people do to a shared workbook: pictures, charts, notes, their own formats and views."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Budget"]
    ws.add_image(Image(png()), "F2")
    chart = LineChart()
    chart.title = "Trend"
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=4), titles_from_data=True)
    ws.add_chart(chart, "F10")
    ws.merge_cells("A6:C6")
    ws["A6"] = None
    ws["D6"] = "merged note on the left"
    ws["E1"] = "Comment"
    ws["E2"] = CellRichText("plain ", TextBlock(InlineFont(b=True), "bold"))
    # Excel stores `D:D` as D1:D1048576 and `E2:E` as E2:E1048576
    ws.conditional_formatting.add("D1:D1048576", CellIsRule(operator="equal", formula=['"x"'], fill=BLUE))
    ws.conditional_formatting.add("E2:E1048576", CellIsRule(operator="lessThan", formula=["0"], fill=BLUE))
    ws.add_data_validation(DataValidation(type="list", formula1='"yes,no"', sqref="E2:E4"))
    ws.row_dimensions[3].hidden = True
    ws.column_dimensions["E"].hidden = True
    ws.column_dimensions["B"].width = 40  # someone widened an opsheets column
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = "A1:C4"
    ws.sheet_properties.tabColor = "00FF00"
    wb.save(path)


def test_human_work_survives_a_sync_that_lays_the_tab_out_again(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    open_workbook(path).sync([budget("abc")], today=TODAY)  # A Key, B Value, C Sync status
    humanise(path)
    open_workbook(path).sync([budget("abc", extra=True)], today=TODAY)  # Extra goes in at B
    open_workbook(path).sync([budget("abc", value=-5)], today=TODAY)  # and out again, new values

    wb = openpyxl.load_workbook(path, rich_text=True)
    ws = wb["Budget"]
    assert [c.value for c in ws[1]][:5] == ["Key", "Value", "Sync status", None, "Comment"]
    assert [ws.cell(r, 2).value for r in (2, 3, 4)] == [-4, -3, -2]
    assert len(ws._images) == 1 and (ws._images[0].anchor._from.col, ws._images[0].anchor._from.row) == (5, 1)
    assert [c.title.tx.rich.p[0].r[0].t for c in ws._charts] == ["Trend"]
    assert {str(r) for r in ws.merged_cells.ranges} == {"A6:C6"}
    assert isinstance(ws["E2"].value, CellRichText) and str(ws["E2"].value) == "plain bold"
    rules = sorted(
        (str(cf.sqref), r.operator, tuple(r.formula)) for cf in ws.conditional_formatting for r in cf.rules
    )
    assert rules == [
        ("B2:B1048576", "lessThan", ("0",)),  # opsheets' own, once
        ("D1:D1048576", "equal", ('"x"',)),
        ("E2:E1048576", "lessThan", ("0",)),
    ]
    (dv,) = ws.data_validations.dataValidation
    assert str(dv.sqref) == "E2:E4"
    assert ws.row_dimensions[3].hidden and ws.column_dimensions["E"].hidden
    assert ws.column_dimensions["B"].width == 40
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref == "A1:C4"
    assert ws.sheet_properties.tabColor.rgb == "0000FF00"


def test_a_workbook_written_before_rules_were_recorded_keeps_human_look_alikes(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    open_workbook(path).sync([budget("abc")], today=TODAY)
    wb = openpyxl.load_workbook(path)
    wb.custom_doc_props.props = []  # as an older opsheets left it
    wb["Budget"].conditional_formatting.add("D1:D1048576", CellIsRule(operator="lessThan", formula=["0"]))
    wb.save(path)
    open_workbook(path).sync([budget("abc", extra=True)], today=TODAY)
    ws = openpyxl.load_workbook(path)["Budget"]
    # ours replaced (now on Value, column C); the human one moved right with its column
    assert sorted(str(cf.sqref) for cf in ws.conditional_formatting) == ["C2:C1048576", "E1:E1048576"]


# ---- what openpyxl cannot keep: refused, named, the file untouched --------------------------------

SPARKLINES = (
    '<extLst><ext uri="{05C60535-1F16-4FD2-B633-F4F36F0B64E0}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    "<x14:sparklineGroups/></ext></extLst></worksheet>"
)
SHAPE = (
    "<twoCellAnchor><from><col>6</col><colOff>0</colOff><row>6</row><rowOff>0</rowOff></from>"
    "<to><col>8</col><colOff>0</colOff><row>9</row><rowOff>0</rowOff></to><sp><nvSpPr>"
    '<cNvPr id="9" name="Text box"/><cNvSpPr txBox="1"/></nvSpPr><spPr/></sp><clientData/>'
    "</twoCellAnchor></wsDr>"
)
THREADED = "application/vnd.ms-excel.threadedcomments+xml"


def rewrite(path: Path, edit: dict[str, tuple[str, str]], add: dict[str, bytes] | None = None) -> None:
    """Edit parts of the package in place: {part: (old text, new text)}, plus new parts."""
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    for name, (old, new) in edit.items():
        text = parts[name].decode()
        assert old in text, (name, old)
        parts[name] = text.replace(old, new, 1).encode()
    parts.update(add or {})
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)


def sheet_part(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
    return min(n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))


def with_picture(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    wb["Budget"].add_image(Image(png()), "F2")
    wb.save(path)


def add_sparklines(path: Path) -> None:
    rewrite(path, {sheet_part(path): ("</worksheet>", SPARKLINES)})


def add_text_box(path: Path) -> None:
    with_picture(path)
    rewrite(path, {"xl/drawings/drawing1.xml": ("</wsDr>", SHAPE)})  # as openpyxl wrote it


def add_threaded_comment(path: Path) -> None:
    override = f'<Override PartName="/xl/threadedComments/threadedComment1.xml" ContentType="{THREADED}"/>'
    rewrite(
        path,
        {"[Content_Types].xml": ("</Types>", override + "</Types>")},
        {"xl/threadedComments/threadedComment1.xml": b"<ThreadedComments/>"},
    )


def break_picture(path: Path) -> None:
    with_picture(path)
    rewrite(path, {}, {"xl/media/image1.png": b"not a picture any more"})


@pytest.mark.parametrize(
    ("human", "named"),
    [
        (add_sparklines, "tab 'Budget': sparklines"),
        (add_text_box, "tab 'Budget': shapes or text boxes"),
        (add_threaded_comment, "threaded comments (replies)"),
        (break_picture, "xl/media/image1.png will be removed because it cannot be read"),
    ],
)
def test_a_save_that_would_drop_something_is_refused_and_the_file_left_alone(
    tmp_path: Path, human: object, named: str
) -> None:
    path = tmp_path / "book.xlsx"
    open_workbook(path).sync([budget("abc")], today=TODAY)
    human(path)  # type: ignore[operator]
    before = path.read_bytes()
    assert open_workbook(path).sync([budget("abc")], today=TODAY).cells_written == 0  # no save, no loss
    with pytest.raises(SheetLayoutError) as refused:
        open_workbook(path).sync([budget("abcd")], today=TODAY)
    message = str(refused.value)
    assert str(path) in message and named in message and "Nothing was written" in message
    assert path.read_bytes() == before


def test_a_workbook_opsheets_wrote_has_nothing_to_lose(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    open_workbook(path).sync([budget("abc")], today=TODAY)
    humanise(path)
    open_workbook(path).sync([budget("abcd")], today=TODAY)  # pictures, charts, comments: all kept
    assert "d" in [c.value for c in openpyxl.load_workbook(path)["Budget"]["A"]]


# ---- merged cells ----------------------------------------------------------------------------------


def test_a_merge_over_cells_opsheets_writes_is_refused_by_name_not_crashed_on(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    open_workbook(path).sync([budget("abc")], today=TODAY)
    wb = openpyxl.load_workbook(path)
    wb["Budget"].merge_cells("B3:B4")  # b's and c's values
    wb.save(path)
    before = path.read_bytes()
    with pytest.raises(SheetLayoutError) as refused:
        open_workbook(path).sync([budget("abc", value=1)], today=TODAY)
    message = str(refused.value)
    assert str(path) in message and "tab 'Budget', cell B4" in message and "merged range B3:B4" in message
    assert path.read_bytes() == before


def test_a_merged_note_row_never_swallows_a_data_row(tmp_path: Path) -> None:
    """Whatever becomes of the note row itself, its merge never covers a row opsheets writes, and
    later syncs of the file work."""
    path = tmp_path / "book.xlsx"
    open_workbook(path).sync([budget("abc")], today=TODAY)
    wb = openpyxl.load_workbook(path)
    ws = wb["Budget"]
    ws.insert_rows(3)  # between a and b, as a person inserts a row in Excel
    ws["A3"] = "Note: b moves to the Web team in January"
    ws.merge_cells("A3:C3")
    wb.save(path)
    for value in (0, 10, 20):
        open_workbook(path).sync([budget("abc", value=value)], today=TODAY)
    ws = openpyxl.load_workbook(path)["Budget"]
    rows = {r[0].value: r[0].row for r in ws.iter_rows(min_row=2) if r[0].value in ("a", "b", "c")}
    assert [ws.cell(rows[k], 2).value for k in "abc"] == [21, 22, 23]
    for merged in ws.merged_cells.ranges:
        assert not any(merged.min_row <= row <= merged.max_row for row in rows.values()), str(merged)


@pytest.mark.parametrize(
    ("element", "named"),
    [
        ('<ignoredErrors><ignoredError sqref="A1" numberStoredAsText="1"/></ignoredErrors>', "error checks"),
        ('<protectedRanges><protectedRange name="open" sqref="E2:E9"/></protectedRanges>', "may edit"),
        (
            '<customSheetViews><customSheetView guid="{00000000-0000-0000-0000-000000000001}">'
            "<pane/></customSheetView></customSheetViews>",
            "custom views",
        ),
    ],
)
def test_what_is_named_as_lost_is_what_openpyxl_really_drops(
    tmp_path: Path, element: str, named: str
) -> None:
    """The refusal list is not a guess: each such element is gone after an openpyxl round trip."""
    path = tmp_path / "book.xlsx"
    open_workbook(path).sync([budget("abc")], today=TODAY)
    rewrite(path, {sheet_part(path): ("</worksheet>", element + "</worksheet>")})
    tag = re.match(r"<(\w+)", element)[1]  # type: ignore[index]
    assert any(named in loss for loss in package_losses(path))
    openpyxl.load_workbook(path).save(path)
    with zipfile.ZipFile(path) as package:
        assert f"<{tag}" not in package.read(sheet_part(path)).decode()
    assert package_losses(path) == []


@pytest.mark.filterwarnings("ignore:Cell F2 is marked as a date")  # the test's own reads
def test_text_that_looks_like_an_escape_and_a_number_in_a_date_format_survive(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    open_workbook(path).sync([budget("abc")], today=TODAY)
    wb = openpyxl.load_workbook(path)
    ws = wb["Budget"]
    ws["E1"], ws["E2"] = "Human", "_x005F_x0041_ is not an A"  # stored as Excel stores "_x0041_ …"
    ws["F2"], ws["F2"].number_format = 4500012345, "yyyy-mm-dd"  # no date: openpyxl reads #VALUE!
    wb.save(path)
    open_workbook(path).sync([budget("abcd")], today=TODAY)
    ws = openpyxl.load_workbook(path)["Budget"]
    assert ws["E2"].value == "_x005F_x0041_ is not an A"
    assert openpyxl.load_workbook(path, read_only=False)["Budget"]["A5"].value == "d"
    with zipfile.ZipFile(path) as package:
        assert "<v>4500012345</v>" in package.read(sheet_part(path)).decode()
