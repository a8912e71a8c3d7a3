"""Files: upload, list, retrieve, download, delete."""

from __future__ import annotations

import sqlite3
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from core.types.files import FILE_PURPOSES, FileObject
from engine.blobs import TempBlob
from engine.errors import APIError, InvalidRequest, NotFound
from engine.ids import new_id, now
from engine.pagination import ListQueryDep, list_page
from engine.state import EngineState, ProjectDep, StateDep
from engine.stores import delete_chunks
from engine.uploads import UploadAborted, read_upload

router = APIRouter(tags=["files"])


def render_file(row: sqlite3.Row) -> dict[str, Any]:
    return FileObject(
        id=row["id"],
        bytes=row["bytes"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        filename=row["filename"],
        purpose=row["purpose"],
        status="processed",
    ).model_dump(mode="json")


def get_file_row(conn: sqlite3.Connection, file_id: str, param: str = "file_id", *,
                 project: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM files WHERE id = ? AND project_id = ?",
                       (file_id, project)).fetchone()
    if row is None:
        raise NotFound("file", file_id, param=param)
    return row


UPLOAD_FORM = {
    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file", "purpose"],
        "properties": {
            "file": {"type": "string", "format": "binary", "description": "The file to upload."},
            "purpose": {"type": "string", "enum": list(FILE_PURPOSES)},
        },
    }}}},
}


@router.post("/files", response_model=None, openapi_extra=UPLOAD_FORM)
async def create_file(
    state: StateDep, project: ProjectDep, request: Request
) -> dict[str, Any] | Response:
    """The body is parsed as it streams in (engine/uploads.py): 413 as soon as the file passes
    ENGINE_MAX_UPLOAD_BYTES, and nothing of it left on disk when the upload fails."""
    try:
        upload = await read_upload(request, state.blobs, max_bytes=state.settings.max_upload_bytes)
    except UploadAborted:
        return Response(status_code=400)  # nobody is left to read it
    except APIError as exc:
        # The rest of the body is still on its way: closing the connection stops it, where
        # keeping it alive would make the server read (and the client send) all of it first.
        return JSONResponse(exc.envelope(), status_code=exc.status_code,
                            headers={"Connection": "close"})
    blob = upload.blob
    try:
        purpose = upload.fields.get("purpose")
        if purpose is None:
            raise InvalidRequest("Missing the 'purpose' form field.", param="purpose",
                                 code="missing_required_parameter")
        if purpose not in FILE_PURPOSES:
            raise InvalidRequest(
                f"Unknown purpose '{purpose[:40]}'; expected one of: {', '.join(FILE_PURPOSES)}.",
                param="purpose",
                code="invalid_value",
            )
        if blob is None:
            raise InvalidRequest("Missing the 'file' part.", param="file",
                                 code="missing_required_parameter")
        filename = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
        if not filename:
            raise InvalidRequest("The upload has no file name.", param="file")
        if blob.size == 0:
            raise InvalidRequest("File is empty.", param="file", code="empty_file")
        return await anyio.to_thread.run_sync(_store_upload, state, blob, filename, purpose,
                                              project)
    finally:
        if blob is not None:
            blob.discard()  # a no-op once the blob was moved into place


def _store_upload(
    state: EngineState, blob: TempBlob, filename: str, purpose: str, project: str
) -> dict[str, Any]:
    file_id = new_id("file-")
    state.blobs.commit(blob, file_id)
    try:
        with state.db.write() as conn:
            conn.execute(
                "INSERT INTO files (id, filename, purpose, bytes, created_at, sha256, project_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (file_id, filename, purpose, blob.size, now(), blob.sha256, project),
            )
            row = get_file_row(conn, file_id, project=project)
    except BaseException:
        state.blobs.delete(file_id)
        raise
    return render_file(row)


@router.get("/files")
def list_files(state: StateDep, project: ProjectDep, query: ListQueryDep,
               purpose: str | None = None) -> dict[str, Any]:
    where, params = "project_id = ?", [project]
    if purpose:
        where += " AND purpose = ?"
        params.append(purpose)
    return list_page(state.db.read(), "files", query, render_file, where=where, params=params)


@router.get("/files/{file_id}")
def retrieve_file(state: StateDep, project: ProjectDep, file_id: str) -> dict[str, Any]:
    return render_file(get_file_row(state.db.read(), file_id, project=project))


@router.get("/files/{file_id}/content")
def download_file(state: StateDep, project: ProjectDep, file_id: str) -> FileResponse:
    row = get_file_row(state.db.read(), file_id, project=project)
    return FileResponse(state.blobs.path(file_id), filename=row["filename"])


@router.delete("/files/{file_id}")
def delete_file(state: StateDep, project: ProjectDep, file_id: str) -> dict[str, Any]:
    with state.db.write() as conn:
        get_file_row(conn, file_id, project=project)
        delete_chunks(conn, "file_id = ?", (file_id,))
        conn.execute("DELETE FROM vector_store_files WHERE file_id = ?", (file_id,))
        conn.execute("DELETE FROM files WHERE id = ?", (file_id,))
    state.blobs.delete(file_id)
    return {"id": file_id, "object": "file", "deleted": True}
