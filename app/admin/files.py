"""Admin › Files: list, inspect, download, delete (the API allows no edits of a file)."""

from __future__ import annotations

import streamlit as st

from app.admin.common import PAGE_SIZE, delete_button, details, paged, pick, table, when
from app.errors import reported
from app.state import Admin, item_key
from core import OpenAIClient

SECTION = "files"


def render(client: OpenAIClient) -> None:
    files = paged(SECTION, lambda after: client.get_files(limit=PAGE_SIZE, after=after))
    table([{"id": f.id, "filename": f.filename, "purpose": f.purpose, "bytes": f.bytes,
            "created": when(f.created_at), "status": f.status} for f in files],
          "No files yet: upload documents on the Chat screen.")
    file = pick(SECTION, files, lambda f: f"{f.filename} · {f.id}")
    if file is None:
        return
    details(file)
    if st.toggle("Prepare a download", key=item_key(Admin.SELECT, SECTION, "download", file.id)):
        with reported(f"Downloading {file.filename}"):
            st.download_button("Download", client.get_file_content(file.id),
                               file_name=file.filename, icon=":material/download:",
                               key=item_key(Admin.SAVE, SECTION, "download", file.id))
    delete_button(SECTION, file.id, lambda: client.delete_file(file.id), "file")
