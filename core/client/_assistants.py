"""Assistants: create, retrieve, list, modify, delete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.client._base import BaseClient, coerce_params, require_id
from core.client._pagination import AssistantListQueryParameters, Page
from core.types.assistants import (
    Assistant,
    AssistantCreateParams,
    AssistantDeleted,
    AssistantUpdateParams,
)


class AssistantsMixin(BaseClient):
    def create_assistant(
        self, params: AssistantCreateParams | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> Assistant:
        """Create an assistant from a request model, a mapping, or keyword fields."""
        body = coerce_params(AssistantCreateParams, params, fields)
        return self._post("/assistants", Assistant, body)

    def get_assistant(self, assistant_id: str) -> Assistant:
        return self._get(f"/assistants/{require_id('assistant_id', assistant_id)}", Assistant)

    def get_assistants(
        self, query: AssistantListQueryParameters | None = None, /, **params: Any
    ) -> Page[Assistant]:
        query = coerce_params(AssistantListQueryParameters, query, params)
        return self._list("/assistants", Assistant, query)

    def modify_assistant(
        self,
        assistant_id: str,
        params: AssistantUpdateParams | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> Assistant:
        body = coerce_params(AssistantUpdateParams, params, fields)
        path = f"/assistants/{require_id('assistant_id', assistant_id)}"
        return self._post(path, Assistant, body)

    def delete_assistant(self, assistant_id: str) -> AssistantDeleted:
        path = f"/assistants/{require_id('assistant_id', assistant_id)}"
        return self._delete(path, AssistantDeleted)
