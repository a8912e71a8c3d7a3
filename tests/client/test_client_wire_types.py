"""The assistants wire models dump exactly what the OpenAPI spec allows.

The engine builds these models and sends `model_dump(mode="json", exclude_none=False)`; each
object below is filled the way the engine fills it and checked against the spec's schema.
"""

from __future__ import annotations

from typing import Any

import pytest
from conformance import assert_conforms
from pydantic import BaseModel

from core.types.assistants import Assistant, AssistantDeleted, FileSearchTool
from core.types.messages import Message, MessageDeleted
from core.types.run_steps import RunStep
from core.types.runs import Run
from core.types.threads import Thread, ThreadDeleted

CITATION = {
    "type": "file_citation",
    "text": "【4:0†report.pdf】",
    "file_citation": {"file_id": "file-1", "quote": "Paris", "filename": "a.pdf", "pages": [3]},
    "start_index": 10,
    "end_index": 26,
}

OBJECTS: list[tuple[BaseModel, str]] = [
    (
        Assistant(
            id="asst_1", created_at=1, name=None, description=None, model="m",
            instructions=None, metadata=None, tools=[FileSearchTool()],
            tool_resources={"file_search": {"vector_store_ids": ["vs_1"]}},
            response_format="auto",
        ),
        "AssistantObject",
    ),
    (
        Assistant(
            id="asst_2", created_at=1, name="n", description="d", model="m", instructions="i",
            metadata={"k": "v"}, temperature=0.2, top_p=None,
            tools=[
                {"type": "code_interpreter"},
                {"type": "file_search", "file_search": {"max_num_results": 5,
                 "ranking_options": {"score_threshold": 0.1}}},
                {"type": "function", "function": {"name": "f", "parameters": {}}},
            ],
            response_format={"type": "json_schema",
                             "json_schema": {"name": "x", "schema": {"type": "object"}}},
        ),
        "AssistantObject",
    ),
    (AssistantDeleted(id="asst_1"), "DeleteAssistantResponse"),
    (Thread(id="thread_1", created_at=1, tool_resources=None, metadata={}), "ThreadObject"),
    (ThreadDeleted(id="thread_1"), "DeleteThreadResponse"),
    (
        Message(
            id="msg_1", created_at=1, thread_id="thread_1", status="completed",
            incomplete_details=None, completed_at=2, incomplete_at=None, role="assistant",
            content=[{"type": "text", "text": {"value": "It is Paris 【4:0†report.pdf】",
                                               "annotations": [CITATION]}}],
            assistant_id="asst_1", run_id="run_1", metadata={},
            attachments=[{"file_id": "file-1", "tools": [{"type": "file_search"}]}],
        ),
        "MessageObject",
    ),
    (MessageDeleted(id="msg_1"), "DeleteMessageResponse"),
    (
        Run(
            id="run_1", created_at=1, thread_id="thread_1", assistant_id="asst_1",
            status="queued", required_action=None, last_error=None, expires_at=None,
            started_at=None, cancelled_at=None, failed_at=None, completed_at=None,
            incomplete_details=None, model="m", instructions="", tools=[FileSearchTool()],
            metadata={}, usage=None, max_prompt_tokens=None, max_completion_tokens=None,
            truncation_strategy={"type": "auto"}, tool_choice="auto",
            parallel_tool_calls=True, response_format="auto",
        ),
        "RunObject",
    ),
    (
        Run(
            id="run_2", created_at=1, thread_id="thread_1", assistant_id="asst_1",
            status="failed", required_action=None,
            last_error={"code": "server_error", "message": "model unavailable"},
            expires_at=None, started_at=1, cancelled_at=None, failed_at=2, completed_at=None,
            incomplete_details={"reason": "max_prompt_tokens"}, model="m", instructions="",
            tools=[], metadata={},
            usage={"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
            temperature=1.0, top_p=1.0, max_prompt_tokens=1000, max_completion_tokens=None,
            truncation_strategy={"type": "last_messages", "last_messages": 4},
            tool_choice={"type": "file_search"}, parallel_tool_calls=True,
            response_format={"type": "text"},
        ),
        "RunObject",
    ),
    (
        RunStep(
            id="step_1", created_at=1, assistant_id="asst_1", thread_id="thread_1",
            run_id="run_1", type="tool_calls", status="completed",
            step_details={"type": "tool_calls", "tool_calls": [{
                "id": "call_1", "type": "file_search",
                "file_search": {
                    "ranking_options": {"ranker": "default_2024_08_21", "score_threshold": 0.0},
                    "results": [{"file_id": "file-1", "file_name": "a.pdf", "score": 0.8,
                                 "content": [{"type": "text", "text": "Paris"}]},
                                {"file_id": "file-2", "file_name": "b.pdf", "score": 0.1}],
                },
            }]},
            last_error=None, expired_at=None, cancelled_at=None, failed_at=None,
            completed_at=2, metadata=None, usage=None,
        ),
        "RunStepObject",
    ),
    (
        RunStep(
            id="step_2", created_at=1, assistant_id="asst_1", thread_id="thread_1",
            run_id="run_1", type="message_creation", status="in_progress",
            step_details={"type": "message_creation", "message_creation": {"message_id": "m"}},
            last_error=None, expired_at=None, cancelled_at=None, failed_at=None,
            completed_at=None, metadata={},
            usage={"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
        ),
        "RunStepObject",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("obj", "schema"), OBJECTS, ids=lambda v: getattr(v, "id", v))
def test_engine_dumps_conform_to_the_spec(obj: BaseModel, schema: str):
    body: dict[str, Any] = obj.model_dump(mode="json", exclude_none=False)
    assert_conforms(body, schema)
    assert type(obj).model_validate(body) == obj  # and read back unchanged


def test_required_nullable_fields_are_sent_as_null():
    run = OBJECTS[7][0].model_dump(mode="json", exclude_none=False)
    for field in ("required_action", "last_error", "started_at", "usage", "incomplete_details"):
        assert field in run and run[field] is None


def test_citation_extension_fields_survive_a_round_trip():
    message = OBJECTS[5][0]
    assert isinstance(message, Message)
    (citation,) = message.annotations
    assert citation.file_citation.pages == [3] and citation.file_citation.quote == "Paris"
    dumped = message.model_dump(mode="json")
    assert dumped["content"][0]["text"]["annotations"][0]["file_citation"]["filename"] == "a.pdf"


def test_unknown_server_fields_are_kept():
    data = OBJECTS[3][0].model_dump(mode="json") | {"brand_new_field": {"x": 1}}
    thread = Thread.model_validate(data)
    assert thread.model_extra == {"brand_new_field": {"x": 1}}
