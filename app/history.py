"""The signed-in user's past conversations, to reopen one: title (the first question), date and
documents. Only the user's own project is listed (the engine scopes every key to its project),
and no id is shown; reopening puts the thread in the URL as the Chat screen expects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import streamlit as st

from app import chat_session
from app.conversation import ASSISTANT_KEY, STORE_KEY
from app.render import inert
from app.state import THREAD_QUERY_PARAM, History, item_key
from core import OpenAIClient
from core.errors import OpenAIError
from core.types.messages import TextContent

LISTED = 20
TITLE_CHARS = 80


@dataclass(frozen=True)
class ConversationSummary:
    thread_id: str
    title: str
    created_at: int
    documents: tuple[str, ...]

    @property
    def date(self) -> str:
        return datetime.fromtimestamp(self.created_at).strftime("%Y-%m-%d %H:%M")


def _title(client: OpenAIClient, thread_id: str) -> str:
    for message in client.get_thread_messages(thread_id, order="asc", limit=5):
        if message.role != "user":
            continue
        for part in message.content:
            if isinstance(part, TextContent) and part.text.value.strip():
                text = " ".join(part.text.value.split())
                return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"
    return "(no question yet)"


def _documents(client: OpenAIClient, store_id: str | None) -> tuple[str, ...]:
    if not store_id:
        return ()
    names = []
    for entry in client.get_vector_store_files(store_id, limit=20).data:
        try:
            names.append(client.get_file(entry.id).filename)
        except OpenAIError:
            continue  # a file deleted since: the conversation still opens
    return tuple(names)


def conversations(client: OpenAIClient) -> list[ConversationSummary]:
    """The latest Chat conversations of this client's project (cached per session)."""
    cache: dict[str, ConversationSummary] = st.session_state.setdefault(History.SUMMARIES, {})
    found = []
    for thread in client.get_threads(limit=LISTED).data:
        metadata = thread.metadata or {}
        if not metadata.get(ASSISTANT_KEY):
            continue  # not a Chat conversation (an Admin test thread, say)
        summary = cache.get(thread.id)
        if summary is None or summary.title == "(no question yet)":
            summary = ConversationSummary(thread.id, _title(client, thread.id),
                                          thread.created_at,
                                          _documents(client, metadata.get(STORE_KEY)))
            cache[thread.id] = summary
        found.append(summary)
    return found


def render(client: OpenAIClient) -> None:
    """An expander listing past conversations, each with a button that reopens it."""
    try:
        past = conversations(client)
    except OpenAIError:
        return  # a server without the thread list (OpenAI itself): nothing to offer
    if not past:
        return
    current = chat_session.thread_id()
    with st.expander(f"Past conversations ({len(past)})", icon=":material/history:"):
        for index, summary in enumerate(past):
            text, action = st.columns([5, 1])
            documents = ", ".join(summary.documents) or "no documents"
            text.markdown(f"**{inert(summary.title)}**  \n{summary.date} · {inert(documents)}")
            if summary.thread_id == current:
                action.caption("Open now")
            elif action.button("Reopen", key=item_key(History.OPEN, index),
                               icon=":material/open_in_new:"):
                chat_session.forget()
                st.query_params[THREAD_QUERY_PARAM] = summary.thread_id
                st.rerun()
