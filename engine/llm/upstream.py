"""Upstream models: any OpenAI-compatible chat-completions server (OpenAI, Azure, Ollama, vLLM…).

Failures become `UpstreamError` with a sentence that says what happened (time-out, refused
connection, the upstream's own error message) and never the key.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

import httpx
from fastapi.responses import JSONResponse, StreamingResponse

from engine.chat_store import StreamedCompletion
from engine.errors import APIError
from engine.ids import new_id, now
from engine.settings import EngineSettings
from engine.sse import sse_data, sse_response


class UpstreamError(APIError):
    status_code = 502
    error_type = "upstream_error"


@lru_cache(maxsize=4)
def _client(base_url: str, key: str | None, timeout: float) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(
        base_url=base_url.rstrip("/") + "/",
        headers=headers,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
    )


def client_for(settings: EngineSettings) -> httpx.Client:
    if not settings.upstream_base_url:
        raise UpstreamError("No upstream model server is configured.", code="upstream_missing")
    key = settings.upstream_api_key.get_secret_value() if settings.upstream_api_key else None
    return _client(settings.upstream_base_url, key, settings.upstream_timeout_seconds)


def _describe(exc: Exception) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "The upstream model did not answer in time."
    if isinstance(exc, httpx.ConnectError):
        return "Could not connect to the upstream model server."
    if isinstance(exc, httpx.HTTPError):
        return f"The upstream model connection failed ({type(exc).__name__})."
    return f"The upstream model failed ({type(exc).__name__})."


def _raise_for_status(response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    try:
        response.read()
        detail = response.json()["error"]["message"]
    except Exception:
        detail = response.reason_phrase
    raise UpstreamError(
        f"The upstream model answered {response.status_code}: {detail}", code="upstream_error"
    )


def _upstream_model(settings: EngineSettings, payload: dict[str, Any]) -> dict[str, Any]:
    model = payload.get("model", "")
    return {**payload, "model": settings.upstream_model_map().get(model, model)}


def complete(settings: EngineSettings, payload: dict[str, Any]) -> dict[str, Any]:
    """One non-streamed chat completion from the upstream."""
    body = {**_upstream_model(settings, payload), "stream": False}
    try:
        response = client_for(settings).post("chat/completions", json=body)
        _raise_for_status(response)
        result: dict[str, Any] = response.json()
        return result
    except UpstreamError:
        raise
    except (httpx.HTTPError, ValueError) as exc:
        raise UpstreamError(_describe(exc), code="upstream_error") from exc


def stream(settings: EngineSettings, payload: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Chunks of a streamed chat completion from the upstream, as parsed JSON objects."""
    body = {
        **_upstream_model(settings, payload),
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    try:
        with client_for(settings).stream("POST", "chat/completions", json=body) as response:
            _raise_for_status(response)
            for line in response.iter_lines():
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    return
                chunk = json.loads(data)
                if "error" in chunk:
                    detail = (chunk["error"] or {}).get("message", "unknown error")
                    raise UpstreamError(
                        f"The upstream model failed mid-answer: {detail}", code="upstream_error"
                    )
                yield chunk
    except UpstreamError:
        raise
    except (httpx.HTTPError, ValueError) as exc:
        raise UpstreamError(_describe(exc), code="upstream_error") from exc


def upstream_chat(
    settings: EngineSettings, payload: dict[str, Any],
    keep: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> JSONResponse | StreamingResponse:
    """Pass a chat completion request through to the upstream model server.

    With `keep` (`store: true`), the completion gets an id of ours and `keep` is given it once
    whole (a streamed one when its last chunk has passed).
    """
    name = payload.get("model")
    own_id = new_id("chatcmpl-") if keep is not None else None
    if not payload.get("stream"):
        result = {**complete(settings, payload), "model": name or ""}
        if keep is not None:
            result = keep({**result, "id": own_id})
        return JSONResponse(result)
    chunks = stream(settings, payload)
    first = next(chunks, None)  # surfaces connection errors as a proper error response
    whole = StreamedCompletion()

    def relayed(chunk: dict[str, Any]) -> str:
        whole.feed(chunk)
        return sse_data({**chunk, "model": name, **({"id": own_id} if own_id else {})})

    def events() -> Iterator[str]:
        try:
            if first is not None:
                yield relayed(first)
            for chunk in chunks:
                yield relayed(chunk)
        except UpstreamError as exc:
            yield sse_data(exc.envelope())
        else:
            if keep is not None and own_id is not None:
                keep(whole.completion(own_id, str(name or ""), now()))
        yield sse_data("[DONE]")

    return sse_response(events())
