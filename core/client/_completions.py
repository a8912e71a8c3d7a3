"""Chat completions (plain or streamed) and the model list.

`create_completion` itself is defined on each client (its return type depends on `stream=`);
its steps are `_create_completion_op`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.client._base import BaseClient, coerce_params, request_body, require_id
from core.client._steps import Steps, api, api_chat_stream
from core.client._streaming import StreamSpec
from core.types.chat import ChatCompletion, ChatCompletionCreateParams
from core.types.models import Model
from core.types.shared import ListResponse

Params = ChatCompletionCreateParams | Mapping[str, Any] | None


class CompletionsMixin(BaseClient):
    def _create_completion_op(
        self, params: Params, *, stream: bool, fields: dict[str, Any]
    ) -> Steps[ChatCompletion | StreamSpec]:
        if stream:
            fields["stream"] = True
        body = coerce_params(ChatCompletionCreateParams, params, fields)
        response = yield from self._request_op(
            "POST", "/chat/completions", json_body=request_body(body), stream=body.stream
        )
        return StreamSpec(response) if body.stream else self._parse(response, ChatCompletion)

    @api_chat_stream
    def stream_completion(self, params: Params = None, /, **fields: Any) -> Steps[StreamSpec]:
        """`create_completion(..., stream=True)`."""
        spec = yield from self._create_completion_op(params, stream=True, fields=fields)
        assert isinstance(spec, StreamSpec)
        return spec

    @api
    def get_models(self) -> Steps[list[Model]]:
        """Every model the server offers."""
        return (yield from self._get_op("/models", ListResponse[Model])).data

    @api
    def get_model(self, model_id: str) -> Steps[Model]:
        return (yield from self._get_op(f"/models/{require_id('model_id', model_id)}", Model))
