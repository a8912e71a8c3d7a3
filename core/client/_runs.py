"""Runs and run steps: create (plain or streamed), list, modify, cancel, wait, answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, overload

from core.client._base import coerce_params, request_body, require_id
from core.client._messages import MessagesMixin
from core.client._pagination import Page, RunListQueryParameters, RunStepListQueryParameters
from core.client._polling import RUN_TERMINAL
from core.client._streaming import AssistantEventStream
from core.errors import RunFailedError
from core.types.messages import Message
from core.types.run_steps import RunStep
from core.types.runs import (
    Run,
    RunCreateParams,
    RunUpdateParams,
    SubmitToolOutputsParams,
    ThreadAndRunCreateParams,
)

RunParams = RunCreateParams | Mapping[str, Any] | None
ThreadAndRunParams = ThreadAndRunCreateParams | Mapping[str, Any] | None


def _runs_path(thread_id: str, run_id: str | None = None) -> str:
    path = f"/threads/{require_id('thread_id', thread_id)}/runs"
    return path if run_id is None else f"{path}/{require_id('run_id', run_id)}"


def _include(include: list[str] | None) -> dict[str, list[str]] | None:
    return {"include[]": include} if include else None


class RunsMixin(MessagesMixin):
    @overload
    def create_run(
        self,
        thread_id: str,
        params: RunParams = None,
        /,
        *,
        stream: Literal[False] = False,
        include: list[str] | None = None,
        **fields: Any,
    ) -> Run: ...

    @overload
    def create_run(
        self,
        thread_id: str,
        params: RunParams = None,
        /,
        *,
        stream: Literal[True],
        include: list[str] | None = None,
        **fields: Any,
    ) -> AssistantEventStream: ...

    def create_run(
        self,
        thread_id: str,
        params: RunParams = None,
        /,
        *,
        stream: bool = False,
        include: list[str] | None = None,
        **fields: Any,
    ) -> Run | AssistantEventStream:
        """Start a run of an assistant on a thread; `stream=True` returns its events."""
        if stream:
            fields["stream"] = True
        body = coerce_params(RunCreateParams, params, fields)
        path = _runs_path(thread_id)
        if body.stream:
            return self._stream(path, body, params=_include(include))
        response = self._request(
            "POST", path, json_body=request_body(body), params=_include(include)
        )
        return self._parse(response, Run)

    def stream_run(
        self, thread_id: str, params: RunParams = None, /, **fields: Any
    ) -> AssistantEventStream:
        """`create_run(..., stream=True)`: iterate the run's typed events as they happen."""
        return self.create_run(thread_id, params, stream=True, **fields)

    @overload
    def create_thread_and_run(
        self, params: ThreadAndRunParams = None, /, *, stream: Literal[False] = False, **fields: Any
    ) -> Run: ...

    @overload
    def create_thread_and_run(
        self, params: ThreadAndRunParams = None, /, *, stream: Literal[True], **fields: Any
    ) -> AssistantEventStream: ...

    def create_thread_and_run(
        self, params: ThreadAndRunParams = None, /, *, stream: bool = False, **fields: Any
    ) -> Run | AssistantEventStream:
        """Create a thread and start a run on it in one request."""
        if stream:
            fields["stream"] = True
        body = coerce_params(ThreadAndRunCreateParams, params, fields)
        if body.stream:
            return self._stream("/threads/runs", body)
        return self._post("/threads/runs", Run, body)

    def get_run(self, thread_id: str, run_id: str) -> Run:
        return self._get(_runs_path(thread_id, run_id), Run)

    def get_runs(
        self, thread_id: str, query: RunListQueryParameters | None = None, /, **params: Any
    ) -> Page[Run]:
        query = coerce_params(RunListQueryParameters, query, params)
        return self._list(_runs_path(thread_id), Run, query)

    def modify_run(
        self,
        thread_id: str,
        run_id: str,
        params: RunUpdateParams | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> Run:
        body = coerce_params(RunUpdateParams, params, fields)
        return self._post(_runs_path(thread_id, run_id), Run, body)

    def cancel_run(self, thread_id: str, run_id: str) -> Run:
        return self._post(f"{_runs_path(thread_id, run_id)}/cancel", Run, None)

    def submit_tool_outputs(
        self,
        thread_id: str,
        run_id: str,
        params: SubmitToolOutputsParams | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> Run:
        """Answer a run in `requires_action` with the outputs of its function calls."""
        body = coerce_params(SubmitToolOutputsParams, params, fields)
        return self._post(f"{_runs_path(thread_id, run_id)}/submit_tool_outputs", Run, body)

    def wait_for_run_to_complete(self, thread_id: str, run_id: str) -> Run:
        """Poll a run until it stops: completed, failed, cancelled, expired, incomplete, or
        requires_action (which waits on the caller)."""
        return self._poll(
            _runs_path(thread_id, run_id),
            Run,
            object_type="run",
            object_id=run_id,
            terminal=RUN_TERMINAL,
        )

    def run_and_get_assistant_message(
        self, thread_id: str, params: RunParams = None, /, **fields: Any
    ) -> Message:
        """Run, wait, and return the assistant's message of that run, annotations included.

        Raises RunFailedError when the run ends in any status but `completed`.
        """
        run = self.wait_for_run_to_complete(
            thread_id, self.create_run(thread_id, params, **fields).id
        )
        if run.status != "completed":
            error = run.last_error.message if run.last_error else None
            raise RunFailedError(run.id, run.status, error)
        messages = self.get_thread_messages(thread_id, run_id=run.id, order="desc", limit=100)
        for message in messages:
            if message.role == "assistant":
                return message
        raise RunFailedError(run.id, run.status, "the run completed without an assistant message")

    def run_and_get_assistant_response(
        self, thread_id: str, params: RunParams = None, /, **fields: Any
    ) -> str:
        """Run, wait, and return the text of the assistant's answer (the seed's contract)."""
        return self.run_and_get_assistant_message(thread_id, params, **fields).text

    def get_run_step(
        self, thread_id: str, run_id: str, step_id: str, *, include: list[str] | None = None
    ) -> RunStep:
        path = f"{_runs_path(thread_id, run_id)}/steps/{require_id('step_id', step_id)}"
        return self._get(path, RunStep, _include(include))

    def get_run_steps(
        self,
        thread_id: str,
        run_id: str,
        query: RunStepListQueryParameters | None = None,
        /,
        **params: Any,
    ) -> Page[RunStep]:
        query = coerce_params(RunStepListQueryParameters, query, params)
        return self._list(f"{_runs_path(thread_id, run_id)}/steps", RunStep, query)

    def _stream(
        self, path: str, body: Any, *, params: dict[str, Any] | None = None
    ) -> AssistantEventStream:
        response = self._request(
            "POST", path, json_body=request_body(body), params=params, stream=True
        )
        return AssistantEventStream(response)
