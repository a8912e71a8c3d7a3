"""Async copilots: the seed's copilots for `AsyncOpenAIClient`, awaitable.

A copilot's work is mostly blocking — reading PDFs, OCR, building documents — between its
requests, so each async copilot runs the copilot itself in a worker thread (over a blocking
twin of the async client: same server, key and knobs) and awaits it. The event loop stays free
meanwhile. Cancelling the awaiting task stops the work at its next request to the server: the
request in progress finishes, what the copilot had created for this call is deleted again (as
after any failure), and then the task ends with CancelledError.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from core.copilots._citations import ChatAnswer
from core.copilots._common import ExportFormat, SaveFormat
from core.copilots._context import ChatContext
from core.copilots._options import (
    OpenAIChatCopilotOptions,
    OpenAIImageDescriptionCopilotOptions,
    OpenAIOcrCopilotOptions,
    OpenAISummaryCopilotOptions,
)
from core.copilots._seed import (
    ImageDescriptionResult,
    OpenAIChatCopilot,
    OpenAIImageDescriptionCopilot,
    OpenAIOcrCopilot,
    OpenAISummaryCopilot,
    PageInfo,
    SummaryDocument,
    TextRecognitionResult,
)
from core.copilots._sources import DocumentInput
from core.types.messages import MessageRole

if TYPE_CHECKING:
    from core.client import AsyncOpenAIClient

__all__ = [
    "AsyncChatCopilot",
    "AsyncImageDescriptionCopilot",
    "AsyncOcrCopilot",
    "AsyncSummaryCopilot",
]

C = TypeVar("C")
R = TypeVar("R")
_DONE = object()


class _AsyncCopilot(Generic[C]):
    def __init__(self, client: AsyncOpenAIClient, copilot: C) -> None:
        self._async_client = client
        self._copilot = copilot
        self._lock = asyncio.Lock()

    @property
    def copilot(self) -> C:
        """The (blocking) copilot doing the work."""
        return self._copilot

    @property
    def options(self) -> Any:
        return self._copilot.options  # type: ignore[attr-defined]

    @property
    def has_context(self) -> bool:
        return bool(self._copilot.has_context)  # type: ignore[attr-defined]

    async def _run(self, work: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """`work(*args)` in a worker thread; one call at a time per copilot."""
        async with self._lock:
            twin = self._async_client._sync_twin()
            stop = threading.Event()

            def call() -> R:
                twin._cancel_scope.event = stop  # this worker thread's flag only
                try:
                    return work(*args, **kwargs)
                finally:
                    twin._cancel_scope.event = None

            context = contextvars.copy_context()
            work_done = asyncio.get_running_loop().run_in_executor(None, context.run, call)
            try:
                return await asyncio.shield(work_done)
            except asyncio.CancelledError:
                # The work stops at its next request and undoes what it had created, as after
                # any failure; the cancellation is raised once it has.
                stop.set()
                with contextlib.suppress(BaseException):
                    await work_done
                raise


class AsyncChatCopilot(_AsyncCopilot[OpenAIChatCopilot]):
    """`await copilot.get_response("…")`; the chat copilot's surface, awaitable."""

    def __init__(
        self, client: AsyncOpenAIClient, options: OpenAIChatCopilotOptions | None = None
    ) -> None:
        super().__init__(client, OpenAIChatCopilot(client._sync_twin(), options))

    async def get_response(self, message: str | list[str]) -> str:
        return await self._run(self._copilot.get_response, message)

    async def ask(self, message: str | list[str]) -> ChatAnswer:
        return await self._run(self._copilot.ask, message)

    async def stream_response(self, message: str | list[str]) -> AsyncIterator[str]:
        """The answer's text as it arrives (each piece read in the worker thread)."""
        pieces = self._copilot.stream_response(message)
        while (piece := await self._run(next, pieces, _DONE)) is not _DONE:
            yield piece  # type: ignore[misc]

    async def save_response(
        self,
        questions: str | list[str],
        path: str | Path,
        format: ExportFormat | SaveFormat | None = None,
    ) -> Path:
        return await self._run(self._copilot.save_response, questions, path, format)

    async def save_context(self, path: str | Path | None = None) -> Path:
        return await self._run(self._copilot.save_context, path)

    async def delete_context(self, *, include_restored: bool = True) -> list[str]:
        return await self._run(self._copilot.delete_context, include_restored=include_restored)

    async def create_context(self) -> ChatContext:
        return await self._run(self._copilot.create_context)

    async def add_documents(self, documents: Iterable[DocumentInput]) -> ChatContext:
        return await self._run(self._copilot.add_documents, list(documents))

    async def get_history(self) -> list[tuple[MessageRole, ChatAnswer]]:
        return await self._run(self._copilot.get_history)

    @property
    def context(self) -> ChatContext:
        return self._copilot.context


class AsyncSummaryCopilot(_AsyncCopilot[OpenAISummaryCopilot]):
    def __init__(
        self, client: AsyncOpenAIClient, options: OpenAISummaryCopilotOptions | None = None
    ) -> None:
        super().__init__(client, OpenAISummaryCopilot(client._sync_twin(), options))

    async def get_summary(self) -> str:
        return await self._run(self._copilot.get_summary)

    async def get_summary_document(self, page_info: PageInfo | None = None) -> SummaryDocument:
        return await self._run(self._copilot.get_summary_document, page_info)

    async def save_summary(
        self,
        path: str | Path,
        format: ExportFormat | SaveFormat | None = None,
        page_info: PageInfo | None = None,
    ) -> Path:
        return await self._run(self._copilot.save_summary, path, format, page_info=page_info)


class AsyncImageDescriptionCopilot(_AsyncCopilot[OpenAIImageDescriptionCopilot]):
    def __init__(
        self,
        client: AsyncOpenAIClient,
        options: OpenAIImageDescriptionCopilotOptions | None = None,
    ) -> None:
        super().__init__(client, OpenAIImageDescriptionCopilot(client._sync_twin(), options))

    async def get_image_descriptions(self) -> list[ImageDescriptionResult]:
        return await self._run(self._copilot.get_image_descriptions)

    async def add_pdf_image_descriptions(self, output_dir: str | Path) -> list[Path]:
        return await self._run(self._copilot.add_pdf_image_descriptions, output_dir)


class AsyncOcrCopilot(_AsyncCopilot[OpenAIOcrCopilot]):
    def __init__(
        self, client: AsyncOpenAIClient, options: OpenAIOcrCopilotOptions | None = None
    ) -> None:
        super().__init__(client, OpenAIOcrCopilot(client._sync_twin(), options))

    async def get_text_recognition_result(self) -> list[TextRecognitionResult]:
        return await self._run(self._copilot.get_text_recognition_result)
