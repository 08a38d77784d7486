"""The Google backend's copy of opsheets' memory: one developer-metadata entry on each tab it writes.

Sheet-located developer metadata (key `opsheets.memory`, visibility DOCUMENT) is invisible in the
Sheets UI and goes only with its tab, so a person who deletes the hidden `_opsheets` tab leaves it,
and opsheets still knows the columns and rows it wrote there. Google caps the metadata of one
location at 30,000 characters: a tab whose record is longer (about 3,600 owned rows) keeps its
columns and key in the copy but not its rows — after losing the `_opsheets` tab, opsheets then
leaves that tab's rows outside the source alone, with a warning, rather than guess.

The entries are written in the sync's one structural batch (spreadsheets:batchUpdate), so the copy
and the data it describes land together or not at all.
"""

from __future__ import annotations

from typing import Any

from connectors.sheets.memory import Memory, fitting, memory_from_text, memory_text

BACKUP_KEY = "opsheets.memory"
LIMIT = 30_000  # characters of developer metadata per location
FIELDS = "developerMetadata(metadataId,metadataKey,metadataValue)"  # inside sheets(...) of the read

Request = dict[str, Any]


def read_backups(sheets: list[dict[str, Any]]) -> tuple[Memory, dict[str, list[int]]]:
    """Every tab's copy as read with `FIELDS`, and the metadataIds of each tab's entries."""
    memory: Memory = {}
    ids: dict[str, list[int]] = {}
    for sheet in sheets:
        title = sheet["properties"]["title"]
        for entry in sheet.get("developerMetadata", []):
            if entry.get("metadataKey") == BACKUP_KEY:
                ids.setdefault(title, []).append(int(entry["metadataId"]))
                lines = memory_from_text(entry.get("metadataValue"))
                memory |= {t: m for t, m in lines.items() if t == title}
    return memory, ids


def backup_requests(
    tabs: dict[str, int], memory: Memory, backup: Memory, ids: dict[str, list[int]]
) -> list[Request]:
    """Requests that make each tab's copy (tabs: title → sheetId, existing or added in the batch) say
    what `memory` says, replacing an outdated entry (and any stray second one) of that tab."""
    out: list[Request] = []
    for tab, sheet_id in tabs.items():
        line = memory.get(tab)
        if line is None or (backup.get(tab) == fitting(tab, line, LIMIT) and len(ids.get(tab, [])) == 1):
            continue
        out += [
            {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataId": i}}}}
            for i in ids.get(tab, [])
        ]
        entry = {
            "metadataKey": BACKUP_KEY,
            "metadataValue": memory_text({tab: fitting(tab, line, LIMIT)}),
            "location": {"sheetId": sheet_id},
            "visibility": "DOCUMENT",
        }
        out.append({"createDeveloperMetadata": {"developerMetadata": entry}})
    return out
