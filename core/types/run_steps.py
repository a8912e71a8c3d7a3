"""Run steps: the `thread.run.step` object, its details (message creation, tool calls), deltas."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from core.types.assistants import FileSearchRankingOptions, WireModel
from core.types.shared import Metadata

RunStepStatus = Literal["in_progress", "cancelled", "failed", "completed", "expired"]
RunStepType = Literal["message_creation", "tool_calls"]
FILE_SEARCH_RESULT_CONTENT = "step_details.tool_calls[*].file_search.results[*].content"
"""The `include[]` value that asks for the retrieved text of file_search results."""


class RunStepUsage(WireModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class RunStepLastError(WireModel):
    code: Literal["server_error", "rate_limit_exceeded"]
    message: str


# --- message creation ------------------------------------------------------------------------


class MessageCreation(WireModel):
    message_id: str


class MessageCreationStepDetails(WireModel):
    type: Literal["message_creation"] = "message_creation"
    message_creation: MessageCreation


# --- tool calls ------------------------------------------------------------------------------


class FileSearchResultContent(WireModel):
    type: Literal["text"] = "text"
    text: str


class FileSearchResult(WireModel):
    file_id: str
    file_name: str
    score: Annotated[float, Field(ge=0, le=1)]
    content: list[FileSearchResultContent] | None = None


class FileSearchCall(WireModel):
    ranking_options: FileSearchRankingOptions | None = None
    results: list[FileSearchResult] | None = None


class FileSearchToolCall(WireModel):
    id: str
    type: Literal["file_search"] = "file_search"
    file_search: FileSearchCall


class CodeInterpreterLogsOutput(WireModel):
    type: Literal["logs"] = "logs"
    logs: str


class CodeInterpreterImage(WireModel):
    file_id: str


class CodeInterpreterImageOutput(WireModel):
    type: Literal["image"] = "image"
    image: CodeInterpreterImage


CodeInterpreterOutput = Annotated[
    CodeInterpreterLogsOutput | CodeInterpreterImageOutput, Field(discriminator="type")
]


class CodeInterpreterCall(WireModel):
    input: str
    outputs: list[CodeInterpreterOutput]


class CodeInterpreterToolCall(WireModel):
    id: str
    type: Literal["code_interpreter"] = "code_interpreter"
    code_interpreter: CodeInterpreterCall


class FunctionCall(WireModel):
    name: str
    arguments: str
    output: str | None


class FunctionToolCall(WireModel):
    id: str
    type: Literal["function"] = "function"
    function: FunctionCall


ToolCall = Annotated[
    CodeInterpreterToolCall | FileSearchToolCall | FunctionToolCall, Field(discriminator="type")
]


class ToolCallsStepDetails(WireModel):
    type: Literal["tool_calls"] = "tool_calls"
    tool_calls: list[ToolCall] = Field(default_factory=list)


StepDetails = Annotated[
    MessageCreationStepDetails | ToolCallsStepDetails, Field(discriminator="type")
]


# --- the step --------------------------------------------------------------------------------


class RunStep(WireModel):
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


class MessageCreationDelta(WireModel):
    message_id: str | None = None


class MessageCreationStepDetailsDelta(WireModel):
    type: Literal["message_creation"] = "message_creation"
    message_creation: MessageCreationDelta | None = None


class FileSearchToolCallDelta(WireModel):
    index: int
    id: str | None = None
    type: Literal["file_search"] = "file_search"
    file_search: dict[str, Any] = Field(default_factory=dict)


class CodeInterpreterToolCallDelta(WireModel):
    index: int
    id: str | None = None
    type: Literal["code_interpreter"] = "code_interpreter"
    code_interpreter: dict[str, Any] | None = None


class FunctionCallDelta(WireModel):
    """A piece of a streamed function call: its name first, then pieces of its arguments."""

    name: str | None = None
    arguments: str | None = None
    output: str | None = None


class FunctionToolCallDelta(WireModel):
    index: int
    id: str | None = None
    type: Literal["function"] = "function"
    function: FunctionCallDelta | None = None


ToolCallDelta = Annotated[
    CodeInterpreterToolCallDelta | FileSearchToolCallDelta | FunctionToolCallDelta,
    Field(discriminator="type"),
]


class ToolCallsStepDetailsDelta(WireModel):
    type: Literal["tool_calls"] = "tool_calls"
    tool_calls: list[ToolCallDelta] | None = None


StepDetailsDelta = Annotated[
    MessageCreationStepDetailsDelta | ToolCallsStepDetailsDelta, Field(discriminator="type")
]


class RunStepDeltaBody(WireModel):
    step_details: StepDetailsDelta | None = None


class RunStepDelta(WireModel):
    id: str
    object: Literal["thread.run.step.delta"] = "thread.run.step.delta"
    delta: RunStepDeltaBody
