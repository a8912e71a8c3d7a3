"""Assistants: the `assistant` object, its tools, tool resources and request bodies."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from core.types.shared import DeletedObject, Metadata, StrictParams, WireModel
from core.types.vector_stores import ChunkingStrategyParam

Temperature = Annotated[float, Field(ge=0, le=2)]
TopP = Annotated[float, Field(ge=0, le=1)]
ReasoningEffort = Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"]


# --- tools -----------------------------------------------------------------------------------


class FileSearchRankingOptions(WireModel):
    ranker: Literal["auto", "default_2024_08_21"] = "auto"
    score_threshold: Annotated[float, Field(ge=0, le=1)]


class FileSearchSettings(WireModel):
    """Overrides of the file_search tool on an assistant or a run."""

    max_num_results: Annotated[int, Field(ge=1, le=50)] | None = None
    ranking_options: FileSearchRankingOptions | None = None


class CodeInterpreterTool(WireModel):
    type: Literal["code_interpreter"] = "code_interpreter"


class FileSearchTool(WireModel):
    type: Literal["file_search"] = "file_search"
    file_search: FileSearchSettings | None = None


class FunctionDefinition(WireModel):
    name: str
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


class FunctionTool(WireModel):
    type: Literal["function"] = "function"
    function: FunctionDefinition


AssistantTool = Annotated[
    CodeInterpreterTool | FileSearchTool | FunctionTool, Field(discriminator="type")
]


# --- tool resources --------------------------------------------------------------------------


class CodeInterpreterResources(WireModel):
    file_ids: list[str] = Field(default_factory=list, max_length=20)


class FileSearchResources(WireModel):
    vector_store_ids: list[str] = Field(default_factory=list, max_length=1)


class ToolResources(WireModel):
    """Files and vector stores an assistant, thread or run hands to its tools."""

    code_interpreter: CodeInterpreterResources | None = None
    file_search: FileSearchResources | None = None


class VectorStoreHelper(WireModel):
    """Creates a vector store from `file_ids` together with the assistant or thread."""

    file_ids: list[str] = Field(default_factory=list)
    chunking_strategy: ChunkingStrategyParam | None = None
    metadata: Metadata | None = None


class FileSearchResourcesParam(WireModel):
    vector_store_ids: list[str] | None = Field(default=None, max_length=1)
    vector_stores: list[VectorStoreHelper] | None = Field(default=None, max_length=1)


class ToolResourcesParam(WireModel):
    """Tool resources in a create request: file_search may create its vector store inline."""

    code_interpreter: CodeInterpreterResources | None = None
    file_search: FileSearchResourcesParam | None = None


# --- response format -------------------------------------------------------------------------


class ResponseFormatText(WireModel):
    type: Literal["text"] = "text"


class ResponseFormatJsonObject(WireModel):
    type: Literal["json_object"] = "json_object"


class JsonSchemaFormat(WireModel):
    """`schema` stays an extra field: declaring it would shadow `BaseModel.schema`."""

    name: str
    description: str | None = None
    strict: bool | None = None


class ResponseFormatJsonSchema(WireModel):
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


class Assistant(WireModel):
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
