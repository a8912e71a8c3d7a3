"""The Chat screen's session: its copilot and turns in session state, the thread in the URL."""

from __future__ import annotations

import streamlit as st

from app.conversation import Turn, restore_from_thread
from app.errors import user_message
from app.render import inert
from app.state import THREAD_QUERY_PARAM, Chat
from core import OpenAIClient
from core.copilots import ChatCopilot
from core.errors import NotFoundError


def copilot() -> ChatCopilot | None:
    found = st.session_state.get(Chat.COPILOT)
    return found if isinstance(found, ChatCopilot) else None


def turns() -> list[Turn]:
    return st.session_state.setdefault(Chat.HISTORY, [])


def thread_id() -> str | None:
    current = copilot()
    return current.context.thread_id if current and current.has_context else None


def known_thread_ids() -> list[str]:
    """The thread of this session's conversation, for the Admin screen."""
    found = thread_id() or st.query_params.get(THREAD_QUERY_PARAM)
    return [found] if found else []


def use(new: ChatCopilot, history: list[Turn] | None = None) -> None:
    """Make `new` this session's conversation and put its thread in the URL."""
    st.session_state[Chat.COPILOT] = new
    if history is not None:  # another conversation: this session's uploads are not its files
        st.session_state[Chat.HISTORY] = history
        st.session_state.pop(Chat.DOCUMENTS, None)
    if (thread := thread_id()) is not None:
        st.query_params[THREAD_QUERY_PARAM] = thread
        st.session_state[Chat.RESTORED_THREAD] = thread


def forget() -> None:
    """Start afresh: no copilot, no turns, no thread in the URL (server objects stay)."""
    for key in (Chat.COPILOT, Chat.HISTORY, Chat.NOTES, Chat.RESTORED_THREAD, Chat.DOCUMENTS):
        st.session_state.pop(key, None)
    st.query_params.pop(THREAD_QUERY_PARAM, None)


def restore_from_url(client: OpenAIClient) -> None:
    """Reopen the conversation named by `?thread=` once, when the session has another or none."""
    wanted = st.query_params.get(THREAD_QUERY_PARAM)
    if not wanted or wanted == st.session_state.get(Chat.RESTORED_THREAD):
        return
    st.session_state[Chat.RESTORED_THREAD] = wanted  # one try per id, even when it fails
    try:
        with st.spinner("Reopening the conversation…"):
            use(*restore_from_thread(client, wanted))
    except Exception as exc:
        # Kept in the screen's notes, so the reason stays visible after the next rerun.
        st.session_state[Chat.NOTES] = [("error", _reopen_problem(exc, wanted))]
        st.query_params.pop(THREAD_QUERY_PARAM, None)


def _reopen_problem(exc: Exception, thread_id: str) -> str:
    """Why a conversation did not reopen, without its id: another user's thread is absent."""
    if isinstance(exc, NotFoundError) or isinstance(exc.__cause__, NotFoundError):
        return ("Could not reopen that conversation: it is not one of yours, or it no longer"
                " exists.")
    reason = user_message(exc).replace(thread_id, "that thread")
    return f"Could not reopen the conversation: {inert(reason)}"
