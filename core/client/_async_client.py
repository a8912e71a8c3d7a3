"""`AsyncOpenAIClient`: the same surface as `OpenAIClient`, for asyncio.

Every method is the sync client's method — the same steps of the same request policy
(retries, backoff, idempotency keys, polling, error mapping; see `core.client._steps`) —
performed with `await` on an `httpx.AsyncClient`. Cancelling the awaiting task cancels the
request or the sleep in progress: nothing more is sent, and a streamed response is closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar, cast, overload

import httpx

from core.client._base import DEFAULT_TIMEOUT
from core.client._client import ClientSettings, OpenAIClient, OpenAIClientBuilder, Resources
from core.client._completions import Params as CompletionParams
from core.client._pagination import AsyncPage, PageSpec
from core.client._runs import RunParams, ThreadAndRunParams
from core.client._steps import AsyncRunner, Read, Send, Sleep, Steps
from core.client._streaming import AsyncAssistantEventStream, AsyncChatCompletionStream, StreamSpec
from core.errors import InvalidArgumentError
from core.types.chat import ChatCompletion
from core.types.runs import Run

if TYPE_CHECKING:
    from core.copilots._async import (
        AsyncChatCopilot,
        AsyncImageDescriptionCopilot,
        AsyncOcrCopilot,
        AsyncSummaryCopilot,
    )
    from core.copilots._options import (
        OpenAIChatCopilotOptions,
        OpenAIImageDescriptionCopilotOptions,
        OpenAIOcrCopilotOptions,
        OpenAISummaryCopilotOptions,
    )

__all__ = ["AsyncOpenAIClient", "AsyncOpenAIClientBuilder"]

R = TypeVar("R")
T = TypeVar("T")


class AsyncOpenAIClient(Resources, AsyncRunner):
    """`await client.get_models()`: every method of `OpenAIClient`, awaitable.

    Pages are `AsyncPage`s (`async for item in page` walks every page), streams are
    `AsyncAssistantEventStream` / `AsyncChatCompletionStream` (`async for event in stream`).
    Close it with `await client.close()` or `async with AsyncOpenAIClient(...) as client`.
    """

    Builder: ClassVar[type[AsyncOpenAIClientBuilder]]
    _http: httpx.AsyncClient

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        http_request_max_retries: int = 2,
        backoff_delay_seconds: float = 0.5,
        polling_interval_seconds: float = 1.0,
        polling_timeout_seconds: float = 600.0,
        timeout: float | httpx.Timeout | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> None:
        if http_client is not None and transport is not None:
            raise InvalidArgumentError("pass either transport= or http_client=, not both")
        self._configure(
            api_key=api_key,
            base_url=base_url,
            organization=organization,
            project=project,
            http_request_max_retries=http_request_max_retries,
            backoff_delay_seconds=backoff_delay_seconds,
            polling_interval_seconds=polling_interval_seconds,
            polling_timeout_seconds=polling_timeout_seconds,
            default_headers=default_headers,
        )
        self._owns_http_client = http_client is None
        self._http = http_client or httpx.AsyncClient(
            transport=transport,
            timeout=timeout if timeout is not None else DEFAULT_TIMEOUT,
            follow_redirects=True,
        )
        self._twin_settings: dict[str, Any] = {
            "api_key": api_key,
            "base_url": self.base_url,
            "organization": organization,
            "project": project,
            "timeout": timeout,
            "default_headers": default_headers,
        }
        self._twin: OpenAIClient | None = None

    @staticmethod
    def create_with_api_key(api_key: str) -> AsyncOpenAIClientBuilder:
        """The seed's entry point: a builder holding the key."""
        return AsyncOpenAIClientBuilder(api_key)

    @classmethod
    def from_env(cls, **options: Any) -> AsyncOpenAIClient:
        settings = ClientSettings()
        key = settings.api_key.get_secret_value() if settings.api_key else None
        return cls(
            api_key=key,
            base_url=settings.base_url,
            organization=settings.org_id,
            project=settings.project_id,
            **options,
        )

    # --- lifecycle ---------------------------------------------------------------------------

    async def close(self) -> None:
        """Release the connection pool; a passed-in http_client stays open."""
        if self._owns_http_client:
            await self._http.aclose()
        if self._twin is not None:
            self._twin.close()

    async def dispose(self) -> None:
        await self.close()

    async def __aenter__(self) -> AsyncOpenAIClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # --- performing the steps ----------------------------------------------------------------

    async def _sleep(self, seconds: float) -> None:
        """Every wait (retry backoff and polling) goes through here; tests replace it."""
        await asyncio.sleep(seconds)

    async def _drive_async(self, steps: Steps[R]) -> R:
        """Await a method's steps; errors of a step go back into the policy. Cancellation
        (a BaseException) is not sent back: it ends the steps where they are."""
        result: Any = None
        error: Exception | None = None
        try:
            while True:
                try:
                    step = steps.throw(error) if error is not None else steps.send(result)
                except StopIteration as stop:
                    return cast(R, stop.value)
                result, error = None, None
                try:
                    if isinstance(step, Send):
                        result = await self._http.send(step.request, stream=step.stream)
                    elif isinstance(step, Sleep):
                        await self._sleep(step.seconds)
                    elif isinstance(step, Read):
                        await step.response.aread()
                    else:
                        await step.response.aclose()
                except Exception as exc:
                    error = exc
        finally:
            steps.close()

    def _sync_twin(self) -> OpenAIClient:
        """A blocking client to the same server with the same key and knobs, for the async
        copilots' worker threads (they parse PDFs and call the server from there)."""
        if self._twin is None:
            self._twin = OpenAIClient(
                **self._twin_settings,
                http_request_max_retries=self.http_request_max_retries,
                backoff_delay_seconds=self.backoff_delay_seconds,
                polling_interval_seconds=self.polling_interval_seconds,
                polling_timeout_seconds=self.polling_timeout_seconds,
            )
        return self._twin

    async def _request(self, method: str, path: str, **options: Any) -> httpx.Response:
        return await self._drive_async(self._request_op(method, path, **options))

    def _page(self, spec: PageSpec[T]) -> AsyncPage[T]:
        async def fetch_after(cursor: str) -> AsyncPage[T]:
            return self._page(await self._drive_async(spec.fetch_after(cursor)))

        return AsyncPage(
            spec.data,
            first_id=spec.first_id,
            last_id=spec.last_id,
            has_more=spec.has_more,
            fetch_after=fetch_after,
        )

    def _run_stream(self, spec: StreamSpec) -> AsyncAssistantEventStream:
        return AsyncAssistantEventStream(spec.response)

    def _chat_stream(self, spec: StreamSpec) -> AsyncChatCompletionStream:
        return AsyncChatCompletionStream(spec.response)

    # --- the methods whose result type depends on `stream=` ----------------------------------

    @overload
    async def create_run(
        self,
        thread_id: str,
        params: RunParams = None,
        /,
        *,
        stream: Literal[False] = False,
        include: list[str] | None = None,
        **fields: Any,
    ) -> Run: ...

    @overload
    async def create_run(
        self,
        thread_id: str,
        params: RunParams = None,
        /,
        *,
        stream: Literal[True],
        include: list[str] | None = None,
        **fields: Any,
    ) -> AsyncAssistantEventStream: ...

    async def create_run(
        self,
        thread_id: str,
        params: RunParams = None,
        /,
        *,
        stream: bool = False,
        include: list[str] | None = None,
        **fields: Any,
    ) -> Run | AsyncAssistantEventStream:
        """Start a run of an assistant on a thread; `stream=True` returns its events."""
        result = await self._drive_async(
            self._create_run_op(thread_id, params, stream=stream, include=include, fields=fields)
        )
        return self._run_stream(result) if isinstance(result, StreamSpec) else result

    @overload
    async def create_thread_and_run(
        self, params: ThreadAndRunParams = None, /, *, stream: Literal[False] = False, **fields: Any
    ) -> Run: ...

    @overload
    async def create_thread_and_run(
        self, params: ThreadAndRunParams = None, /, *, stream: Literal[True], **fields: Any
    ) -> AsyncAssistantEventStream: ...

    async def create_thread_and_run(
        self, params: ThreadAndRunParams = None, /, *, stream: bool = False, **fields: Any
    ) -> Run | AsyncAssistantEventStream:
        """Create a thread and start a run on it in one request."""
        result = await self._drive_async(
            self._create_thread_and_run_op(params, stream=stream, fields=fields)
        )
        return self._run_stream(result) if isinstance(result, StreamSpec) else result

    @overload
    async def create_completion(
        self, params: CompletionParams = None, /, *, stream: Literal[False] = False, **fields: Any
    ) -> ChatCompletion: ...

    @overload
    async def create_completion(
        self, params: CompletionParams = None, /, *, stream: Literal[True], **fields: Any
    ) -> AsyncChatCompletionStream: ...

    async def create_completion(
        self, params: CompletionParams = None, /, *, stream: bool = False, **fields: Any
    ) -> ChatCompletion | AsyncChatCompletionStream:
        """A chat completion; `stream=True` returns its chunks as an async stream."""
        result = await self._drive_async(
            self._create_completion_op(params, stream=stream, fields=fields)
        )
        return self._chat_stream(result) if isinstance(result, StreamSpec) else result

    # --- copilots ----------------------------------------------------------------------------

    def get_chat_copilot(self, options: OpenAIChatCopilotOptions | None = None) -> AsyncChatCopilot:
        from core.copilots._async import AsyncChatCopilot

        return AsyncChatCopilot(self, options)

    def get_summary_copilot(
        self, options: OpenAISummaryCopilotOptions | None = None
    ) -> AsyncSummaryCopilot:
        from core.copilots._async import AsyncSummaryCopilot

        return AsyncSummaryCopilot(self, options)

    def get_image_description_copilot(
        self, options: OpenAIImageDescriptionCopilotOptions | None = None
    ) -> AsyncImageDescriptionCopilot:
        from core.copilots._async import AsyncImageDescriptionCopilot

        return AsyncImageDescriptionCopilot(self, options)

    def get_ocr_copilot(self, options: OpenAIOcrCopilotOptions | None = None) -> AsyncOcrCopilot:
        from core.copilots._async import AsyncOcrCopilot

        return AsyncOcrCopilot(self, options)


class AsyncOpenAIClientBuilder(OpenAIClientBuilder):
    """`AsyncOpenAIClient.create_with_api_key(key).with_base_domain(...).build()`."""

    def build(self, **options: Any) -> AsyncOpenAIClient:  # type: ignore[override]
        return AsyncOpenAIClient(
            api_key=self._api_key,
            base_url=self._resolved_base_url(),
            organization=self._organization,
            project=self._project,
            **options,
        )


AsyncOpenAIClient.Builder = AsyncOpenAIClientBuilder
