"""Server-sent events framing shared by streamed chat completions and streamed runs."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi.responses import StreamingResponse


def sse_data(payload: dict[str, Any] | str, event: str | None = None) -> str:
    data = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {data}\n\n"


def sse_response(events: Iterable[str]) -> StreamingResponse:
    return StreamingResponse(
        iter(events), media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def word_pieces(text: str) -> Iterator[str]:
    """Split text into streamable pieces (a word with its following space) that rejoin exactly."""
    start = 0
    for i, ch in enumerate(text):
        if ch == " " and i + 1 < len(text) and text[i + 1] != " ":
            yield text[start : i + 1]
            start = i + 1
    if start < len(text):
        yield text[start:]
