"""The seed's wire class names (Aspose.Pdf.AI), as thin subclasses or aliases of our models.

A .NET program ports line by line: `RunCreateRequest(assistant_id=...)`,
`ChatMessage.from_user("Hi")`, `TruncationStrategy(type="last_messages", last_messages=4)`.
Nothing here redefines a wire field: request classes subclass our `*Params`, response classes
are our response models under the seed's name.

Request classes refuse unknown fields with an error naming the field and, when it is one of
the seed's property names, the field it maps to here (`TruncationStrategy(strategy_type=...)`
says to use `type`). `unknown_fields()` runs the same check over a whole request tree, nested
dicts included, for the client to refuse before sending.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, model_validator

from core.types import assistants as _assistants
from core.types import chat as _chat
from core.types import messages as _messages
from core.types import run_steps as _steps
from core.types import runs as _runs
from core.types import threads as _threads
from core.types import vector_stores as _stores
from core.types.files import FileObject
from core.types.shared import DeletedObject, ErrorObject, ListResponse

__all__ = [
    "SEED_FIELD_NAMES",
    "Annotation",
    "AssistantCreateRequest",
    "AssistantListResponse",
    "AssistantModifyRequest",
    "AssistantResponse",
    "Attachment",
    "ChatMessage",
    "ChatMessageResponse",
    "Choice",
    "CodeInterpreter",
    "CompletionCreateRequest",
    "CompletionFunction",
    "CompletionResponse",
    "CreateChatCompletionChunkResponse",
    "DeleteStatusResponse",
    "Error",
    "ExpiresAfter",
    "FileCitation",
    "FileCounts",
    "FileListResponse",
    "FileResponse",
    "FileSearch",
    "Function",
    "ImageFile",
    "ImageUrl",
    "IncompleteDetails",
    "LastError",
    "ListDataResponse",
    "MessageContentRequest",
    "MessageContentResponse",
    "MessageCreation",
    "OpenAIModels",
    "RequiredAction",
    "ResponseFormat",
    "RunCreateRequest",
    "RunListResponse",
    "RunModifyRequest",
    "RunResponse",
    "RunStepDetails",
    "RunStepListResponse",
    "RunStepResponse",
    "RunThreadCreateRequest",
    "SubmitToolOutputs",
    "TextResponse",
    "ThreadCreateRequest",
    "ThreadMessageCreateRequest",
    "ThreadMessageListResponse",
    "ThreadMessageModifyRequest",
    "ThreadMessageResponse",
    "ThreadModifyRequest",
    "ThreadResponse",
    "Tool",
    "ToolCall",
    "ToolChoice",
    "ToolResources",
    "TruncationStrategy",
    "Usage",
    "VectorStore",
    "VectorStoreCreateRequest",
    "VectorStoreFileBatchCreateRequest",
    "VectorStoreFileBatchFileListResponse",
    "VectorStoreFileBatchResponse",
    "VectorStoreFileCreateRequest",
    "VectorStoreFileListResponse",
    "VectorStoreFileResponse",
    "VectorStoreListResponse",
    "VectorStoreModifyRequest",
    "VectorStoreResponse",
    "explain_validation_error",
    "unknown_fields",
]

# The seed's property names (snake_cased) whose wire name differs, and the name to use here.
SEED_FIELD_NAMES: dict[str, str] = {
    "strategy_type": "type",
    "tool_type": "type",
    "message_content_type": "type",
    "annotation_type": "type",
    "required_action_type": "type",
    "run_step_type": "type",
    "response_type": "type",
    "error_type": "type",
    "tool_function": "function",
    "number_of_choices": "n",
    "embedding_list": "embedding",
    "max_tokens": "max_completion_tokens",
}

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def _hint(model: type[BaseModel], key: str) -> str:
    fields = {f.alias or n for n, f in model.model_fields.items()}
    snake = _snake(key)
    target = SEED_FIELD_NAMES.get(snake, snake)
    if target in fields and target != key:
        return f"{model.__name__} has no field {key!r}: the seed's {key} is `{target}` here"
    return f"{model.__name__} has no field {key!r}; its fields are {', '.join(sorted(fields))}"


def _is_open(model: type[BaseModel]) -> bool:
    """Models whose extra fields are part of the wire format (chat messages, JSON schemas)."""
    return model in _OPEN_MODELS


def unknown_fields(value: Any, model: type[BaseModel] | None = None, path: str = "") -> list[str]:
    """Problems with fields the request tree's models don't know, nested levels included.

    A validated request keeps unknown keys of nested wire models as extras; each is reported
    with its path and, for seed property names, the field to use instead.
    """
    problems: list[str] = []
    if isinstance(value, BaseModel):
        cls = type(value)
        extras = value.model_extra or {}
        if extras and not _is_open(cls):
            for key in extras:
                where = f"{path}.{key}" if path else key
                problems.append(f"{where}: {_hint(cls, key)}")
        elif extras:  # open models: only refuse seed names that have a wire name
            for key in extras:
                snake = _snake(key)
                if snake in SEED_FIELD_NAMES and SEED_FIELD_NAMES[snake] in cls.model_fields:
                    where = f"{path}.{key}" if path else key
                    problems.append(f"{where}: {_hint(cls, key)}")
        for name in cls.model_fields:
            child = getattr(value, name, None)
            if child is not None:
                problems += unknown_fields(child, None, f"{path}.{name}" if path else name)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            problems += unknown_fields(item, None, f"{path}[{i}]")
    return problems


class _Strict(BaseModel):
    """Refuses unknown fields, naming the seed field a key stands for."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _known_fields(cls, data: Any) -> Any:
        if isinstance(data, dict):
            known = {n for n in cls.model_fields} | {
                f.alias for f in cls.model_fields.values() if f.alias
            }
            unknown = [key for key in data if key not in known]
            if unknown:
                raise ValueError("; ".join(_hint(cls, str(key)) for key in unknown))
        return data

    @model_validator(mode="after")
    def _known_nested_fields(self) -> Self:
        if problems := unknown_fields(self):
            raise ValueError("; ".join(problems))
        return self


# --- nested request parts ----------------------------------------------------------------------


class TruncationStrategy(_runs.TruncationStrategy, _Strict):
    """`type` ("auto" or "last_messages") and `last_messages` (the seed's StrategyType)."""


class ExpiresAfter(_stores.ExpiresAfter, _Strict):
    """`ExpiresAfter(days=7)`: anchor is "last_active_at"."""


class CodeInterpreter(_assistants.CodeInterpreterResources, _Strict):
    pass


class VectorStore(_assistants.VectorStoreHelper, _Strict):
    """The seed's helper that creates a vector store from `file_ids` with a thread/assistant.

    The vector store *object* is `VectorStoreResponse`.
    """


class FileSearch(_assistants.FileSearchResourcesParam, _Strict):
    """`vector_store_ids`, or `vector_stores` to create one inline."""


class ToolResources(_assistants.ToolResourcesParam, _Strict):
    pass


class Attachment(_messages.Attachment, _Strict):
    pass


class ImageFile(_messages.ImageFile, _Strict):
    pass


class ImageUrl(_messages.ImageUrl, _Strict):
    pass


class Function(_assistants.FunctionDefinition, _Strict):
    """A function the model may call: name, description, JSON-schema parameters."""


class CompletionFunction(_runs.NamedToolChoiceFunction, _Strict):
    pass


class ToolChoice(_runs.NamedToolChoice, _Strict):
    """The object form of a tool choice; the string forms are "none", "auto", "required"."""


class Tool:
    """The seed's `Tool`: factories of the three tool kinds."""

    @staticmethod
    def file_search(max_num_results: int | None = None) -> _assistants.FileSearchTool:
        settings = (
            _assistants.FileSearchSettings(max_num_results=max_num_results)
            if max_num_results is not None
            else None
        )
        return _assistants.FileSearchTool(file_search=settings)

    @staticmethod
    def code_interpreter() -> _assistants.CodeInterpreterTool:
        return _assistants.CodeInterpreterTool()

    @staticmethod
    def function(
        name: str, description: str | None = None, parameters: dict[str, Any] | None = None
    ) -> _assistants.FunctionTool:
        return _assistants.FunctionTool(
            function=Function(name=name, description=description, parameters=parameters)
        )


class MessageContentRequest:
    """The seed's content parts of a message request."""

    @staticmethod
    def create_text_content(text: str) -> _messages.TextContentParam:
        return _messages.TextContentParam(text=text)

    @staticmethod
    def create_image_file_content(
        file_id: str, detail: _messages.ImageDetail | None = None
    ) -> _messages.ImageFileContent:
        return _messages.ImageFileContent(image_file=ImageFile(file_id=file_id, detail=detail))

    @staticmethod
    def create_image_url_content(
        url: str, detail: _messages.ImageDetail | None = None
    ) -> _messages.ImageUrlContent:
        return _messages.ImageUrlContent(image_url=ImageUrl(url=url, detail=detail))


# --- requests ----------------------------------------------------------------------------------


class AssistantCreateRequest(_assistants.AssistantCreateParams, _Strict):
    pass


class AssistantModifyRequest(_assistants.AssistantUpdateParams, _Strict):
    pass


class ThreadMessageCreateRequest(_messages.MessageCreateParams, _Strict):
    """`ThreadMessageCreateRequest.from_user("Hi").with_metadata({...})`."""

    @classmethod
    def from_user(cls, content: str | list[Any]) -> Self:
        return cls(role="user", content=content)

    @classmethod
    def from_assistant(cls, content: str | list[Any]) -> Self:
        return cls(role="assistant", content=content)

    def with_content(self, content: str) -> Self:
        self.content = content
        return self

    def with_contents(self, contents: list[Any]) -> Self:
        self.content = type(self).model_validate({"role": self.role, "content": contents}).content
        return self

    def with_attachments(self, attachments: list[Any]) -> Self:
        self.attachments = [_messages.Attachment.model_validate(a) for a in attachments]
        return self

    def with_metadata(self, metadata: dict[str, str]) -> Self:
        self.metadata = dict(metadata)
        return self


class ThreadMessageModifyRequest(_messages.MessageUpdateParams, _Strict):
    pass


class ThreadCreateRequest(_threads.ThreadCreateParams, _Strict):
    pass


class ThreadModifyRequest(_threads.ThreadUpdateParams, _Strict):
    pass


class RunCreateRequest(_runs.RunCreateParams, _Strict):
    pass


class RunThreadCreateRequest(_runs.ThreadAndRunCreateParams, _Strict):
    pass


class RunModifyRequest(_runs.RunUpdateParams, _Strict):
    pass


class VectorStoreCreateRequest(_stores.VectorStoreCreateParams, _Strict):
    pass


class VectorStoreModifyRequest(_stores.VectorStoreUpdateParams, _Strict):
    pass


class VectorStoreFileCreateRequest(_stores.VectorStoreFileCreateParams, _Strict):
    pass


class VectorStoreFileBatchCreateRequest(_stores.FileBatchCreateParams, _Strict):
    pass


class ChatMessage(_chat.ChatMessageParam):
    """A chat completion message: `ChatMessage.from_user("Hello!")`."""

    @classmethod
    def from_user(cls, content: str | list[dict[str, Any]], name: str | None = None) -> Self:
        return cls(role="user", content=content, name=name)

    @classmethod
    def from_system(cls, content: str, name: str | None = None) -> Self:
        return cls(role="system", content=content, name=name)

    @classmethod
    def from_assistant(cls, content: str, name: str | None = None) -> Self:
        return cls(role="assistant", content=content, name=name)


class CompletionCreateRequest(_chat.ChatCompletionCreateParams):
    """The seed's chat completion request; other OpenAI fields (tools, seed…) pass through.

    Seed names with a wire name of their own are refused with that name
    (`number_of_choices` → `n`).
    """

    @model_validator(mode="before")
    @classmethod
    def _seed_names(cls, data: Any) -> Any:
        if isinstance(data, dict):
            wrong = [
                k for k in data if _snake(str(k)) in SEED_FIELD_NAMES and k not in cls.model_fields
            ]
            if wrong:
                raise ValueError("; ".join(_hint(cls, str(k)) for k in wrong))
        return data


# --- responses (our models under the seed's names) ---------------------------------------------

FileResponse = FileObject
AssistantResponse = _assistants.Assistant
ThreadResponse = _threads.Thread
ThreadMessageResponse = _messages.Message
RunResponse = _runs.Run
RunStepResponse = _steps.RunStep
VectorStoreResponse = _stores.VectorStore
VectorStoreFileResponse = _stores.VectorStoreFile
VectorStoreFileBatchResponse = _stores.VectorStoreFileBatch
CompletionResponse = _chat.ChatCompletion
CreateChatCompletionChunkResponse = _chat.ChatCompletionChunk
ChatMessageResponse = _chat.ChatCompletionMessage
Choice = _chat.ChatCompletionChoice
Usage = _chat.CompletionUsage
DeleteStatusResponse = DeletedObject
Error = ErrorObject
ListDataResponse = ListResponse
AssistantListResponse = ListResponse[_assistants.Assistant]
FileListResponse = ListResponse[FileObject]
ThreadMessageListResponse = ListResponse[_messages.Message]
RunListResponse = ListResponse[_runs.Run]
RunStepListResponse = ListResponse[_steps.RunStep]
VectorStoreListResponse = ListResponse[_stores.VectorStore]
VectorStoreFileListResponse = ListResponse[_stores.VectorStoreFile]
VectorStoreFileBatchFileListResponse = ListResponse[_stores.VectorStoreFile]
Annotation = _messages.Annotation
FileCitation = _messages.FileCitation
TextResponse = _messages.Text
MessageContentResponse = _messages.MessageContent
LastError = _runs.RunLastError
IncompleteDetails = _runs.RunIncompleteDetails
RequiredAction = _runs.RequiredAction
SubmitToolOutputs = _runs.SubmitToolOutputs
ToolCall = _runs.RunToolCall
ResponseFormat = _assistants.ResponseFormat
MessageCreation = _steps.MessageCreation
RunStepDetails = _steps.StepDetails
FileCounts = _stores.FileCounts


class OpenAIModels:
    """The seed's model-id constants (against our engine, name one of `get_models()`)."""

    gpt_35_turbo: ClassVar[str] = "gpt-3.5-turbo"
    gpt_35_turbo_0125: ClassVar[str] = "gpt-3.5-turbo-0125"
    gpt_35_turbo_1106: ClassVar[str] = "gpt-3.5-turbo-1106"
    gpt_35_turbo_16k_0613: ClassVar[str] = "gpt-3.5-turbo-16k-0613"
    gpt_4o: ClassVar[str] = "gpt-4o"
    gpt_4o_mini: ClassVar[str] = "gpt-4o-mini"
    gpt_4_turbo: ClassVar[str] = "gpt-4-turbo"


_OPEN_MODELS: frozenset[type[BaseModel]] = frozenset(
    {
        _chat.ChatMessageParam,
        ChatMessage,
        _chat.ChatCompletionCreateParams,
        CompletionCreateRequest,
        _assistants.JsonSchemaFormat,
    }
)


def explain_validation_error(model: type[BaseModel], exc: Exception) -> str:
    """A request's validation errors, unknown fields named with the seed field they stand for."""
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return str(exc)
    lines = []
    for error in errors():
        where = ".".join(str(part) for part in error.get("loc", ()))
        if error.get("type") == "extra_forbidden":
            key = str(error["loc"][-1]) if error.get("loc") else "?"
            snake = _snake(key)
            hint = f": the seed's {key} is `{SEED_FIELD_NAMES[snake]}` here" if (
                snake in SEED_FIELD_NAMES
            ) else ""
            lines.append(f"{where}: unknown field {key!r}{hint}")
        else:
            message = str(error.get("msg", "invalid"))
            lines.append(f"{where}: {message}" if where else message)
    return f"invalid {model.__name__}: " + "; ".join(lines)
