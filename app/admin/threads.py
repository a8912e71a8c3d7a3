"""Admin › Threads: every thread (listed by our engine's extension), its messages, its runs
with their steps; edit, cancel, delete.

A server without the thread list (OpenAI itself) still lets a thread be opened by id: the
current conversation's thread is offered, any other id can be typed.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from app.admin.common import PAGE_SIZE, delete_button, details, edit_form, paged, pick, table, when
from app.errors import reported
from app.render import escape_markdown
from app.state import Admin, item_key
from core import OpenAIClient
from core.errors import APIError
from core.types.run_steps import FILE_SEARCH_RESULT_CONTENT, RunStep, ToolCallsStepDetails
from core.types.threads import Thread

SECTION = "threads"
ACTIVE_RUN_STATUSES = frozenset({"queued", "in_progress", "requires_action"})


def render(client: OpenAIClient, known_thread_ids: Sequence[str]) -> None:
    listed = _listed(client)
    if listed and not st.session_state.get(Admin.THREAD_ID):
        st.session_state[Admin.THREAD_ID] = listed[0].id
    if known_thread_ids and not st.session_state.get(Admin.THREAD_ID):
        st.session_state[Admin.THREAD_ID] = known_thread_ids[0]
    thread_id = st.text_input("Thread id", key=Admin.THREAD_ID, placeholder="thread_…",
                              help="The current conversation's thread is filled in.").strip()
    if not thread_id:
        st.info("Type a thread id (the Chat screen shows its thread in the page URL).",
                icon=":material/info:")
        return
    with reported(f"Opening thread {thread_id}"):
        thread = client.get_thread(thread_id)
        st.caption(f"Created {when(thread.created_at)}")
        details(thread)
        edit_form(SECTION, thread, lambda changes: client.modify_thread(thread.id, **changes))
        delete_button(SECTION, thread.id, lambda: client.delete_thread(thread.id), "thread")
        messages_tab, runs_tab = st.tabs(["Messages", "Runs"])
        with messages_tab:
            _messages(client, thread.id)
        with runs_tab:
            _runs(client, thread.id)


def _listed(client: OpenAIClient) -> list[Thread]:
    """A page of threads with a picker that fills in the id, when the server lists threads."""
    try:
        threads = paged(SECTION, lambda after: client.get_threads(limit=PAGE_SIZE, after=after))
    except APIError:
        return []  # a server without the extension (OpenAI): open threads by id instead
    table([{"id": t.id, "created": when(t.created_at), "metadata": t.metadata or {}}
           for t in threads], "There are no threads yet.")
    return list(threads)


def _messages(client: OpenAIClient, thread_id: str) -> None:
    section = f"messages.{thread_id}"
    messages = paged(section, lambda after: client.get_thread_messages(
        thread_id, limit=PAGE_SIZE, after=after, order="asc"))
    table([{"id": m.id, "role": m.role, "status": m.status, "created": when(m.created_at),
            "text": m.text[:120]} for m in messages], "This thread has no messages.")
    message = pick(section, messages, lambda m: f"{m.role} · {m.text[:60]} · {m.id}")
    if message is None:
        return
    with st.container(border=True):
        st.markdown(escape_markdown(message.text) or "_(no text)_")
    details(message)
    edit_form(section, message,
              lambda changes: client.modify_thread_message(thread_id, message.id, **changes))
    delete_button(section, message.id,
                  lambda: client.delete_thread_message(thread_id, message.id), "message")


def _runs(client: OpenAIClient, thread_id: str) -> None:
    section = f"runs.{thread_id}"
    runs = paged(section, lambda after: client.get_runs(thread_id, limit=PAGE_SIZE, after=after))
    table([{"id": r.id, "status": r.status, "model": r.model, "created": when(r.created_at),
            "error": r.last_error.message if r.last_error else ""} for r in runs],
          "This thread has no runs.")
    run = pick(section, runs, lambda r: f"{r.status} · {when(r.created_at)} · {r.id}")
    if run is None:
        return
    details(run)
    if run.status in ACTIVE_RUN_STATUSES and st.button(
            "Cancel run", key=item_key(Admin.CANCEL, run.id), icon=":material/cancel:"):
        with reported(f"Cancelling {run.id}"):
            client.cancel_run(thread_id, run.id)
            st.session_state[Admin.FLASH] = f"Asked to cancel {run.id}."
            st.rerun()
    edit_form(section, run, lambda changes: client.modify_run(thread_id, run.id, **changes))
    st.markdown("**Steps**")
    steps = list(client.get_run_steps(
        thread_id, run.id, limit=100, order="asc",
        include=[FILE_SEARCH_RESULT_CONTENT]))
    for step in steps:
        _step(step)
    if not steps:
        st.caption("No steps recorded.")


def _step(step: RunStep) -> None:
    title = f"{step.type} · {step.status} · {step.id}"
    with st.expander(title, expanded=False):
        if isinstance(step.step_details, ToolCallsStepDetails):
            for call in step.step_details.tool_calls:
                results = getattr(getattr(call, "file_search", None), "results", None) or []
                for result in results:
                    text = " ".join(part.text for part in result.content or [])
                    st.markdown(f"**{escape_markdown(result.file_name)}** · score"
                                f" {result.score:.2f}")
                    st.caption(escape_markdown(text[:500]))
        st.json(step.model_dump(mode="json"), expanded=False)
