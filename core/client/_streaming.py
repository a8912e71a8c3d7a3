"""Server-sent events: a small decoder and the typed streams built on it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

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

__all__ = ["AssistantEventStream", "ChatCompletionStream", "ServerSentEvent", "iter_sse"]


@dataclass(frozen=True)
class ServerSentEvent:
    event: str | None
    data: str


def iter_sse(lines: Iterator[str]) -> Iterator[ServerSentEvent]:
    """Decode `event:` / `data:` lines; a blank line ends an event, `:` lines are comments."""
    event: str | None = None
    data: list[str] = []
    for line in lines:
        if not line:
            if data or event is not None:
                yield ServerSentEvent(event, "\n".join(data))
            event, data = None, []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            event = value
        elif field == "data":
            data.append(value)
    if data or event is not None:
        yield ServerSentEvent(event, "\n".join(data))


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

    def __enter__(self) -> _Stream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


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


class AssistantEventStream(_Stream):
    """Typed events of a streamed run (`thread.run.*`, `thread.message.*`, …) until `done`.

    An `error` event raises StreamError. After iteration `final_run` holds the last run seen
    and `final_messages` the messages that completed.
    """

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(response)
        self.final_run: Run | None = None
        self.final_messages: list[Message] = []

    def __iter__(self) -> Iterator[AssistantStreamEvent]:
        for sse in self._events():
            if sse.data == "[DONE]" and sse.event in (None, "done"):
                return
            event = parse_stream_event(sse.event or "message", _decode(sse))
            if isinstance(event, ErrorEvent) or sse.event == "error":
                _raise_stream_error(_decode(sse))
            if isinstance(event, RunEvent):
                self.final_run = event.data
            elif isinstance(event, MessageEvent) and event.event == "thread.message.completed":
                self.final_messages.append(event.data)
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


class ChatCompletionStream(_Stream):
    """`ChatCompletionChunk`s of a streamed chat completion until `[DONE]`."""

    def __iter__(self) -> Iterator[ChatCompletionChunk]:
        for sse in self._events():
            if sse.data == "[DONE]":
                return
            data = _decode(sse)
            if sse.event == "error" or (isinstance(data, dict) and "error" in data):
                _raise_stream_error(data)
            yield ChatCompletionChunk.model_validate(data)

    def text_deltas(self) -> Iterator[str]:
        for chunk in self:
            for choice in chunk.choices:
                if choice.delta.content:
                    yield choice.delta.content
