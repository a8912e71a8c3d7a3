"""Server-sent events: a small decoder and the typed streams built on it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any, Self

import httpx

from core.errors import APIConnectionError, StreamError
from core.types.chat import ChatCompletionChunk
from core.types.messages import Message
from core.types.runs import (
    AssistantStreamEvent,
    ErrorEvent,
    MessageDeltaEvent,
    MessageEvent,
    Run,
    RunEvent,
    parse_stream_event,
)

__all__ = [
    "AssistantEventStream",
    "AsyncAssistantEventStream",
    "AsyncChatCompletionStream",
    "ChatCompletionStream",
    "ServerSentEvent",
    "StreamSpec",
    "aiter_sse",
    "iter_sse",
]


@dataclass(frozen=True)
class ServerSentEvent:
    event: str | None
    data: str


@dataclass(frozen=True)
class StreamSpec:
    """A streamed response, before a client wraps it in its (sync or async) stream class."""

    response: httpx.Response


class SSEDecoder:
    """`event:` / `data:` lines in, events out; a blank line ends an event, `:` lines are
    comments. One decoder serves the sync and the async streams."""

    def __init__(self) -> None:
        self._event: str | None = None
        self._data: list[str] = []

    def feed(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self.flush()
        if line.startswith(":"):
            return None
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            self._event = value
        elif field == "data":
            self._data.append(value)
        return None

    def flush(self) -> ServerSentEvent | None:
        event = None
        if self._data or self._event is not None:
            event = ServerSentEvent(self._event, "\n".join(self._data))
        self._event, self._data = None, []
        return event


def iter_sse(lines: Iterator[str]) -> Iterator[ServerSentEvent]:
    """Decode `event:` / `data:` lines; a blank line ends an event, `:` lines are comments."""
    decoder = SSEDecoder()
    for line in lines:
        if (event := decoder.feed(line)) is not None:
            yield event
    if (event := decoder.flush()) is not None:
        yield event


async def aiter_sse(lines: AsyncIterator[str]) -> AsyncIterator[ServerSentEvent]:
    decoder = SSEDecoder()
    async for line in lines:
        if (event := decoder.feed(line)) is not None:
            yield event
    if (event := decoder.flush()) is not None:
        yield event


def _decode(sse: ServerSentEvent) -> Any:
    try:
        return json.loads(sse.data)
    except json.JSONDecodeError:
        return sse.data


def _raise_stream_error(data: Any) -> None:
    error = data.get("error", data) if isinstance(data, dict) else {"message": str(data)}
    raise StreamError(
        str(error.get("message") or "stream error"), code=error.get("code"), type=error.get("type")
    )


_END = object()


class _RunEvents:
    """What a run stream does with each event, sync or async: type it, raise on `error`, keep
    the final run and the completed messages; `_END` when the stream is done."""

    def __init__(self) -> None:
        self.final_run: Run | None = None
        self.final_messages: list[Message] = []

    def _take(self, sse: ServerSentEvent) -> Any:
        if sse.data == "[DONE]" and sse.event in (None, "done"):
            return _END
        event = parse_stream_event(sse.event or "message", _decode(sse))
        if isinstance(event, ErrorEvent) or sse.event == "error":
            _raise_stream_error(_decode(sse))
        if isinstance(event, RunEvent):
            self.final_run = event.data
        elif isinstance(event, MessageEvent) and event.event == "thread.message.completed":
            self.final_messages.append(event.data)
        return event


def _chunk(sse: ServerSentEvent) -> Any:
    if sse.data == "[DONE]":
        return _END
    data = _decode(sse)
    if sse.event == "error" or (isinstance(data, dict) and "error" in data):
        _raise_stream_error(data)
    return ChatCompletionChunk.model_validate(data)


class _Stream:
    """Owns the streaming response; closes it when iteration ends or on `close()`."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    def _events(self) -> Iterator[ServerSentEvent]:
        try:
            yield from iter_sse(self.response.iter_lines())
        except httpx.TransportError as exc:
            raise APIConnectionError(f"stream interrupted ({type(exc).__name__})") from exc
        finally:
            self.response.close()

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _AsyncStream:
    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    async def _events(self) -> AsyncIterator[ServerSentEvent]:
        try:
            async for sse in aiter_sse(self.response.aiter_lines()):
                yield sse
        except httpx.TransportError as exc:
            raise APIConnectionError(f"stream interrupted ({type(exc).__name__})") from exc
        finally:
            await self.response.aclose()

    async def close(self) -> None:
        await self.response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


class AssistantEventStream(_Stream, _RunEvents):
    """Typed events of a streamed run (`thread.run.*`, `thread.message.*`, …) until `done`.

    An `error` event raises StreamError. After iteration `final_run` holds the last run seen
    and `final_messages` the messages that completed.
    """

    def __init__(self, response: httpx.Response) -> None:
        _Stream.__init__(self, response)
        _RunEvents.__init__(self)

    def __iter__(self) -> Iterator[AssistantStreamEvent]:
        for sse in self._events():
            event = self._take(sse)
            if event is _END:
                return
            yield event
            if event.event == "done":
                return

    def text_deltas(self) -> Iterator[str]:
        """Only the text the assistant writes, piece by piece."""
        for event in self:
            if isinstance(event, MessageDeltaEvent) and (text := event.data.text):
                yield text

    def until_done(self) -> Run | None:
        """Consume the stream; return the last run it reported."""
        for _ in self:
            pass
        return self.final_run


class AsyncAssistantEventStream(_AsyncStream, _RunEvents):
    """`async for event in stream`: the async twin of `AssistantEventStream`."""

    def __init__(self, response: httpx.Response) -> None:
        _AsyncStream.__init__(self, response)
        _RunEvents.__init__(self)

    async def __aiter__(self) -> AsyncIterator[AssistantStreamEvent]:
        async for sse in self._events():
            event = self._take(sse)
            if event is _END:
                return
            yield event
            if event.event == "done":
                return

    async def text_deltas(self) -> AsyncIterator[str]:
        async for event in self:
            if isinstance(event, MessageDeltaEvent) and (text := event.data.text):
                yield text

    async def until_done(self) -> Run | None:
        async for _ in self:
            pass
        return self.final_run


class ChatCompletionStream(_Stream):
    """`ChatCompletionChunk`s of a streamed chat completion until `[DONE]`."""

    def __iter__(self) -> Iterator[ChatCompletionChunk]:
        for sse in self._events():
            chunk = _chunk(sse)
            if chunk is _END:
                return
            yield chunk

    def text_deltas(self) -> Iterator[str]:
        for chunk in self:
            for choice in chunk.choices:
                if choice.delta.content:
                    yield choice.delta.content


class AsyncChatCompletionStream(_AsyncStream):
    """`async for chunk in stream`: the async twin of `ChatCompletionStream`."""

    async def __aiter__(self) -> AsyncIterator[ChatCompletionChunk]:
        async for sse in self._events():
            chunk = _chunk(sse)
            if chunk is _END:
                return
            yield chunk

    async def text_deltas(self) -> AsyncIterator[str]:
        async for chunk in self:
            for choice in chunk.choices:
                if choice.delta.content:
                    yield choice.delta.content
