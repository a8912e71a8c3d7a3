"""A chat copilot's server-side context: what it holds, how it is saved, built and torn down.

The context is an assistant, a thread, a vector store and the files in it. Building it creates
those objects one by one; if any step fails, everything created so far is deleted again, so a
failed setup leaves nothing behind. Files the server fails to index can instead be discarded
alone (`ContextBuilder.discard`), keeping the rest.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from core.client import OpenAIClient
from core.copilots._common import report, write_atomically
from core.copilots._errors import CopilotContextError, CopilotError, DocumentSourceError
from core.copilots._options import OpenAIChatCopilotOptions, ProgressCallback
from core.copilots._recognition import PageContent, TextRecognizer, read_pages
from core.copilots._sources import DocumentSource
from core.documents import DocumentError, read_pdf_pages
from core.errors import NotFoundError, OpenAIError
from core.types.vector_stores import VectorStore, VectorStoreFileBatch

__all__ = [
    "ChatContext",
    "ContextBuilder",
    "KnownFile",
    "KnownFiles",
    "Upload",
    "prepare_uploads",
]

log = logging.getLogger("core.copilots")

COMPANION_SUFFIX = ".ocr.txt"
METADATA = {"created_by": "pdf-copilot", "copilot": "chat"}
_PAGE_HEADER = re.compile(r"^\[page (\d+)\]$", re.MULTILINE)
ObjectKind = Literal["file", "vector_store", "assistant", "thread"]


@dataclass
class ChatContext:
    """The ids a chat needs; saved as JSON {assistant_id, thread_id, file_ids, vector_store_id}."""

    assistant_id: str | None = None
    thread_id: str | None = None
    vector_store_id: str | None = None
    file_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "assistant_id": self.assistant_id,
            "thread_id": self.thread_id,
            "file_ids": list(self.file_ids),
            "vector_store_id": self.vector_store_id,
        }

    def save(self, path: Path) -> Path:
        write_atomically(path, (json.dumps(self.to_json(), indent=2) + "\n").encode("utf-8"))
        return path

    @classmethod
    def load(cls, path: Path) -> ChatContext:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CopilotContextError(f"the context backup {path} can't be read: {exc}") from exc
        if not isinstance(data, dict):
            raise CopilotContextError(f"the context backup {path} is not a JSON object")
        assistant_id, thread_id = data.get("assistant_id"), data.get("thread_id")
        if not isinstance(assistant_id, str) or not isinstance(thread_id, str):
            raise CopilotContextError(f"the context backup {path} lacks assistant_id or thread_id")
        file_ids = data.get("file_ids") or []
        store = data.get("vector_store_id")
        if not isinstance(file_ids, list) or not all(isinstance(f, str) for f in file_ids):
            raise CopilotContextError(f"file_ids in {path} must be a list of ids")
        if store is not None and not isinstance(store, str):
            raise CopilotContextError(f"vector_store_id in {path} must be an id or null")
        return cls(assistant_id, thread_id, store, file_ids)

    def ids(self) -> list[tuple[ObjectKind, str]]:
        """Every object id, in the order they are safe to delete."""
        listed: list[tuple[ObjectKind, str | None]] = [
            ("thread", self.thread_id),
            ("assistant", self.assistant_id),
            ("vector_store", self.vector_store_id),
            *(("file", f) for f in self.file_ids),
        ]
        return [(kind, id_) for kind, id_ in listed if id_]


@dataclass
class KnownFile:
    """What the copilot knows of an uploaded file: the document's name and its page texts."""

    name: str
    pages: list[tuple[int, str]] | None = None
    source: DocumentSource | None = None
    companion: bool = False

    @property
    def paged(self) -> bool:
        """True when citations of the file have pages: a PDF, or a scan's OCR companion."""
        if self.source is not None:
            return self.source.kind == "pdf"
        return self.companion or self.name.lower().endswith(".pdf")


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes
    info: KnownFile


class KnownFiles:
    """What the copilot knows of each file id: its document's name, and its pages once read."""

    def __init__(self, client: OpenAIClient) -> None:
        self._client = client
        self._files: dict[str, KnownFile] = {}
        self._asked_server: set[str] = set()

    def add(self, files: dict[str, KnownFile]) -> None:
        self._files.update(files)

    def clear(self) -> None:
        self._files.clear()
        self._asked_server.clear()

    def get(self, file_id: str, filename: str | None = None) -> KnownFile:
        """The file's entry; an unknown file is named by `filename`, else by the server."""
        known = self._files.get(file_id)
        if known is None:
            if filename is None:
                try:
                    filename = self._client.get_file(file_id).filename
                except OpenAIError:
                    filename = file_id
            name, companion = document_name(filename)
            known = self._files[file_id] = KnownFile(name, companion=companion)
        return known

    def page_texts(self, file_id: str, store_id: str | None = None) -> list[tuple[int, str]]:
        """Page texts of a file: read when uploaded, else from its bytes (cached).

        With `store_id`, pages without a text layer here (scans the server OCRed) take the
        text the server stored for them, when it gives one part per page (our engine does).
        """
        known = self.get(file_id)
        pages = self._read_pages(file_id, known)
        if (store_id and known.paged and file_id not in self._asked_server
                and any(not text.strip() for _, text in pages)):
            self._asked_server.add(file_id)  # once: a blank page stays blank
            known.pages = pages = self._with_server_text(store_id, file_id, pages)
        return pages

    def _with_server_text(
        self, store_id: str, file_id: str, pages: list[tuple[int, str]]
    ) -> list[tuple[int, str]]:
        try:
            parts = self._client.get_vector_store_file_content(store_id, file_id).data
        except OpenAIError:
            return pages
        if len(parts) != len(pages):
            return pages
        return [(number, text if text.strip() else part.text)
                for (number, text), part in zip(pages, parts, strict=True)]

    def _read_pages(self, file_id: str, known: KnownFile) -> list[tuple[int, str]]:
        if known.pages is None:
            known.pages = []
            try:
                data = (
                    known.source.read_bytes()
                    if known.source
                    else self._client.get_file_content(file_id)
                )
            except (OpenAIError, CopilotError):
                return known.pages  # e.g. OpenAI refuses downloads of assistants files
            if known.companion:
                known.pages = companion_pages(data.decode("utf-8", "replace"))
            elif not data.startswith(b"%PDF"):
                known.pages = [(1, data.decode("utf-8", "replace"))]
            else:
                with suppress(DocumentError):
                    known.pages = [(p.number, p.text) for p in read_pdf_pages(data)]
        return known.pages


def prepare_uploads(
    sources: Iterable[DocumentSource],
    options: OpenAIChatCopilotOptions,
    recognizer: Callable[[], TextRecognizer],
) -> list[Upload]:
    """The files to upload for `sources`; scanned pages and images get an OCR text companion.

    The companion, `<document name>.ocr.txt`, holds one section per recognised page headed
    `[page N]`, so the scanned pages become searchable and citations of it name the document
    and page. A PDF without any text layer is not uploaded itself (servers reject it), only
    its companion. With `options.server_ocr` a PDF goes as it is: the server reads it, OCR
    included.
    """
    uploads: list[Upload] = []
    for source in sources:
        if source.kind == "text" or (source.kind == "pdf" and options.server_ocr):
            info = KnownFile(source.name, source=source)
            uploads.append(Upload(source.name, source.read_bytes(), info))
            continue
        if not options.ocr_scanned_pages:
            if source.kind == "image":
                raise DocumentSourceError(source.name, "an image is only searchable with OCR on")
            uploads.append(
                Upload(source.name, source.read_bytes(), KnownFile(source.name, source=source))
            )
            continue
        pages = read_pages(source, recognizer(), min_chars=options.text_layer_min_chars)
        for page in pages:
            if page.error:
                log.warning("%s, page %d: OCR failed: %s", source.name, page.number, page.error)
        recognized = [
            p for p in pages if p.method in ("local_ocr", "vision_model") and p.text.strip()
        ]
        has_text_layer = any(p.text.strip() for p in pages if p.method == "text_layer")
        if source.kind == "pdf" and (has_text_layer or not recognized):
            info = KnownFile(source.name, [(p.number, p.text) for p in pages], source)
            uploads.append(Upload(source.name, source.read_bytes(), info))
        if recognized:
            uploads.append(_companion(source.name, recognized))
        elif source.kind == "image":
            raise DocumentSourceError(source.name, "OCR found no text in the image to search")
    return uploads


def _companion(name: str, pages: list[PageContent]) -> Upload:
    text = "\n\n".join(f"[page {p.number}]\n{p.text.strip()}" for p in pages) + "\n"
    info = KnownFile(name, [(p.number, p.text) for p in pages], companion=True)
    return Upload(name + COMPANION_SUFFIX, text.encode("utf-8"), info)


def companion_pages(text: str) -> list[tuple[int, str]]:
    """The `[page N]` sections of an OCR companion file."""
    headers = list(_PAGE_HEADER.finditer(text))
    return [
        (int(h.group(1)), text[h.end() : nxt.start() if nxt else len(text)].strip())
        for h, nxt in zip(headers, [*headers[1:], None], strict=True)
    ]


def document_name(filename: str) -> tuple[str, bool]:
    """The document a server-side file name stands for, and whether it is an OCR companion."""
    if filename.endswith(COMPANION_SUFFIX):
        return filename[: -len(COMPANION_SUFFIX)], True
    return filename, False


class ContextBuilder:
    """Creates the context's objects and remembers them, so a failure can undo them all.

    Progress goes to `on_progress`: ("uploading", files uploaded, files), then ("indexing",
    files the server has finished with, files) each time that count moves, and ("indexing
    pages", pages read, pages) where the server reports pages.
    """

    def __init__(self, client: OpenAIClient, on_progress: ProgressCallback | None = None) -> None:
        self._client = client
        self._on_progress = on_progress
        self.created: list[tuple[ObjectKind, str]] = []

    def upload(self, uploads: list[Upload]) -> dict[str, KnownFile]:
        known = {}
        for done, upload in enumerate(uploads, start=1):
            file = self._client.upload_file(upload.data, filename=upload.filename)
            self.created.append(("file", file.id))
            known[file.id] = upload.info
            report(self._on_progress, done, len(uploads), "uploading")
        return known

    def create_vector_store(self, name: str, file_ids: list[str], expiry_days: int | None) -> str:
        """A store of `file_ids`, once the server has finished indexing them."""
        expires = {"anchor": "last_active_at", "days": expiry_days} if expiry_days else None
        store = self._client.create_vector_store(
            name=name, file_ids=file_ids, expires_after=expires, metadata=METADATA
        )
        self.created.append(("vector_store", store.id))
        self._client.wait_for_vector_store_to_complete(store.id, on_poll=self._indexing(store.id))
        return store.id

    def attach(self, store_id: str, file_ids: list[str]) -> None:
        """Add files to an existing store and wait until the server has finished with them."""
        batch = self._client.create_vector_store_file_batch(store_id, file_ids=file_ids)
        self._client.wait_for_vector_store_file_batch_to_complete(
            store_id, batch.id, on_poll=self._indexing(store_id)
        )

    def failures(self, store_id: str, file_ids: list[str]) -> dict[str, str]:
        """Each of `file_ids` the server did not index, with the reason it gave."""
        wanted = set(file_ids)
        return {
            file.id: file.last_error.message if file.last_error else f"status {file.status}"
            for file in self._client.get_vector_store_files(store_id, limit=100)
            if file.id in wanted and file.status != "completed"
        }

    def discard(self, file_ids: Iterable[str]) -> None:
        """Delete uploaded files that are of no use (deleting a file takes it out of its store)."""
        dropped = set(file_ids)
        self.created = [(k, i) for k, i in self.created if i not in dropped]
        for kind, object_id, error in delete_objects(
            self._client, [("file", i) for i in sorted(dropped)]
        ):
            log.warning("could not delete the failed %s %s: %s", kind, object_id, error)

    def create_assistant(self, **fields: Any) -> str:
        assistant = self._client.create_assistant(metadata=METADATA, **fields)
        self.created.append(("assistant", assistant.id))
        return assistant.id

    def create_thread(self) -> str:
        thread = self._client.create_thread(metadata=METADATA)
        self.created.append(("thread", thread.id))
        return thread.id

    def rollback(self) -> None:
        """Delete what was created, newest first; failures are logged, not raised."""
        failures = delete_objects(self._client, list(reversed(self.created)))
        for kind, object_id, error in failures:
            log.warning("could not undo the %s %s: %s", kind, object_id, error)
        self.created.clear()

    def _indexing(self, store_id: str) -> Callable[[VectorStore | VectorStoreFileBatch], None]:
        """A poll hook that reports the store's or batch's `file_counts` when they move, and
        the pages read so far ("indexing pages", pages done, pages) where the server tells
        them (the engine's `progress` extension of vector-store files)."""
        last = -1
        last_pages = (-1, -1)

        def hook(polled: VectorStore | VectorStoreFileBatch) -> None:
            nonlocal last, last_pages
            counts = polled.file_counts
            done = counts.total - counts.in_progress  # completed, failed or cancelled
            if done != last:
                last = done
                report(self._on_progress, done, counts.total, "indexing")
            if counts.in_progress:
                pages = self._pages_read(store_id)
                if pages is not None and pages != last_pages:
                    last_pages = pages
                    report(self._on_progress, pages[0], pages[1], "indexing pages")

        return hook

    def _pages_read(self, store_id: str) -> tuple[int, int] | None:
        """(pages read, pages) over the store's files being read, if the server says."""
        try:
            files = self._client.get_vector_store_files(store_id, filter="in_progress", limit=100)
        except OpenAIError:
            return None
        progress = [getattr(f, "progress", None) for f in files.data]
        known = [p for p in progress if isinstance(p, dict) and p.get("pages_total")]
        if not known:
            return None
        return (sum(int(p.get("pages_done") or 0) for p in known),
                sum(int(p["pages_total"]) for p in known))


def delete_objects(
    client: OpenAIClient, objects: Iterable[tuple[ObjectKind, str]]
) -> list[tuple[ObjectKind, str, str]]:
    """Delete each object; one already gone counts as deleted. Returns the ones that failed."""
    deleters: dict[ObjectKind, Callable[[str], object]] = {
        "thread": client.delete_thread,
        "assistant": client.delete_assistant,
        "vector_store": client.delete_vector_store,
        "file": client.delete_file,
    }
    failures = []
    for kind, object_id in objects:
        try:
            deleters[kind](object_id)
        except NotFoundError:
            pass
        except OpenAIError as exc:
            failures.append((kind, object_id, str(exc)))
    return failures
