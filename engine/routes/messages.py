"""Messages of a thread: create, list, retrieve, modify metadata, delete."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from core.types.messages import MessageCreateParams, MessageUpdateParams
from engine import objects
from engine.conversation import add_message
from engine.errors import Conflict
from engine.pagination import ListQueryDep, list_page
from engine.resources import BetaDep
from engine.state import ProjectDep, StateDep

router = APIRouter(tags=["messages"], dependencies=[BetaDep])


def _active_run(conn, thread_id: str) -> str | None:
    row = conn.execute(
        "SELECT id FROM runs WHERE thread_id = ? AND status IN ('queued', 'in_progress',"
        " 'cancelling', 'requires_action')", (thread_id,),
    ).fetchone()
    return row[0] if row else None


@router.post("/threads/{thread_id}/messages")
def create_message(state: StateDep, project: ProjectDep, thread_id: str, body: MessageCreateParams) -> dict[str, Any]:
    with state.db.write() as conn:
        thread = objects.fetch(conn, "threads", thread_id, param="thread_id", project=project)
        if run_id := _active_run(conn, thread_id):
            raise Conflict(f"Can't add messages to {thread_id} while a run {run_id} is active.",
                           code="thread_locked")
        message, pending = add_message(conn, thread, body, project=project)
    for job in pending:
        state.ingestion.enqueue(*job)
    return message


@router.get("/threads/{thread_id}/messages")
def list_messages(
    state: StateDep, project: ProjectDep, thread_id: str, query: ListQueryDep, run_id: str | None = None
) -> dict[str, Any]:
    conn = state.db.read()
    objects.fetch(conn, "threads", thread_id, param="thread_id", project=project)
    where, params = "thread_id = ?", [thread_id]
    if run_id:
        where += " AND run_id = ?"
        params.append(run_id)
    return list_page(conn, "messages", query, objects.render, where=where, params=params)


@router.get("/threads/{thread_id}/messages/{message_id}")
def retrieve_message(state: StateDep, project: ProjectDep, thread_id: str, message_id: str) -> dict[str, Any]:
    return objects.fetch(state.db.read(), "messages", message_id, param="message_id",
                         where="thread_id = ?", params=(thread_id,), project=project)


@router.post("/threads/{thread_id}/messages/{message_id}")
def modify_message(
    state: StateDep, project: ProjectDep, thread_id: str, message_id: str, body: MessageUpdateParams
) -> dict[str, Any]:
    with state.db.write() as conn:
        message = objects.fetch(conn, "messages", message_id, param="message_id",
                                where="thread_id = ?", params=(thread_id,), project=project)
        if "metadata" in body.model_fields_set:
            message["metadata"] = body.metadata or {}
        return objects.save(conn, "messages", message)


@router.delete("/threads/{thread_id}/messages/{message_id}")
def delete_message(state: StateDep, project: ProjectDep, thread_id: str, message_id: str) -> dict[str, Any]:
    with state.db.write() as conn:
        objects.fetch(conn, "messages", message_id, param="message_id",
                      where="thread_id = ?", params=(thread_id,), project=project)
        conn.execute("DELETE FROM messages WHERE id = ?", (message_id,))
    return {"id": message_id, "object": "thread.message.deleted", "deleted": True}
