"""The workbook's copy of opsheets' memory, in custom document properties (File › Properties ›
Custom in Excel): a person who deletes the hidden `_opsheets` tab does not delete them, so opsheets
still knows its own rows and columns.

Excel shows at most 255 characters of a property, so the memory's JSON text is split over
numbered properties of that size ("opsheets memory 0001", "opsheets memory 0002", …).
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty

from connectors.sheets.memory import Memory, memory_from_text, memory_text

PREFIX = "opsheets memory "
CHUNK = 255


def read_backup(wb: Workbook) -> Memory:
    props = wb.custom_doc_props  # type: ignore[attr-defined]  # openpyxl 3.1's; types-openpyxl lacks it
    parts = sorted((p.name, p.value) for p in props.props if p.name.startswith(PREFIX))
    return memory_from_text("".join(str(value or "") for _, value in parts))


def write_backup(wb: Workbook, memory: Memory) -> None:
    props = wb.custom_doc_props  # type: ignore[attr-defined]  # openpyxl 3.1's; types-openpyxl lacks it
    for name in [p.name for p in props.props if p.name.startswith(PREFIX)]:
        del props[name]
    text = memory_text(memory)
    for n, start in enumerate(range(0, len(text), CHUNK), 1):
        props.append(StringProperty(name=f"{PREFIX}{n:04d}", value=text[start : start + CHUNK]))
