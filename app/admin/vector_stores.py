"""Admin › Vector stores: list, inspect, rename, delete; their files and batches; search."""

from __future__ import annotations

import streamlit as st

from app.admin.common import (
    PAGE_SIZE,
    delete_button,
    details,
    edit_form,
    flash,
    paged,
    pick,
    table,
    when,
)
from app.errors import reported
from app.render import escape_markdown
from app.state import Admin, item_key
from core import OpenAIClient
from core.types.vector_stores import VectorStore

SECTION = "vector_stores"


def render(client: OpenAIClient) -> None:
    stores = paged(SECTION, lambda after: client.get_vector_stores(limit=PAGE_SIZE, after=after))
    table([{"id": s.id, "name": s.name, "status": s.status, "files": s.file_counts.total,
            "failed": s.file_counts.failed, "bytes": s.usage_bytes,
            "created": when(s.created_at), "expires": when(s.expires_at)} for s in stores],
          "No vector stores yet: the Chat screen creates one per conversation.")
    store = pick(SECTION, stores, lambda s: f"{s.name or '(unnamed)'} · {s.id}")
    if store is None:
        return
    details(store)
    edit_form(SECTION, store, lambda changes: client.modify_vector_store(store.id, **changes),
              name=store.name or "")
    delete_button(SECTION, store.id, lambda: client.delete_vector_store(store.id), "vector store")
    files_tab, batches_tab, search_tab = st.tabs(["Files", "File batches", "Search"])
    with files_tab:
        _files(client, store)
    with batches_tab:
        _batches(client, store)
    with search_tab:
        _search(client, store)


def _files(client: OpenAIClient, store: VectorStore) -> None:
    section = f"store_files.{store.id}"
    files = paged(section, lambda after: client.get_vector_store_files(
        store.id, limit=PAGE_SIZE, after=after))
    table([{"file id": f.id, "status": f.status, "bytes": f.usage_bytes,
            "added": when(f.created_at),
            "error": f.last_error.message if f.last_error else ""} for f in files],
          "This store has no files.")
    file = pick(section, files, lambda f: f"{f.status} · {f.id}")
    if file is not None:
        details(file)
        delete_button(section, file.id, lambda: client.delete_vector_store_file(store.id, file.id),
                      "file from the store (the uploaded file stays)")


def _batches(client: OpenAIClient, store: VectorStore) -> None:
    """The API lists no batches; this session's batches are remembered, others opened by id."""
    known_key = item_key(Admin.SELECT, "batches", store.id)
    known: list[str] = st.session_state.setdefault(known_key, [])
    with st.form(item_key(Admin.SAVE, "new_batch", store.id), border=False):
        candidates = {f.id: f.filename for f in client.get_files(limit=100).data}
        chosen = st.multiselect("Add uploaded files as a batch", list(candidates),
                                format_func=lambda i: f"{candidates[i]} · {i}",
                                key=item_key(Admin.SELECT, "batch_files", store.id))
        if st.form_submit_button("Create batch", icon=":material/library_add:",
                                 key=item_key(Admin.SAVE, "batch_submit", store.id)) and chosen:
            with reported("Creating the batch"):
                batch = client.create_vector_store_file_batch(store.id, file_ids=chosen)
                known.insert(0, batch.id)
                st.session_state[item_key(Admin.SELECT, "batch", store.id)] = batch.id
                flash(f"Created batch {batch.id}.")
    batch_id = st.selectbox("Batch", known, key=item_key(Admin.SELECT, "batch", store.id),
                            accept_new_options=True, placeholder="vsfb_… (type an id)",
                            index=0 if known else None)
    if not batch_id:
        return
    with reported(f"Opening batch {batch_id}"):
        batch = client.get_vector_store_file_batch(store.id, batch_id)
        counts = batch.file_counts
        st.write(f"**{batch.status}** · {counts.completed} done, {counts.in_progress} in"
                 f" progress, {counts.failed} failed, {counts.cancelled} cancelled")
        files = client.get_vector_store_file_batch_files(store.id, batch_id, limit=100).data
        table([{"file id": f.id, "status": f.status,
                "error": f.last_error.message if f.last_error else ""} for f in files],
              "No files in this batch.")
        if batch.status == "in_progress" and st.button(
                "Cancel batch", key=item_key(Admin.CANCEL, batch_id), icon=":material/cancel:"):
            client.cancel_vector_store_file_batch(store.id, batch_id)
            flash(f"Asked to cancel {batch_id}.")


def _search(client: OpenAIClient, store: VectorStore) -> None:
    with st.form(item_key(Admin.SEARCH_BUTTON, store.id), border=False):
        query = st.text_input("Search this store", key=item_key(Admin.SEARCH_QUERY, store.id),
                              placeholder="e.g. net sales by region")
        if not st.form_submit_button("Search", icon=":material/search:",
                                    key=item_key(Admin.SEARCH_BUTTON, "submit", store.id)) or not query.strip():
            return
    with reported("Searching"):
        results = client.search_vector_store(store.id, query.strip(), max_num_results=10).data
        if not results:
            st.info("Nothing found.", icon=":material/search_off:")
        for result in results:
            text = " ".join(part.text for part in result.content)
            with st.container(border=True):
                st.markdown(f"**{escape_markdown(result.filename)}** · score {result.score:.2f}")
                st.caption(escape_markdown(text[:800]))
