"""Assistants: create, list, retrieve, modify, delete."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from core.types.assistants import Assistant, AssistantCreateParams, AssistantUpdateParams
from engine import objects
from engine.ids import new_id, now
from engine.pagination import ListQueryDep, list_page
from engine.resources import (
    BetaDep,
    check_model,
    check_resources_json,
    check_tools,
    create_tool_resources,
)
from engine.state import ProjectDep, StateDep

router = APIRouter(tags=["assistants"], dependencies=[BetaDep])


@router.post("/assistants")
def create_assistant(state: StateDep, project: ProjectDep, body: AssistantCreateParams) -> dict[str, Any]:
    check_model(state.settings, body.model)
    tools = check_tools(body.tools, model=body.model)
    with state.db.write() as conn:
        resources, pending = create_tool_resources(conn, body.tool_resources, "assistant files",
                                                   project=project)
        assistant = Assistant.model_validate({
            "id": new_id("asst_"), "created_at": now(), "name": body.name,
            "description": body.description, "model": body.model,
            "instructions": body.instructions, "tools": tools, "tool_resources": resources,
            "metadata": body.metadata or {}, "temperature": body.temperature,
            "top_p": body.top_p, "response_format": body.response_format or "auto",
        }).model_dump(mode="json")
        objects.insert(conn, "assistants", assistant, project)
    for job in pending:
        state.ingestion.enqueue(*job)
    return assistant


@router.get("/assistants")
def list_assistants(state: StateDep, project: ProjectDep, query: ListQueryDep) -> dict[str, Any]:
    return list_page(state.db.read(), "assistants", query, objects.render,
                     where="project_id = ?", params=(project,))


@router.get("/assistants/{assistant_id}")
def retrieve_assistant(state: StateDep, project: ProjectDep, assistant_id: str) -> dict[str, Any]:
    return objects.fetch(state.db.read(), "assistants", assistant_id, param="assistant_id",
                         project=project)


@router.post("/assistants/{assistant_id}")
def modify_assistant(
    state: StateDep, project: ProjectDep, assistant_id: str, body: AssistantUpdateParams
) -> dict[str, Any]:
    if body.model is not None:
        check_model(state.settings, body.model)
    changes = body.model_dump(mode="json", exclude_unset=True)
    with state.db.write() as conn:
        assistant = objects.fetch(conn, "assistants", assistant_id, param="assistant_id",
                                  project=project)
        if "tools" in changes or "model" in changes:
            # Function tools need an upstream model: check what the assistant will have.
            changes["tools"] = check_tools(body.tools if "tools" in changes
                                           else assistant.get("tools"),
                                           model=body.model or assistant["model"])
        if "tool_resources" in changes:
            check_resources_json(conn, changes["tool_resources"], project)
        for key, value in changes.items():
            if key == "reasoning_effort":
                continue
            assistant[key] = value
        Assistant.model_validate(assistant)
        return objects.save(conn, "assistants", assistant)


@router.delete("/assistants/{assistant_id}")
def delete_assistant(state: StateDep, project: ProjectDep, assistant_id: str) -> dict[str, Any]:
    with state.db.write() as conn:
        objects.fetch(conn, "assistants", assistant_id, param="assistant_id", project=project)
        conn.execute("DELETE FROM assistants WHERE id = ?", (assistant_id,))
    return {"id": assistant_id, "object": "assistant.deleted", "deleted": True}
