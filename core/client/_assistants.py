"""Assistants: create, retrieve, list, modify, delete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.client._base import BaseClient, coerce_params, require_id
from core.client._pagination import AssistantListQueryParameters, PageSpec
from core.client._steps import Steps, api, api_paged
from core.types.assistants import (
    Assistant,
    AssistantCreateParams,
    AssistantDeleted,
    AssistantUpdateParams,
)


def _path(assistant_id: str) -> str:
    return f"/assistants/{require_id('assistant_id', assistant_id)}"


class AssistantsMixin(BaseClient):
    @api
    def create_assistant(
        self, params: AssistantCreateParams | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> Steps[Assistant]:
        """Create an assistant from a request model, a mapping, or keyword fields."""
        body = coerce_params(AssistantCreateParams, params, fields)
        return (yield from self._post_op("/assistants", Assistant, body))

    @api
    def get_assistant(self, assistant_id: str) -> Steps[Assistant]:
        return (yield from self._get_op(_path(assistant_id), Assistant))

    @api_paged
    def get_assistants(
        self, query: AssistantListQueryParameters | None = None, /, **params: Any
    ) -> Steps[PageSpec[Assistant]]:
        query = coerce_params(AssistantListQueryParameters, query, params)
        return (yield from self._list_op("/assistants", Assistant, query))

    @api
    def modify_assistant(
        self,
        assistant_id: str,
        params: AssistantUpdateParams | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> Steps[Assistant]:
        body = coerce_params(AssistantUpdateParams, params, fields)
        return (yield from self._post_op(_path(assistant_id), Assistant, body))

    @api
    def delete_assistant(self, assistant_id: str) -> Steps[AssistantDeleted]:
        return (yield from self._delete_op(_path(assistant_id), AssistantDeleted))
