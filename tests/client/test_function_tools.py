"""Function tools on chat completions: an upstream model gets `tools` / `tool_choice` and its
tool calls come back typed (plain and streamed); the built-in model refuses them with the same
400 as assistants do, instead of answering in plain text. The upstream is a small scripted
OpenAI-compatible server on a loopback socket."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import openai
import pytest
from engine_process import in_process_engine

from core import OpenAIClient
from core.errors import BadRequestError

KEY = "sk-function-tools-key-0123456789"
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}
CALL = {"id": "call_1", "type": "function",
        "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'}}  # fmt: skip


class ScriptedUpstream(BaseHTTPRequestHandler):
    """Answers every chat completion with a call of the first tool offered."""

    received: list[dict[str, Any]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ScriptedUpstream.received.append(body)
        base = {"id": "chatcmpl-up", "created": 1, "model": body["model"]}
        if not body.get("stream"):
            self._send("application/json", json.dumps({
                **base, "object": "chat.completion",
                "choices": [{"index": 0, "finish_reason": "tool_calls", "logprobs": None,
                             "message": {"role": "assistant", "content": None, "tool_calls": [CALL]}}],
                "usage": {"prompt_tokens": 9, "completion_tokens": 5, "total_tokens": 14},
            }))  # fmt: skip
            return
        deltas = [
            {"role": "assistant", "tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                                                  "function": {"name": "get_weather", "arguments": ""}}]},
            {"tool_calls": [{"index": 0, "function": {"arguments": '{"city": '}}]},
            {"tool_calls": [{"index": 0, "function": {"arguments": '"Oslo"}'}}]},
        ]  # fmt: skip
        events = [
            {**base, "object": "chat.completion.chunk",
             "choices": [{"index": 0, "delta": d, "finish_reason": None}]} for d in deltas
        ] + [{**base, "object": "chat.completion.chunk",
              "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}]  # fmt: skip
        text = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
        self._send("text/event-stream", text)

    def _send(self, kind: str, text: str) -> None:
        data = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), ScriptedUpstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def http(
    tmp_path_factory: pytest.TempPathFactory, upstream: str, monkeypatch_module
) -> Iterator[Any]:
    monkeypatch_module.setenv("ENGINE_UPSTREAM_BASE_URL", upstream)
    monkeypatch_module.setenv("ENGINE_UPSTREAM_MODELS", '["tool-model"]')
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
    ScriptedUpstream.received.clear()
    completion = ours.create_completion(
        model="tool-model", messages=MESSAGES, tools=[WEATHER],
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
    )  # fmt: skip
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls" and choice.message.tool_calls
    call = choice.message.tool_calls[0]
    assert (call.function.name, json.loads(call.function.arguments)) == (
        "get_weather",
        {"city": "Oslo"},
    )
    sent = ScriptedUpstream.received[-1]
    assert sent["tools"] == [WEATHER] and sent["tool_choice"]["function"]["name"] == "get_weather"

    sdk = openai.OpenAI(api_key=KEY, base_url="http://testserver/v1", http_client=http)
    streamed = sdk.chat.completions.create(
        model="tool-model",
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
