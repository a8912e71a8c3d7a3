"""Threads: create, retrieve, modify, delete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.client._base import BaseClient, coerce_params, require_id
from core.client._pagination import PageSpec, ThreadListQueryParameters
from core.client._steps import Steps, api, api_paged
from core.types.threads import Thread, ThreadCreateParams, ThreadDeleted, ThreadUpdateParams


def _path(thread_id: str) -> str:
    return f"/threads/{require_id('thread_id', thread_id)}"


class ThreadsMixin(BaseClient):
    @api
    def create_thread(
        self, params: ThreadCreateParams | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> Steps[Thread]:
        """Create a thread, empty or with its first messages and tool resources."""
        body = coerce_params(ThreadCreateParams, params, fields)
        return (yield from self._post_op("/threads", Thread, body))

    @api_paged
    def get_threads(
        self, query: ThreadListQueryParameters | None = None, /, **params: Any
    ) -> Steps[PageSpec[Thread]]:
        """List threads: an extension served by our engine (OpenAI has no such endpoint, and
        answers 404 or 405 there)."""
        query = coerce_params(ThreadListQueryParameters, query, params)
        return (yield from self._list_op("/threads", Thread, query))

    @api
    def get_thread(self, thread_id: str) -> Steps[Thread]:
        return (yield from self._get_op(_path(thread_id), Thread))

    @api
    def modify_thread(
        self,
        thread_id: str,
        params: ThreadUpdateParams | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> Steps[Thread]:
        body = coerce_params(ThreadUpdateParams, params, fields)
        return (yield from self._post_op(_path(thread_id), Thread, body))

    @api
    def delete_thread(self, thread_id: str) -> Steps[ThreadDeleted]:
        return (yield from self._delete_op(_path(thread_id), ThreadDeleted))
