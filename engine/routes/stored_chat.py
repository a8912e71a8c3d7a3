"""Stored chat completions: list (model and metadata filters), retrieve, update metadata,
delete, and the request's messages. Only completions created with `store: true` exist here."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict

from engine import chat_store
from engine.pagination import ListQuery, list_items, list_page
from engine.state import ProjectDep, StateDep

router = APIRouter(tags=["chat"])


def _stored_list_query(
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    order: Annotated[Literal["asc", "desc"], Query()] = "asc",  # OpenAI's default here
    after: str | None = None,
) -> ListQuery:
    return ListQuery(limit=limit, order=order, after=after or None)


StoredListQueryDep = Annotated[ListQuery, Depends(_stored_list_query)]


class ChatCompletionUpdateParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    metadata: dict[str, str] | None


def _metadata_filter(request: Request) -> list[tuple[str, str]]:
    """`metadata[key]=value` query pairs (the SDK's way of sending a metadata filter)."""
    return [(name[len("metadata["):-1], value) for name, value in request.query_params.items()
            if name.startswith("metadata[") and name.endswith("]")]


@router.get("/chat/completions")
def list_chat_completions(state: StateDep, project: ProjectDep, request: Request,
                          query: StoredListQueryDep, model: str | None = None) -> dict[str, Any]:
    where, params = chat_store.list_filter(project, model, _metadata_filter(request))
    return list_page(state.db.read(), "chat_completions", query, chat_store.render,
                     where=where, params=params)


@router.get("/chat/completions/{completion_id}")
def retrieve_chat_completion(state: StateDep, project: ProjectDep,
                             completion_id: str) -> dict[str, Any]:
    return chat_store.render(chat_store.fetch(state.db.read(), project, completion_id))


@router.post("/chat/completions/{completion_id}")
def update_chat_completion(state: StateDep, project: ProjectDep, completion_id: str,
                           body: ChatCompletionUpdateParams) -> dict[str, Any]:
    with state.db.write() as conn:
        return chat_store.set_metadata(conn, project, completion_id, body.metadata or {})


@router.delete("/chat/completions/{completion_id}")
def delete_chat_completion(state: StateDep, project: ProjectDep,
                           completion_id: str) -> dict[str, Any]:
    with state.db.write() as conn:
        return chat_store.delete(conn, project, completion_id)


@router.get("/chat/completions/{completion_id}/messages")
def list_chat_completion_messages(state: StateDep, project: ProjectDep, completion_id: str,
                                  query: StoredListQueryDep) -> dict[str, Any]:
    return list_items(chat_store.messages(state.db.read(), project, completion_id), query)
