"""A scripted httpx transport for the fault tests, and spec-shaped objects it answers with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

API_KEY = "sk-test-0123456789abcdef"
BASE_URL = "http://api.test/v1"

Reply = httpx.Response | Exception
Script = Callable[[httpx.Request], Reply]


class ScriptedServer:
    """An httpx transport that answers from a list of replies (the last one repeats).

    Exceptions in the list are raised, as a dropped connection or a time-out would be.
    """

    def __init__(self, *replies: Reply | Script) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies[min(len(self.requests), len(self.replies)) - 1]
        if callable(reply) and not isinstance(reply, httpx.Response):
            reply = reply(request)
        if isinstance(reply, Exception):
            raise reply
        # A fresh copy each time: the last reply may be served many times.
        return httpx.Response(reply.status_code, headers=reply.headers, content=reply.content)


def json_reply(status: int, body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def error_reply(
    status: int,
    message: str = "boom",
    *,
    code: str | None = None,
    param: str | None = None,
    type: str = "server_error",
    **headers: str,
) -> httpx.Response:
    body = {"error": {"message": message, "type": type, "param": param, "code": code}}
    return httpx.Response(status, json=body, headers=headers)


# Minimal spec-shaped objects the scripted server answers with.


def assistant_json(assistant_id: str = "asst_1") -> dict[str, Any]:
    return {
        "id": assistant_id, "object": "assistant", "created_at": 1, "name": None,
        "description": None, "model": "m", "instructions": None, "tools": [], "metadata": {},
    }  # fmt: skip


def run_json(status: str, run_id: str = "run_1") -> dict[str, Any]:
    return {
        "id": run_id, "object": "thread.run", "created_at": 1, "thread_id": "thread_1",
        "assistant_id": "asst_1", "status": status, "required_action": None, "last_error": None,
        "expires_at": None, "started_at": None, "cancelled_at": None, "failed_at": None,
        "completed_at": None, "incomplete_details": None, "model": "m", "instructions": "",
        "tools": [], "metadata": {}, "usage": None, "temperature": 1.0, "top_p": 1.0,
        "max_prompt_tokens": None, "max_completion_tokens": None, "truncation_strategy": None,
        "tool_choice": "auto", "parallel_tool_calls": True, "response_format": "auto",
    }  # fmt: skip


def vector_store_json(status: str, store_id: str = "vs_1") -> dict[str, Any]:
    return {
        "id": store_id, "object": "vector_store", "created_at": 1, "name": "s", "usage_bytes": 0,
        "file_counts": {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": 0},
        "status": status, "last_active_at": 1, "metadata": {},
    }  # fmt: skip
