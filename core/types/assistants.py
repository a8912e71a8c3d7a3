"""Assistants: the `assistant` object, its tools, tool resources and request bodies."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from core.types.shared import DeletedObject, Metadata, WireModel
from core.types.vector_stores import ChunkingStrategyParam, StrictParams

Temperature = Annotated[float, Field(ge=0, le=2)]
TopP = Annotated[float, Field(ge=0, le=1)]
ReasoningEffort = Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"]


class SpecModel(WireModel):
    """A wire object that dumps the way the spec reads.

    Required fields (no default here) always appear, null included; optional fields left None
    are omitted, because the spec types most of them as non-nullable (a `file_search: null`
    tool, say, is invalid while an absent one is fine).
    """

    @model_serializer(mode="wrap")
    def _omit_unset_optionals(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for name, field in type(self).model_fields.items():
                key = field.serialization_alias or name
                if key in data and data[key] is None and not field.is_required():
                    del data[key]
        return data


# --- tools -----------------------------------------------------------------------------------


class FileSearchRankingOptions(SpecModel):
    ranker: Literal["auto", "default_2024_08_21"] = "auto"
    score_threshold: Annotated[float, Field(ge=0, le=1)]


class FileSearchSettings(SpecModel):
    """Overrides of the file_search tool on an assistant or a run."""

    max_num_results: Annotated[int, Field(ge=1, le=50)] | None = None
    ranking_options: FileSearchRankingOptions | None = None


class CodeInterpreterTool(SpecModel):
    type: Literal["code_interpreter"] = "code_interpreter"


class FileSearchTool(SpecModel):
    type: Literal["file_search"] = "file_search"
    file_search: FileSearchSettings | None = None


class FunctionDefinition(SpecModel):
    name: str
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


class FunctionTool(SpecModel):
    type: Literal["function"] = "function"
    function: FunctionDefinition


AssistantTool = Annotated[
    CodeInterpreterTool | FileSearchTool | FunctionTool, Field(discriminator="type")
]


# --- tool resources --------------------------------------------------------------------------


class CodeInterpreterResources(SpecModel):
    file_ids: list[str] = Field(default_factory=list, max_length=20)


class FileSearchResources(SpecModel):
    vector_store_ids: list[str] = Field(default_factory=list, max_length=1)


class ToolResources(SpecModel):
    """Files and vector stores an assistant, thread or run hands to its tools."""

    code_interpreter: CodeInterpreterResources | None = None
    file_search: FileSearchResources | None = None


class VectorStoreHelper(SpecModel):
    """Creates a vector store from `file_ids` together with the assistant or thread."""

    file_ids: list[str] = Field(default_factory=list)
    chunking_strategy: ChunkingStrategyParam | None = None
    metadata: Metadata | None = None


class FileSearchResourcesParam(SpecModel):
    vector_store_ids: list[str] | None = Field(default=None, max_length=1)
    vector_stores: list[VectorStoreHelper] | None = Field(default=None, max_length=1)


class ToolResourcesParam(SpecModel):
    """Tool resources in a create request: file_search may create its vector store inline."""

    code_interpreter: CodeInterpreterResources | None = None
    file_search: FileSearchResourcesParam | None = None


# --- response format -------------------------------------------------------------------------


class ResponseFormatText(SpecModel):
    type: Literal["text"] = "text"


class ResponseFormatJsonObject(SpecModel):
    type: Literal["json_object"] = "json_object"


class JsonSchemaFormat(SpecModel):
    """`schema` stays an extra field: declaring it would shadow `BaseModel.schema`."""

    name: str
    description: str | None = None
    strict: bool | None = None


class ResponseFormatJsonSchema(SpecModel):
    type: Literal["json_schema"] = "json_schema"
    json_schema: JsonSchemaFormat


ResponseFormat = (
    Literal["auto"]
    | Annotated[
        ResponseFormatText | ResponseFormatJsonObject | ResponseFormatJsonSchema,
        Field(discriminator="type"),
    ]
)


# --- the assistant ---------------------------------------------------------------------------


class Assistant(SpecModel):
    id: str
    object: Literal["assistant"] = "assistant"
    created_at: int
    name: str | None
    description: str | None
    model: str
    instructions: str | None
    tools: list[AssistantTool] = Field(default_factory=list)
    tool_resources: ToolResources | None = None
    metadata: Metadata | None
    temperature: float | None = None
    top_p: float | None = None
    response_format: ResponseFormat | None = None


class AssistantDeleted(DeletedObject):
    object: Literal["assistant.deleted"] = "assistant.deleted"


class AssistantCreateParams(StrictParams):
    model: str
    name: Annotated[str, Field(max_length=256)] | None = None
    description: Annotated[str, Field(max_length=512)] | None = None
    instructions: Annotated[str, Field(max_length=256_000)] | None = None
    reasoning_effort: ReasoningEffort | None = None
    tools: list[AssistantTool] = Field(default_factory=list, max_length=128)
    tool_resources: ToolResourcesParam | None = None
    metadata: Metadata | None = None
    temperature: Temperature | None = None
    top_p: TopP | None = None
    response_format: ResponseFormat | None = None


class AssistantUpdateParams(StrictParams):
    model: str | None = None
    name: Annotated[str, Field(max_length=256)] | None = None
    description: Annotated[str, Field(max_length=512)] | None = None
    instructions: Annotated[str, Field(max_length=256_000)] | None = None
    reasoning_effort: ReasoningEffort | None = None
    tools: list[AssistantTool] | None = Field(default=None, max_length=128)
    tool_resources: ToolResources | None = None
    metadata: Metadata | None = None
    temperature: Temperature | None = None
    top_p: TopP | None = None
    response_format: ResponseFormat | None = None
