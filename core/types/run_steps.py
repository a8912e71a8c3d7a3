"""Run steps: the `thread.run.step` object, its details (message creation, tool calls), deltas."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from core.types.assistants import FileSearchRankingOptions, SpecModel
from core.types.shared import Metadata

RunStepStatus = Literal["in_progress", "cancelled", "failed", "completed", "expired"]
RunStepType = Literal["message_creation", "tool_calls"]
FILE_SEARCH_RESULT_CONTENT = "step_details.tool_calls[*].file_search.results[*].content"
"""The `include[]` value that asks for the retrieved text of file_search results."""


class RunStepUsage(SpecModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class RunStepLastError(SpecModel):
    code: Literal["server_error", "rate_limit_exceeded"]
    message: str


# --- message creation ------------------------------------------------------------------------


class MessageCreation(SpecModel):
    message_id: str


class MessageCreationStepDetails(SpecModel):
    type: Literal["message_creation"] = "message_creation"
    message_creation: MessageCreation


# --- tool calls ------------------------------------------------------------------------------


class FileSearchResultContent(SpecModel):
    type: Literal["text"] = "text"
    text: str


class FileSearchResult(SpecModel):
    file_id: str
    file_name: str
    score: Annotated[float, Field(ge=0, le=1)]
    content: list[FileSearchResultContent] | None = None


class FileSearchCall(SpecModel):
    ranking_options: FileSearchRankingOptions | None = None
    results: list[FileSearchResult] | None = None


class FileSearchToolCall(SpecModel):
    id: str
    type: Literal["file_search"] = "file_search"
    file_search: FileSearchCall


class CodeInterpreterLogsOutput(SpecModel):
    type: Literal["logs"] = "logs"
    logs: str


class CodeInterpreterImage(SpecModel):
    file_id: str


class CodeInterpreterImageOutput(SpecModel):
    type: Literal["image"] = "image"
    image: CodeInterpreterImage


CodeInterpreterOutput = Annotated[
    CodeInterpreterLogsOutput | CodeInterpreterImageOutput, Field(discriminator="type")
]


class CodeInterpreterCall(SpecModel):
    input: str
    outputs: list[CodeInterpreterOutput]


class CodeInterpreterToolCall(SpecModel):
    id: str
    type: Literal["code_interpreter"] = "code_interpreter"
    code_interpreter: CodeInterpreterCall


class FunctionCall(SpecModel):
    name: str
    arguments: str
    output: str | None


class FunctionToolCall(SpecModel):
    id: str
    type: Literal["function"] = "function"
    function: FunctionCall


ToolCall = Annotated[
    CodeInterpreterToolCall | FileSearchToolCall | FunctionToolCall, Field(discriminator="type")
]


class ToolCallsStepDetails(SpecModel):
    type: Literal["tool_calls"] = "tool_calls"
    tool_calls: list[ToolCall] = Field(default_factory=list)


StepDetails = Annotated[
    MessageCreationStepDetails | ToolCallsStepDetails, Field(discriminator="type")
]


# --- the step --------------------------------------------------------------------------------


class RunStep(SpecModel):
    id: str
    object: Literal["thread.run.step"] = "thread.run.step"
    created_at: int
    assistant_id: str
    thread_id: str
    run_id: str
    type: RunStepType
    status: RunStepStatus
    step_details: StepDetails
    last_error: RunStepLastError | None
    expired_at: int | None
    cancelled_at: int | None
    failed_at: int | None
    completed_at: int | None
    metadata: Metadata | None
    usage: RunStepUsage | None


# --- streaming deltas ------------------------------------------------------------------------


class MessageCreationDelta(SpecModel):
    message_id: str | None = None


class MessageCreationStepDetailsDelta(SpecModel):
    type: Literal["message_creation"] = "message_creation"
    message_creation: MessageCreationDelta | None = None


class FileSearchToolCallDelta(SpecModel):
    index: int
    id: str | None = None
    type: Literal["file_search"] = "file_search"
    file_search: dict[str, Any] = Field(default_factory=dict)


class CodeInterpreterToolCallDelta(SpecModel):
    index: int
    id: str | None = None
    type: Literal["code_interpreter"] = "code_interpreter"
    code_interpreter: dict[str, Any] | None = None


class FunctionToolCallDelta(SpecModel):
    index: int
    id: str | None = None
    type: Literal["function"] = "function"
    function: dict[str, Any] | None = None


ToolCallDelta = Annotated[
    CodeInterpreterToolCallDelta | FileSearchToolCallDelta | FunctionToolCallDelta,
    Field(discriminator="type"),
]


class ToolCallsStepDetailsDelta(SpecModel):
    type: Literal["tool_calls"] = "tool_calls"
    tool_calls: list[ToolCallDelta] | None = None


StepDetailsDelta = Annotated[
    MessageCreationStepDetailsDelta | ToolCallsStepDetailsDelta, Field(discriminator="type")
]


class RunStepDeltaBody(SpecModel):
    step_details: StepDetailsDelta | None = None


class RunStepDelta(SpecModel):
    id: str
    object: Literal["thread.run.step.delta"] = "thread.run.step.delta"
    delta: RunStepDeltaBody
