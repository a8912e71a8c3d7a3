"""Thread messages: create, retrieve, list, modify, delete, and waiting for them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from core.client._base import coerce_params, require_id
from core.client._pagination import Page, ThreadMessageListQueryParameters
from core.client._polling import MESSAGE_TERMINAL, PollingMixin
from core.types.messages import Message, MessageCreateParams, MessageDeleted, MessageUpdateParams
from core.types.shared import ListResponse


def _messages_path(thread_id: str, message_id: str | None = None) -> str:
    path = f"/threads/{require_id('thread_id', thread_id)}/messages"
    return path if message_id is None else f"{path}/{require_id('message_id', message_id)}"


class MessagesMixin(PollingMixin):
    def create_thread_message(
        self,
        thread_id: str,
        params: MessageCreateParams | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> Message:
        """Add a message, e.g. `create_thread_message(thread_id, role="user", content="Hi")`."""
        body = coerce_params(MessageCreateParams, params, fields)
        return self._post(_messages_path(thread_id), Message, body)

    def get_thread_message(self, thread_id: str, message_id: str) -> Message:
        return self._get(_messages_path(thread_id, message_id), Message)

    def get_thread_messages(
        self,
        thread_id: str,
        query: ThreadMessageListQueryParameters | None = None,
        /,
        **params: Any,
    ) -> Page[Message]:
        query = coerce_params(ThreadMessageListQueryParameters, query, params)
        return self._list(_messages_path(thread_id), Message, query)

    def modify_thread_message(
        self,
        thread_id: str,
        message_id: str,
        params: MessageUpdateParams | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> Message:
        body = coerce_params(MessageUpdateParams, params, fields)
        return self._post(_messages_path(thread_id, message_id), Message, body)

    def delete_thread_message(self, thread_id: str, message_id: str) -> MessageDeleted:
        return self._delete(_messages_path(thread_id, message_id), MessageDeleted)

    def wait_for_thread_message_to_complete(self, thread_id: str, message_id: str) -> Message:
        """Poll a message until it is `completed` or `incomplete`."""
        return self._poll(
            _messages_path(thread_id, message_id),
            Message,
            object_type="message",
            object_id=message_id,
            terminal=MESSAGE_TERMINAL,
        )

    def wait_for_assistant_message(
        self,
        thread_id: str,
        query: ThreadMessageListQueryParameters | None = None,
        /,
        **params: Any,
    ) -> Message:
        """Poll the thread's messages (filtered by `query`) until one is the assistant's.

        In the list's order (newest first unless `order="asc"`), the first assistant message
        is returned, in whatever status it has reached.
        """
        query = coerce_params(ThreadMessageListQueryParameters, query, params)
        path = _messages_path(thread_id)

        def fetch() -> tuple[Message | None, str, httpx.Headers]:
            response = self._request("GET", path, params=query.to_query())
            listing = self._parse(response, ListResponse[Message])
            found = next((m for m in listing.data if m.role == "assistant"), None)
            return found, "found" if found else "no assistant message yet", response.headers

        message = self._poll_until(fetch, "thread", thread_id, lambda status: status == "found")
        assert message is not None
        return message
