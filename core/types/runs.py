"""Runs: the `thread.run` object, its request bodies, and the events of a streamed run."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import Field

from core.types.assistants import (
    AssistantTool,
    ReasoningEffort,
    ResponseFormat,
    Temperature,
    ToolResources,
    TopP,
)
from core.types.messages import Message, MessageCreateParams, MessageDelta
from core.types.run_steps import RunStep, RunStepDelta, RunStepUsage
from core.types.shared import ErrorObject, Metadata, StrictParams, WireModel
from core.types.threads import Thread, ThreadCreateParams

RunStatus = Literal[
    "queued",
    "in_progress",
    "requires_action",
    "cancelling",
    "cancelled",
    "failed",
    "completed",
    "incomplete",
    "expired",
]
MaxTokens = Annotated[int, Field(ge=256)]


class RunToolCallFunction(WireModel):
    name: str
    arguments: str


class RunToolCall(WireModel):
    id: str
    type: Literal["function"] = "function"
    function: RunToolCallFunction


class SubmitToolOutputs(WireModel):
    tool_calls: list[RunToolCall]


class RequiredAction(WireModel):
    type: Literal["submit_tool_outputs"] = "submit_tool_outputs"
    submit_tool_outputs: SubmitToolOutputs


class RunLastError(WireModel):
    code: Literal["server_error", "rate_limit_exceeded", "invalid_prompt"]
    message: str


class RunIncompleteDetails(WireModel):
    reason: Literal["max_completion_tokens", "max_prompt_tokens"] | None = None


RunUsage = RunStepUsage  # the spec's RunCompletionUsage: the same three token counts


class TruncationStrategy(WireModel):
    type: Literal["auto", "last_messages"] = "auto"
    last_messages: Annotated[int, Field(ge=1)] | None = None


class NamedToolChoiceFunction(WireModel):
    name: str


class NamedToolChoice(WireModel):
    type: Literal["function", "code_interpreter", "file_search"]
    function: NamedToolChoiceFunction | None = None


ToolChoice = Literal["none", "auto", "required"] | NamedToolChoice


class Run(WireModel):
    id: str
    object: Literal["thread.run"] = "thread.run"
    created_at: int
    thread_id: str
    assistant_id: str
    status: RunStatus
    required_action: RequiredAction | None
    last_error: RunLastError | None
    expires_at: int | None
    started_at: int | None
    cancelled_at: int | None
    failed_at: int | None
    completed_at: int | None
    incomplete_details: RunIncompleteDetails | None
    model: str
    # The spec types it a string, yet its own example (and real servers) send null.
    instructions: str | None
    tools: list[AssistantTool] = Field(default_factory=list)
    metadata: Metadata | None
    usage: RunUsage | None
    temperature: float | None = None
    top_p: float | None = None
    max_prompt_tokens: int | None
    max_completion_tokens: int | None
    truncation_strategy: TruncationStrategy | None
    tool_choice: ToolChoice | None
    parallel_tool_calls: bool
    response_format: ResponseFormat | None


class _RunOptions(StrictParams):
    """What a run may override of its assistant; shared by both ways to start a run."""

    model: str | None = None
    instructions: str | None = None
    tools: list[AssistantTool] | None = Field(default=None, max_length=20)
    metadata: Metadata | None = None
    temperature: Temperature | None = None
    top_p: TopP | None = None
    stream: bool | None = None
    max_prompt_tokens: MaxTokens | None = None
    max_completion_tokens: MaxTokens | None = None
    truncation_strategy: TruncationStrategy | None = None
    tool_choice: ToolChoice | None = None
    parallel_tool_calls: bool | None = None
    response_format: ResponseFormat | None = None


class RunCreateParams(_RunOptions):
    assistant_id: str
    reasoning_effort: ReasoningEffort | None = None
    additional_instructions: str | None = None
    additional_messages: list[MessageCreateParams] | None = None


class ThreadAndRunCreateParams(_RunOptions):
    assistant_id: str
    thread: ThreadCreateParams | None = None
    tool_resources: ToolResources | None = None


class RunUpdateParams(StrictParams):
    metadata: Metadata | None = None


class ToolOutput(WireModel):
    tool_call_id: str
    output: str


class SubmitToolOutputsParams(StrictParams):
    tool_outputs: list[ToolOutput]
    stream: bool | None = None


# --- streaming events (server-sent events of a streamed run) ---------------------------------

RunEventName = Literal[
    "thread.run.created",
    "thread.run.queued",
    "thread.run.in_progress",
    "thread.run.requires_action",
    "thread.run.completed",
    "thread.run.incomplete",
    "thread.run.failed",
    "thread.run.cancelling",
    "thread.run.cancelled",
    "thread.run.expired",
]
RunStepEventName = Literal[
    "thread.run.step.created",
    "thread.run.step.in_progress",
    "thread.run.step.completed",
    "thread.run.step.failed",
    "thread.run.step.cancelled",
    "thread.run.step.expired",
]
MessageEventName = Literal[
    "thread.message.created",
    "thread.message.in_progress",
    "thread.message.completed",
    "thread.message.incomplete",
]


class ThreadEvent(WireModel):
    event: Literal["thread.created"] = "thread.created"
    data: Thread


class RunEvent(WireModel):
    event: RunEventName
    data: Run


class RunStepEvent(WireModel):
    event: RunStepEventName
    data: RunStep


class RunStepDeltaEvent(WireModel):
    event: Literal["thread.run.step.delta"] = "thread.run.step.delta"
    data: RunStepDelta


class MessageEvent(WireModel):
    event: MessageEventName
    data: Message


class MessageDeltaEvent(WireModel):
    event: Literal["thread.message.delta"] = "thread.message.delta"
    data: MessageDelta


class ErrorEvent(WireModel):
    event: Literal["error"] = "error"
    data: ErrorObject


class DoneEvent(WireModel):
    event: Literal["done"] = "done"
    data: Literal["[DONE]"] = "[DONE]"


class UnknownEvent(WireModel):
    """An event this client does not know yet; the spec asks clients to tolerate them."""

    event: str
    data: Any = None


AssistantStreamEvent = (
    ThreadEvent
    | RunEvent
    | RunStepEvent
    | RunStepDeltaEvent
    | MessageEvent
    | MessageDeltaEvent
    | ErrorEvent
    | DoneEvent
    | UnknownEvent
)

_EVENT_MODELS: dict[str, type[WireModel]] = {
    **{name: RunEvent for name in get_args(RunEventName)},
    **{name: RunStepEvent for name in get_args(RunStepEventName)},
    **{name: MessageEvent for name in get_args(MessageEventName)},
    "thread.created": ThreadEvent,
    "thread.run.step.delta": RunStepDeltaEvent,
    "thread.message.delta": MessageDeltaEvent,
    "error": ErrorEvent,
    "done": DoneEvent,
}


def parse_stream_event(event: str, data: Any) -> AssistantStreamEvent:
    """Type one server-sent event from its name and decoded data; unknown names stay raw."""
    model = _EVENT_MODELS.get(event, UnknownEvent)
    return model.model_validate({"event": event, "data": data})  # type: ignore[return-value]
