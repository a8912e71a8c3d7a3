"""Function tools on runs through an upstream model, driven with the official SDK against the
real engine (in process) whose upstream is a scripted chat-completions server on a loopback
socket (tests/tool_upstream.py): `requires_action`, submitted outputs, streaming, expiry,
restarts, and the built-in model's refusal."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from conformance import assert_conforms
from engine_process import in_process_engine
from tool_upstream import MODEL, WEATHER, ToolUpstream, tool_upstream, upstream_env
from wire import api_error, conforming

KEY = "sk-run-function-tools-0123456789"
LOCAL = "pdf-copilot-local"
BETA = {"OpenAI-Beta": "assistants=v2", "Authorization": f"Bearer {KEY}"}


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    with tool_upstream() as base_url:
        yield base_url


def _engine(data_dir: Path, env: dict[str, str]) -> Any:
    """An in-process engine with these ENGINE_* variables; a context manager of its http."""
    patch = pytest.MonkeyPatch()
    for name, value in env.items():
        patch.setenv(name, value)

    class _Engine:
        def __enter__(self) -> Any:
            self._cm = in_process_engine(data_dir, KEY)
            return self._cm.__enter__()

        def __exit__(self, *exc: Any) -> None:
            try:
                self._cm.__exit__(*exc)
            finally:
                patch.undo()

    return _Engine()


def sdk(http: Any) -> openai.OpenAI:
    return openai.OpenAI(api_key=KEY, base_url="http://testserver/v1", http_client=http,
                         max_retries=0)


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory, upstream: str) -> Iterator[Any]:
    with _engine(tmp_path_factory.mktemp("run-tools"), upstream_env(upstream)) as client:
        yield client


@pytest.fixture(scope="module")
def client(http: Any) -> openai.OpenAI:
    return sdk(http)


def _thread_and_assistant(client: openai.OpenAI, question: str, **assistant: Any):
    made = client.beta.assistants.create(model=MODEL, tools=[WEATHER],  # type: ignore[list-item]
                                         **assistant)
    thread = client.beta.threads.create(messages=[{"role": "user", "content": question}])
    return made, thread


def _raw_run(http: Any, thread_id: str, run_id: str) -> dict[str, Any]:
    response = http.get(f"/v1/threads/{thread_id}/runs/{run_id}", headers=BETA)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert_conforms(body, "RunObject")
    return body


def test_a_run_waits_for_function_outputs_then_answers_with_them(client, http):
    assistant, thread = _thread_and_assistant(client, "Weather for the lighthouse keeper?")
    ToolUpstream.received.clear()
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=50)
    assert run.status == "requires_action", run.last_error
    body = _raw_run(http, thread.id, run.id)
    action = body["required_action"]
    assert action["type"] == "submit_tool_outputs"
    [call] = action["submit_tool_outputs"]["tool_calls"]
    assert call["id"].startswith("call_") and call["type"] == "function"
    assert call["function"] == {"name": "get_weather", "arguments": '{"city": "Oslo"}'}
    assert body["usage"] is None and body["expires_at"] > body["created_at"]
    sent = ToolUpstream.received[-1]
    assert sent["tools"] == [WEATHER] and sent["parallel_tool_calls"] is True

    steps = http.get(f"/v1/threads/{thread.id}/runs/{run.id}/steps", headers=BETA).json()
    assert_conforms(steps, "ListRunStepsResponse")
    assert len(steps["data"]) == 1, [(s["type"], s["step_details"]) for s in steps["data"]]
    [step] = steps["data"]
    assert step["type"] == "tool_calls" and step["status"] == "in_progress"
    assert step["step_details"]["tool_calls"] == [
        {"id": call["id"], "type": "function",
         "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}', "output": None}}]
    # The thread is locked while the run waits.
    error = api_error(lambda: client.beta.threads.messages.create(
        thread_id=thread.id, role="user", content="Hello?"), 409)
    assert error["code"] == "thread_locked"

    raw = client.beta.threads.runs.with_raw_response.submit_tool_outputs(
        run_id=run.id, thread_id=thread.id,
        tool_outputs=[{"tool_call_id": call["id"], "output": "12 °C and windy"}])
    assert conforming(raw, "RunObject")["status"] == "queued"
    run = client.beta.threads.runs.poll(run.id, thread_id=thread.id, poll_interval_ms=50)
    assert run.status == "completed", run.last_error
    assert run.required_action is None
    assert run.usage and run.usage.total_tokens == 36  # two upstream calls of 18 tokens
    message = client.beta.threads.messages.list(thread_id=thread.id, limit=1).data[0]
    assert "12 °C and windy" in message.content[0].text.value  # type: ignore[union-attr]

    followed = ToolUpstream.received[-1]["messages"]
    assert followed[-2] == {"role": "assistant", "content": None, "tool_calls": [
        {"id": call["id"], "type": "function",
         "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'}}]}
    assert followed[-1] == {"role": "tool", "tool_call_id": call["id"],
                            "content": "12 °C and windy"}
    steps = http.get(f"/v1/threads/{thread.id}/runs/{run.id}/steps",
                     params={"order": "asc"}, headers=BETA).json()
    assert_conforms(steps, "ListRunStepsResponse")
    assert [s["type"] for s in steps["data"]] == ["tool_calls", "message_creation"]
    calls = steps["data"][0]
    assert calls["status"] == "completed"
    assert calls["step_details"]["tool_calls"][0]["function"]["output"] == "12 °C and windy"


def test_every_pending_call_needs_one_output(client, http):
    assistant, thread = _thread_and_assistant(client, "Weather in both cities?")
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=50)
    calls = run.required_action.submit_tool_outputs.tool_calls  # type: ignore[union-attr]
    assert [json.loads(c.function.arguments)["city"] for c in calls] == ["Oslo", "Bergen"]
    first, second = calls[0].id, calls[1].id

    def submit(outputs: list[dict[str, str]]) -> Any:
        return client.beta.threads.runs.submit_tool_outputs(
            run_id=run.id, thread_id=thread.id, tool_outputs=outputs)  # type: ignore[arg-type]

    error = api_error(lambda: submit([{"tool_call_id": first, "output": "sun"}]), 400)
    assert second in error["message"] and error["code"] == "missing_tool_outputs"
    error = api_error(lambda: submit([{"tool_call_id": "call_nope", "output": "x"},
                                      {"tool_call_id": second, "output": "y"}]), 400)
    assert "call_nope" in error["message"] and error["param"] == "tool_outputs[0].tool_call_id"
    assert client.beta.threads.runs.retrieve(run.id, thread_id=thread.id).status \
        == "requires_action"
    done = client.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id, thread_id=thread.id, poll_interval_ms=50,
        tool_outputs=[{"tool_call_id": second, "output": "rain"},
                      {"tool_call_id": first, "output": "sun"}])
    assert done.status == "completed"
    error = api_error(lambda: submit([{"tool_call_id": first, "output": "sun"}]), 400)
    assert error["code"] == "run_not_requires_action"


def test_a_run_may_call_functions_again_before_it_answers(client):
    assistant, thread = _thread_and_assistant(client, "Check again after Oslo")
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=50)
    for city, weather in (("Oslo", "sun"), ("Bergen", "rain")):
        assert run.status == "requires_action"
        [call] = run.required_action.submit_tool_outputs.tool_calls  # type: ignore[union-attr]
        assert json.loads(call.function.arguments) == {"city": city}
        run = client.beta.threads.runs.submit_tool_outputs_and_poll(
            run_id=run.id, thread_id=thread.id, poll_interval_ms=50,
            tool_outputs=[{"tool_call_id": call.id, "output": weather}])
    assert run.status == "completed"
    text = client.beta.threads.messages.list(thread_id=thread.id, limit=1).data[0].content[0]
    assert "sun; rain" in text.text.value  # type: ignore[union-attr]
    steps = client.beta.threads.runs.steps.list(run_id=run.id, thread_id=thread.id, order="asc")
    assert [s.type for s in steps.data] == ["tool_calls", "tool_calls", "message_creation"]


def test_tool_choice_and_parallel_tool_calls_reach_the_upstream(client):
    assistant, thread = _thread_and_assistant(client, "Weather in both cities?")
    ToolUpstream.received.clear()
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=50,
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
        parallel_tool_calls=False)
    assert run.tool_choice.function.name == "get_weather"  # type: ignore[union-attr]
    sent = ToolUpstream.received[-1]
    assert sent["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
    assert sent["parallel_tool_calls"] is False
    # The upstream asked for two calls anyway: without parallel calls the client gets one.
    [call] = run.required_action.submit_tool_outputs.tool_calls  # type: ignore[union-attr]
    run = client.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id, thread_id=thread.id, poll_interval_ms=50,
        tool_outputs=[{"tool_call_id": call.id, "output": "sun"}])
    assert run.status == "completed"
    assert ToolUpstream.received[-1]["tool_choice"] == "auto"  # forcing holds for one call
    error = api_error(lambda: client.beta.threads.runs.create(
        thread_id=thread.id, assistant_id=assistant.id,
        tool_choice={"type": "function", "function": {"name": "nope"}}), 400)
    assert error["param"] == "tool_choice.function.name"
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, tool_choice="none",
        poll_interval_ms=50)
    assert run.status == "completed" and ToolUpstream.received[-1]["tool_choice"] == "none"


def test_the_built_in_model_refuses_function_tools_the_same_way_everywhere(client):
    messages = [{"role": "user", "content": "Weather?"}]
    chat = api_error(lambda: client.chat.completions.create(
        model=LOCAL, messages=messages, tools=[WEATHER]), 400)  # type: ignore[arg-type, list-item]
    assistant = api_error(lambda: client.beta.assistants.create(
        model=LOCAL, tools=[WEATHER]), 400)  # type: ignore[list-item]
    plain = client.beta.assistants.create(model=LOCAL)
    thread = client.beta.threads.create(messages=messages)  # type: ignore[arg-type]
    run = api_error(lambda: client.beta.threads.runs.create(
        thread_id=thread.id, assistant_id=plain.id, tools=[WEATHER]), 400)  # type: ignore[list-item]
    upstream_one = client.beta.assistants.create(model=MODEL, tools=[WEATHER])  # type: ignore[list-item]
    switched = api_error(lambda: client.beta.assistants.update(upstream_one.id, model=LOCAL), 400)
    overridden = api_error(lambda: client.beta.threads.runs.create(
        thread_id=thread.id, assistant_id=upstream_one.id, model=LOCAL), 400)
    for error in (chat, assistant, run, switched, overridden):
        assert (error["code"], error["param"], error["message"]) == (
            chat["code"], chat["param"], chat["message"])
    assert chat["code"] == "unsupported_tool" and "built-in model" in chat["message"]
    forced = api_error(lambda: client.beta.threads.runs.create(
        thread_id=thread.id, assistant_id=plain.id, tool_choice="required"), 400)
    assert forced["param"] == "tool_choice" and forced["code"] == "unsupported_tool"
    code = api_error(lambda: client.beta.assistants.create(
        model=MODEL, tools=[{"type": "code_interpreter"}]), 400)
    assert code["code"] == "unsupported_tool"


def _events(http: Any, path: str, body: dict[str, Any]) -> list[tuple[str, Any]]:
    """The (event, data) pairs of a streamed answer, each data checked against the spec."""
    schemas = {"thread.run.step.delta": "RunStepDeltaObject",
               "thread.message.delta": "MessageDeltaObject"}
    with http.stream("POST", path, json={**body, "stream": True}, headers=BETA) as response:
        assert response.status_code == 200, response.read()
        text = "".join(response.iter_text())
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        data = lines["data"] if lines["data"] == "[DONE]" else json.loads(lines["data"])
        name = lines["event"]
        schema = schemas.get(name) or ("RunObject" if name.startswith("thread.run.")
                                       and not name.startswith("thread.run.step") else
                                       "RunStepObject" if name.startswith("thread.run.step")
                                       else "MessageObject" if name.startswith("thread.message")
                                       else None)
        if schema:
            assert_conforms(data, schema)
        events.append((name, data))
    return events


def test_streamed_runs_stop_at_requires_action_and_go_on_after_the_outputs(client, http):
    assistant, thread = _thread_and_assistant(client, "Weather for the keeper?")
    events = _events(http, f"/v1/threads/{thread.id}/runs", {"assistant_id": assistant.id})
    names = [name for name, _ in events]
    assert names[:5] == ["thread.run.created", "thread.run.queued", "thread.run.in_progress",
                         "thread.run.step.created", "thread.run.step.in_progress"]
    assert names[-2:] == ["thread.run.requires_action", "done"]
    assert set(names[5:-2]) == {"thread.run.step.delta"}
    deltas = [d["delta"]["step_details"]["tool_calls"][0] for n, d in events
              if n == "thread.run.step.delta"]
    assert deltas[0]["function"]["name"] == "get_weather" and deltas[0]["id"].startswith("call_")
    arguments = "".join(d["function"].get("arguments", "") for d in deltas)
    run = events[-2][1]
    [call] = run["required_action"]["submit_tool_outputs"]["tool_calls"]
    assert arguments == call["function"]["arguments"] == '{"city": "Oslo"}'

    events = _events(http, f"/v1/threads/{thread.id}/runs/{run['id']}/submit_tool_outputs",
                     {"tool_outputs": [{"tool_call_id": call["id"], "output": "fog"}]})
    names = [name for name, _ in events]
    assert names[:3] == ["thread.run.step.completed", "thread.run.queued",
                         "thread.run.in_progress"]
    assert events[0][1]["step_details"]["tool_calls"][0]["function"]["output"] == "fog"
    assert names[3:7] == ["thread.run.step.created", "thread.run.step.in_progress",
                          "thread.message.created", "thread.message.in_progress"]
    assert names[-4:] == ["thread.message.completed", "thread.run.step.completed",
                          "thread.run.completed", "done"]
    streamed = "".join(d["delta"]["content"][0]["text"]["value"] for n, d in events
                       if n == "thread.message.delta")
    assert "fog" in streamed

    # The SDK's own stream helpers read the same events.
    assistant, thread = _thread_and_assistant(client, "Weather tomorrow?")
    with client.beta.threads.runs.stream(thread_id=thread.id,
                                         assistant_id=assistant.id) as stream:
        stream.until_done()
        run = stream.current_run  # type: ignore[assignment]
    assert run.status == "requires_action"  # type: ignore[union-attr]
    call = run.required_action.submit_tool_outputs.tool_calls[0]  # type: ignore[union-attr]
    with client.beta.threads.runs.submit_tool_outputs_stream(
            run_id=run.id, thread_id=thread.id,  # type: ignore[union-attr]
            tool_outputs=[{"tool_call_id": call.id, "output": "snow"}]) as stream:
        text = "".join(stream.text_deltas)
        final = stream.get_final_run()
    assert final.status == "completed" and "snow" in text


def test_file_search_and_functions_work_in_one_run(client, small_pdf: Path):
    with small_pdf.open("rb") as fh:
        store = client.vector_stores.create(name="keeper")
        client.vector_stores.files.upload_and_poll(vector_store_id=store.id, file=fh)
    assistant, thread = _thread_and_assistant(
        client, "When was the lamp automated, and the weather?",
        tool_resources={"file_search": {"vector_store_ids": [store.id]}})
    client.beta.assistants.update(assistant.id, tools=[{"type": "file_search"}, WEATHER])  # type: ignore[list-item]
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=50)
    assert run.status == "requires_action"
    assert ToolUpstream.received[-1]["tools"] == [WEATHER]  # file_search stays the engine's
    [call] = run.required_action.submit_tool_outputs.tool_calls  # type: ignore[union-attr]
    run = client.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id, thread_id=thread.id, poll_interval_ms=50,
        tool_outputs=[{"tool_call_id": call.id, "output": "calm"}])
    assert run.status == "completed"
    steps = client.beta.threads.runs.steps.list(run_id=run.id, thread_id=thread.id, order="asc")
    kinds = [(s.type, s.step_details.tool_calls[0].type if s.type == "tool_calls" else None)
             for s in steps.data]  # type: ignore[union-attr]
    assert kinds == [("tool_calls", "file_search"), ("tool_calls", "function"),
                     ("message_creation", None)]
    text = client.beta.threads.messages.list(thread_id=thread.id, limit=1).data[0].content[0]
    [annotation] = text.text.annotations  # type: ignore[union-attr]
    assert text.text.value[annotation.start_index:annotation.end_index] \
        == annotation.text  # type: ignore[union-attr]
    assert annotation.file_citation.model_extra["filename"] == small_pdf.name  # type: ignore[union-attr]
    # The upstream wrote "[1]"; the answer carries OpenAI's marker for the first result.
    assert re.fullmatch(r"【\d+:0†source】", annotation.text)  # type: ignore[union-attr]
    assert "[1]" not in text.text.value  # type: ignore[union-attr]
    assert "Sources:" in ToolUpstream.received[-1]["messages"][0]["content"]


def test_a_waiting_run_can_be_cancelled(client):
    assistant, thread = _thread_and_assistant(client, "Weather?")
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=50)
    cancelled = client.beta.threads.runs.cancel(run.id, thread_id=thread.id)
    assert cancelled.status == "cancelled" and cancelled.required_action is None
    [step] = client.beta.threads.runs.steps.list(run_id=run.id, thread_id=thread.id).data
    assert step.status == "cancelled"


def test_a_run_whose_outputs_never_come_expires(tmp_path: Path, upstream: str):
    env = upstream_env(upstream, ENGINE_RUN_EXPIRY_SECONDS="2")
    with _engine(tmp_path, env) as http:
        client = sdk(http)
        assistant, thread = _thread_and_assistant(client, "Weather?")
        run = client.beta.threads.runs.create_and_poll(
            thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=50)
        assert run.status == "requires_action"
        assert run.expires_at is not None and run.expires_at - time.time() <= 2.5
        other = client.beta.threads.runs.create_and_poll(
            thread_id=client.beta.threads.create(
                messages=[{"role": "user", "content": "Weather?"}]).id,
            assistant_id=assistant.id, poll_interval_ms=50)
        time.sleep(3.2)
        # Read: the run is found expired at once; listed: the engine's sweep expired it.
        assert client.beta.threads.runs.retrieve(run.id, thread_id=thread.id).status == "expired"
        [listed] = client.beta.threads.runs.list(thread_id=other.thread_id).data
        assert listed.status == "expired" and listed.required_action is None
        [step] = client.beta.threads.runs.steps.list(run_id=run.id, thread_id=thread.id).data
        assert step.status == "expired" and step.expired_at
        call = run.required_action.submit_tool_outputs.tool_calls[0]  # type: ignore[union-attr]
        error = api_error(lambda: client.beta.threads.runs.submit_tool_outputs(
            run_id=run.id, thread_id=thread.id,
            tool_outputs=[{"tool_call_id": call.id, "output": "late"}]), 400)
        assert error["code"] == "run_not_requires_action" and "expired" in error["message"]


def test_a_waiting_run_survives_a_restart(tmp_path: Path, upstream: str):
    with _engine(tmp_path, upstream_env(upstream)) as http:
        client = sdk(http)
        assistant, thread = _thread_and_assistant(client, "Weather?")
        run = client.beta.threads.runs.create_and_poll(
            thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=50)
        assert run.status == "requires_action"
    with _engine(tmp_path, upstream_env(upstream)) as http:
        client = sdk(http)
        again = client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
        assert again.status == "requires_action" and again.required_action == run.required_action
        call = again.required_action.submit_tool_outputs.tool_calls[0]  # type: ignore[union-attr]
        done = client.beta.threads.runs.submit_tool_outputs_and_poll(
            run_id=run.id, thread_id=thread.id, poll_interval_ms=50,
            tool_outputs=[{"tool_call_id": call.id, "output": "clear"}])
        assert done.status == "completed"
