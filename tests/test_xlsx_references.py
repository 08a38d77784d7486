"""References follow the cells when opsheets deletes or inserts rows and columns in a workbook."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.filters import FilterColumn, Filters
from openpyxl.worksheet.table import Table as ExcelTable
from PIL import Image as PILImage

from connectors.sheets import Column, SheetLayoutError, Table, open_workbook
from connectors.sheets.xlsx_references import Shift, shift_formula

TODAY = date(2026, 11, 26)
RED = PatternFill(start_color="FF0000", end_color="FF0000", fill_type="solid")


def budget(keys: str, extra: bool = False) -> Table:
    columns = [Column("Key"), *([Column("Extra")] if extra else []), Column("Value", "int")]
    rows = [{"Key": k, "Value": i, "Extra": f"x{k}"} for i, k in enumerate(keys, 1)]
    return Table("Budget", columns, key=("Key",), rows=rows)


def png() -> BytesIO:
    data = BytesIO()
    PILImage.new("RGB", (4, 4), "red").save(data, format="PNG")
    data.seek(0)
    return data


# ---- the arithmetic, case by case (Excel's answers) ---------------------------------------------

ROW_5_DELETED = Shift("Budget", "row", 5, -1)
COL_C_INSERTED = Shift("Budget", "col", 3, 1)


@pytest.mark.parametrize(
    ("formula", "home", "shift", "expected"),
    [
        ("=A5*2", "Budget", ROW_5_DELETED, "=#REF!*2"),
        ("=A6*2", "Budget", ROW_5_DELETED, "=A5*2"),
        ("=A4*2", "Budget", ROW_5_DELETED, "=A4*2"),
        ("=SUM(B2:B9)", "Budget", ROW_5_DELETED, "=SUM(B2:B8)"),
        ("=SUM(B5:B7)", "Budget", ROW_5_DELETED, "=SUM(B5:B6)"),
        ("=SUM(B5:B5)", "Budget", ROW_5_DELETED, "=SUM(#REF!)"),
        ("=SUM($B$6:$B$9)", "Budget", ROW_5_DELETED, "=SUM($B$5:$B$8)"),
        ("=Budget!B6+Other!B6", "Other", ROW_5_DELETED, "=Budget!B5+Other!B6"),
        ("='budget'!B6", "Other", ROW_5_DELETED, "='budget'!B5"),  # sheet names ignore case
        ("=Budget!B5", "Other", ROW_5_DELETED, "=Budget!#REF!"),
        ("=B6", "Other", ROW_5_DELETED, "=B6"),  # another tab's own cell
        ("=SUM(D:D)", "Budget", ROW_5_DELETED, "=SUM(D:D)"),
        ("=SUM(4:6)", "Budget", ROW_5_DELETED, "=SUM(4:5)"),
        ("=COUNT(E2:E1048576)", "Budget", ROW_5_DELETED, "=COUNT(E2:E1048576)"),
        ('=A1&"B5"', "Budget", ROW_5_DELETED, '=A1&"B5"'),  # text is not a reference
        ("=[1]Budget!B9", "Other", ROW_5_DELETED, "=[1]Budget!B9"),  # another workbook
        ("=C2*2", "Budget", COL_C_INSERTED, "=D2*2"),
        ("=B2:C2", "Budget", COL_C_INSERTED, "=B2:D2"),
        ("=SUM(C:C)", "Budget", COL_C_INSERTED, "=SUM(D:D)"),
        ("=VLOOKUP(A3,$A$1:$F$20,2,FALSE)", "Budget", COL_C_INSERTED, "=VLOOKUP(A3,$A$1:$G$20,2,FALSE)"),
        ("=SUM(C5:E5)", "Budget", Shift("Budget", "col", 3, -2), "=SUM(C5:C5)"),
        ("=SUM(B5:B7)", "Budget", Shift("Budget", "row", 7, 2), "=SUM(B5:B9)"),
        ("=SUM(B5:B7)", "Budget", Shift("Budget", "row", 8, 2), "=SUM(B5:B7)"),
        ("=SUM(B5:B7)", "Budget", Shift("Budget", "row", 5, 2), "=SUM(B7:B9)"),
    ],
)
def test_formula_references_move_as_in_excel(formula: str, home: str, shift: Shift, expected: str) -> None:
    assert shift_formula(formula, home, shift) == expected


# ---- a sync that deletes a row -------------------------------------------------------------------


def test_everything_attached_to_cells_follows_a_deleted_row(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    open_workbook(path).sync([budget("abcde")], today=TODAY)  # a..e on rows 2..6
    wb = openpyxl.load_workbook(path)
    ws = wb["Budget"]
    summary = wb.create_sheet("Summary")
    summary["A1"], summary["A2"], summary["A3"] = "=Budget!B5", "=SUM(Budget!B2:B6)", "=Budget!B3"
    ws["E5"] = "=B5*10"  # beside d
    ws["E4"].comment = Comment("about c", "lead")
    ws["E4"].hyperlink = "https://example.org/c"
    ws["F6"].hyperlink = openpyxl.worksheet.hyperlink.Hyperlink(ref="F6", location="Budget!B6", display="e")
    ws["F6"] = "go to e"
    wb.defined_names["Vals"] = DefinedName("Vals", attr_text="Budget!$B$2:$B$6")
    ws.conditional_formatting.add("E2:E6", CellIsRule(operator="greaterThan", formula=["$B6"], fill=RED))
    # Excel writes a whole-column range (D:D) as D1:D1048576
    ws.conditional_formatting.add("D1:D1048576", CellIsRule(operator="lessThan", formula=["0"], fill=RED))
    rule = DataValidation(type="list", formula1="Summary!$B$1:$B$3", sqref="E2:E6")
    ws.add_data_validation(rule)
    ws.merge_cells("E8:F8")
    ws["E8"] = "a note under the table"
    ws.merge_cells("G3:G4")  # a merge whose first row goes
    ws.row_dimensions[6].hidden = True
    ws.column_dimensions["E"].width = 31
    ws.auto_filter.ref = "A1:C6"
    ws.print_area, ws.print_title_rows = "A1:C6", "1:1"
    wb.save(path)

    result = open_workbook(path).sync([budget("acde")], today=TODAY)  # b left: its row 3 goes
    assert result.tabs[0].rows_removed == 1

    wb = openpyxl.load_workbook(path)
    ws, summary = wb["Budget"], wb["Summary"]
    assert [ws.cell(r, 1).value for r in range(2, 6)] == ["a", "c", "d", "e"]
    assert (summary["A1"].value, summary["A2"].value) == ("=Budget!B4", "=SUM(Budget!B2:B5)")
    assert summary["A3"].value == "=Budget!#REF!"  # the cell it read was deleted, as in Excel
    assert ws["E4"].value == "=B4*10" and ws["E5"].value is None
    assert ws["E3"].comment.text == "about c" and ws["E3"].hyperlink.target == "https://example.org/c"
    assert ws["F5"].hyperlink.location == "Budget!B5" and ws["F5"].value == "go to e"
    assert wb.defined_names["Vals"].attr_text == "Budget!$B$2:$B$5"
    rules = {str(cf.sqref): [r.formula for r in cf.rules] for cf in ws.conditional_formatting}
    assert rules["E2:E5"] == [["$B5"]] and rules["D1:D1048576"] == [["0"]]
    (dv,) = ws.data_validations.dataValidation
    assert str(dv.sqref) == "E2:E5" and dv.formula1 == "Summary!$B$1:$B$3"
    assert {str(r) for r in ws.merged_cells.ranges} == {"E7:F7"}  # G3:G4 shrank to one cell
    assert ws["E7"].value == "a note under the table"
    assert ws.row_dimensions[5].hidden and not ws.row_dimensions[6].hidden
    assert ws.column_dimensions["E"].width == 31
    assert ws.auto_filter.ref == "A1:C5"
    assert (ws.print_area, ws.print_title_rows) == ("'Budget'!$A$1:$C$5", "$1:$1")
    # and the next sync of that file works (no stale merge in the way), and writes nothing
    assert open_workbook(path).sync([budget("acde")], today=TODAY).cells_written == 0


def test_a_merge_on_a_deleted_row_goes_with_it_and_never_swallows_the_next_row(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    open_workbook(path).sync([budget("abc")], today=TODAY)
    wb = openpyxl.load_workbook(path)
    wb["Budget"].merge_cells("D3:F3")  # on b's row, empty: b's row may go
    wb.save(path)
    open_workbook(path).sync([budget("ac")], today=TODAY)
    open_workbook(path).sync([budget("acx")], today=TODAY)  # later syncs write where the merge was
    ws = openpyxl.load_workbook(path)["Budget"]
    assert not ws.merged_cells.ranges
    assert [[c.value for c in row][:2] for row in ws.iter_rows(min_row=2)] == [["a", 1], ["c", 2], ["x", 3]]


# ---- a sync that inserts a column ----------------------------------------------------------------


def test_everything_attached_to_cells_follows_an_inserted_column(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    open_workbook(path).sync([budget("abc")], today=TODAY)  # A Key, B Value, C Sync status
    wb = openpyxl.load_workbook(path)
    ws = wb["Budget"]
    ws["E1"], ws["E2"] = "Double", "=B2*2"
    ws.conditional_formatting.add("E2:E4", FormulaRule(formula=["$B2>1"], fill=RED))
    ws.column_dimensions["E"].width = 25
    ws.column_dimensions["F"].hidden = True
    ws.auto_filter.ref = "A1:E4"
    ws.auto_filter.filterColumn = [FilterColumn(colId=4, filters=Filters(filter=["2"]))]  # on E
    image = Image(png())
    ws.add_image(image, "G2")
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=4), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=4))
    ws.add_chart(chart, "H6")
    wb.save(path)

    open_workbook(path).sync([budget("abc", extra=True)], today=TODAY)  # Extra goes in at B

    wb = openpyxl.load_workbook(path)
    ws = wb["Budget"]
    assert [c.value for c in ws[1]][:6] == ["Key", "Extra", "Value", "Sync status", None, "Double"]
    assert ws["F2"].value == "=C2*2"
    (cf,) = ws.conditional_formatting
    assert str(cf.sqref) == "F2:F4" and cf.rules[0].formula == ["$C2>1"]
    assert ws.column_dimensions["F"].width == 25 and ws.column_dimensions["G"].hidden
    assert ws.auto_filter.ref == "A1:F4" and ws.auto_filter.filterColumn[0].colId == 5
    (image,) = ws._images
    assert (image.anchor._from.col, image.anchor._from.row) == (7, 1)  # H2
    (chart,) = ws._charts
    assert chart.series[0].val.numRef.f == "'Budget'!$C$2:$C$4"
    assert (chart.anchor._from.col, chart.anchor._from.row) == (8, 5)  # I6


def test_a_column_opsheets_must_insert_inside_an_excel_table_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    open_workbook(path).sync([budget("abc")], today=TODAY)
    wb = openpyxl.load_workbook(path)
    wb["Budget"].add_table(ExcelTable(displayName="Budget_table", ref="A1:C4"))
    wb.save(path)
    before = path.read_bytes()
    with pytest.raises(
        SheetLayoutError, match=r"tab 'Budget'.*Budget_table.*A1:C4.*Convert to Range"
    ) as refused:
        open_workbook(path).sync([budget("abc", extra=True)], today=TODAY)
    assert str(refused.value).startswith(f"Workbook '{path}'")
    assert path.read_bytes() == before
