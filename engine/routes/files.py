"""Files: upload, list, retrieve, download, delete."""

from __future__ import annotations

import sqlite3
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import FileResponse

from core.types.files import FILE_PURPOSES, FileObject
from engine.errors import InvalidRequest, NotFound
from engine.ids import new_id, now
from engine.pagination import ListQueryDep, list_page
from engine.state import ProjectDep, StateDep
from engine.stores import delete_chunks

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


@router.post("/files")
def create_file(
    state: StateDep,
    project: ProjectDep,
    file: Annotated[UploadFile, File(description="The file to upload.")],
    purpose: Annotated[str, Form()],
) -> dict[str, Any]:
    if purpose not in FILE_PURPOSES:
        raise InvalidRequest(
            f"Unknown purpose '{purpose}'; expected one of: {', '.join(FILE_PURPOSES)}.",
            param="purpose",
            code="invalid_value",
        )
    filename = (file.filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not filename:
        raise InvalidRequest("The upload has no file name.", param="file")
    file_id = new_id("file-")
    size, sha256 = state.blobs.save(file_id, file.file, max_bytes=state.settings.max_upload_bytes)
    try:
        with state.db.write() as conn:
            conn.execute(
                "INSERT INTO files (id, filename, purpose, bytes, created_at, sha256, project_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (file_id, filename, purpose, size, now(), sha256, project),
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
