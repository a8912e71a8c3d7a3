"""Thread messages: create, retrieve, list, modify, delete, and waiting for them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from core.client._base import BaseClient, coerce_params, require_id
from core.client._pagination import PageSpec, ThreadMessageListQueryParameters
from core.client._polling import MESSAGE_TERMINAL
from core.client._steps import Steps, api, api_paged
from core.types.messages import Message, MessageCreateParams, MessageDeleted, MessageUpdateParams
from core.types.shared import ListResponse


def _messages_path(thread_id: str, message_id: str | None = None) -> str:
    path = f"/threads/{require_id('thread_id', thread_id)}/messages"
    return path if message_id is None else f"{path}/{require_id('message_id', message_id)}"


class MessagesMixin(BaseClient):
    @api
    def create_thread_message(
        self,
        thread_id: str,
        params: MessageCreateParams | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> Steps[Message]:
        """Add a message, e.g. `create_thread_message(thread_id, role="user", content="Hi")`."""
        body = coerce_params(MessageCreateParams, params, fields)
        return (yield from self._post_op(_messages_path(thread_id), Message, body))

    @api
    def get_thread_message(self, thread_id: str, message_id: str) -> Steps[Message]:
        return (yield from self._get_op(_messages_path(thread_id, message_id), Message))

    @api_paged
    def get_thread_messages(
        self,
        thread_id: str,
        query: ThreadMessageListQueryParameters | None = None,
        /,
        **params: Any,
    ) -> Steps[PageSpec[Message]]:
        query = coerce_params(ThreadMessageListQueryParameters, query, params)
        return (yield from self._list_op(_messages_path(thread_id), Message, query))

    @api
    def modify_thread_message(
        self,
        thread_id: str,
        message_id: str,
        params: MessageUpdateParams | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> Steps[Message]:
        body = coerce_params(MessageUpdateParams, params, fields)
        return (yield from self._post_op(_messages_path(thread_id, message_id), Message, body))

    @api
    def delete_thread_message(self, thread_id: str, message_id: str) -> Steps[MessageDeleted]:
        return (yield from self._delete_op(_messages_path(thread_id, message_id), MessageDeleted))

    @api
    def wait_for_thread_message_to_complete(
        self, thread_id: str, message_id: str
    ) -> Steps[Message]:
        """Poll a message until it is `completed` or `incomplete`."""
        return (
            yield from self._poll_op(
                _messages_path(thread_id, message_id),
                Message,
                object_type="message",
                object_id=message_id,
                terminal=MESSAGE_TERMINAL,
            )
        )

    @api
    def wait_for_assistant_message(
        self,
        thread_id: str,
        query: ThreadMessageListQueryParameters | None = None,
        /,
        **params: Any,
    ) -> Steps[Message]:
        """Poll the thread's messages (filtered by `query`) until one is the assistant's.

        In the list's order (newest first unless `order="asc"`), the first assistant message
        is returned, in whatever status it has reached.
        """
        query = coerce_params(ThreadMessageListQueryParameters, query, params)
        path = _messages_path(thread_id)

        def fetch() -> Steps[tuple[Message | None, str, httpx.Headers]]:
            response = yield from self._request_op("GET", path, params=query.to_query())
            listing = self._parse(response, ListResponse[Message])
            found = next((m for m in listing.data if m.role == "assistant"), None)
            return found, "found" if found else "no assistant message yet", response.headers

        message = yield from self._poll_until_op(
            fetch, "thread", thread_id, lambda status: status == "found"
        )
        assert message is not None
        return message
