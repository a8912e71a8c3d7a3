"""Admin › Assistants: list, inspect, rename, edit metadata, delete."""

from __future__ import annotations

import streamlit as st

from app.admin.common import PAGE_SIZE, delete_button, details, edit_form, paged, pick, table, when
from core import OpenAIClient
from core.types.assistants import Assistant

SECTION = "assistants"


def render(client: OpenAIClient) -> None:
    assistants = paged(SECTION, lambda after: client.get_assistants(limit=PAGE_SIZE, after=after))
    table([{"id": a.id, "name": a.name or "", "model": a.model, "created": when(a.created_at),
            "vector stores": ", ".join(store_ids(a))} for a in assistants],
          "No assistants yet: the Chat screen creates one per conversation.")
    assistant = pick(SECTION, assistants, lambda a: f"{a.name or '(unnamed)'} · {a.id}")
    if assistant is None:
        return
    st.caption("Instructions")
    st.text(assistant.instructions or "—")
    details(assistant)
    edit_form(SECTION, assistant, lambda changes: client.modify_assistant(assistant.id, **changes),
              name=assistant.name or "")
    delete_button(SECTION, assistant.id, lambda: client.delete_assistant(assistant.id), "assistant")


def store_ids(assistant: Assistant) -> list[str]:
    """The vector stores an assistant searches."""
    resources = assistant.tool_resources
    return list(resources.file_search.vector_store_ids) if resources and resources.file_search else []
