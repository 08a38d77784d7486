"""Developer metadata: create, update, delete and search, matched by DataFilter as the v4 API documents.

ROW and COLUMN metadata live in their row's or column's DimensionProperties (`developerMetadata`),
so every row and column move — insert, delete, moveDimension, sortRange — carries them along, and
deleting the row or column deletes them, as Sheets does. SHEET metadata lives on the sheet (gone
with it), SPREADSHEET metadata on the spreadsheet. Stored entries hold no location: it is computed
from where the entry sits, so it can never go stale.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sandbox.sheets.errors import SheetsError, invalid
from sandbox.sheets.model import Sheet, Spreadsheet, apply_mask
from sandbox.sheets.ranges import count_of, dimension_name

Reply = dict[str, Any] | None
VISIBILITIES = ("DOCUMENT", "PROJECT")
LOCATION_TYPES = ("ROW", "COLUMN", "SHEET", "SPREADSHEET")
STRATEGIES = ("EXACT_LOCATION", "INTERSECTING_LOCATION")
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Place:
    """Where an entry sits: kind is one of LOCATION_TYPES; index is the row or column."""

    kind: str
    sheet_id: int | None = None
    index: int | None = None

    def location(self) -> dict[str, Any]:
        if self.kind == "SPREADSHEET":
            return {"locationType": "SPREADSHEET", "spreadsheet": True}
        if self.kind == "SHEET":
            return {"locationType": "SHEET", "sheetId": self.sheet_id}
        assert self.index is not None
        dimension = "ROWS" if self.kind == "ROW" else "COLUMNS"
        span = {"sheetId": self.sheet_id, "dimension": dimension, "startIndex": self.index}
        return {"locationType": self.kind, "dimensionRange": {**span, "endIndex": self.index + 1}}


def entries(book: Spreadsheet) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], Place]]:
    """Every stored entry with the list holding it and its place."""
    for entry in book.developer_metadata:
        yield entry, book.developer_metadata, Place("SPREADSHEET")
    for sheet in book.sheets:
        for entry in sheet.developer_metadata:
            yield entry, sheet.developer_metadata, Place("SHEET", sheet.sheet_id)
        for kind, meta in (("ROW", sheet.row_meta), ("COLUMN", sheet.column_meta)):
            for index in sorted(meta):
                held = meta[index].get("developerMetadata") or []
                for entry in held:
                    yield entry, held, Place(kind, sheet.sheet_id, index)


def _locate(book: Spreadsheet, metadata_id: int) -> tuple[dict[str, Any], list[dict[str, Any]], Place] | None:
    """The entry with this id, through the spreadsheet's index of where each id was last seen: rows
    move under it (inserts, deletes, sorts), so a miss at the remembered place rebuilds it once."""
    if metadata_id not in book.metadata_index:
        return None  # the index holds every id there is (and some that went with their row)
    found = _at(book, metadata_id, Place(*book.metadata_index[metadata_id]))
    if found is None:
        book.metadata_index.clear()
        book.metadata_index.update(
            {e["metadataId"]: (p.kind, p.sheet_id, p.index) for e, _, p in entries(book)}
        )
        if metadata_id in book.metadata_index:
            found = _at(book, metadata_id, Place(*book.metadata_index[metadata_id]))
    return found


def _at(
    book: Spreadsheet, metadata_id: int, place: Place
) -> tuple[dict[str, Any], list[dict[str, Any]], Place] | None:
    if place.sheet_id is not None and book.by_id(place.sheet_id) is None:
        return None
    if place.index is not None:
        sheet = book.require_sheet(place.sheet_id)
        meta = sheet.row_meta if place.kind == "ROW" else sheet.column_meta
        holder = (meta.get(place.index) or {}).get("developerMetadata") or []
    else:
        holder = _holder(book, place)
    entry = next((e for e in holder if e["metadataId"] == metadata_id), None)
    return (entry, holder, place) if entry is not None else None


def shown(entry: dict[str, Any], place: Place) -> dict[str, Any]:
    """A DeveloperMetadata resource as the API returns it."""
    return {**copy.deepcopy(entry), "location": place.location()}


# --- batchUpdate requests -----------------------------------------------------------------------
def create_developer_metadata(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    source = body.get("developerMetadata") or {}
    key = source.get("metadataKey")
    if not key:
        raise invalid("Developer metadata must always have a metadataKey.")
    visibility = source.get("visibility")
    if visibility not in VISIBILITIES:
        raise invalid("Developer metadata must always have visibility specified (DOCUMENT or PROJECT).")
    entry: dict[str, Any] = {"metadataId": _new_id(book, source.get("metadataId")), "metadataKey": key}
    if "metadataValue" in source:
        entry["metadataValue"] = str(source["metadataValue"])
    entry["visibility"] = visibility
    place = _place(book, source.get("location") or {})
    _store(book, entry, place)
    return {"developerMetadata": shown(entry, place)}


def _store(book: Spreadsheet, entry: dict[str, Any], place: Place) -> None:
    _holder(book, place).append(entry)
    book.metadata_index[entry["metadataId"]] = (place.kind, place.sheet_id, place.index)


def update_developer_metadata(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    filters = body.get("dataFilters") or []
    if not filters:
        raise invalid("At least one data filter must be specified.")
    fields = body.get("fields")
    if not fields:
        raise invalid("At least one field must be specified.")
    source = body.get("developerMetadata") or {}
    matched = _matching(book, filters)
    updated = []
    for entry, holder, place in matched:
        changed = shown(entry, place)
        apply_mask(changed, source, fields)
        if changed.get("metadataId") != entry["metadataId"]:
            raise invalid("metadataId cannot be changed.")
        if not changed.get("metadataKey") or changed.get("visibility") not in VISIBILITIES:
            raise invalid("Developer metadata must keep a metadataKey and a visibility.")
        new_place = _place(book, changed.pop("location") or {})
        holder.remove(entry)
        _store(book, changed, new_place)
        updated.append(shown(changed, new_place))
    return {"developerMetadata": updated}


def delete_developer_metadata(book: Spreadsheet, body: dict[str, Any]) -> Reply:
    data_filter = body.get("dataFilter")
    if not data_filter:
        raise invalid("A data filter must be specified.")
    deleted = []
    for entry, holder, place in _matching(book, [data_filter]):
        holder.remove(entry)
        book.metadata_index.pop(entry["metadataId"], None)
        deleted.append(shown(entry, place))
    return {"deletedDeveloperMetadata": deleted}


# --- developerMetadata.get / :search -----------------------------------------------------------
def get_one(book: Spreadsheet, metadata_id: int) -> dict[str, Any]:
    for entry, _, place in entries(book):
        if entry["metadataId"] == metadata_id:
            return shown(entry, place)
    raise SheetsError(404, f"No developer metadata with ID: {metadata_id}")


def search(book: Spreadsheet, filters: list[dict[str, Any]]) -> dict[str, Any]:
    """Entries matching any filter, each with the filters that matched it."""
    found: list[dict[str, Any]] = []
    for entry, _, place in list(entries(book)):
        hits = [f for f in filters if _matches(book, f, entry, place)]
        if hits:
            found.append({"developerMetadata": shown(entry, place), "dataFilters": copy.deepcopy(hits)})
    return {"matchedDeveloperMetadata": found} if found else {}


# --- matching -----------------------------------------------------------------------------------
def _matching(
    book: Spreadsheet, filters: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], list[dict[str, Any]], Place]]:
    ids = [(f.get("developerMetadataLookup") or {}).get("metadataId") for f in filters]
    if all(i is not None for i in ids):  # by id: no need to look at every entry
        found = [_locate(book, int(i)) for i in ids if i is not None]
        candidates = list({id(c[0]): c for c in found if c}.values())
    else:
        candidates = list(entries(book))
    return [(e, h, p) for e, h, p in candidates if any(_matches(book, f, e, p) for f in filters)]


def _matches(book: Spreadsheet, data_filter: object, entry: dict[str, Any], place: Place) -> bool:
    if not isinstance(data_filter, dict) or len(data_filter) != 1:
        raise invalid("A data filter must set exactly one of developerMetadataLookup, a1Range, gridRange.")
    if "developerMetadataLookup" in data_filter:
        return _lookup_matches(book, data_filter["developerMetadataLookup"] or {}, entry, place)
    if "gridRange" in data_filter:
        box = _box_of_grid_range(data_filter["gridRange"] or {})
    elif "a1Range" in data_filter:
        sheet, bounds = book.resolve(str(data_filter["a1Range"]))
        box = (sheet.sheet_id, bounds.row0, bounds.col0, bounds.row1, bounds.col1)
    else:
        raise invalid(f"Unknown data filter: {sorted(data_filter)}")
    return _in_box(place, box)


def _lookup_matches(book: Spreadsheet, lookup: dict[str, Any], entry: dict[str, Any], place: Place) -> bool:
    strategy = lookup.get("locationMatchingStrategy")
    location = lookup.get("metadataLocation")
    kind = lookup.get("locationType")
    _check_lookup(strategy, location, kind)
    for name in ("metadataId", "metadataKey", "metadataValue", "visibility"):
        if name in lookup and entry.get(name) != lookup[name]:
            return False
    if kind and place.kind != kind:
        return False
    if location is None:
        return True
    wanted = _place(book, location, check_grid=False)
    if strategy == "EXACT_LOCATION":
        return wanted == place
    return _intersects(wanted, place)


def _check_lookup(strategy: Any, location: Any, kind: Any) -> None:
    if strategy is not None and strategy not in STRATEGIES:
        raise invalid(f"Invalid locationMatchingStrategy: {strategy!r}")
    if strategy is not None and location is None:
        raise invalid("locationMatchingStrategy is set, so a metadataLocation must be specified too.")
    if kind is not None and kind not in LOCATION_TYPES:
        raise invalid(f"Invalid locationType: {kind!r}")
    if kind and strategy == "EXACT_LOCATION":
        raise invalid("locationType must be left unspecified when matching an exact location.")
    if kind == "SPREADSHEET" and location is not None and not location.get("spreadsheet"):
        raise invalid("locationType SPREADSHEET cannot be used with a location that is not the spreadsheet.")
    if kind == "SPREADSHEET" and location is not None and strategy != "EXACT_LOCATION":
        raise invalid("locationType SPREADSHEET cannot be used with intersecting location matching.")


def _intersects(wanted: Place, place: Place) -> bool:
    """Spreadsheet metadata intersects nothing else; a sheet holds its rows and columns; a row
    crosses every column of its sheet (and the reverse)."""
    if "SPREADSHEET" in (wanted.kind, place.kind):
        return wanted.kind == place.kind
    if wanted.sheet_id != place.sheet_id:
        return False
    if "SHEET" in (wanted.kind, place.kind) or wanted.kind != place.kind:
        return True
    return wanted.index == place.index


def _box_of_grid_range(grid_range: dict[str, Any]) -> tuple[int, int, int, int | None, int | None]:
    return (
        int(grid_range.get("sheetId", 0)),
        int(grid_range.get("startRowIndex", 0)),
        int(grid_range.get("startColumnIndex", 0)),
        grid_range.get("endRowIndex"),
        grid_range.get("endColumnIndex"),
    )


def _in_box(place: Place, box: tuple[int, int, int, int | None, int | None]) -> bool:
    """A grid range selects the row and column metadata of the rows and columns it covers."""
    sheet_id, row0, col0, row1, col1 = box
    if place.sheet_id != sheet_id or place.index is None:
        return False
    low, high = (row0, row1) if place.kind == "ROW" else (col0, col1)
    return place.index >= low and (high is None or place.index < high)


# --- locations and ids --------------------------------------------------------------------------
def _place(book: Spreadsheet, location: dict[str, Any], check_grid: bool = True) -> Place:
    given = [k for k in ("sheetId", "dimensionRange") if location.get(k) is not None]
    given += ["spreadsheet"] if location.get("spreadsheet") is True else []
    if len(given) != 1:
        raise invalid("A metadata location must set exactly one of spreadsheet, sheetId, dimensionRange.")
    if given[0] == "spreadsheet":
        return Place("SPREADSHEET")
    if given[0] == "sheetId":
        return Place("SHEET", book.require_sheet(int(location["sheetId"])).sheet_id)
    span = location["dimensionRange"]
    sheet = book.require_sheet(int(span.get("sheetId", 0)))
    dimension = dimension_name(span.get("dimension"))
    if "startIndex" not in span or "endIndex" not in span:
        raise invalid("A metadata dimensionRange cannot be unbounded.")
    start, end = int(span["startIndex"]), int(span["endIndex"])
    if end != start + 1:
        raise invalid("A metadata dimensionRange must span exactly one row or column.")
    if check_grid and not 0 <= start < count_of(sheet, dimension):
        raise invalid(f"Metadata location index {start} is outside the sheet ({count_of(sheet, dimension)}).")
    return Place("ROW" if dimension == "ROWS" else "COLUMN", sheet.sheet_id, start)


def _holder(book: Spreadsheet, place: Place) -> list[dict[str, Any]]:
    if place.kind == "SPREADSHEET":
        return book.developer_metadata
    sheet: Sheet = book.require_sheet(place.sheet_id)
    if place.kind == "SHEET":
        return sheet.developer_metadata
    meta = sheet.row_meta if place.kind == "ROW" else sheet.column_meta
    assert place.index is not None
    return meta.setdefault(place.index, {}).setdefault("developerMetadata", [])


def _new_id(book: Spreadsheet, requested: Any) -> int:
    if requested is not None:
        wanted = int(requested)
        if not 0 < wanted <= MAX_ID:
            raise invalid(f"Developer metadata IDs must be positive: {wanted}")
        if _locate(book, wanted) is not None:
            raise invalid(f"Developer metadata with ID {wanted} already exists.")
        return wanted
    candidate = book.new_object_id()
    while _locate(book, candidate) is not None:
        candidate = book.new_object_id()
    return candidate
