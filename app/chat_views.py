"""The Chat screen's parts: indexing with progress, the conversation toolbar, one turn."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from app import chat_session, services
from app.conversation import (
    ExportFormat,
    ReadReport,
    Turn,
    export_conversation,
    open_conversation,
    read_uploads,
    restore_from_backup,
)
from app.errors import log, reported, user_message
from app.preview import keep_documents, render_citations
from app.progress import stage_bars
from app.render import escape_markdown
from app.state import Chat
from core import OpenAIClient
from core.copilots import ChatCopilot, DocumentIndexingError, FailedDocument

EXPORT_FORMATS: dict[str, ExportFormat] = {"PDF": "pdf", "Word (DOCX)": "docx", "Markdown": "md"}
MIME = {"pdf": "application/pdf", "md": "text/markdown",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
INDEXING_STAGES = {"reading": "Checked {done} of {total} files",
                   "uploading": "Uploaded {done} of {total} files",
                   "indexing": "Indexing: {done} of {total} files processed by the server",
                   "indexing pages": "Reading page {done} of {total}"}
Note = tuple[str, str]  # (level "ok" or "error", Markdown text)


def index_documents(client: OpenAIClient, uploads: list[UploadedFile], model: str) -> bool:
    """Check, upload and index `uploads` with progress; True when the conversation has some.

    What happened to each file (indexed with its pages, or left out and why) stays in session
    state for `show_notes`, so it outlives the rerun that follows.
    """
    names = [upload.name for upload in uploads]
    notes: list[Note] = []
    st.session_state[Chat.NOTES] = notes
    with st.status(f"Adding {_count(len(uploads), 'document')}…", expanded=True) as status:
        progress = stage_bars(INDEXING_STAGES)
        files = [(u.name, u.getvalue()) for u in uploads]
        report = read_uploads(files, progress, count_pages=services.page_renderer().count_pages)
        if not report.sources:
            notes += _results(names, report, [])
            status.update(label="No document could be read", state="error")
            return False
        # Without expanded=True, Streamlit folds the box and its bars away on a new label.
        status.update(label=f"Uploading and indexing {_count(len(report.sources), 'document')}…",
                      expanded=True)
        previous = chat_session.copilot()
        try:
            copilot = open_conversation(client, report.sources, model=model, previous=previous,
                                        on_progress=progress,
                                        server_ocr=services.server_ocrs_at_ingestion())
        except DocumentIndexingError as exc:
            notes += _results(names, report, exc.failures)
            notes.append(("error", "Nothing was added: no document could be indexed."))
            status.update(label="Indexing failed", state="error")
            return False
        except Exception as exc:
            notes.append(("error", f"Indexing failed: {escape_markdown(user_message(exc))}"))
            status.update(label="Indexing failed", state="error")
            return False
        chat_session.use(copilot)
        keep_documents(files)
        notes += _results(names, report, copilot.failed_documents)
        indexed = len(report.sources) - len({name for name, _ in copilot.failed_documents})
        counted = (f"{indexed} of {_count(len(uploads), 'document')}" if indexed < len(uploads)
                   else _count(indexed, "document"))
        notes.append(("ok", f"Indexed {counted}: ask away below."))
        status.update(label=f"Indexed {counted}", state="complete", expanded=False)
    return True


def _results(names: list[str], report: ReadReport, failed: list[FailedDocument]) -> list[Note]:
    """One note per upload, in upload order: indexed (with its pages), or left out and why."""
    left_out, not_indexed = dict(report.failures), dict(failed)
    notes: list[Note] = []
    for name in names:  # notes are Markdown: names and reasons go in inert
        shown = escape_markdown(name)
        if name in left_out:
            notes.append(("error", f"**{shown}** is left out: {escape_markdown(left_out[name])}"))
        elif name in not_indexed:
            notes.append(("error", f"**{shown}** could not be indexed:"
                                   f" {escape_markdown(not_indexed[name])}"))
        elif name in report.pages:
            notes.append(("ok", f"**{shown}**: {_count(report.pages[name], 'page')}, indexed"))
        else:
            notes.append(("ok", f"**{shown}**: indexed"))
    return notes


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def show_notes() -> None:
    """What the last indexing did, until the next one."""
    _show(st.session_state.get(Chat.NOTES, []))


def _show(notes: list[Note]) -> None:
    for level, text in notes:
        if level == "ok":
            st.markdown(f":green[:material/check_circle:] {text}")
        else:
            st.error(text, icon=":material/error:")


def toolbar(current: ChatCopilot | None, turns: list[Turn]) -> None:
    """New conversation, save / restore / delete context, download the conversation."""
    new, save, restore, delete, export = st.columns(5)
    if new.button("New conversation", key=Chat.NEW_CONVERSATION, icon=":material/add_comment:",
                  width="stretch"):
        chat_session.forget()
        st.rerun()
    has_context = current is not None and current.has_context
    save.download_button(
        "Save context", key=Chat.SAVE_CONTEXT, icon=":material/save:", width="stretch",
        data=json.dumps(current.context.to_json(), indent=2) if current and has_context else "",
        file_name="pdf-copilot-context.json", mime="application/json", disabled=not has_context)
    with restore.popover("Restore context", icon=":material/restore:", width="stretch"):
        backup = st.file_uploader("A saved context (JSON)", type=["json"],
                                  key=Chat.RESTORE_UPLOADER)
        if st.button("Restore", key=Chat.RESTORE_BUTTON, disabled=backup is None):
            with reported("Restoring the context"):
                assert backup is not None
                chat_session.use(*restore_from_backup(services.client(), backup.getvalue()))
                st.rerun()
    with delete.popover("Delete context", icon=":material/delete:", width="stretch",
                        disabled=not has_context):
        st.write("Deletes this conversation's thread, assistant, vector store and files from"
                 " the server.")
        if st.button("Delete for good", key=Chat.DELETE_CONTEXT, type="primary") and current:
            with reported("Deleting the context"):
                current.delete_context()
                chat_session.forget()
                st.rerun()
    with export.popover("Download", icon=":material/download:", width="stretch",
                        disabled=not turns, key=Chat.EXPORT_POPOVER, on_change="rerun") as box:
        if box.open:  # made when the box opens, before its button shows: no deferred file
            export_box(turns)


def export_box(turns: list[Turn]) -> None:
    """The format, then the conversation made in it (or why it could not be) and its button."""
    label = st.radio("Format", list(EXPORT_FORMATS), key=Chat.EXPORT_FORMAT) or "PDF"
    fmt = EXPORT_FORMATS[label]
    try:
        with st.spinner(f"Preparing the {label} file…"):
            data = _exported(_fingerprint(turns), fmt, turns)
    except Exception as exc:
        log.warning("conversation export failed: %s", exc, exc_info=True)
        st.error(f"The {label} file could not be made: {user_message(exc)}",
                 icon=":material/error:")
        return
    st.download_button("Download conversation", data, key=Chat.EXPORT_DOWNLOAD,
                       icon=":material/download:", file_name=f"conversation.{fmt}",
                       mime=MIME[fmt], on_click="ignore")


def _fingerprint(turns: list[Turn]) -> str:
    return hashlib.sha256(json.dumps([asdict(turn) for turn in turns]).encode()).hexdigest()


@st.cache_data(max_entries=16, show_spinner=False)
def _exported(fingerprint: str, fmt: ExportFormat, _turns: list[Turn]) -> bytes:
    """The conversation as a file, made once per content and format."""
    del fingerprint
    return export_conversation(_turns, fmt, "PDF Copilot conversation")


def conversation_caption(current: ChatCopilot | None) -> None:
    """Which conversation this is and what it searches."""
    if current is None or not current.has_context:
        return
    names = current.document_names()
    files = ", ".join(names) if names else "no documents"
    st.caption(f"This conversation is searching {escape_markdown(files)}")


def show_turn(turn: Turn, index: int) -> None:
    """One message; an answer ends with its sources as one row of chips."""
    with st.chat_message(turn.role):
        st.markdown(escape_markdown(turn.text))
        render_citations(index, turn.citations)
