"""AsyncOpenAIClient: the same request policy as the sync client, awaited.

The fault suites of the sync client (retries, backoff, idempotency keys, error mapping,
polling) run here again, unchanged, against AsyncOpenAIClient: the `scripted` fixture below
hands them an async client behind a blocking adapter, so every assertion about requests,
waits and errors holds for both clients. Then what only the async client has: cancellation,
async pages and streams, concurrency.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from scripted import API_KEY, BASE_URL, Reply, Script, ScriptedServer, assistant_json, json_reply
from test_client_polling import *  # noqa: F403  (the polling suite, run against the async client)
from test_client_retries import *  # noqa: F403  (the retry suite, run against the async client)

from core import AsyncOpenAIClient
from core.client import AsyncPage
from core.errors import APIConnectionError, RateLimitError


class Blocking:
    """Calls an AsyncOpenAIClient's coroutine methods to completion on a private loop."""

    def __init__(self, client: AsyncOpenAIClient) -> None:
        object.__setattr__(self, "_client", client)
        object.__setattr__(self, "_loop", asyncio.new_event_loop())

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not inspect.iscoroutinefunction(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._loop.run_until_complete(attribute(*args, **kwargs))

        return call

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._client, name, value)

    def __repr__(self) -> str:
        return repr(self._client)

    def close(self) -> None:
        self._loop.run_until_complete(self._client.close())
        self._loop.close()


@pytest.fixture
def scripted(sleeps: list[float]) -> Iterator[Callable[..., tuple[Any, ScriptedServer]]]:
    """The sync suites' fixture, with an AsyncOpenAIClient behind it."""
    clients: list[Blocking] = []

    def build(*replies: Reply | Script, **options: Any) -> tuple[Any, ScriptedServer]:
        server = ScriptedServer(*replies)
        client = AsyncOpenAIClient(
            api_key=API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(server), **options
        )

        async def record(seconds: float) -> None:
            sleeps.append(seconds)

        client._sleep = record  # type: ignore[method-assign]
        clients.append(Blocking(client))
        return clients[-1], server

    yield build
    for client in clients:
        client.close()


# --- what only the async client has ------------------------------------------------------------


def async_client(handler: Callable[[httpx.Request], Any], **options: Any) -> AsyncOpenAIClient:
    return AsyncOpenAIClient(
        api_key=API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(handler), **options
    )


def test_cancelling_the_task_stops_the_request_and_sends_nothing_more():
    seen: list[float] = []

    async def slow(request: httpx.Request) -> httpx.Response:
        seen.append(time.monotonic())
        await asyncio.sleep(30)
        return json_reply(200, assistant_json())

    async def scenario() -> float:
        client = async_client(slow)
        task = asyncio.create_task(client.get_assistant("asst_1"))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.1)  # a retry, if there were one, would go out now
        await client.close()
        return time.monotonic() - started

    assert asyncio.run(scenario()) < 1.0 and len(seen) == 1


def test_cancelling_during_a_backoff_sleep_stops_the_retries():
    calls: list[httpx.Request] = []

    def busy(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return json_reply(429, {"error": {"message": "slow down", "type": "rate"}}, **{
            "retry-after": "20"
        })  # fmt: skip

    async def scenario() -> None:
        client = async_client(busy)
        task = asyncio.create_task(client.get_assistant("asst_1"))
        await asyncio.sleep(0.1)  # the first 429 is in; the client sleeps 20 s before retrying
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await client.close()

    started = time.monotonic()
    asyncio.run(scenario())
    assert time.monotonic() - started < 2.0 and len(calls) == 1


def test_async_pages_walk_every_page_by_cursor():
    def listing(request: httpx.Request) -> httpx.Response:
        after = request.url.params.get("after")
        page = ["asst_1", "asst_2"] if after is None else ["asst_3"]
        return json_reply(200, {
            "object": "list", "data": [assistant_json(i) for i in page],
            "first_id": page[0], "last_id": page[-1], "has_more": after is None,
        })  # fmt: skip

    async def scenario() -> tuple[list[str], list[int]]:
        async with async_client(listing) as client:
            page = await client.get_assistants(limit=2)
            assert isinstance(page, AsyncPage) and page.has_next_page()
            ids = [a.id async for a in page]
            sizes = [len(p.data) async for p in page.iter_pages()]
            return ids, sizes

    assert asyncio.run(scenario()) == (["asst_1", "asst_2", "asst_3"], [2, 1])


def test_a_streamed_completion_arrives_as_async_chunks():
    chunks = [
        {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
         "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
        for piece in ("Hel", "lo")
    ]  # fmt: skip
    body = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"

    def stream(request: httpx.Request) -> httpx.Response:
        assert json.loads(request.content)["stream"] is True
        return httpx.Response(200, text=body, headers={"content-type": "text/event-stream"})

    async def scenario() -> str:
        async with async_client(stream) as client:
            completion = await client.create_completion(
                model="m", messages=[{"role": "user", "content": "hi"}], stream=True
            )
            async with completion:
                return "".join([piece async for piece in completion.text_deltas()])

    assert asyncio.run(scenario()) == "Hello"


def test_many_calls_share_one_connection_pool_concurrently():
    active = {"now": 0, "most": 0}

    async def handler(request: httpx.Request) -> httpx.Response:
        active["now"] += 1
        active["most"] = max(active["most"], active["now"])
        await asyncio.sleep(0.05)
        active["now"] -= 1
        return json_reply(200, assistant_json())

    async def scenario() -> float:
        async with async_client(handler) as client:
            started = time.monotonic()
            await asyncio.gather(*(client.get_assistant(f"asst_{i}") for i in range(20)))
            return time.monotonic() - started

    elapsed = asyncio.run(scenario())
    assert active["most"] == 20 and elapsed < 0.5  # 20 × 50 ms, overlapped


def test_both_clients_send_the_same_requests_for_the_same_faults():
    """One policy: the sync and async clients' requests and waits match, header for header."""
    from core import OpenAIClient

    def trace(server: ScriptedServer) -> list[tuple[str, str, str | None]]:
        return [(r.method, str(r.url), r.headers.get("idempotency-key")) for r in server.requests]

    replies = (json_reply(503, {}), httpx.ConnectError("refused"), json_reply(200, assistant_json()))
    sync_server, async_server = ScriptedServer(*replies), ScriptedServer(*replies)
    sync_sleeps: list[float] = []
    async_sleeps: list[float] = []
    with OpenAIClient(
        api_key=API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(sync_server),
        backoff_delay_seconds=0.0,
    ) as sync:  # fmt: skip
        sync._sleep = sync_sleeps.append  # type: ignore[method-assign]
        sync.create_assistant(model="m", name="a")
    client = async_client(async_server, backoff_delay_seconds=0.0)

    async def record(seconds: float) -> None:
        async_sleeps.append(seconds)

    client._sleep = record  # type: ignore[method-assign]
    asyncio.run(client.create_assistant(model="m", name="a"))
    sync_trace, async_trace = trace(sync_server), trace(async_server)
    assert [t[:2] for t in sync_trace] == [t[:2] for t in async_trace]
    assert len({t[2] for t in sync_trace}) == 1 and len({t[2] for t in async_trace}) == 1
    assert sync_sleeps == async_sleeps == [0.0, 0.0]
    assert [json.loads(r.content) for r in async_server.requests] == [
        json.loads(r.content) for r in sync_server.requests
    ]


def test_errors_are_the_sync_clients_errors():
    async def scenario() -> None:
        client = async_client(lambda r: json_reply(429, {"error": {"message": "x", "type": "t"}}),
                              http_request_max_retries=0)  # fmt: skip
        with pytest.raises(RateLimitError):
            await client.get_assistant("asst_1")
        dead = async_client(ScriptedServer(httpx.ConnectError("refused")), http_request_max_retries=0)
        with pytest.raises(APIConnectionError):
            await dead.get_models()
        await client.close()
        await dead.close()

    asyncio.run(scenario())
