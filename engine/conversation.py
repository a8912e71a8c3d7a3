"""Threads and their messages as stored objects (used by the thread, message and run routes)."""

from __future__ import annotations

import sqlite3
from typing import Any

from core.types.messages import MessageCreateParams
from core.types.threads import ThreadCreateParams
from engine import objects
from engine.errors import InvalidRequest, NotFound
from engine.ids import new_id, now
from engine.resources import PendingIngestion, create_tool_resources, new_store
from engine.stores import DEFAULT_CHUNK_MAX, DEFAULT_CHUNK_OVERLAP, attach_file


def create_thread(
    conn: sqlite3.Connection, params: ThreadCreateParams | None, *, project: str
) -> tuple[dict[str, Any], PendingIngestion]:
    params = params or ThreadCreateParams()
    resources, pending = create_tool_resources(conn, params.tool_resources, "thread files",
                                               project=project)
    thread = {"id": new_id("thread_"), "object": "thread", "created_at": now(),
              "tool_resources": resources, "metadata": params.metadata or {}}
    objects.insert(conn, "threads", thread, project)
    for i, message in enumerate(params.messages or []):
        _, more = add_message(conn, thread, message, param=f"messages[{i}]", project=project)
        pending.extend(more)
    return thread, pending


def text_content(text: str, annotations: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"type": "text", "text": {"value": text, "annotations": annotations or []}}


def add_message(
    conn: sqlite3.Connection, thread: dict[str, Any], params: MessageCreateParams,
    *, param: str = "content", project: str,
) -> tuple[dict[str, Any], PendingIngestion]:
    """Store a user (or assistant) message; file_search attachments join the thread's store."""
    if isinstance(params.content, str):
        content = [text_content(params.content)]
    else:
        content = []
        for part in params.content:
            if part.type == "text":
                content.append(text_content(part.text))  # type: ignore[union-attr]
            else:
                content.append(part.model_dump(mode="json", exclude_none=True))
    if not any(c["type"] == "text" and c["text"]["value"].strip() for c in content) and not (
        params.attachments
    ):
        raise InvalidRequest("The message has no text.", param=param)
    pending: PendingIngestion = []
    attachments = []
    for i, attachment in enumerate(params.attachments or []):
        if conn.execute("SELECT 1 FROM files WHERE id = ? AND project_id = ?",
                        (attachment.file_id, project)).fetchone() is None:
            raise NotFound("file", attachment.file_id, param=f"attachments[{i}].file_id")
        tools = [t.type for t in attachment.tools]
        if "code_interpreter" in tools:
            raise InvalidRequest("The code_interpreter tool is not supported by this engine.",
                                 param=f"attachments[{i}].tools")
        attachments.append(attachment.model_dump(mode="json"))
        if "file_search" in tools or not tools:
            store_id = thread_store(conn, thread, project)
            if attach_file(conn, store_id, attachment.file_id,
                           (DEFAULT_CHUNK_MAX, DEFAULT_CHUNK_OVERLAP), None, project=project):
                pending.append((store_id, attachment.file_id))
    message = {
        "id": new_id("msg_"), "object": "thread.message", "created_at": now(),
        "thread_id": thread["id"], "status": "completed", "incomplete_details": None,
        "completed_at": now(), "incomplete_at": None, "role": params.role, "content": content,
        "assistant_id": None, "run_id": None, "attachments": attachments,
        "metadata": params.metadata or {},
    }
    objects.insert(conn, "messages", message, project)
    return message, pending


def thread_store(conn: sqlite3.Connection, thread: dict[str, Any], project: str) -> str:
    """The thread's own vector store, created on first use as OpenAI does for attachments."""
    resources = thread.setdefault("tool_resources", {}) or {}
    ids = (resources.get("file_search") or {}).get("vector_store_ids") or []
    if ids:
        return str(ids[0])
    store_id = new_store(conn, f"thread {thread['id']}", {"thread_id": thread["id"]},
                         project=project)
    resources["file_search"] = {"vector_store_ids": [store_id]}
    thread["tool_resources"] = resources
    objects.save(conn, "threads", thread)
    return store_id
