"""Vector-store files and file batches."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from core.types.vector_stores import (
    FileBatchCreateParams,
    FileContentPart,
    VectorStoreFileContent,
    VectorStoreFileCreateParams,
    VectorStoreFileUpdateParams,
)
from engine.errors import InvalidRequest, NotFound
from engine.ids import new_id, now
from engine.pagination import ListQueryDep, list_page
from engine.state import ProjectDep, StateDep
from engine.stores import (
    attach_file,
    chunking_params,
    delete_chunks,
    get_store_row,
    render_batch,
    render_store_file,
)

router = APIRouter(tags=["vector store files"])
StatusFilter = Annotated[
    Literal["in_progress", "completed", "failed", "cancelled"] | None, Query(alias="filter")
]
MAX_ATTRIBUTES, MAX_KEY, MAX_VALUE = 16, 64, 512


def check_attributes(attributes: dict | None, param: str = "attributes") -> None:
    if not attributes:
        return
    if len(attributes) > MAX_ATTRIBUTES:
        raise InvalidRequest(f"At most {MAX_ATTRIBUTES} attributes are allowed.", param=param)
    for key, value in attributes.items():
        if len(key) > MAX_KEY:
            raise InvalidRequest(f"Attribute key '{key[:20]}…' is longer than {MAX_KEY}.", param=param)
        if isinstance(value, str) and len(value) > MAX_VALUE:
            raise InvalidRequest(f"Attribute '{key}' is longer than {MAX_VALUE}.", param=param)


def _store_file_row(conn, store_id: str, file_id: str):
    row = conn.execute(
        "SELECT * FROM vector_store_files WHERE vector_store_id = ? AND file_id = ?",
        (store_id, file_id),
    ).fetchone()
    if row is None:
        raise NotFound("vector store file", file_id, param="file_id")
    return row


@router.post("/vector_stores/{vector_store_id}/files")
def create_vector_store_file(
    state: StateDep, project: ProjectDep, vector_store_id: str, body: VectorStoreFileCreateParams
) -> dict[str, Any]:
    chunking = chunking_params(body.chunking_strategy, "chunking_strategy")
    check_attributes(body.attributes)
    with state.db.write() as conn:
        get_store_row(conn, vector_store_id, project=project)
        added = attach_file(conn, vector_store_id, body.file_id, chunking, body.attributes,
                            project=project)
        row = _store_file_row(conn, vector_store_id, body.file_id)
    if added:
        state.ingestion.enqueue(vector_store_id, body.file_id)
    return render_store_file(row)


@router.get("/vector_stores/{vector_store_id}/files")
def list_vector_store_files(
    state: StateDep, project: ProjectDep, vector_store_id: str, query: ListQueryDep, status: StatusFilter = None
) -> dict[str, Any]:
    conn = state.db.read()
    get_store_row(conn, vector_store_id, project=project)
    where, params = "vector_store_id = ?", [vector_store_id]
    if status:
        where += " AND status = ?"
        params.append(status)
    return list_page(conn, "vector_store_files", query, render_store_file,
                     where=where, params=params, id_column="file_id")


@router.get("/vector_stores/{vector_store_id}/files/{file_id}")
def retrieve_vector_store_file(state: StateDep, project: ProjectDep, vector_store_id: str, file_id: str) -> dict[str, Any]:
    conn = state.db.read()
    get_store_row(conn, vector_store_id, project=project)
    return render_store_file(_store_file_row(conn, vector_store_id, file_id))


@router.get("/vector_stores/{vector_store_id}/files/{file_id}/content")
def retrieve_vector_store_file_content(
    state: StateDep, project: ProjectDep, vector_store_id: str, file_id: str
) -> dict[str, Any]:
    """The file's parsed text, one text part per page (nothing before it is processed)."""
    conn = state.db.read()
    get_store_row(conn, vector_store_id, project=project)
    _store_file_row(conn, vector_store_id, file_id)
    pages = conn.execute(
        "SELECT text FROM file_pages WHERE file_id = ? ORDER BY page", (file_id,)
    ).fetchall()
    return VectorStoreFileContent(
        data=[FileContentPart(text=row["text"]) for row in pages], next_page=None
    ).model_dump(mode="json")


@router.post("/vector_stores/{vector_store_id}/files/{file_id}")
def update_vector_store_file(
    state: StateDep, project: ProjectDep, vector_store_id: str, file_id: str, body: VectorStoreFileUpdateParams
) -> dict[str, Any]:
    check_attributes(body.attributes)
    with state.db.write() as conn:
        get_store_row(conn, vector_store_id, project=project)
        _store_file_row(conn, vector_store_id, file_id)
        conn.execute(
            "UPDATE vector_store_files SET attributes = ? WHERE vector_store_id = ? AND file_id = ?",
            (json.dumps(body.attributes or {}), vector_store_id, file_id),
        )
        return render_store_file(_store_file_row(conn, vector_store_id, file_id))


@router.delete("/vector_stores/{vector_store_id}/files/{file_id}")
def delete_vector_store_file(state: StateDep, project: ProjectDep, vector_store_id: str, file_id: str) -> dict[str, Any]:
    with state.db.write() as conn:
        get_store_row(conn, vector_store_id, project=project)
        _store_file_row(conn, vector_store_id, file_id)
        delete_chunks(conn, "vector_store_id = ? AND file_id = ?", (vector_store_id, file_id))
        conn.execute("DELETE FROM vector_store_files WHERE vector_store_id = ? AND file_id = ?",
                     (vector_store_id, file_id))
    return {"id": file_id, "object": "vector_store.file.deleted", "deleted": True}


def _batch_row(conn, store_id: str, batch_id: str, project: str):
    row = conn.execute(
        "SELECT * FROM file_batches WHERE id = ? AND vector_store_id = ? AND project_id = ?",
        (batch_id, store_id, project),
    ).fetchone()
    if row is None:
        raise NotFound("file batch", batch_id, param="batch_id")
    return row


@router.post("/vector_stores/{vector_store_id}/file_batches")
def create_file_batch(
    state: StateDep, project: ProjectDep, vector_store_id: str, body: FileBatchCreateParams
) -> dict[str, Any]:
    if body.files and body.file_ids:
        raise InvalidRequest("Send either file_ids or files, not both.", param="files")
    entries = body.files or [
        VectorStoreFileCreateParams(file_id=f, attributes=body.attributes) for f in body.file_ids
    ]
    if not entries:
        raise InvalidRequest("A file batch needs at least one file.", param="file_ids")
    default = chunking_params(body.chunking_strategy, "chunking_strategy")
    batch_id, added = new_id("vsfb_"), []
    with state.db.write() as conn:
        get_store_row(conn, vector_store_id, project=project)
        conn.execute("INSERT INTO file_batches (id, vector_store_id, created_at, project_id)"
                     " VALUES (?, ?, ?, ?)", (batch_id, vector_store_id, now(), project))
        for i, entry in enumerate(entries):
            check_attributes(entry.attributes, f"files[{i}].attributes")
            chunking = (chunking_params(entry.chunking_strategy, f"files[{i}].chunking_strategy")
                        if entry.chunking_strategy else default)
            if attach_file(conn, vector_store_id, entry.file_id, chunking, entry.attributes,
                           project=project):
                added.append(entry.file_id)
            conn.execute("INSERT OR IGNORE INTO batch_files VALUES (?, ?)", (batch_id, entry.file_id))
        result = render_batch(conn, _batch_row(conn, vector_store_id, batch_id, project))
    for file_id in added:
        state.ingestion.enqueue(vector_store_id, file_id)
    return result


@router.get("/vector_stores/{vector_store_id}/file_batches/{batch_id}")
def retrieve_file_batch(state: StateDep, project: ProjectDep, vector_store_id: str, batch_id: str) -> dict[str, Any]:
    conn = state.db.read()
    return render_batch(conn, _batch_row(conn, vector_store_id, batch_id, project))


@router.post("/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel")
def cancel_file_batch(state: StateDep, project: ProjectDep, vector_store_id: str, batch_id: str) -> dict[str, Any]:
    with state.db.write() as conn:
        _batch_row(conn, vector_store_id, batch_id, project)
        conn.execute("UPDATE file_batches SET cancelled = 1 WHERE id = ?", (batch_id,))
        conn.execute(
            "UPDATE vector_store_files SET status = 'cancelled' WHERE vector_store_id = ?"
            " AND status = 'in_progress'"
            " AND file_id IN (SELECT file_id FROM batch_files WHERE batch_id = ?)",
            (vector_store_id, batch_id),
        )
        return render_batch(conn, _batch_row(conn, vector_store_id, batch_id, project))


@router.get("/vector_stores/{vector_store_id}/file_batches/{batch_id}/files")
def list_file_batch_files(
    state: StateDep, project: ProjectDep, vector_store_id: str, batch_id: str, query: ListQueryDep,
    status: StatusFilter = None,
) -> dict[str, Any]:
    conn = state.db.read()
    _batch_row(conn, vector_store_id, batch_id, project)
    where = ("vector_store_id = ? AND file_id IN (SELECT file_id FROM batch_files"
             " WHERE batch_id = ?)")
    params: list[Any] = [vector_store_id, batch_id]
    if status:
        where += " AND status = ?"
        params.append(status)
    return list_page(conn, "vector_store_files", query, render_store_file,
                     where=where, params=params, id_column="file_id")
