"""The chat copilot: questions about documents, answered with citations (file, page, quote)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from core.client import OpenAIClient
from core.copilots._citations import (
    ChatAnswer,
    Citation,
    CitedSpan,
    MarkerFilter,
    answer_from_message,
    find_page,
    quote_before_marker,
)
from core.copilots._common import (
    Copilot,
    ExportFormat,
    SaveFormat,
    output_format,
    write_atomically,
)
from core.copilots._context import (
    ChatContext,
    ContextBuilder,
    KnownFile,
    KnownFiles,
    delete_objects,
    prepare_uploads,
)
from core.copilots._errors import (
    CopilotContextError,
    CopilotError,
    CopilotResponseError,
    DocumentIndexingError,
    FailedDocument,
)
from core.copilots._options import (
    DEFAULT_CHAT_INSTRUCTIONS,
    DEFAULT_OCR_PROMPT,
    OpenAIChatCopilotOptions,
)
from core.copilots._recognition import TextRecognizer
from core.copilots._sources import DocumentInput, DocumentSource, as_source
from core.documents import Section, export_document
from core.errors import NotFoundError, OpenAIError, RunFailedError
from core.types.messages import Message, MessageRole
from core.types.runs import MessageDeltaEvent

__all__ = ["ChatCopilot"]


class ChatCopilot(Copilot[OpenAIChatCopilotOptions]):
    """Chat with documents through the Assistants API.

    The context (files → vector store → assistant with file_search → thread) is created on the
    first question, or resumed from `options.context_backup` when the options ask for it
    (`with_restore_context_from_backup(True)`; a missing backup is then an error). Nothing is
    deleted automatically: the context lives until `delete_context()` (or until the vector
    store's expiry, if set), so it can be saved and resumed later.

    Scanned pages: PDF pages without a text layer, and image files, are read by OCR (see
    `with_ocr`) and uploaded as a companion `<document>.ocr.txt` with one `[page N]` section
    per page, so they are searchable; citations of it name the document and page.

    Documents the server fails to index: with `options.keep_indexed_documents` (the default)
    the others are kept, the failed ones are deleted from the server (they are of no use) and
    listed in `failed_documents` with the server's reason; DocumentIndexingError is raised only
    when none indexed, and then nothing of that setup is kept. Progress: see `with_progress`.
    `add_documents` adds more to the same vector store, with the same handling.

    Ownership: `delete_context()` deletes the context of this copilot — the objects it created,
    and, when it was restored from a backup, the objects named in that backup (restoring a
    backup hands its context over to whoever restores it; pass `include_restored=False` to
    keep those). It never deletes anything else: a file someone else attached to the same
    vector store stays.
    """

    def __init__(self, client: OpenAIClient, options: OpenAIChatCopilotOptions | None = None):
        super().__init__(client, options or OpenAIChatCopilotOptions())
        self._context = ChatContext()
        self._restored: set[str] = set()
        self._pending = list(self.options.documents)
        self._files = KnownFiles(client)
        self._recognizer: TextRecognizer | None = None
        self.last_answer: ChatAnswer | None = None
        # The documents of the last upload that the server could not index, and why.
        self.failed_documents: list[FailedDocument] = []
        if self.options.restore_context_from_backup:
            backup = self.options.context_backup
            if backup is None:
                raise CopilotContextError(
                    "restore_context_from_backup needs a context_backup_json_path"
                )
            if not backup.exists():
                raise CopilotContextError(f"there is no context backup at {backup} to restore")
            self._restore(backup)

    # --- the seed's surface ------------------------------------------------------------------

    def get_response(self, message: str | list[str]) -> str:
        """The answer to a question (several messages are sent together, then answered once)."""
        return self.ask(message).text

    def ask(self, message: str | list[str]) -> ChatAnswer:
        """The answer with its citations; markers in its text read [1], [2]… ."""
        thread_id, params = self._start(message)
        try:
            reply = self._client.run_and_get_assistant_message(thread_id, **params)
        except RunFailedError as exc:
            raise CopilotResponseError(f"no answer: {exc}") from exc
        except OpenAIError as exc:
            raise CopilotResponseError(f"the question could not be run: {exc}") from exc
        self.last_answer = self._answer(reply)
        return self.last_answer

    def stream_response(self, message: str | list[str]) -> Iterator[str]:
        """The answer's text as it arrives; afterwards `last_answer` holds it with citations."""
        thread_id, params = self._start(message)
        markers = MarkerFilter()
        try:
            stream = self._client.stream_run(thread_id, **params)
            try:
                for event in stream:
                    if isinstance(event, MessageDeltaEvent) and (
                        piece := markers.feed(event.data.text)
                    ):
                        yield piece
            finally:
                stream.close()
        except OpenAIError as exc:
            raise CopilotResponseError(f"the answer stream failed: {exc}") from exc
        if tail := markers.flush():
            yield tail
        run = stream.final_run
        replies = [m for m in stream.final_messages if m.role == "assistant"]
        if run is None or run.status != "completed":
            status = run.status if run else "unknown"
            error = run.last_error.message if run and run.last_error else None
            raise CopilotResponseError(
                f"no answer: the run ended {status!r}" + (f": {error}" if error else "")
            )
        reply = replies[-1] if replies else self._reply_of(thread_id, run.id)
        self.last_answer = self._answer(reply)

    def save_response(
        self,
        questions: str | list[str],
        path: str | Path,
        format: ExportFormat | SaveFormat | None = None,
        *,
        title: str | None = None,
    ) -> Path:
        """Ask each question and write the answers, one section each, with their citations.

        `format` is pdf, docx, md or txt (or a `SaveFormat`); by default the path's suffix
        decides, and a path without one gets a PDF (the seed's default).
        """
        path = Path(path)
        fmt = output_format(path, format)
        asked = [questions] if isinstance(questions, str) else list(questions)
        sections = []
        for question in asked:
            answer = self.ask(question)
            cited = [f"[{n}] {c.format()}" for n, c in enumerate(answer.citations, start=1)]
            sections.append(Section(heading=question, text=answer.text, citations=cited))
        data = export_document(title or self._title(), sections, fmt)
        return write_atomically(path, data)

    def save_context(self, path: str | Path | None = None) -> Path:
        """Write {assistant_id, thread_id, file_ids, vector_store_id} as JSON (default: the
        options' context_backup), creating the context first if it doesn't exist yet."""
        target = Path(path) if path is not None else self.options.context_backup
        if target is None:
            raise CopilotContextError("save_context needs a path (or options.context_backup)")
        self._ensure_context()
        return self._context.save(target)

    def delete_context(self, *, include_restored: bool = True) -> list[str]:
        """Delete the thread, assistant, vector store and files of this context.

        Returns the ids deleted. Objects restored from a backup are deleted too unless
        `include_restored=False`. Raises CopilotError naming any object that could not be
        deleted (after trying all of them).
        """
        targets = [
            (kind, object_id)
            for kind, object_id in self._context.ids()
            if include_restored or object_id not in self._restored
        ]
        failures = delete_objects(self._client, targets)
        self._context = ChatContext()
        self._restored.clear()
        self._files.clear()
        self._pending = list(self.options.documents)
        self.failed_documents = []
        if failures:
            listed = "; ".join(
                f"{kind} {object_id}: {error}" for kind, object_id, error in failures
            )
            raise CopilotError(f"could not delete {listed}")
        return [object_id for _, object_id in targets]

    @property
    def has_context(self) -> bool:
        """True once an assistant and a thread exist for this copilot (created or restored)."""
        return bool(self._context.assistant_id and self._context.thread_id)

    @property
    def context(self) -> ChatContext:
        """The ids of the current context (a copy)."""
        return ChatContext(**self._context.to_json())

    def get_history(self) -> list[tuple[MessageRole, ChatAnswer]]:
        """The thread's messages so far, oldest first, each with its citations resolved."""
        thread_id = self._context.thread_id
        if thread_id is None:
            return []
        try:
            messages = list(self._client.get_thread_messages(thread_id, order="asc", limit=100))
        except OpenAIError as exc:
            raise CopilotContextError(f"the thread {thread_id} can't be read: {exc}") from exc
        return [(message.role, self._answer(message)) for message in messages]

    def cited_page_text(self, citation: Citation) -> str | None:
        """The text of the page a citation points at (for a preview), when it can be read.

        PDF pages come from the document (read once per file), a scanned page from the text the
        server OCRed; an OCR companion's section of that page; a text document, with no pages,
        as a whole.
        """
        pages = dict(self._files.page_texts(citation.file_id, self._context.vector_store_id))
        if citation.page is not None:
            return pages.get(citation.page)
        return pages.get(1) if len(pages) == 1 else None

    def create_context(self) -> ChatContext:
        """Create (or complete) the context now instead of on the first question."""
        self._ensure_context()
        return self.context

    def add_documents(self, documents: Iterable[DocumentInput]) -> ChatContext:
        """Upload and index more documents into this chat's vector store.

        The assistant and thread stay, so the conversation goes on with the new documents
        searchable (the context is created first when there is none). Progress and failures
        are handled as for the first documents: see the class docstring.
        """
        added = [as_source(document) for document in documents]
        if not added:
            raise CopilotError("add_documents needs at least one document")
        self._ensure_context(added)
        return self.context

    def document_names(self) -> list[str]:
        """The documents this chat searches, one name each (an OCR companion is its document)."""
        names = (self._files.get(file_id).name for file_id in self._context.file_ids)
        return list(dict.fromkeys(names))

    # --- context -----------------------------------------------------------------------------

    def _restore(self, path: Path) -> None:
        context = ChatContext.load(path)
        try:
            assistant = self._client.get_assistant(context.assistant_id or "")
            self._client.get_thread(context.thread_id or "")
            if context.vector_store_id:
                self._client.get_vector_store(context.vector_store_id)
        except NotFoundError as exc:
            raise CopilotContextError(
                f"the context saved in {path} no longer exists: {exc}"
            ) from exc
        except OpenAIError as exc:
            raise CopilotContextError(
                f"the context saved in {path} can't be checked: {exc}"
            ) from exc
        self._context = context
        self._model = assistant.model
        self._restored = {object_id for _, object_id in context.ids()}

    def _ensure_context(self, added: Sequence[DocumentSource] = ()) -> None:
        sources = [*self._pending, *added]
        if self.has_context and not sources:
            return
        self.failed_documents = []
        builder = ContextBuilder(self._client, self.options.on_progress)
        try:
            self._build(builder, sources)
        except BaseException as exc:
            builder.rollback()
            if isinstance(exc, OpenAIError):
                raise CopilotError(f"the chat context could not be created: {exc}") from exc
            raise
        self._pending = []

    def _build(self, builder: ContextBuilder, sources: list[DocumentSource]) -> None:
        uploads = prepare_uploads(sources, self.options, self._get_recognizer)
        known = builder.upload(uploads)
        new_files = list(known)
        store_id = self._context.vector_store_id
        if new_files and store_id:
            builder.attach(store_id, new_files)
        elif new_files:
            store_id = builder.create_vector_store(
                self.options.assistant_name, new_files, self.options.vector_store_expiry_days
            )
        if store_id and new_files:
            new_files = self._drop_failed(builder, store_id, known)
        assistant_id = self._context.assistant_id
        if assistant_id is None:
            assistant_id = builder.create_assistant(**self._assistant_fields(store_id))
        elif store_id and store_id != self._context.vector_store_id:
            self._client.modify_assistant(
                assistant_id, tool_resources={"file_search": {"vector_store_ids": [store_id]}}
            )
        thread_id = self._context.thread_id or builder.create_thread()
        self._context = ChatContext(
            assistant_id, thread_id, store_id, [*self._context.file_ids, *new_files]
        )
        self._files.add({file_id: known[file_id] for file_id in new_files})

    def _drop_failed(
        self, builder: ContextBuilder, store_id: str, known: dict[str, KnownFile]
    ) -> list[str]:
        """The files that indexed; the others are recorded in `failed_documents` and deleted.

        Raises DocumentIndexingError when none indexed, or any failed and the options don't
        keep the rest.
        """
        failed = builder.failures(store_id, list(known))
        self.failed_documents = [FailedDocument(known[i].name, why) for i, why in failed.items()]
        if failed and (len(failed) == len(known) or not self.options.keep_indexed_documents):
            raise DocumentIndexingError(self.failed_documents)
        builder.discard(failed)
        return [file_id for file_id in known if file_id not in failed]

    def _assistant_fields(self, store_id: str | None) -> dict[str, Any]:
        options = self.options
        tool: dict[str, Any] = {"type": "file_search"}
        if options.max_num_results:
            tool["file_search"] = {"max_num_results": options.max_num_results}
        fields: dict[str, Any] = {
            "model": self.resolved_model(),
            "name": options.assistant_name,
            "instructions": options.instructions or DEFAULT_CHAT_INSTRUCTIONS,
            "temperature": options.temperature,
            "top_p": options.top_p,
            "tools": [tool],
        }
        if store_id:
            fields["tool_resources"] = {"file_search": {"vector_store_ids": [store_id]}}
        return {k: v for k, v in fields.items() if v is not None}

    def _get_recognizer(self) -> TextRecognizer:
        if self._recognizer is None:
            self._recognizer = TextRecognizer(
                self._client,
                local=self.options.use_local_ocr,
                model=self.resolved_model,
                prompt=DEFAULT_OCR_PROMPT,
            )
        return self._recognizer

    # --- questions and answers ---------------------------------------------------------------

    def _start(self, message: str | list[str]) -> tuple[str, dict[str, Any]]:
        """Post the user's message(s) on the thread; the run's parameters."""
        messages = [message] if isinstance(message, str) else list(message)
        if not messages or not all(isinstance(m, str) and m.strip() for m in messages):
            raise CopilotError("a question must be a non-empty string (or a list of them)")
        self._ensure_context()
        thread_id = self._context.thread_id
        assert thread_id is not None and self._context.assistant_id is not None
        try:
            for text in messages:
                self._client.create_thread_message(thread_id, role="user", content=text)
        except OpenAIError as exc:
            raise CopilotResponseError(f"the question could not be posted: {exc}") from exc
        params: dict[str, Any] = {
            "assistant_id": self._context.assistant_id,
            "max_prompt_tokens": self.options.max_prompt_tokens,
            "max_completion_tokens": self.options.max_completion_tokens,
            "truncation_strategy": self.options.truncation_strategy,
        }
        return thread_id, {k: v for k, v in params.items() if v is not None}

    def _reply_of(self, thread_id: str, run_id: str) -> Message:
        for message in self._client.get_thread_messages(thread_id, run_id=run_id, order="desc"):
            if message.role == "assistant":
                return message
        raise CopilotResponseError(f"the run {run_id} completed without an answer")

    def _answer(self, message: Message) -> ChatAnswer:
        return answer_from_message(message, self._cite)

    def _cite(self, span: CitedSpan) -> Citation:
        """A citation with the document's name and page, looked up when the server gave none."""
        known = self._files.get(span.file_id, span.filename)
        quote = span.quote or quote_before_marker(span.preceding_text)
        page = span.pages[0] if span.pages and not known.companion else None
        if page is None and quote and known.paged:
            pages = self._files.page_texts(span.file_id)
            page = find_page(quote, pages) if pages else None
        return Citation(span.file_id, known.name, page, quote)

    def _title(self) -> str:
        names = self.document_names()
        return f"Answers from {', '.join(names)}" if names else "Answers"
