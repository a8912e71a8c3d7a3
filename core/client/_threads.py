"""Threads: create, retrieve, modify, delete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.client._base import BaseClient, coerce_params, require_id
from core.client._pagination import Page, ThreadListQueryParameters
from core.types.threads import Thread, ThreadCreateParams, ThreadDeleted, ThreadUpdateParams


class ThreadsMixin(BaseClient):
    def create_thread(
        self, params: ThreadCreateParams | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> Thread:
        """Create a thread, empty or with its first messages and tool resources."""
        return self._post("/threads", Thread, coerce_params(ThreadCreateParams, params, fields))

    def get_threads(
        self, query: ThreadListQueryParameters | None = None, /, **params: Any
    ) -> Page[Thread]:
        """List threads: an extension served by our engine (OpenAI has no such endpoint, and
        answers 404 or 405 there)."""
        query = coerce_params(ThreadListQueryParameters, query, params)
        return self._list("/threads", Thread, query)

    def get_thread(self, thread_id: str) -> Thread:
        return self._get(f"/threads/{require_id('thread_id', thread_id)}", Thread)

    def modify_thread(
        self,
        thread_id: str,
        params: ThreadUpdateParams | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> Thread:
        body = coerce_params(ThreadUpdateParams, params, fields)
        return self._post(f"/threads/{require_id('thread_id', thread_id)}", Thread, body)

    def delete_thread(self, thread_id: str) -> ThreadDeleted:
        return self._delete(f"/threads/{require_id('thread_id', thread_id)}", ThreadDeleted)
