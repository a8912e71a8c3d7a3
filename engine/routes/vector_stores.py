"""Vector stores: create, list, retrieve, modify, delete, search."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter

from core.types.vector_stores import (
    VectorStoreCreateParams,
    VectorStoreSearchParams,
    VectorStoreUpdateParams,
)
from engine.ids import new_id, now
from engine.pagination import ListQueryDep, list_page
from engine.search import search_stores
from engine.state import ProjectDep, StateDep
from engine.stores import (
    attach_file,
    chunking_params,
    delete_chunks,
    get_store_row,
    render_store,
    touch,
)

router = APIRouter(tags=["vector stores"])


@router.post("/vector_stores")
def create_vector_store(state: StateDep, project: ProjectDep,
                        body: VectorStoreCreateParams) -> dict[str, Any]:
    chunking = chunking_params(body.chunking_strategy, "chunking_strategy")
    store_id = new_id("vs_")
    with state.db.write() as conn:
        conn.execute(
            "INSERT INTO vector_stores (id, name, created_at, expires_after_days, metadata,"
            " project_id) VALUES (?, ?, ?, ?, ?, ?)",
            (store_id, body.name or "", now(),
             body.expires_after.days if body.expires_after else None,
             json.dumps(body.metadata or {}), project),
        )
        touch(conn, store_id)
        added = [f for f in dict.fromkeys(body.file_ids)
                 if attach_file(conn, store_id, f, chunking, None, project=project)]
        row = get_store_row(conn, store_id)
        result = render_store(conn, row)
    for file_id in added:
        state.ingestion.enqueue(store_id, file_id)
    return result


@router.get("/vector_stores")
def list_vector_stores(state: StateDep, project: ProjectDep, query: ListQueryDep) -> dict[str, Any]:
    conn = state.db.read()
    return list_page(conn, "vector_stores", query, lambda row: render_store(conn, row),
                     where="project_id = ?", params=(project,))


@router.get("/vector_stores/{vector_store_id}")
def retrieve_vector_store(state: StateDep, project: ProjectDep,
                          vector_store_id: str) -> dict[str, Any]:
    conn = state.db.read()
    return render_store(conn, get_store_row(conn, vector_store_id, project=project))


@router.post("/vector_stores/{vector_store_id}")
def modify_vector_store(
    state: StateDep, project: ProjectDep, vector_store_id: str, body: VectorStoreUpdateParams
) -> dict[str, Any]:
    with state.db.write() as conn:
        get_store_row(conn, vector_store_id, project=project)
        sent = body.model_fields_set
        if "name" in sent:
            conn.execute("UPDATE vector_stores SET name = ? WHERE id = ?",
                         (body.name or "", vector_store_id))
        if "metadata" in sent:
            conn.execute("UPDATE vector_stores SET metadata = ? WHERE id = ?",
                         (json.dumps(body.metadata or {}), vector_store_id))
        if "expires_after" in sent:
            days = body.expires_after.days if body.expires_after else None
            conn.execute("UPDATE vector_stores SET expires_after_days = ? WHERE id = ?",
                         (days, vector_store_id))
            touch(conn, vector_store_id)
        return render_store(conn, get_store_row(conn, vector_store_id))


@router.delete("/vector_stores/{vector_store_id}")
def delete_vector_store(state: StateDep, project: ProjectDep,
                        vector_store_id: str) -> dict[str, Any]:
    with state.db.write() as conn:
        get_store_row(conn, vector_store_id, project=project)
        delete_chunks(conn, "vector_store_id = ?", (vector_store_id,))
        conn.execute("DELETE FROM vector_stores WHERE id = ?", (vector_store_id,))
    return {"id": vector_store_id, "object": "vector_store.deleted", "deleted": True}


@router.post("/vector_stores/{vector_store_id}/search")
def search_vector_store(
    state: StateDep, project: ProjectDep, vector_store_id: str, body: VectorStoreSearchParams
) -> dict[str, Any]:
    conn = state.db.read()
    get_store_row(conn, vector_store_id, project=project)
    queries = [body.query] if isinstance(body.query, str) else list(body.query)
    threshold = body.ranking_options.score_threshold if body.ranking_options else 0.0
    hits = search_stores(
        conn, [vector_store_id], queries,
        max_results=body.max_num_results, score_threshold=threshold, filters=body.filters,
        mode=body.search_mode,
    )
    with state.db.write() as wconn:
        touch(wconn, vector_store_id)
    return {
        "object": "vector_store.search_results.page",
        "search_query": queries,
        "data": [hit.as_result() for hit in hits],
        "has_more": False,
        "next_page": None,
    }
