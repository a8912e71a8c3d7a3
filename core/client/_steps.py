"""One request policy for the sync and the async client: methods written as generators of I/O
steps.

Every client method (and the request loop, retries, backoff, idempotency keys, polling and
error mapping under it) is a generator that *yields* what it needs done — send this request,
sleep this long, read or close that response — and receives the result. It never does I/O
itself. `OpenAIClient` runs those steps with blocking calls, `AsyncOpenAIClient` awaits them,
so both follow the same code line for line; only the few lines that perform a step differ
(the same split as httpx's Client/AsyncClient over one request model).

`@api` turns such a generator into a method of both clients: a plain call on the sync client, a
coroutine on the async one. `@api_paged` and `@api_stream` do the same for methods returning
pages and event streams, whose sync and async forms are different classes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, overload

import httpx

if TYPE_CHECKING:
    from core.client._pagination import AsyncPage, Page, PageSpec
    from core.client._streaming import (
        AssistantEventStream,
        AsyncAssistantEventStream,
        AsyncChatCompletionStream,
        ChatCompletionStream,
        StreamSpec,
    )

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Send:
    """Send this request; the result is its httpx.Response (body unread when `stream`)."""

    request: httpx.Request
    stream: bool = False


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


@dataclass(frozen=True, slots=True)
class Read:
    """Read the body of a streamed response."""

    response: httpx.Response


@dataclass(frozen=True, slots=True)
class Close:
    response: httpx.Response


Step = Send | Sleep | Read | Close
Steps = Generator[Step, Any, R]


class SyncRunner:
    """Marker base of the client that runs steps with blocking calls."""

    def _drive(self, steps: Steps[R]) -> R:
        raise NotImplementedError


class AsyncRunner:
    """Marker base of the client that awaits its steps."""

    async def _drive_async(self, steps: Steps[R]) -> R:
        raise NotImplementedError


class _Method(Generic[P, R]):
    """Shared machinery of the three decorators: binding, caching, unbound calls."""

    def __init__(self, op: Callable[Concatenate[Any, P], Steps[Any]]) -> None:
        self.op = op
        functools.update_wrapper(self, op)  # type: ignore[arg-type]
        self._name = op.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def _bind(self, obj: Any) -> Callable[..., Any]:
        op, finish = self.op, self._finish
        if isinstance(obj, AsyncRunner):

            async def call_async(*args: Any, **kwargs: Any) -> Any:
                return finish(obj, await obj._drive_async(op(obj, *args, **kwargs)))

            bound: Callable[..., Any] = call_async
        else:

            def call(*args: Any, **kwargs: Any) -> Any:
                return finish(obj, obj._drive(op(obj, *args, **kwargs)))

            bound = call
        functools.update_wrapper(bound, op)
        # A non-data descriptor: the instance attribute answers every later lookup.
        obj.__dict__[self._name] = bound
        return bound

    def _finish(self, client: Any, value: Any) -> Any:
        return value

    def __call__(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        """`OpenAIClient.get_file(client, "file-1")`, as any unbound method."""
        return getattr(obj, self._name)(*args, **kwargs)


class api(_Method[P, R]):
    """A method of both clients, returning `R` (awaited on the async client)."""

    def __init__(self, op: Callable[Concatenate[Any, P], Steps[R]]) -> None:
        super().__init__(op)

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> api[P, R]: ...

    @overload
    def __get__(  # type: ignore[overload-overlap]
        self, obj: AsyncRunner, owner: type | None = None
    ) -> Callable[P, Coroutine[Any, Any, R]]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> Callable[P, R]: ...

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return self if obj is None else self._bind(obj)


class api_paged(_Method[P, T]):
    """A list method: `Page[T]` on the sync client, `AsyncPage[T]` on the async one."""

    def __init__(self, op: Callable[Concatenate[Any, P], Steps[PageSpec[T]]]) -> None:
        super().__init__(op)

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> api_paged[P, T]: ...

    @overload
    def __get__(  # type: ignore[overload-overlap]
        self, obj: AsyncRunner, owner: type | None = None
    ) -> Callable[P, Coroutine[Any, Any, AsyncPage[T]]]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> Callable[P, Page[T]]: ...

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return self if obj is None else self._bind(obj)

    def _finish(self, client: Any, value: Any) -> Any:
        return client._page(value)


class api_run_stream(_Method[P, Any]):
    """A streamed run: `AssistantEventStream` (sync) or `AsyncAssistantEventStream`."""

    def __init__(self, op: Callable[Concatenate[Any, P], Steps[StreamSpec]]) -> None:
        super().__init__(op)

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> api_run_stream[P]: ...

    @overload
    def __get__(  # type: ignore[overload-overlap]
        self, obj: AsyncRunner, owner: type | None = None
    ) -> Callable[P, Coroutine[Any, Any, AsyncAssistantEventStream]]: ...

    @overload
    def __get__(
        self, obj: object, owner: type | None = None
    ) -> Callable[P, AssistantEventStream]: ...

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return self if obj is None else self._bind(obj)

    def _finish(self, client: Any, value: Any) -> Any:
        return client._run_stream(value)


class api_chat_stream(_Method[P, Any]):
    """A streamed chat completion: `ChatCompletionStream` or `AsyncChatCompletionStream`."""

    def __init__(self, op: Callable[Concatenate[Any, P], Steps[StreamSpec]]) -> None:
        super().__init__(op)

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> api_chat_stream[P]: ...

    @overload
    def __get__(  # type: ignore[overload-overlap]
        self, obj: AsyncRunner, owner: type | None = None
    ) -> Callable[P, Coroutine[Any, Any, AsyncChatCompletionStream]]: ...

    @overload
    def __get__(
        self, obj: object, owner: type | None = None
    ) -> Callable[P, ChatCompletionStream]: ...

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return self if obj is None else self._bind(obj)

    def _finish(self, client: Any, value: Any) -> Any:
        return client._chat_stream(value)
