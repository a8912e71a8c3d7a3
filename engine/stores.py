"""Vector stores as objects: rendering with exact counts, expiry, and deletion of their data."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from core.types.vector_stores import (
    ChunkingStrategyParam,
    FileCounts,
    StaticChunkingStrategy,
    VectorStore,
    VectorStoreFile,
    VectorStoreFileBatch,
)
from engine.errors import InvalidRequest, NotFound
from engine.ids import now

DEFAULT_CHUNK_MAX, DEFAULT_CHUNK_OVERLAP = 800, 400
_COUNTS_SQL = (
    "SELECT status, COUNT(*) AS n, COALESCE(SUM(usage_bytes), 0) AS usage"
    " FROM vector_store_files WHERE {where} GROUP BY status"
)


def chunking_params(strategy: ChunkingStrategyParam | None, param: str) -> tuple[int, int]:
    """(max tokens, overlap) of a request's chunking strategy; `auto` means OpenAI's defaults."""
    if strategy is None or strategy.type == "auto":
        return DEFAULT_CHUNK_MAX, DEFAULT_CHUNK_OVERLAP
    assert isinstance(strategy, StaticChunkingStrategy)
    size, overlap = strategy.static.max_chunk_size_tokens, strategy.static.chunk_overlap_tokens
    if overlap > size // 2:
        raise InvalidRequest(
            f"chunk_overlap_tokens ({overlap}) must not exceed half of max_chunk_size_tokens"
            f" ({size}).",
            param=f"{param}.static.chunk_overlap_tokens",
        )
    return size, overlap


def _counts(conn: sqlite3.Connection, where: str, params: tuple) -> tuple[FileCounts, int]:
    counts, usage = FileCounts(), 0
    for row in conn.execute(_COUNTS_SQL.format(where=where), params):
        setattr(counts, row["status"], row["n"])
        usage += row["usage"]
    counts.total = counts.in_progress + counts.completed + counts.failed + counts.cancelled
    return counts, usage


def get_store_row(conn: sqlite3.Connection, store_id: str, param: str = "vector_store_id",
                  *, project: str | None = None):
    """The store's row; with `project`, another project's store is absent (404)."""
    if project is None:
        row = conn.execute("SELECT * FROM vector_stores WHERE id = ?", (store_id,)).fetchone()
    else:
        row = conn.execute("SELECT * FROM vector_stores WHERE id = ? AND project_id = ?",
                           (store_id, project)).fetchone()
    if row is None:
        raise NotFound("vector store", store_id, param=param)
    return row


def render_store(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    counts, usage = _counts(conn, "vector_store_id = ?", (row["id"],))
    expired = row["expires_at"] is not None and row["expires_at"] <= now()
    status = "expired" if expired else "in_progress" if counts.in_progress else "completed"
    days = row["expires_after_days"]
    return VectorStore.model_validate({
        "id": row["id"],
        "created_at": row["created_at"],
        "name": row["name"],
        "usage_bytes": usage,
        "file_counts": counts,
        "status": status,
        "expires_after": {"anchor": "last_active_at", "days": days} if days else None,
        "expires_at": row["expires_at"],
        "last_active_at": row["last_active_at"],
        "metadata": json.loads(row["metadata"]),
    }).model_dump(mode="json")


def render_store_file(row: sqlite3.Row) -> dict[str, Any]:
    error = {"code": row["error_code"], "message": row["error_message"]} if row["error_code"] else None
    return VectorStoreFile.model_validate({
        "id": row["file_id"],
        "usage_bytes": row["usage_bytes"],
        "created_at": row["created_at"],
        "vector_store_id": row["vector_store_id"],
        "status": row["status"],
        "last_error": error,
        "chunking_strategy": {
            "type": "static",
            "static": {
                "max_chunk_size_tokens": row["chunk_max"],
                "chunk_overlap_tokens": row["chunk_overlap"],
            },
        },
        "attributes": json.loads(row["attributes"]) if row["attributes"] else {},
        **_progress(row),
    }).model_dump(mode="json")


def _progress(row: sqlite3.Row) -> dict[str, Any]:
    """Our extension while a file is read: `progress: {"pages_done": 312, "pages_total": 784}`."""
    if row["status"] != "in_progress" or row["pages_total"] is None:
        return {}
    return {"progress": {"pages_done": row["pages_done"] or 0, "pages_total": row["pages_total"]}}


def render_batch(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    counts, _ = _counts(
        conn,
        "vector_store_id = ? AND file_id IN (SELECT file_id FROM batch_files WHERE batch_id = ?)",
        (row["vector_store_id"], row["id"]),
    )
    if counts.in_progress:
        status = "in_progress"
    elif row["cancelled"]:
        status = "cancelled"
    elif counts.total and counts.failed == counts.total:
        status = "failed"
    else:
        status = "completed"
    return VectorStoreFileBatch.model_validate({
        "id": row["id"],
        "created_at": row["created_at"],
        "vector_store_id": row["vector_store_id"],
        "status": status,
        "file_counts": counts,
    }).model_dump(mode="json")


def touch(conn: sqlite3.Connection, store_id: str) -> None:
    """Mark a store active now, which moves an `expires_after` deadline forward."""
    stamp = now()
    conn.execute(
        "UPDATE vector_stores SET last_active_at = ?,"
        " expires_at = CASE WHEN expires_after_days IS NULL THEN NULL"
        " ELSE ? + expires_after_days * 86400 END WHERE id = ?",
        (stamp, stamp, store_id),
    )


def delete_chunks(conn: sqlite3.Connection, where: str, params: tuple) -> None:
    """Remove the index entries of the vector-store files matching `where` (columns
    `vector_store_id`, `file_id`): their chunks and their title rows."""
    ids = [(r[0],) for r in conn.execute(f"SELECT id FROM chunks WHERE {where}", params)]
    conn.executemany("DELETE FROM chunks_fts WHERE rowid = ?", ids)
    conn.execute(f"DELETE FROM chunks WHERE {where}", params)
    seqs = [(r[0],) for r in conn.execute(f"SELECT seq FROM vector_store_files WHERE {where}",
                                           params)]
    conn.executemany("DELETE FROM titles_fts WHERE rowid = ?", seqs)


def attach_file(
    conn: sqlite3.Connection,
    store_id: str,
    file_id: str,
    chunking: tuple[int, int],
    attributes: dict | None,
    *,
    project: str,
) -> bool:
    """Add a file of `project` to a store as in_progress; False when it is already there and not
    failed."""
    if conn.execute("SELECT 1 FROM files WHERE id = ? AND project_id = ?",
                    (file_id, project)).fetchone() is None:
        raise NotFound("file", file_id, param="file_id")
    existing = conn.execute(
        "SELECT status FROM vector_store_files WHERE vector_store_id = ? AND file_id = ?",
        (store_id, file_id),
    ).fetchone()
    if existing is not None and existing["status"] in ("completed", "in_progress"):
        return False
    delete_chunks(conn, "vector_store_id = ? AND file_id = ?", (store_id, file_id))
    conn.execute(
        "INSERT OR REPLACE INTO vector_store_files (vector_store_id, file_id, created_at, status,"
        " chunk_max, chunk_overlap, attributes) VALUES (?, ?, ?, 'in_progress', ?, ?, ?)",
        (store_id, file_id, now(), chunking[0], chunking[1], json.dumps(attributes or {})),
    )
    return True
