"""A chat conversation over the chat copilot: documents in, turns out, restore and export.

Plain Python (no Streamlit), so the Chat screen stays thin and this is testable on its own.
The copilot keeps the server-side context; the app adds two things on top:
- the context's assistant and vector store ids are written into the thread's metadata, so the
  thread id alone (the page URL's `?thread=`) is enough to reopen the conversation;
- uploads are opened here first, so a damaged PDF is reported by name (and its pages counted
  from the page tree, not read) before anything is uploaded.
Files the server then fails to index are left out by the copilot, which names them with the
server's reason in `failed_documents`.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from core import OpenAIClient
from core.copilots import (
    ChatCopilot,
    Citation,
    CopilotContextError,
    DocumentSource,
    OpenAIChatCopilotOptions,
    ProgressCallback,
)
from core.documents import DocumentError, Section, count_pdf_pages, export_document
from core.errors import NotFoundError
from core.types.messages import FileCitationAnnotation, Message, TextContent

ExportFormat = Literal["pdf", "docx", "md"]
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
ASSISTANT_KEY, STORE_KEY = "pdf_copilot_assistant_id", "pdf_copilot_vector_store_id"


@dataclass
class Turn:
    """One message of the conversation as the screen shows it."""

    role: Literal["user", "assistant"]
    text: str
    citations: list[Citation] = field(default_factory=list)


@dataclass
class ReadReport:
    """The uploads that can be indexed, and those that can't with the reason."""

    sources: list[DocumentSource] = field(default_factory=list)
    pages: dict[str, int] = field(default_factory=dict)  # PDF name → page count
    failures: list[tuple[str, str]] = field(default_factory=list)


def read_uploads(files: list[tuple[str, bytes]], on_progress: ProgressCallback, *,
                 count_pages: Callable[[bytes], int] = count_pdf_pages) -> ReadReport:
    """Check each upload (not empty, PDF pages countable, text is UTF-8) into a source.

    `count_pages` counts a PDF's pages (the app passes its page renderer's, which does it in
    a child process bounded in time and memory). Progress is ("reading", files read, files).
    """
    report = ReadReport()
    for done, (name, data) in enumerate(files, start=1):
        try:
            if not data:
                raise ValueError("empty file (0 bytes)")
            if data.startswith(b"%PDF"):
                report.pages[name] = count_pages(data)  # PDFium reads only the page tree
                report.sources.append(DocumentSource.from_pdf_bytes(name, data))
            elif name.lower().endswith(TEXT_SUFFIXES):
                text = data.decode("utf-8-sig")
                if not text.strip():
                    raise ValueError("empty file (only blank space)")
                report.sources.append(DocumentSource.from_text(name, text))
            else:
                raise ValueError("not a PDF, text or Markdown file")
        except UnicodeDecodeError:
            report.failures.append((name, "the text is not UTF-8"))
        except (DocumentError, ValueError) as exc:
            report.failures.append((name, str(exc)))
        on_progress(done, len(files), "reading")
    return report


def open_conversation(
    client: OpenAIClient,
    sources: list[DocumentSource],
    *,
    model: str,
    previous: ChatCopilot | None = None,
    on_progress: ProgressCallback | None = None,
    server_ocr: bool = False,
) -> ChatCopilot:
    """Upload and index `sources`: into `previous`'s conversation when it has one, else a new one.

    Documents the server can't index are left out and named in the copilot's
    `failed_documents`; DocumentIndexingError when none could be (nothing is then added).
    `server_ocr`: the server OCRs scanned pages while indexing (our engine), so PDFs are sent
    as they are and its per-page progress covers the OCR too; else they are OCRed here first.
    """
    if previous is not None and previous.has_context:
        copilot = previous
    else:
        copilot = client.get_chat_copilot(OpenAIChatCopilotOptions.create().with_model(model))
    copilot.options.with_server_ocr(server_ocr).with_progress(on_progress)
    try:
        context = copilot.add_documents(sources)
    finally:
        copilot.options.with_progress(None)  # the callback draws on this run's page only
    if context.thread_id:
        thread = client.get_thread(context.thread_id)
        metadata = {**(thread.metadata or {}), ASSISTANT_KEY: context.assistant_id or ""}
        if context.vector_store_id:
            metadata[STORE_KEY] = context.vector_store_id
        client.modify_thread(context.thread_id, metadata=metadata)
    return copilot


def restore_from_backup(client: OpenAIClient, backup: bytes) -> tuple[ChatCopilot, list[Turn]]:
    """The conversation a saved context JSON names, with its messages so far."""
    try:
        json.loads(backup)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CopilotContextError(f"this is not a saved context (invalid JSON: {exc})") from exc
    with tempfile.TemporaryDirectory() as workdir:
        path = Path(workdir) / "context.json"
        path.write_bytes(backup)
        copilot = client.get_chat_copilot(
            OpenAIChatCopilotOptions.create().with_context_backup(path).with_restore_context_from_backup()
        )
        copilot.options.with_context_backup(None)
    thread_id = copilot.context.thread_id or ""
    return copilot, history(client, thread_id)


def restore_from_thread(client: OpenAIClient, thread_id: str) -> tuple[ChatCopilot, list[Turn]]:
    """The conversation of a thread this app created (its metadata names the rest)."""
    try:
        metadata = client.get_thread(thread_id).metadata or {}
    except NotFoundError as exc:
        raise CopilotContextError(f"the conversation {thread_id} no longer exists") from exc
    assistant_id = metadata.get(ASSISTANT_KEY)
    if not assistant_id:
        raise CopilotContextError(f"the thread {thread_id} was not created by this app's Chat")
    store_id = metadata.get(STORE_KEY)
    file_ids = [f.id for f in client.get_vector_store_files(store_id, limit=100)] if store_id \
        else []
    backup = {"assistant_id": assistant_id, "thread_id": thread_id,
              "vector_store_id": store_id, "file_ids": file_ids}
    return restore_from_backup(client, json.dumps(backup).encode())


def history(client: OpenAIClient, thread_id: str) -> list[Turn]:
    """The thread's messages, oldest first, with the citations their annotations carry."""
    messages = client.get_thread_messages(thread_id, order="asc", limit=100)
    return [_turn(message) for message in messages]


def _turn(message: Message) -> Turn:
    """Markers become [1], [2]… as in live answers (annotation offsets are per text part)."""
    citations: list[Citation] = []
    parts = []
    for part in message.content:
        if not isinstance(part, TextContent):
            continue
        value, pieces, position = part.text.value, [], 0
        cited = sorted((a for a in part.text.annotations if isinstance(a, FileCitationAnnotation)),
                       key=lambda a: a.start_index)
        for annotation in cited:
            if annotation.start_index < position or annotation.end_index > len(value):
                continue
            source = annotation.file_citation
            citations.append(Citation(source.file_id, source.filename,
                                      source.pages[0] if source.pages else None, source.quote))
            pieces.append(value[position:annotation.start_index] + f"[{len(citations)}]")
            position = annotation.end_index
        parts.append("".join(pieces) + value[position:])
    return Turn(message.role, "\n\n".join(parts), citations)


def export_conversation(turns: list[Turn], fmt: ExportFormat, title: str) -> bytes:
    """The conversation as PDF, DOCX or Markdown: one section per question and its answer."""
    sections: list[Section] = []
    for turn in turns:
        if turn.role == "user":
            sections.append(Section(heading=turn.text, text="", citations=[]))
        elif sections:
            sections[-1] = Section(heading=sections[-1].heading, text=turn.text,
                                   citations=[f"[{n}] {c.format()}"
                                              for n, c in enumerate(turn.citations, start=1)])
    return export_document(title, sections, fmt)
