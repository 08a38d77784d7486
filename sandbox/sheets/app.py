"""The FastAPI app: exactly the Sheets v4 paths of the discovery document, Google's error bodies."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sandbox.sheets import metadata, values
from sandbox.sheets.errors import NOT_FOUND_MESSAGE, UNAUTHENTICATED_MESSAGE, SheetsError, invalid
from sandbox.sheets.griddata import spreadsheet_view
from sandbox.sheets.model import Spreadsheet
from sandbox.sheets.partial import field_mask
from sandbox.sheets.requests import apply_batch
from sandbox.sheets.state import SheetsState

PREFIX = "/v4/spreadsheets"

# What Sheets answers a larger body with (400); Google recommends staying under 2 MB.
PAYLOAD_LIMIT = 10 * 1024 * 1024


def create_app(state: SheetsState) -> FastAPI:
    app = FastAPI(title="Google Sheets v4 stand-in")
    _install_error_handlers(app)
    _add_spreadsheet_routes(app, state)
    _add_values_routes(app, state)
    _add_metadata_routes(app, state)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SheetsError)
    async def sheets_error(_: Request, exc: SheetsError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.code)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = NOT_FOUND_MESSAGE if exc.status_code == 404 else str(exc.detail)
        return JSONResponse(SheetsError(exc.status_code, message).body(), status_code=exc.status_code)


def _user(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise SheetsError(401, UNAUTHENTICATED_MESSAGE)
    return token.strip()


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    if len(raw) > PAYLOAD_LIMIT:
        raise invalid(f"Request payload size exceeds the limit: {PAYLOAD_LIMIT} bytes.")
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise invalid(f"Invalid JSON payload received. {exc}") from exc
    if not isinstance(body, dict):
        raise invalid("Invalid JSON payload received. Expected an object.")
    return body


def _add_spreadsheet_routes(app: FastAPI, state: SheetsState) -> None:
    @app.get(PREFIX + "/{spreadsheet_id}")
    async def get_spreadsheet(spreadsheet_id: str, request: Request) -> JSONResponse:
        user = _user(request)
        with state.lock:
            state.admit(user, write=False)
            book = state.book(spreadsheet_id)
            query = request.query_params
            fields = query.get("fields")
            mask = field_mask(fields) if fields else None
            grid_data = _truthy(query.get("includeGridData"))
            view = spreadsheet_view(book, query.getlist("ranges"), grid_data, mask)
            # Serialised under the lock (the view shares stored cells), and straight away: FastAPI's
            # own encoder would walk every cell of a large grid once more.
            return JSONResponse(view)

    @app.post(PREFIX + "/{spreadsheet_id}:batchUpdate")
    async def batch_update(spreadsheet_id: str, request: Request) -> dict[str, Any]:
        user = _user(request)
        body = await _body(request)
        with state.lock:
            state.admit(user, write=True)
            book = state.book(spreadsheet_id)
            updated, replies = apply_batch(book, body.get("requests") or [])
            state.spreadsheets[spreadsheet_id] = updated
            out: dict[str, Any] = {"spreadsheetId": spreadsheet_id, "replies": replies}
            if body.get("includeSpreadsheetInResponse"):
                out["updatedSpreadsheet"] = updated.metadata()
            return out


def _add_metadata_routes(app: FastAPI, state: SheetsState) -> None:
    """spreadsheets.developerMetadata.get and .search (reads, under the read quota)."""

    @app.get(PREFIX + "/{spreadsheet_id}/developerMetadata/{metadata_id}")
    async def get_metadata(spreadsheet_id: str, metadata_id: int, request: Request) -> dict[str, Any]:
        user = _user(request)
        with state.lock:
            state.admit(user, write=False)
            return metadata.get_one(state.book(spreadsheet_id), metadata_id)

    @app.post(PREFIX + "/{spreadsheet_id}/developerMetadata:search")
    async def search_metadata(spreadsheet_id: str, request: Request) -> dict[str, Any]:
        user = _user(request)
        body = await _body(request)
        with state.lock:
            state.admit(user, write=False)
            return metadata.search(state.book(spreadsheet_id), body.get("dataFilters") or [])


def _add_values_routes(app: FastAPI, state: SheetsState) -> None:
    values_prefix = PREFIX + "/{spreadsheet_id}/values"

    @app.get(values_prefix + ":batchGet")
    async def batch_get(spreadsheet_id: str, request: Request) -> dict[str, Any]:
        user = _user(request)
        query = request.query_params
        render, major = _read_options(query.get("valueRenderOption"), query.get("majorDimension"))
        with state.lock:
            state.admit(user, write=False)
            book = state.book(spreadsheet_id)
            ranges = [book.resolve(text) for text in query.getlist("ranges")]
            return {
                "spreadsheetId": spreadsheet_id,
                "valueRanges": [values.read(sheet, bounds, render, major) for sheet, bounds in ranges],
            }

    @app.post(values_prefix + ":batchUpdate")
    async def batch_update_values(spreadsheet_id: str, request: Request) -> dict[str, Any]:
        user = _user(request)
        body = await _body(request)
        with state.lock:
            state.admit(user, write=True)
            return _write_many(state, spreadsheet_id, body)

    @app.post(values_prefix + ":batchClear")
    async def batch_clear(spreadsheet_id: str, request: Request) -> dict[str, Any]:
        user = _user(request)
        body = await _body(request)
        with state.lock:
            state.admit(user, write=True)
            book = state.book(spreadsheet_id)
            targets = [book.resolve(text) for text in body.get("ranges") or []]
            cleared = [values.clear(sheet, bounds) for sheet, bounds in targets]
            return {"spreadsheetId": spreadsheet_id, "clearedRanges": cleared}

    @app.post(values_prefix + "/{a1_range:path}:clear")
    async def clear_values(spreadsheet_id: str, a1_range: str, request: Request) -> dict[str, Any]:
        user = _user(request)
        with state.lock:
            state.admit(user, write=True)
            sheet, bounds = state.book(spreadsheet_id).resolve(a1_range)
            return {"spreadsheetId": spreadsheet_id, "clearedRange": values.clear(sheet, bounds)}

    @app.get(values_prefix + "/{a1_range:path}")
    async def get_values(spreadsheet_id: str, a1_range: str, request: Request) -> dict[str, Any]:
        user = _user(request)
        query = request.query_params
        render, major = _read_options(query.get("valueRenderOption"), query.get("majorDimension"))
        with state.lock:
            state.admit(user, write=False)
            sheet, bounds = state.book(spreadsheet_id).resolve(a1_range)
            return values.read(sheet, bounds, render, major)

    @app.put(values_prefix + "/{a1_range:path}")
    async def update_values(spreadsheet_id: str, a1_range: str, request: Request) -> dict[str, Any]:
        user = _user(request)
        body = await _body(request)
        query = request.query_params
        with state.lock:
            state.admit(user, write=True)
            book = state.book(spreadsheet_id)
            option = _input_option(query.get("valueInputOption"))
            sheet, bounds = book.resolve(a1_range)
            major = values.choose(body.get("majorDimension"), values.DIMENSIONS, "ROWS", "major_dimension")
            result = values.write(sheet, bounds, body.get("values"), option, major, book.locale)
            out = result.response(spreadsheet_id)
            if _truthy(query.get("includeValuesInResponse")):
                out["updatedData"] = _echo(book, result.updated_range, query.get("responseValueRenderOption"))
            return out


def _write_many(state: SheetsState, spreadsheet_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Written to a copy that replaces the original, so one bad range leaves the spreadsheet as it was."""
    option = _input_option(body.get("valueInputOption"))
    trial = state.book(spreadsheet_id).copy()
    results = []
    for item in body.get("data") or []:
        sheet, bounds = trial.resolve(str(item.get("range", "")))
        major = values.choose(item.get("majorDimension"), values.DIMENSIONS, "ROWS", "major_dimension")
        results.append(values.write(sheet, bounds, item.get("values"), option, major, trial.locale))
    state.spreadsheets[spreadsheet_id] = trial
    render = body.get("responseValueRenderOption")
    responses = [r.response(spreadsheet_id) for r in results]
    if body.get("includeValuesInResponse"):
        for response in responses:
            response["updatedData"] = _echo(trial, response["updatedRange"], render)
    return _batch_totals(spreadsheet_id, results, responses)


def _batch_totals(
    spreadsheet_id: str, results: list[values.WriteResult], responses: list[dict[str, Any]]
) -> dict[str, Any]:
    out: dict[str, Any] = {"spreadsheetId": spreadsheet_id}
    written = [r for r in results if r.cells]
    if written:
        out.update(
            totalUpdatedRows=sum(r.rows for r in written),
            totalUpdatedColumns=sum(r.columns for r in written),
            totalUpdatedCells=sum(r.cells for r in written),
            totalUpdatedSheets=len({r.updated_range.rpartition("!")[0] for r in written}),
        )
    out["responses"] = responses
    return out


def _echo(book: Spreadsheet, a1_range: str, render: str | None) -> dict[str, Any]:
    sheet, bounds = book.resolve(a1_range)
    return values.read(
        sheet,
        bounds,
        values.choose(render, values.RENDER_OPTIONS, "FORMATTED_VALUE", "response_value_render_option"),
        "ROWS",
    )


def _read_options(render: str | None, major: str | None) -> tuple[str, str]:
    return (
        values.choose(render, values.RENDER_OPTIONS, "FORMATTED_VALUE", "value_render_option"),
        values.choose(major, values.DIMENSIONS, "ROWS", "major_dimension"),
    )


def _input_option(option: str | None) -> str:
    if option in (None, "", "INPUT_VALUE_OPTION_UNSPECIFIED"):
        raise invalid("'valueInputOption' is required but not specified")
    return values.choose(option, values.INPUT_OPTIONS, "RAW", "value_input_option")


def _truthy(flag: str | None) -> bool:
    return (flag or "").lower() == "true"
