"""A scripted OpenAI-compatible chat-completions server that calls functions, for runs with
function tools: it asks for `get_weather` first, and answers in text once it has received
`role: tool` messages (streamed or not, as asked).

What the question says steers it: "both" asks for two calls at once (Oslo and Bergen),
"again" calls once more after the first outputs. Every request body is kept in `received`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                       "required": ["city"]},
    },
}
MODEL = "tool-model"


def reply_for(body: dict[str, Any]) -> dict[str, Any]:
    """The assistant message this upstream answers `body` with."""
    messages = body["messages"]
    question = next(m["content"] for m in reversed(messages) if m["role"] == "user")
    rounds = sum(1 for m in messages if m["role"] == "assistant" and m.get("tool_calls"))
    outputs = [m["content"] for m in messages if m["role"] == "tool"]
    wants_call = body.get("tools") and body.get("tool_choice") != "none" and (
        rounds == 0 or ("again" in question and rounds == 1))
    if wants_call:
        cities = ["Oslo", "Bergen"] if "both" in question else ["Oslo" if rounds == 0 else "Bergen"]
        return {"role": "assistant", "content": None, "tool_calls": [
            {"id": f"up_{i}", "type": "function",
             "function": {"name": "get_weather", "arguments": json.dumps({"city": city})}}
            for i, city in enumerate(cities)]}
    cited = " [1]" if "Sources:" in messages[0]["content"] else ""
    return {"role": "assistant",
            "content": f"The lighthouse keeper would say: {'; '.join(outputs) or 'no data'}.{cited}"}


class ToolUpstream(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ToolUpstream.received.append(body)
        message = reply_for(body)
        finish = "tool_calls" if message.get("tool_calls") else "stop"
        usage = {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}
        base = {"id": "chatcmpl-up", "created": 1, "model": body["model"]}
        if not body.get("stream"):
            self._send("application/json", json.dumps({
                **base, "object": "chat.completion", "usage": usage,
                "choices": [{"index": 0, "finish_reason": finish, "logprobs": None,
                             "message": message}]}))
            return
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
        for i, call in enumerate(message.get("tool_calls") or []):
            arguments = call["function"]["arguments"]
            half = len(arguments) // 2
            deltas.append({"tool_calls": [{"index": i, "id": call["id"], "type": "function",
                                           "function": {"name": "get_weather",
                                                        "arguments": arguments[:half]}}]})
            deltas.append({"tool_calls": [{"index": i,
                                           "function": {"arguments": arguments[half:]}}]})
        words = (message.get("content") or "").split(" ")
        deltas += [{"content": w if i == 0 else " " + w} for i, w in enumerate(words) if w]
        chunks = [{**base, "object": "chat.completion.chunk",
                   "choices": [{"index": 0, "delta": d, "finish_reason": None}]} for d in deltas]
        chunks.append({**base, "object": "chat.completion.chunk",
                       "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
        chunks.append({**base, "object": "chat.completion.chunk", "choices": [], "usage": usage})
        text = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
        self._send("text/event-stream", text)

    def _send(self, kind: str, text: str) -> None:
        data = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def tool_upstream() -> Iterator[str]:
    """Serve ToolUpstream on a free loopback port; yields its base URL (…/v1)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), ToolUpstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def upstream_env(base_url: str, **more: str) -> dict[str, str]:
    return {"ENGINE_UPSTREAM_BASE_URL": base_url, "ENGINE_UPSTREAM_MODELS": json.dumps([MODEL]),
            "ENGINE_EMBEDDINGS": "false", **more}
