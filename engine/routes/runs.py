"""Runs and run steps: create (also streamed), create thread and run, list, retrieve, modify,
cancel."""

from __future__ import annotations

import queue
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from core.types.runs import (
    RunCreateParams,
    RunUpdateParams,
    SubmitToolOutputsParams,
    ThreadAndRunCreateParams,
)
from engine import objects
from engine.conversation import add_message
from engine.conversation import create_thread as store_thread
from engine.errors import Conflict, InvalidRequest, NotFound
from engine.function_tools import check_tool_choice
from engine.ids import new_id, now
from engine.llm.local import LOCAL_MODEL_ID
from engine.pagination import ListQueryDep, list_page
from engine.resources import BetaDep, check_model, check_resources_json, check_tools
from engine.runner.events import Event
from engine.runner.executor import RUN_TTL_SECONDS, RunExecutor
from engine.runner.tool_calls import WAITING, record_outputs, waiting_step
from engine.sse import sse_data, sse_response
from engine.state import EngineState, ProjectDep, StateDep

router = APIRouter(tags=["runs"], dependencies=[BetaDep])
POLL_AFTER_MS = "100"  # a built-in-model turn takes tens of milliseconds
STEP_CONTENT = "step_details.tool_calls[*].file_search.results[*].content"
Include = Annotated[list[str] | None, Query(alias="include[]")]


def _runner(state: EngineState) -> RunExecutor:
    runner: RunExecutor = state.runner
    return runner


def _new_run(state: EngineState, assistant: dict[str, Any], thread_id: str,
             body: RunCreateParams | ThreadAndRunCreateParams) -> dict[str, Any]:
    model = body.model or assistant["model"]
    check_model(state.settings, model)
    tools = check_tools(body.tools if body.tools is not None else assistant.get("tools"),
                        model=model)
    tool_choice = body.tool_choice if isinstance(body.tool_choice, str | None) \
        else body.tool_choice.model_dump(mode="json", exclude_none=True)
    check_tool_choice(tool_choice, tools, built_in=model == LOCAL_MODEL_ID)
    response_format = body.response_format or assistant.get("response_format") or "auto"
    kind = response_format if isinstance(response_format, str) else response_format.get("type") \
        if isinstance(response_format, dict) else response_format.type
    if model == LOCAL_MODEL_ID and kind not in ("auto", "text"):
        raise InvalidRequest(
            "The built-in model answers with quoted text only; it can't produce JSON output.",
            param="response_format", code="unsupported_value")
    instructions = body.instructions if body.instructions is not None else assistant.get(
        "instructions")
    extra = getattr(body, "additional_instructions", None)
    if extra:
        instructions = f"{instructions}\n\n{extra}" if instructions else extra
    created = now()
    return {
        "id": new_id("run_"), "object": "thread.run", "created_at": created,
        "thread_id": thread_id, "assistant_id": assistant["id"], "status": "queued",
        "required_action": None, "last_error": None,
        "expires_at": created + state.settings.run_expiry_seconds,
        "started_at": None, "cancelled_at": None, "failed_at": None, "completed_at": None,
        # The spec types a run's instructions as a string: none at all is "", not null.
        "incomplete_details": None, "model": model, "instructions": instructions or "",
        "tools": tools, "metadata": body.metadata or {}, "usage": None,
        "temperature": body.temperature if body.temperature is not None
        else assistant.get("temperature"),
        "top_p": body.top_p if body.top_p is not None else assistant.get("top_p"),
        "max_prompt_tokens": body.max_prompt_tokens,
        "max_completion_tokens": body.max_completion_tokens,
        "truncation_strategy": (body.truncation_strategy.model_dump(mode="json")
                                if body.truncation_strategy else
                                {"type": "auto", "last_messages": None}),
        "tool_choice": tool_choice,
        "parallel_tool_calls": True if body.parallel_tool_calls is None
        else body.parallel_tool_calls,
        "response_format": response_format if isinstance(response_format, str | dict)
        else response_format.model_dump(mode="json"),
    }


def _start(state: EngineState, run: dict[str, Any], response: Response,
           stream: bool | None, first_events: list[tuple[str, dict[str, Any]]]) -> Any:
    """Queue the run; streamed, `first_events` open the stream and the run's own follow."""
    runner = state.runner
    if not stream:
        runner.submit(run["id"])
        response.headers["openai-poll-after-ms"] = POLL_AFTER_MS
        return run
    listener = runner.bus.subscribe(run["id"])
    runner.submit(run["id"])
    return sse_response(_stream(runner, run["id"], listener, first_events))


def _created(run: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [("thread.run.created", run), ("thread.run.queued", run)]


def _stream(runner: RunExecutor, run_id: str, listener: queue.Queue[Event],
            first: list[tuple[str, dict[str, Any]]]) -> Iterator[str]:
    try:
        for name, data in first:
            yield sse_data(data, event=name)
        while True:
            try:
                name, payload = listener.get(timeout=RUN_TTL_SECONDS)
            except queue.Empty:
                break
            if name == "done":
                break
            yield sse_data(payload or {}, event=name)
        yield sse_data("[DONE]", event="done")
    finally:
        runner.bus.unsubscribe(run_id, listener)


def _active_run(conn: Any, thread_id: str) -> None:
    row = conn.execute("SELECT id FROM runs WHERE thread_id = ? AND status IN ('queued',"
                       " 'in_progress', 'cancelling', 'requires_action')",
                       (thread_id,)).fetchone()
    if row is not None:
        raise Conflict(f"Thread {thread_id} already has an active run {row[0]}.",
                       code="thread_locked")


@router.post("/threads/{thread_id}/runs", response_model=None)
def create_run(state: StateDep, project: ProjectDep, thread_id: str, body: RunCreateParams,
               response: Response) -> dict[str, Any] | StreamingResponse:
    state.runner.admit()  # a full run queue answers 429 with Retry-After
    pending = []
    with state.db.write() as conn:
        thread = objects.fetch(conn, "threads", thread_id, param="thread_id", project=project)
        assistant = objects.fetch(conn, "assistants", body.assistant_id, param="assistant_id", project=project)
        _active_run(conn, thread_id)
        run = _new_run(state, assistant, thread_id, body)
        for i, message in enumerate(body.additional_messages or []):
            _, more = add_message(conn, thread, message, param=f"additional_messages[{i}]",
                                  project=project)
            pending += more
        objects.insert(conn, "runs", run)
    for job in pending:
        state.ingestion.enqueue(*job)
    return _start(state, run, response, body.stream, _created(run))


@router.post("/threads/runs", response_model=None)
def create_thread_and_run(state: StateDep, project: ProjectDep, body: ThreadAndRunCreateParams,
                          response: Response) -> dict[str, Any] | StreamingResponse:
    state.runner.admit()  # a full run queue answers 429 with Retry-After
    with state.db.write() as conn:
        assistant = objects.fetch(conn, "assistants", body.assistant_id, param="assistant_id", project=project)
        thread, pending = store_thread(conn, body.thread, project=project)
        if body.tool_resources is not None:
            check_resources_json(conn, body.tool_resources.model_dump(mode="json"), project)
            thread["tool_resources"] = body.tool_resources.model_dump(mode="json",
                                                                       exclude_none=True)
            objects.save(conn, "threads", thread)
        run = _new_run(state, assistant, thread["id"], body)
        objects.insert(conn, "runs", run)
    for job in pending:
        state.ingestion.enqueue(*job)
    return _start(state, run, response, body.stream, [("thread.created", thread), *_created(run)])


@router.get("/threads/{thread_id}/runs")
def list_runs(state: StateDep, project: ProjectDep, thread_id: str, query: ListQueryDep) -> dict[str, Any]:
    conn = state.db.read()
    objects.fetch(conn, "threads", thread_id, param="thread_id", project=project)
    return list_page(conn, "runs", query, objects.render, where="thread_id = ?",
                     params=(thread_id,))


@router.get("/threads/{thread_id}/runs/{run_id}")
def retrieve_run(state: StateDep, project: ProjectDep, thread_id: str, run_id: str, response: Response) -> dict[str, Any]:
    run = objects.fetch(state.db.read(), "runs", run_id, param="run_id", where="thread_id = ?",
                        params=(thread_id,), project=project)
    if run["status"] == WAITING and run["expires_at"] <= now():
        state.runner.expire_waiting(run_id)
        run = objects.fetch(state.db.read(), "runs", run_id)
    if run["status"] in ("queued", "in_progress", "cancelling"):
        response.headers["openai-poll-after-ms"] = POLL_AFTER_MS
    return run


@router.post("/threads/{thread_id}/runs/{run_id}")
def modify_run(state: StateDep, project: ProjectDep, thread_id: str, run_id: str, body: RunUpdateParams) -> dict[str, Any]:
    with state.db.write() as conn:
        run = objects.fetch(conn, "runs", run_id, param="run_id", where="thread_id = ?",
                            params=(thread_id,), project=project)
        if "metadata" in body.model_fields_set:
            run["metadata"] = body.metadata or {}
        return objects.save(conn, "runs", run)


@router.post("/threads/{thread_id}/runs/{run_id}/cancel")
def cancel_run(state: StateDep, project: ProjectDep, thread_id: str, run_id: str) -> dict[str, Any]:
    run = objects.fetch(state.db.read(), "runs", run_id, param="run_id", where="thread_id = ?",
                        params=(thread_id,), project=project)
    if run["status"] not in ("queued", "in_progress", "cancelling", WAITING):
        raise InvalidRequest(f"Cannot cancel run with status '{run['status']}'.",
                             param="run_id", code="run_not_active")
    return state.runner.cancel(run_id)


@router.post("/threads/{thread_id}/runs/{run_id}/submit_tool_outputs", response_model=None)
def submit_tool_outputs(state: StateDep, project: ProjectDep, thread_id: str, run_id: str,
                        raw: Annotated[dict[str, Any], Body()],
                        response: Response) -> dict[str, Any] | StreamingResponse:
    """Answer a run's function calls: the outputs go into its step and the run goes on."""
    state.runner.expire_waiting(run_id)  # outputs that come too late find the run expired
    with state.db.write() as conn:
        run = objects.fetch(conn, "runs", run_id, param="run_id", where="thread_id = ?",
                            params=(thread_id,), project=project)
        # Checked after the run is found: another project's run is absent (404), whatever
        # the body says.
        try:
            body = SubmitToolOutputsParams.model_validate(raw)
        except ValidationError as exc:
            raise RequestValidationError(
                [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from exc
        step = waiting_step(conn, run_id) if run["status"] == WAITING else None
        if step is None:
            raise InvalidRequest(f"Runs in status '{run['status']}' do not accept tool outputs.",
                                 param="run_id", code="run_not_requires_action")
        stamp = now()
        record_outputs(step, body.tool_outputs, stamp)
        objects.save(conn, "run_steps", step)
        run.update(status="queued", required_action=None,
                   expires_at=stamp + state.settings.run_expiry_seconds)
        objects.save(conn, "runs", run)
    return _start(state, run, response, body.stream,
                  [("thread.run.step.completed", step), ("thread.run.queued", run)])


def _render_step(include: list[str] | None):
    with_content = bool(include and STEP_CONTENT in include)

    def render(row: Any) -> dict[str, Any]:
        step = objects.render(row)
        if not with_content:
            for call in step["step_details"].get("tool_calls", []):
                for result in (call.get("file_search") or {}).get("results", []):
                    result["content"] = []
        return step

    return render


@router.get("/threads/{thread_id}/runs/{run_id}/steps")
def list_run_steps(state: StateDep, project: ProjectDep, thread_id: str, run_id: str, query: ListQueryDep,
                   include: Include = None) -> dict[str, Any]:
    conn = state.db.read()
    objects.fetch(conn, "runs", run_id, param="run_id", where="thread_id = ?", params=(thread_id,), project=project)
    return list_page(conn, "run_steps", query, _render_step(include), where="run_id = ?",
                     params=(run_id,))


@router.get("/threads/{thread_id}/runs/{run_id}/steps/{step_id}")
def retrieve_run_step(state: StateDep, project: ProjectDep, thread_id: str, run_id: str, step_id: str,
                      include: Include = None) -> dict[str, Any]:
    row = state.db.read().execute(
        "SELECT data FROM run_steps WHERE id = ? AND run_id = ? AND thread_id = ?"
        " AND project_id = ?", (step_id, run_id, thread_id, project)).fetchone()
    if row is None:
        raise NotFound("run step", step_id, param="step_id")
    return _render_step(include)(row)
