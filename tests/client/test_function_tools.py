"""Function tools on chat completions: an upstream model gets `tools` / `tool_choice` and its
tool calls come back typed (plain and streamed); the built-in model refuses them with the same
400 as assistants do, instead of answering in plain text. The upstream is the scripted
OpenAI-compatible server of tests/tool_upstream.py, on a loopback socket."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from engine_process import in_process_engine
from tool_upstream import MODEL, WEATHER, ToolUpstream, tool_upstream

from core import OpenAIClient
from core.errors import BadRequestError

KEY = "sk-function-tools-key-0123456789"


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    with tool_upstream() as base_url:
        yield base_url


@pytest.fixture(scope="module")
def http(
    tmp_path_factory: pytest.TempPathFactory, upstream: str, monkeypatch_module
) -> Iterator[Any]:
    monkeypatch_module.setenv("ENGINE_UPSTREAM_BASE_URL", upstream)
    monkeypatch_module.setenv("ENGINE_UPSTREAM_MODELS", json.dumps([MODEL]))
    with in_process_engine(tmp_path_factory.mktemp("tools"), KEY) as client:
        yield client


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def ours(http: Any) -> Iterator[OpenAIClient]:
    with OpenAIClient(api_key=KEY, base_url="http://testserver/v1", http_client=http) as client:
        yield client


MESSAGES = [{"role": "user", "content": "What's the weather in Oslo?"}]


def test_an_upstream_model_gets_the_tools_and_its_call_comes_back(ours: OpenAIClient, http):
    ToolUpstream.received.clear()
    completion = ours.create_completion(
        model=MODEL, messages=MESSAGES, tools=[WEATHER],
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
    )  # fmt: skip
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls" and choice.message.tool_calls
    call = choice.message.tool_calls[0]
    assert (call.function.name, json.loads(call.function.arguments)) == (
        "get_weather",
        {"city": "Oslo"},
    )
    sent = ToolUpstream.received[-1]
    assert sent["tools"] == [WEATHER] and sent["tool_choice"]["function"]["name"] == "get_weather"

    sdk = openai.OpenAI(api_key=KEY, base_url="http://testserver/v1", http_client=http)
    streamed = sdk.chat.completions.create(
        model=MODEL,
        messages=MESSAGES,
        tools=[WEATHER],
        stream=True,  # type: ignore[arg-type, list-item]
    )
    arguments, finish = "", None
    for chunk in streamed:
        for c in chunk.choices:
            for piece in c.delta.tool_calls or []:
                arguments += piece.function.arguments or "" if piece.function else ""
            finish = c.finish_reason or finish
    assert json.loads(arguments) == {"city": "Oslo"} and finish == "tool_calls"


def test_the_built_in_model_refuses_function_tools_on_both_endpoints(ours: OpenAIClient):
    local = ours.get_models()[0].id
    with pytest.raises(BadRequestError) as chat:
        ours.create_completion(model=local, messages=MESSAGES, tools=[WEATHER])
    with pytest.raises(BadRequestError) as assistant:
        ours.create_assistant(model=local, tools=[WEATHER])
    assert chat.value.code == assistant.value.code == "unsupported_tool"
    assert chat.value.param == assistant.value.param == "tools[0].type"
    with pytest.raises(BadRequestError, match="tool_choice"):
        ours.create_completion(model=local, messages=MESSAGES, tool_choice="required")
    # Asking for no tool at all is fine.
    plain = ours.create_completion(model=local, messages=MESSAGES, tools=[], tool_choice="none")
    assert plain.choices[0].message.tool_calls is None
