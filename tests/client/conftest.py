"""Fixtures of the client tests: a client over a scripted transport, a sleep that only records."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from scripted import API_KEY, BASE_URL, Reply, Script, ScriptedServer

from core import OpenAIClient


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def scripted(sleeps: list[float]) -> Iterator[Callable[..., tuple[OpenAIClient, ScriptedServer]]]:
    """`client, server = scripted(reply, reply, …, **client_options)`."""
    clients: list[OpenAIClient] = []

    def build(*replies: Reply | Script, **options: Any) -> tuple[OpenAIClient, ScriptedServer]:
        server = ScriptedServer(*replies)
        client = OpenAIClient(
            api_key=API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(server), **options
        )
        client._sleep = sleeps.append  # type: ignore[method-assign]
        clients.append(client)
        return client, server

    yield build
    for client in clients:
        client.close()
