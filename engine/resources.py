"""Checks and helpers shared by assistants, threads and runs: beta header, tools, tool resources."""

from __future__ import annotations

import json
import sqlite3
from typing import Annotated, Any

from fastapi import Depends, Header

from core.types.assistants import ToolResourcesParam
from engine.errors import InvalidRequest, NotFound
from engine.function_tools import check_assistant_tools
from engine.ids import new_id, now
from engine.llm.local import LOCAL_MODEL_ID
from engine.routes.models import available_models
from engine.settings import EngineSettings
from engine.stores import attach_file, chunking_params, touch

PendingIngestion = list[tuple[str, str]]


def _require_beta(openai_beta: Annotated[str | None, Header()] = None) -> None:
    if not openai_beta or "assistants=v2" not in openai_beta.replace(" ", ""):
        raise InvalidRequest(
            "The Assistants API needs the header 'OpenAI-Beta: assistants=v2'.",
            param="OpenAI-Beta", code="invalid_beta",
        )


BetaDep = Depends(_require_beta)


def check_model(settings: EngineSettings, model: str, param: str = "model") -> None:
    ids = [m.id for m in available_models(settings)]
    if model not in ids:
        raise InvalidRequest(
            f"The model '{model}' is not served by this engine; available: {', '.join(ids)}.",
            param=param, code="model_not_found",
        )


def check_tools(tools: list[Any] | None, *, model: str, param: str = "tools"
                ) -> list[dict[str, Any]]:
    """Tools as JSON: file_search always, function tools with upstream models; anything else
    is refused, not ignored."""
    result = [t if isinstance(t, dict) else t.model_dump(mode="json", exclude_none=True)
              for t in tools or []]
    check_assistant_tools(result, built_in=model == LOCAL_MODEL_ID, param=param)
    return result


def check_store_ids(conn: sqlite3.Connection, store_ids: list[str], project: str,
                    param: str = "tool_resources.file_search") -> None:
    """Every store named must be the project's (another project's store is absent)."""
    for store_id in store_ids:
        if conn.execute("SELECT 1 FROM vector_stores WHERE id = ? AND project_id = ?",
                        (store_id, project)).fetchone() is None:
            raise NotFound("vector store", store_id, param=param)


def check_resources_json(conn: sqlite3.Connection, resources: dict[str, Any] | None,
                         project: str) -> None:
    """The stores named by tool_resources sent to a modify call must be the project's."""
    search = (resources or {}).get("file_search") or {}
    check_store_ids(conn, list(search.get("vector_store_ids") or []), project)


def create_tool_resources(
    conn: sqlite3.Connection, param: ToolResourcesParam | None, label: str, *, project: str
) -> tuple[dict[str, Any], PendingIngestion]:
    """Tool resources of a new assistant or thread, creating the `vector_stores` helper store."""
    if param is None or param.file_search is None:
        return {}, []
    search = param.file_search
    if search.vector_store_ids and search.vector_stores:
        raise InvalidRequest("Send vector_store_ids or vector_stores, not both.",
                             param="tool_resources.file_search")
    store_ids = list(search.vector_store_ids or [])
    check_store_ids(conn, store_ids, project)
    pending: PendingIngestion = []
    for helper in search.vector_stores or []:
        chunking = chunking_params(helper.chunking_strategy,
                                   "tool_resources.file_search.vector_stores[0].chunking_strategy")
        store_id = new_store(conn, label, helper.metadata, project=project)
        for file_id in dict.fromkeys(helper.file_ids):
            if attach_file(conn, store_id, file_id, chunking, None, project=project):
                pending.append((store_id, file_id))
        store_ids.append(store_id)
    return {"file_search": {"vector_store_ids": store_ids}}, pending


def new_store(conn: sqlite3.Connection, name: str, metadata: dict | None = None, *,
              project: str) -> str:
    store_id = new_id("vs_")
    conn.execute(
        "INSERT INTO vector_stores (id, name, created_at, metadata, project_id)"
        " VALUES (?, ?, ?, ?, ?)",
        (store_id, name, now(), json.dumps(metadata or {}), project),
    )
    touch(conn, store_id)
    return store_id
