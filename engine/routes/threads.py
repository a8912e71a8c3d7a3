"""Threads: create, retrieve, modify, delete, and a list for the admin screen (an extension)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from core.types.threads import ThreadCreateParams, ThreadUpdateParams
from engine import objects
from engine.conversation import create_thread as store_thread
from engine.pagination import ListQueryDep, list_page
from engine.resources import BetaDep, check_resources_json
from engine.state import ProjectDep, StateDep

router = APIRouter(tags=["threads"], dependencies=[BetaDep])


@router.post("/threads")
def create_thread(state: StateDep, project: ProjectDep, body: ThreadCreateParams | None = None) -> dict[str, Any]:
    with state.db.write() as conn:
        thread, pending = store_thread(conn, body, project=project)
    for job in pending:
        state.ingestion.enqueue(*job)
    return thread


@router.get("/threads", summary="List threads (extension: OpenAI has no such endpoint)")
def list_threads(state: StateDep, project: ProjectDep, query: ListQueryDep) -> dict[str, Any]:
    return list_page(state.db.read(), "threads", query, objects.render,
                     where="project_id = ?", params=(project,))


@router.get("/threads/{thread_id}")
def retrieve_thread(state: StateDep, project: ProjectDep, thread_id: str) -> dict[str, Any]:
    return objects.fetch(state.db.read(), "threads", thread_id, param="thread_id",
                         project=project)


@router.post("/threads/{thread_id}")
def modify_thread(state: StateDep, project: ProjectDep, thread_id: str, body: ThreadUpdateParams) -> dict[str, Any]:
    changes = body.model_dump(mode="json", exclude_unset=True)
    with state.db.write() as conn:
        objects.fetch(conn, "threads", thread_id, param="thread_id", project=project)
        if "tool_resources" in changes:
            check_resources_json(conn, changes["tool_resources"], project)
        return objects.update(conn, "threads", thread_id, lambda t: t.update(changes),
                              param="thread_id", project=project)


@router.delete("/threads/{thread_id}")
def delete_thread(state: StateDep, project: ProjectDep, thread_id: str) -> dict[str, Any]:
    with state.db.write() as conn:
        objects.fetch(conn, "threads", thread_id, param="thread_id", project=project)
        active = conn.execute(
            "SELECT id FROM runs WHERE thread_id = ? AND status IN ('queued', 'in_progress',"
            " 'cancelling', 'requires_action')", (thread_id,),
        ).fetchall()
        for row in active:
            state.runner.cancel(row[0])
        conn.execute("DELETE FROM threads WHERE id = ?", (thread_id,))
    return {"id": thread_id, "object": "thread.deleted", "deleted": True}
