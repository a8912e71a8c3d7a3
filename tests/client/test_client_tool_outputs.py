"""Function calling on runs through `core`'s clients, sync and async, against an engine process
on a loopback port whose upstream model is scripted (tests/tool_upstream.py): typed
`required_action` and function-call steps, `submit_tool_outputs_and_poll` and
`stream_submit_tool_outputs`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from engine_process import EngineProcess, start_engine
from tool_upstream import MODEL, WEATHER, tool_upstream, upstream_env

from core import AsyncOpenAIClient, OpenAIClient
from core.errors import BadRequestError, InvalidArgumentError
from core.types.run_steps import FunctionToolCall, FunctionToolCallDelta, ToolCallsStepDetails
from core.types.runs import MessageDeltaEvent, RunStepDeltaEvent


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProcess]:
    with tool_upstream() as base_url, start_engine(
            tmp_path_factory.mktemp("client-tools"), upstream_env(base_url)) as made:
        yield made


@pytest.fixture(scope="module")
def client(engine: EngineProcess) -> Iterator[OpenAIClient]:
    with OpenAIClient(api_key=engine.api_key, base_url=engine.base_url) as made:
        made.polling_interval_seconds = 0.05
        yield made


def _waiting_run(client: OpenAIClient, question: str = "Weather?") -> tuple[str, Any]:
    assistant = client.create_assistant(model=MODEL, tools=[WEATHER])
    thread = client.create_thread(messages=[{"role": "user", "content": question}])
    run = client.create_run(thread.id, assistant_id=assistant.id)
    return thread.id, client.wait_for_run_to_complete(thread.id, run.id)


def test_a_waiting_run_is_typed_and_answered_with_submit_and_poll(client: OpenAIClient):
    thread_id, run = _waiting_run(client, "Weather in both cities?")
    assert run.status == "requires_action" and run.required_action is not None
    calls = run.required_action.submit_tool_outputs.tool_calls
    assert [json.loads(c.function.arguments) for c in calls] == [{"city": "Oslo"},
                                                                  {"city": "Bergen"}]
    [step] = list(client.get_run_steps(thread_id, run.id))
    assert isinstance(step.step_details, ToolCallsStepDetails)
    assert all(isinstance(c, FunctionToolCall) and c.function.output is None
               for c in step.step_details.tool_calls)
    with pytest.raises(BadRequestError, match=calls[1].id):
        client.submit_tool_outputs(thread_id, run.id,
                                   tool_outputs=[{"tool_call_id": calls[0].id, "output": "sun"}])
    with pytest.raises(InvalidArgumentError, match="stream_submit_tool_outputs"):
        client.submit_tool_outputs(thread_id, run.id, tool_outputs=[], stream=True)
    done = client.submit_tool_outputs_and_poll(
        thread_id, run.id, tool_outputs=[{"tool_call_id": c.id, "output": w}
                                         for c, w in zip(calls, ("sun", "rain"), strict=True)])
    assert done.status == "completed" and done.required_action is None
    answer = client.get_thread_messages(thread_id, limit=1).data[0]
    assert "sun; rain" in answer.text
    [step] = [s for s in client.get_run_steps(thread_id, run.id) if s.type == "tool_calls"]
    assert isinstance(step.step_details, ToolCallsStepDetails)
    assert [c.function.output for c in step.step_details.tool_calls  # type: ignore[union-attr]
            ] == ["sun", "rain"]


def test_streamed_calls_and_streamed_outputs(client: OpenAIClient):
    assistant = client.create_assistant(model=MODEL, tools=[WEATHER])
    thread = client.create_thread(messages=[{"role": "user", "content": "Weather?"}])
    with client.stream_run(thread.id, assistant_id=assistant.id) as stream:
        deltas = [e for e in stream if isinstance(e, RunStepDeltaEvent)]
        run = stream.final_run
    assert run is not None and run.status == "requires_action"
    pieces = [c for e in deltas for c in e.data.delta.step_details.tool_calls  # type: ignore[union-attr]
              if isinstance(c, FunctionToolCallDelta)]
    arguments = "".join(p.function.arguments or "" for p in pieces if p.function)
    call = run.required_action.submit_tool_outputs.tool_calls[0]  # type: ignore[union-attr]
    assert arguments == call.function.arguments and pieces[0].id == call.id
    with client.stream_submit_tool_outputs(
            thread.id, run.id, tool_outputs=[{"tool_call_id": call.id, "output": "hail"}]) as stream:
        text = "".join(e.data.text or "" for e in stream if isinstance(e, MessageDeltaEvent))
    assert stream.final_run is not None and stream.final_run.status == "completed"
    assert "hail" in text


def test_the_async_client_submits_the_same_way(engine: EngineProcess, client: OpenAIClient):
    thread_id, run = _waiting_run(client)
    call = run.required_action.submit_tool_outputs.tool_calls[0]

    async def go() -> tuple[Any, str]:
        async with AsyncOpenAIClient(api_key=engine.api_key, base_url=engine.base_url) as aio:
            aio.polling_interval_seconds = 0.05
            done = await aio.submit_tool_outputs_and_poll(
                thread_id, run.id, tool_outputs=[{"tool_call_id": call.id, "output": "mist"}])
            second_thread, second = _waiting_run(client)
            again = second.required_action.submit_tool_outputs.tool_calls[0]
            stream = await aio.stream_submit_tool_outputs(
                second_thread, second.id,
                tool_outputs=[{"tool_call_id": again.id, "output": "dew"}])
            async with stream:
                text = "".join([piece async for piece in stream.text_deltas()])
            return done, text

    done, text = asyncio.run(go())
    assert done.status == "completed" and "dew" in text
