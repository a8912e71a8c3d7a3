"""Chat completions, answered by the built-in local model or passed to an upstream model."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, StreamingResponse

from core.types.chat import ChatCompletionCreateParams
from engine import chat_store
from engine.function_tools import refuse_function_tools
from engine.ids import new_id, now
from engine.llm.local import LOCAL_MODEL_ID, answer_chat, count_prompt_tokens
from engine.llm.upstream import upstream_chat
from engine.routes.models import resolve_model
from engine.sse import sse_data, sse_response, word_pieces
from engine.state import EngineState, ProjectDep, StateDep
from engine.tokens import truncate_tokens

router = APIRouter(tags=["chat"])


def _message_text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    return " ".join(p.get("text", "") for p in content or [] if isinstance(p, dict))


@router.post("/chat/completions", response_model=None)
def create_chat_completion(
    state: StateDep, project: ProjectDep, body: ChatCompletionCreateParams
) -> dict[str, Any] | JSONResponse | StreamingResponse:
    model = resolve_model(state.settings, body.model)
    messages = [m.model_dump(exclude_none=True) for m in body.messages]
    store, metadata = chat_store.stored_options(body.model_extra or {})
    keep = _keeper(state, project, messages, metadata) if store else None
    if model != LOCAL_MODEL_ID:
        # Upstream models get the request as sent, tools and tool_choice included; storing
        # is this engine's business.
        payload = body.model_dump(exclude_none=True)
        payload.pop("store", None)
        payload.pop("metadata", None)
        return upstream_chat(state.settings, payload, keep)
    refuse_function_tools(body.model_extra or {})
    answer = answer_chat(messages)
    limit = body.max_completion_tokens or body.max_tokens
    text, truncated = truncate_tokens(answer, limit) if limit else (answer, False)
    finish = "length" if truncated else "stop"
    prompt_tokens = sum(count_prompt_tokens(_message_text(m)) for m in messages)
    usage = {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": count_prompt_tokens(text),
        "total_tokens": prompt_tokens + count_prompt_tokens(text),
    }
    completion_id, created = new_id("chatcmpl-"), now()
    completion: dict[str, Any] = {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": text, "refusal": None,
                        "annotations": []},
            "finish_reason": finish,
            "logprobs": None,
        }],
        "usage": usage,
    }
    if keep is not None:  # a streamed answer is stored too: its text is known already
        completion = keep(completion)
    if not body.stream:
        return completion
    include_usage = bool(body.stream_options and body.stream_options.include_usage)

    def events() -> Iterator[str]:
        base = {"id": completion_id, "object": "chat.completion.chunk", "created": created,
                "model": model}

        def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> str:
            choice = {"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}
            return sse_data({**base, "choices": [choice]})

        yield chunk({"role": "assistant", "content": ""})
        for piece in word_pieces(text):
            yield chunk({"content": piece})
        yield chunk({}, finish)
        if include_usage:
            yield sse_data({**base, "choices": [], "usage": usage})
        yield sse_data("[DONE]")

    return sse_response(events())


def _keeper(state: EngineState, project: str, messages: list[dict[str, Any]],
            metadata: dict[str, str]) -> Any:
    """What stores a finished completion (`store: true`) in the caller's project."""

    def keep(completion: dict[str, Any]) -> dict[str, Any]:
        with state.db.write() as conn:
            return chat_store.save(conn, project, completion, messages, metadata)

    return keep
