"""Chat completions (plain or streamed) and the model list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, overload

from core.client._base import BaseClient, coerce_params, request_body, require_id
from core.client._streaming import ChatCompletionStream
from core.types.chat import ChatCompletion, ChatCompletionCreateParams
from core.types.models import Model
from core.types.shared import ListResponse

Params = ChatCompletionCreateParams | Mapping[str, Any] | None


class CompletionsMixin(BaseClient):
    @overload
    def create_completion(
        self, params: Params = None, /, *, stream: Literal[False] = False, **fields: Any
    ) -> ChatCompletion: ...

    @overload
    def create_completion(
        self, params: Params = None, /, *, stream: Literal[True], **fields: Any
    ) -> ChatCompletionStream: ...

    def create_completion(
        self, params: Params = None, /, *, stream: bool = False, **fields: Any
    ) -> ChatCompletion | ChatCompletionStream:
        """A chat completion (the seed's CreateCompletionAsync); `stream=True` yields chunks."""
        if stream:
            fields["stream"] = True
        body = coerce_params(ChatCompletionCreateParams, params, fields)
        if body.stream:
            response = self._request(
                "POST", "/chat/completions", json_body=request_body(body), stream=True
            )
            return ChatCompletionStream(response)
        return self._post("/chat/completions", ChatCompletion, body)

    def stream_completion(self, params: Params = None, /, **fields: Any) -> ChatCompletionStream:
        """`create_completion(..., stream=True)`."""
        return self.create_completion(params, stream=True, **fields)

    def get_models(self) -> list[Model]:
        """Every model the server offers."""
        return self._get("/models", ListResponse[Model]).data

    def get_model(self, model_id: str) -> Model:
        return self._get(f"/models/{require_id('model_id', model_id)}", Model)
