"""A small scripted OpenAI-compatible server: chat completions only, streamed or not.

It stands in for an upstream model, which can't be had here. Each answer is made from the
request's own text: for every `[Page N]` line it saw (or every `(p. N)` reference, when it is
combining partial summaries) it writes one bullet "- Point from page N. (p. N)". So a test can
tell which pages reached the model and whether page references survived the combining. A
request holding an image gets IMAGE_DESCRIPTION, as a vision model's answer.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_PAGE = re.compile(r"^\[Page (\d+)\]$", re.MULTILINE)
_REFERENCE = re.compile(r"\(p\. (\d+)\)")
IMAGE_DESCRIPTION = "A mountain lake below snowy peaks, seen from a wooded shore."


class Script:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []

    def answer(self, body: dict[str, Any]) -> str:
        if any(isinstance(m["content"], list) and any(p.get("type") == "image_url"
                                                      for p in m["content"])
               for m in body["messages"]):
            return IMAGE_DESCRIPTION
        text = "\n".join(part.get("text", "") for message in body["messages"]
                         for part in (message["content"] if isinstance(message["content"], list)
                                      else [{"text": message["content"]}]))
        pages = _PAGE.findall(text) or _REFERENCE.findall(text)
        unique = list(dict.fromkeys(pages))
        return "Summary.\n\n" + "\n".join(f"- Point from page {n}. (p. {n})" for n in unique)


@contextmanager
def scripted_upstream() -> Iterator[tuple[str, Script]]:
    """(base URL, script) of a server on a free loopback port, stopped afterwards."""
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # /v1/models
            self._json({"object": "list", "data": [
                {"id": "scripted", "object": "model", "created": 0, "owned_by": "test"}]})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length))
            script.requests.append(body)
            text = script.answer(body)
            base = {"id": "chatcmpl-s", "created": 0, "model": body["model"]}
            if not body.get("stream"):
                self._json({**base, "object": "chat.completion", "choices": [{
                    "index": 0, "finish_reason": "stop",
                    "message": {"role": "assistant", "content": text}}]})
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for piece in re.findall(r"\S+\s*", text):
                chunk = {**base, "object": "chat.completion.chunk", "choices": [{
                    "index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")

        def _json(self, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", script
    finally:
        server.shutdown()
        server.server_close()
